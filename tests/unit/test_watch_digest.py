"""The CM's morning digest counts the watch's items waiting for a click, even on a
morning without news to decide; it says nothing of the watch once all are triaged."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from handlers.core.deps import Deps
from handlers.watch.tables import WatchItem
from tests.fakes.mastodon_api import TOKEN, FakeMastodon, serving
from tests.unit.conftest import RecordingChat, text_of
from tests.unit.test_reminders import local, rhythm, run

__all__ = ["rhythm"]  # the fixture: the README's schedules, the digest on working days at 9


def test_the_digest_counts_the_items_to_triage(rhythm: Deps, chat: RecordingChat) -> None:
    with serving(FakeMastodon()) as fake:
        d = replace(rhythm, team=replace(rhythm.team, settings={**rhythm.team.settings, "MASTODON_URL": fake.base,
                                                                  "MASTODON_ACCESS_TOKEN": TOKEN}))  # fmt: skip
        post = fake.post("Concert de Noël le 19", local(2026, 11, 30, 18))
        fake.replies(post["id"], 3, local(2026, 11, 30, 19))
        run(d, local(2026, 12, 1, 8), local(2026, 12, 1, 9))  # Tuesday: collected at 8, the digest at 9
        [(user, digest)] = chat.dms
        assert (user, digest.title) == ("cm", "☀️ Your digest")
        assert text_of(digest).startswith("☀️ Your digest\nWatch\n3 to triage in the watch channel (/cm watch)")
        with d.db() as s, s.begin():
            s.execute(update(WatchItem).values(state="nothing"))
        run(d, local(2026, 12, 2, 8), local(2026, 12, 2, 9))  # all triaged: no digest on Wednesday
        assert len(chat.dms) == 1
