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
FACEBOOK_PAGE = Setting(
    "FACEBOOK_PAGE_ID", "", as_written, N_("the association's Facebook Page id (Page → About → Page transparency)")
)
FACEBOOK_TOKEN = Setting("FACEBOOK_PAGE_TOKEN", "", as_written,
                         N_("a Page access token of a person with the Page's MODERATE task (docs/facebook.md)"),
                         secret=True)  # fmt: skip
FACEBOOK_GRAPH = Setting("FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v25.0", as_written,
                         N_("Facebook's Graph API, with its version"))  # fmt: skip
YOUTUBE_CHANNEL = Setting("YOUTUBE_CHANNEL_ID", "", as_written, N_("the association's YouTube channel id (UC…)"))
YOUTUBE_KEY = Setting("YOUTUBE_API_KEY", "", as_written,
                      N_("a YouTube Data API key (Google Cloud console → APIs & Services → Credentials)"),
                      secret=True)  # fmt: skip
YOUTUBE_API = Setting("YOUTUBE_API_URL", "https://www.googleapis.com/youtube/v3", as_written,
                      N_("the YouTube Data API's address"))  # fmt: skip
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
    FACEBOOK_PAGE,
    FACEBOOK_TOKEN,
    FACEBOOK_GRAPH,
    YOUTUBE_CHANNEL,
    YOUTUBE_KEY,
    YOUTUBE_API,
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


class Hider(Protocol):
    def hide(self, network_id: str, hidden: bool, at: datetime) -> None: ...

    def close(self) -> None: ...


# Mastodon's characters, Bluesky's graphemes, Facebook's characters (a comment takes 8,000)
REPLY_LIMITS = {"mastodon": 500, "bluesky": 300, "facebook": 8000}
HIDING = ("facebook", "bluesky")  # the networks where the association can hide a message under its posts


def answerer(team: Team, name: str) -> closing[Answerer] | None:
    """Where a reply from Relais can be posted: the networks that take one (not a feed)."""
    if name in REPLY_LIMITS and name in names(team):
        return cast("closing[Answerer]", reader(team, name))
    return None


def hider(team: Team, name: str) -> closing[Hider] | None:
    """Where a message can be hidden from Relais: a network that lets the association hide
    what others write under its posts (Mastodon has no such thing)."""
    if name in HIDING and name in names(team):
        return cast("closing[Hider]", reader(team, name))
    return None


YOUTUBE_LEAST_INTERVAL = 20  # seconds: two units a round at least, 9,000 a day for the watch


def interval(team: Team, name: str) -> int:
    """Seconds between two rounds of a source: `WATCH_INTERVAL_SECONDS`, and for YouTube
    no less than its daily quota allows."""
    every = INTERVAL.of(team)
    return max(every, YOUTUBE_LEAST_INTERVAL) if name == "youtube" else every


def names(team: Team) -> list[str]:
    """The configured sources, by the name their cursor is kept under."""
    found = ["mastodon"] if MASTODON_URL.of(team) and MASTODON_TOKEN.of(team) else []
    found += ["bluesky"] if BLUESKY_HANDLE.of(team) and BLUESKY_PASSWORD.of(team) else []
    found += ["facebook"] if FACEBOOK_PAGE.of(team) and FACEBOOK_TOKEN.of(team) else []
    found += ["youtube"] if YOUTUBE_CHANNEL.of(team) and YOUTUBE_KEY.of(team) else []
    return found + [f"feed:{url}" for url in FEEDS.of(team)]


def label(name: str) -> str:
    """A source as people call it: the network, or the feed's address."""
    return {"mastodon": "Mastodon", "bluesky": "Bluesky", "facebook": "Facebook", "youtube": "YouTube"}.get(
        name, name.removeprefix("feed:")
    )


def reader(team: Team, name: str) -> closing[Reader]:
    """A source's reader, its connection closed after the round. The clients load here only:
    the process that serves HTTP never polls."""
    if name == "mastodon":
        from handlers.watch.mastodon import Mastodon

        return closing(Mastodon(MASTODON_URL.of(team), MASTODON_TOKEN.of(team)))
    if name == "bluesky":
        from handlers.watch.bluesky import Bluesky

        return closing(Bluesky(BLUESKY_SERVICE.of(team), BLUESKY_HANDLE.of(team), BLUESKY_PASSWORD.of(team)))
    if name == "facebook":
        from handlers.watch.facebook import Facebook

        return closing(Facebook(FACEBOOK_GRAPH.of(team), FACEBOOK_PAGE.of(team), FACEBOOK_TOKEN.of(team)))
    if name == "youtube":
        from handlers.watch.youtube import YouTube

        return closing(YouTube(YOUTUBE_API.of(team), YOUTUBE_CHANNEL.of(team), YOUTUBE_KEY.of(team), INTERVAL.of(team)))
    from handlers.watch.feeds import Feed

    return closing(Feed(name.removeprefix("feed:")))
