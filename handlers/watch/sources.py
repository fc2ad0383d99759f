"""The watch's settings and the sources they configure: any combination, none required."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

from handlers.core.context import Team
from handlers.core.i18n import N_
from handlers.core.registry import Setting
from handlers.core.schedule import whole_number
from handlers.watch.found import Page

Translate = Callable[[str], str]


def _text(raw: str, _: Translate) -> str:
    return raw


def _addresses(raw: str, _: Translate) -> tuple[str, ...]:
    return tuple(dict.fromkeys(raw.split()))


MASTODON_URL = Setting("MASTODON_URL", "", _text, N_("the association's Mastodon server, e.g. https://mastodon.social"))
MASTODON_TOKEN = Setting("MASTODON_ACCESS_TOKEN", "", _text,
                         N_("an access token of the association's account (read:notifications read:statuses)"),
                         secret=True)  # fmt: skip
FEEDS = Setting(
    "WATCH_FEEDS", "", _addresses, N_("RSS or Atom alert feeds (Google Alerts, Talkwalker), space-separated")
)
INTERVAL = Setting("WATCH_INTERVAL_SECONDS", "300", whole_number(2), N_("how often each source is read (at least 2)"))
CHANNEL = Setting("WATCH_CHANNEL", "", _text, N_("the channel id of the watch's cards (empty: the CM queue channel)"))
BACKFILL = Setting("WATCH_BACKFILL_DAYS", "7", whole_number(), N_("how far back a newly connected source is read"))
SETTINGS = (MASTODON_URL, MASTODON_TOKEN, FEEDS, INTERVAL, CHANNEL, BACKFILL)


class Reader(Protocol):
    def page(self, cursor: str, since: datetime, now: datetime) -> Page: ...


def names(team: Team) -> list[str]:
    """The configured sources, by the name their cursor is kept under."""
    found = ["mastodon"] if MASTODON_URL.of(team) and MASTODON_TOKEN.of(team) else []
    return found + [f"feed:{url}" for url in FEEDS.of(team)]


@contextmanager
def reader(team: Team, name: str) -> Iterator[Reader]:
    """A source's reader, its connection closed after the round. The clients load here only:
    the process that serves HTTP never polls."""
    if name == "mastodon":
        from handlers.watch.mastodon import Mastodon

        mastodon = Mastodon(MASTODON_URL.of(team), MASTODON_TOKEN.of(team))
        try:
            yield mastodon
        finally:
            mastodon.client.close()
        return
    from handlers.watch.feeds import Feed

    feed = Feed(name.removeprefix("feed:"))
    try:
        yield feed
    finally:
        feed.client.close()
