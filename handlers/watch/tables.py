"""What the watch collects: each item once (by its source and the network's own id),
the thread it belongs to (the association's post it answers, or its source's hour for
alerts and mentions outside a thread), and each source's cursor and health."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class WatchThread(Base):
    """One card in the watch channel: the replies to one post, or one source's hour."""

    __tablename__ = "watch_threads"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(700), unique=True)  # "<source> <post id>" or "<source> hour:2026-12-07T09"
    source: Mapped[str] = mapped_column(String(300))
    parent_link: Mapped[str] = mapped_column(Text, default="")
    parent_excerpt: Mapped[str] = mapped_column(Text, default="")  # the post's first line


class WatchItem(Base):
    """A reply, mention, quote or alert, its text exactly as written, and how the CM triaged it."""

    __tablename__ = "watch_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(700), unique=True)  # "<source> <the network's id>": stored once
    source: Mapped[str] = mapped_column(String(300))
    network_id: Mapped[str] = mapped_column(String(300))
    post_id: Mapped[str] = mapped_column(String(300), default="")  # what a reply answers: a status id, an at:// URI
    network: Mapped[str] = mapped_column(String(20))  # mastodon | bluesky | alert
    kind: Mapped[str] = mapped_column(String(10))  # reply | mention | quote | alert
    author_handle: Mapped[str] = mapped_column(String(300), default="")
    author_name: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("watch_threads.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="to_triage", index=True)  # to_triage | negative | nothing
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_entries.id"))
    triaged_by: Mapped[str | None] = mapped_column(String(64))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchSource(Base):
    """Where a source stands: its cursor (stored with the page it ends), and its health."""

    __tablename__ = "watch_sources"
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text, default="")  # the newest id read, or a feed's ETag / Last-Modified
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(default=0)  # rounds failed in a row: the back-off grows with them
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # not read before (back-off, Retry-After)
    told_down: Mapped[bool] = mapped_column(default=False)  # the CM was told it has failed for an hour
    why: Mapped[str] = mapped_column(Text, default="")  # a refusal's reason, a message of the catalogs
    said: Mapped[str] = mapped_column(Text, default="")  # the network's own words, quoted in `why`
    limited: Mapped[bool] = mapped_column(default=False)  # the last failure was the network's rate limit or quota


class WatchOutage(Base):
    """A time a source could not be read, for the recap ("Mastodon unreachable from … to …")."""

    __tablename__ = "watch_outages"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: still failing


class WatchWord(Base):
    """A word the CM says marks a message negative, whatever the lexicon thinks (`/cm watch words`)."""

    __tablename__ = "watch_words"
    word: Mapped[str] = mapped_column(String(100), primary_key=True)  # folded: one spelling per word
    written: Mapped[str] = mapped_column(String(100))  # as the CM wrote it
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchReply(Base):
    """A reply the CM wrote in Relais to a collected item, stored before it is sent: once by
    its key (the item and the text), whatever the network says; `link` once it is posted,
    `error` when the network refused it (the text is kept)."""

    __tablename__ = "watch_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # "<item id>:<the text's digest>"
    item_id: Mapped[int] = mapped_column(ForeignKey("watch_items.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="sending")  # sending | posted | refused
    link: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")  # why it was refused: a message of the catalogs
    said: Mapped[str] = mapped_column(Text, default="")  # the network's own words, quoted in `error`


class WatchHide(Base):
    """A message the CM hid from Relais on its network, by a rule of the moderation charter:
    one row per item, stored before the network is asked; an undo is another turn of the
    same row, so each turn is sent once whatever the clicks."""

    __tablename__ = "watch_hides"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("watch_items.id"), unique=True)
    rule: Mapped[str] = mapped_column(Text)  # the charter's rule, as the charter says it; "" for another reason
    note: Mapped[str] = mapped_column(Text, default="")  # the CM's note, the reason itself when no rule applies
    state: Mapped[str] = mapped_column(String(10))  # hiding | hidden | showing | shown | refused
    turn: Mapped[int] = mapped_column(default=1)  # each hide or undo asked: its outbox key
    hidden_by: Mapped[str] = mapped_column(String(64))
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_by: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")  # why the network refused: a message of the catalogs
    said: Mapped[str] = mapped_column(Text, default="")  # the network's own words, quoted in `error`

    @property
    def reason(self) -> str:
        """The rule and the CM's note as the card and the log say them."""
        return " — ".join(part for part in (self.rule, self.note) if part)
