"""`relais doctor`'s and `/healthz`'s view of the watch: each configured source tried
for real (reachable, the token or app password accepted, notifications readable), with
what to do; each source's last successful read, as an age."""

from __future__ import annotations

from datetime import datetime

from handlers.core.context import Team
from handlers.core.i18n import N_, translator
from handlers.watch.found import Refused, SourceError, explained
from handlers.watch.sources import interval, label, names, reader

TODO = {
    "mastodon": N_("check MASTODON_URL and MASTODON_ACCESS_TOKEN (a token with read:notifications read:statuses)"),
    "bluesky": N_("check BLUESKY_SERVICE, BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password)"),
    "facebook": N_(
        "check FACEBOOK_PAGE_ID and FACEBOOK_PAGE_TOKEN: a Page token of a person with the MODERATE "
        "task, made as docs/facebook.md says"
    ),
    "youtube": N_("check YOUTUBE_CHANNEL_ID (UC…) and YOUTUBE_API_KEY (a key with the YouTube Data API v3 enabled)"),
    "feed": N_("check the address in WATCH_FEEDS: it should open an RSS or Atom feed"),
}
LIMITED = N_(
    "wait: Relais reads it again by itself once the network allows; if it comes back often, raise "
    "WATCH_INTERVAL_SECONDS"
)


def doctor(team: Team, now: datetime) -> list[tuple[bool, str, str]]:
    """(ok, what was seen, what to do) per configured source, in the team's language; nothing is stored."""
    return [_try(team, name, now) for name in names(team)]


def _try(team: Team, name: str, now: datetime) -> tuple[bool, str, str]:
    _ = translator(team.language)
    try:
        with reader(team, name) as source:
            who = getattr(source, "whoami", None)
            opened = who() if callable(who) else ""
            source.page("", now, now)  # one page of notifications, or the feed: the scope is right
    except SourceError as problem:
        said = explained(problem.why, problem.said, team.language) if isinstance(problem, Refused) else str(problem)
        todo = _(LIMITED) if problem.limited else _(TODO.get(name, TODO["feed"]))
        return False, _("watch: {source}: {problem}").format(source=label(name), problem=said), todo
    if name == "youtube":
        every = interval(team, name)
        return True, _("watch: YouTube read as {account}; every {n} s, a quiet day takes {units} of the 10,000 "
                       "units YouTube gives a day (Relais stops at 9,000)").format(
            account=opened, n=every, units=86_400 // every * 2), ""  # fmt: skip
    if opened:
        return True, _("watch: {source} read as {account}").format(source=label(name), account=opened), ""
    return True, _("watch: {source} read").format(source=label(name)), ""


def configured(team: Team) -> tuple[tuple[str, str], ...]:
    """The configured sources, each by its stored name and as people call it (for /healthz)."""
    return tuple((name, label(name)) for name in names(team))
