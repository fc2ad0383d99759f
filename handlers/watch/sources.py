"""The watch's settings and the sources they configure: any combination, none required."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime
from typing import Protocol, cast

from handlers.core.context import Team
from handlers.core.declarations import Translate
from handlers.core.i18n import N_
from handlers.core.registry import Setting
from handlers.core.schedule import as_written, whole_number
from handlers.watch.found import Page


def _addresses(raw: str, _: Translate) -> tuple[str, ...]:
    return tuple(dict.fromkeys(raw.split()))


MASTODON_URL = Setting(
    "MASTODON_URL", "", as_written, N_("the association's Mastodon server, e.g. https://mastodon.social")
)
MASTODON_TOKEN = Setting("MASTODON_ACCESS_TOKEN", "", as_written,
                         N_("an access token of the association's account (read:notifications read:statuses; write:statuses to reply from Relais)"),
                         secret=True)  # fmt: skip
BLUESKY_SERVICE = Setting("BLUESKY_SERVICE", "https://bsky.social", as_written,
                          N_("the association's Bluesky server (its PDS, or https://bsky.social)"))  # fmt: skip
BLUESKY_HANDLE = Setting(
    "BLUESKY_HANDLE", "", as_written, N_("the association's Bluesky handle, e.g. asso.bsky.social")
)
BLUESKY_PASSWORD = Setting("BLUESKY_APP_PASSWORD", "", as_written,
                           N_("an app password of that account (Settings → Privacy and security → App passwords)"),
                           secret=True)  # fmt: skip
FEEDS = Setting(
    "WATCH_FEEDS", "", _addresses, N_("RSS or Atom alert feeds (Google Alerts, Talkwalker), space-separated")
)
INTERVAL = Setting("WATCH_INTERVAL_SECONDS", "300", whole_number(2), N_("how often each source is read (at least 2)"))
CHANNEL = Setting(
    "WATCH_CHANNEL", "", as_written, N_("the channel id of the watch's cards (empty: the CM queue channel)")
)
BACKFILL = Setting("WATCH_BACKFILL_DAYS", "7", whole_number(), N_("how far back a newly connected source is read"))
SETTINGS = (
    MASTODON_URL,
    MASTODON_TOKEN,
    BLUESKY_SERVICE,
    BLUESKY_HANDLE,
    BLUESKY_PASSWORD,
    FEEDS,
    INTERVAL,
    CHANNEL,
    BACKFILL,
)


class Reader(Protocol):
    def page(self, cursor: str, since: datetime, now: datetime) -> Page: ...

    def close(self) -> None: ...


class Answerer(Protocol):
    def reply(self, post_id: str, text: str, key: str, at: datetime) -> str: ...

    def close(self) -> None: ...


REPLY_LIMITS = {"mastodon": 500, "bluesky": 300}  # Mastodon's characters, Bluesky's graphemes


def answerer(team: Team, name: str) -> closing[Answerer] | None:
    """Where a reply from Relais can be posted: the networks that take one (not a feed)."""
    if name in REPLY_LIMITS and name in names(team):
        return cast("closing[Answerer]", reader(team, name))
    return None


def names(team: Team) -> list[str]:
    """The configured sources, by the name their cursor is kept under."""
    found = ["mastodon"] if MASTODON_URL.of(team) and MASTODON_TOKEN.of(team) else []
    found += ["bluesky"] if BLUESKY_HANDLE.of(team) and BLUESKY_PASSWORD.of(team) else []
    return found + [f"feed:{url}" for url in FEEDS.of(team)]


def label(name: str) -> str:
    """A source as people call it: the network, or the feed's address."""
    return {"mastodon": "Mastodon", "bluesky": "Bluesky"}.get(name, name.removeprefix("feed:"))


def reader(team: Team, name: str) -> closing[Reader]:
    """A source's reader, its connection closed after the round. The clients load here only:
    the process that serves HTTP never polls."""
    if name == "mastodon":
        from handlers.watch.mastodon import Mastodon

        return closing(Mastodon(MASTODON_URL.of(team), MASTODON_TOKEN.of(team)))
    if name == "bluesky":
        from handlers.watch.bluesky import Bluesky

        return closing(Bluesky(BLUESKY_SERVICE.of(team), BLUESKY_HANDLE.of(team), BLUESKY_PASSWORD.of(team)))
    from handlers.watch.feeds import Feed

    return closing(Feed(name.removeprefix("feed:")))
