"""What Relais sends, typed. Each message is a frozen dataclass deriving from
`Outgoing` with its kind (`class NewsCard(Outgoing, kind="news.card")`); its
fields are stored as the outbox row's JSON payload and read back into the same
class, so the code that queues a message and the sender that sends it share one
type, not a string and a dict. `Owed` is a message with its key and due time;
`Sent` is what a sender hands back. This module imports nothing of Relais."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from handlers.core.ports import MessageRef

M = TypeVar("M", bound="Outgoing")
KINDS: dict[str, type[Outgoing]] = {}  # every message type defined, by kind


@dataclass(frozen=True)
class Outgoing:
    """The base of every outbox message. Its fields must be JSON values (str, int,
    bool, None, lists and dicts of them): they are what the row keeps."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, kind: str = "", **rest: Any) -> None:
        super().__init_subclass__(**rest)
        if not kind:
            raise TypeError(f"{cls.__name__} needs its kind: class {cls.__name__}(Outgoing, kind='feature.what')")
        if kind in KINDS and KINDS[kind].__qualname__ != cls.__qualname__:
            raise TypeError(f"the message kind {kind!r} is declared twice ({KINDS[kind].__name__}, {cls.__name__})")
        cls.kind = kind
        KINDS[kind] = cls

    def payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def read(cls: type[M], payload: dict[str, Any]) -> M:
        """The message a row holds (fields the row lacks take their defaults)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in payload.items() if k in names})


@dataclass(frozen=True)
class Owed:
    """A message owed under a unique key (a key owed already adds nothing), due at
    `due` (None: at once, sent right after the transaction that owes it commits)."""

    message: Outgoing
    key: str
    due: datetime | None = None


@dataclass(frozen=True)
class Sending:
    """What a sender may need of its row: its key (to key what follows from it) and
    how many attempts failed before this one (a late delivery may say so)."""

    key: str
    attempts: int


@dataclass(frozen=True)
class CardAt:
    """Where a card was posted: kept with the delivery that posted it (handlers/core/cards.py)."""

    kind: str
    item_id: int
    ref: MessageRef


@dataclass(frozen=True)
class Sent:
    """What a sender hands back: further messages (a thread's replies once the post
    exists) and where the cards it posted are, both kept in the transaction that
    marks the row delivered."""

    more: tuple[Owed, ...] = ()
    cards: tuple[CardAt, ...] = ()

    def __add__(self, other: Sent) -> Sent:
        return Sent(self.more + other.more, self.cards + other.cards)
