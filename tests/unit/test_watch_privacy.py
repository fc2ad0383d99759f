"""What the watch keeps of people: `relais forget --author` takes a person's handle and
name off the items (and off the card), the log's retention does it to old items, and
items marked « RAS » keep only what the recap counts after WATCH_RAS_DAYS."""

from __future__ import annotations

import argparse
import io
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from handlers.core import router
from handlers.core.deps import Deps
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation import retention
from handlers.watch import collect, privacy
from handlers.watch.tables import WatchItem
from tests.fakes.mastodon_api import TOKEN, FakeMastodon, serving
from tests.unit.conftest import FEATURES, RecordingChat, as_user, done, text_of


@pytest.fixture
def collected(deps: Deps, chat: RecordingChat) -> Any:
    """Three replies to one post collected; the first set aside « RAS », the second logged."""
    with serving(FakeMastodon()) as fake:
        settings = {**deps.team.settings, "MASTODON_URL": fake.base, "MASTODON_ACCESS_TOKEN": TOKEN}
        d = replace(deps, team=replace(deps.team, settings=settings))
        post = fake.post("Fête de quartier samedi", d.clock() - timedelta(hours=3))
        fake.replies(post["id"], 3, d.clock() - timedelta(hours=1))
        done(collect.poll_due, d, d.clock())
    with d.db() as s:
        first, second, _third = s.scalars(select(WatchItem.id).order_by(WatchItem.id))
    cm, _reply = as_user("cm")
    router.action(d, cm, "watch.nothing", str(first))
    router.action(d, cm, "watch.negative", str(second))
    return d


def items(d: Deps) -> list[tuple[str, str, str, str]]:
    with d.db() as s:
        rows = s.scalars(select(WatchItem).order_by(WatchItem.id))
        return [(i.author_handle, i.author_name, i.link, i.text) for i in rows]


def test_forget_takes_the_person_off_the_items_and_the_card(collected: Deps, chat: RecordingChat) -> None:
    d = collected
    out = io.StringIO()
    [forget] = [c.run for c in FEATURES.cli if c.name == "forget"]
    terminal: Any = argparse.Namespace(out=out, err=io.StringIO())  # what the command writes to
    uow = SqlUnitOfWork(d)
    assert forget(uow, argparse.Namespace(author="@MEMBRE2@ailleurs.example"), terminal) == 0
    uow.deliver()  # as the CLI does once a command returns
    assert out.getvalue() == ("Entries that no longer show this author: 0.\n"
                              "Watch messages that no longer show this author: 1.\n")  # fmt: skip
    assert items(d)[2] == ("", "", "", "@asso Réponse 2 : merci pour l’info ! https://example.org/r?n=2&x=1")
    assert items(d)[1][:2] == ("@membre1@ailleurs.example", "Membre 1")  # the others stay
    _ref, card = chat.updates[-1]
    assert "membre2" not in text_of(card) and "Réponse 2" in text_of(card)
    assert done(privacy.forget_author, d, "Membre 1") == 1  # the name shown finds them too
    assert done(retention.forget_author, d, "@membre1@ailleurs.example") == 1  # and the log's entry


def test_set_aside_items_keep_only_their_counts_after_the_declared_days(collected: Deps) -> None:
    d = collected
    before = items(d)
    assert done(privacy.nightly, d, d.clock() + timedelta(days=29)) == ""
    assert items(d) == before
    said = done(privacy.nightly, d, d.clock() + timedelta(days=31))
    assert said == "kept only the counts of 1 watch items set aside"
    assert items(d)[0] == ("", "", "", "") and items(d)[1:] == before[1:]
    with d.db() as s:
        kept = s.scalars(select(WatchItem).order_by(WatchItem.id)).first()
        assert kept is not None and (kept.network, kept.kind, kept.state) == ("mastodon", "reply", "nothing")
    said = done(privacy.nightly, d, d.clock() + timedelta(days=366))  # the log's retention: a year
    assert said == "removed the author and link of 2 old watch items"
    assert [i[:3] for i in items(d)] == [("", "", "")] * 3 and items(d)[1][3].startswith("@asso Réponse 1")
    assert done(privacy.nightly, d, d.clock() + timedelta(days=367)) == ""  # nothing left to do
