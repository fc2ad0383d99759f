"""The CM's first weeks: the plan, its progress, its edits, and the nudge of an overdue step."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from handlers.core import jobs, router
from handlers.core.deps import Deps
from tests.unit.conftest import RecordingChat, as_user, text_of

START = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)  # a Monday


def at(deps: Deps, moment: datetime) -> Deps:
    return replace(deps, clock=lambda: moment)


def test_the_plan_shows_steps_weeks_owners_commands_and_progress(deps: Deps) -> None:
    cm, reply = as_user("cm")
    router.command(at(deps, START), cm, "cm", "onboarding")
    text = text_of(reply.replies[-1])
    assert "The CM's first weeks" in text and "░░░░░░░░░░ 0/8" in text
    assert "☐ 1. Learn the association's values, history and how it works — week 1 (8 Nov 2026) — the CM" in text
    assert "↳ /cm role edit" in text and "↳ /cm log" in text
    first = reply.replies[-1].actions[0]
    assert (first.action_id, first.label) == ("onboarding.done", "✓ 1")
    router.action(at(deps, START), cm, "onboarding.done", first.value)
    text = text_of(reply.replies[-1])
    assert "☑ 1." in text and "▓░░░░░░░░░ 1/8" in text and "[↺ 1]" in text
    router.command(at(deps, START), cm, "cm", "onboarding add 2 Rencontrer le trésorier")
    router.command(at(deps, START), cm, "cm", "onboarding rename 2 Auditer les comptes Facebook et Instagram")
    router.command(at(deps, START), cm, "cm", "onboarding week 3 1")
    router.command(at(deps, START), cm, "cm", "onboarding remove 9")  # the steps are in the order they are due
    text = text_of(reply.replies[-1])
    assert "2. Auditer les comptes Facebook et Instagram" in text and "1/8" in text
    assert (
        "5. Rencontrer le trésorier — week 2" in text
        and "3. Look at associations that do well on social networks — week 1" in text
    )
    assert "weekly reporting" not in text
    router.command(at(deps, START), cm, "cm", "onboarding add two Nothing")
    assert "Type /cm onboarding add <week> <title>" in reply.last
    router.command(at(deps, START), cm, "cm", "onboarding remove 42")
    assert "No step has this number" in reply.last


def test_a_leader_sees_the_plan_but_cannot_change_it(deps: Deps) -> None:
    leader, reply = as_user("leader")
    router.command(at(deps, START), leader, "cm", "onboarding")
    assert reply.replies[-1].actions == [] and "0/8" in reply.last
    router.command(at(deps, START), leader, "cm", "onboarding remove 1")
    assert "Only the CM and admins can change the plan" in reply.last
    router.action(at(deps, START), leader, "onboarding.done", "1")
    assert "Only the CM and admins can change the plan" in reply.last


def test_an_overdue_step_is_nudged_once(deps: Deps, chat: RecordingChat) -> None:
    cm, _reply = as_user("cm")
    router.command(at(deps, START), cm, "cm", "onboarding")
    later = at(deps, START + timedelta(days=7, hours=1))  # Monday of week 2: the two week-1 steps are overdue
    for _ in range(3):  # three ticks, or three instances
        jobs.run_due(later)
    nudged = [text_of(m) for u, m in chat.dms if u == "cm"]
    assert len(nudged) == 2 and "planned for week 1 and is not done yet" in nudged[0]
    assert "[Mark as done]" in nudged[0]


def test_an_english_reader_of_a_french_teams_plan_sees_english_owners(deps: Deps) -> None:
    french = replace(at(deps, START), team=replace(deps.team, language="fr"))
    cm, reply = as_user("cm")
    router.command(french, cm, "cm", "onboarding")  # the plan starts, in the team's language
    router.command(french, cm, "cm", "language en")
    router.command(french, cm, "cm", "onboarding")
    text = text_of(reply.replies[-1])
    assert "— the CM with the leaders" in text and "le/la CM" not in text
