"""Every declared form refuses bad input in its validator, which the platforms answer
while the form is still open (Slack `response_action: errors`, Mattermost dialog
errors, the console asking again from what was typed): a refusal never closes the
form and drops the text. Driven by the registry, so a new form is covered too."""

from __future__ import annotations

import pytest

from handlers.core import router
from handlers.features import registry
from tests.unit.conftest import as_user

FORMS = sorted(registry().forms)


class Oversized(dict[str, str]):
    """Every field filled far past any limit: 5,000 characters, and no valid choice."""

    def get(self, key: str, default: object = None) -> str:  # type: ignore[override]
        return "x" * 5000

    def __getitem__(self, key: str) -> str:
        return "x" * 5000

    def __contains__(self, key: object) -> bool:
        return True


def test_the_registry_declares_the_forms_people_fill():
    assert {"news.submit", "moderation.log", "charter.role", "reminders.new"} <= set(FORMS)


@pytest.mark.parametrize("form_id", FORMS)
def test_every_form_refuses_oversized_text_before_it_closes(deps, form_id):
    cm, _reply = as_user("cm")
    errors = router.validate_form(deps, cm, form_id, Oversized(), "")
    assert errors and all(isinstance(k, str) and k and v for k, v in errors.items()), errors


def test_a_form_stored_unchecked_is_checked_again_and_refused_by_message_with_what_was_typed(deps):
    """Under `relais serve` a form whose check took longer than Slack waits is stored
    unchecked (bot/front.py); processed from the inbox, it is checked again: nothing is
    stored, and the person reads why, with what they typed."""
    from sqlalchemy import func, select

    from handlers.news.tables import News

    leader, reply = as_user("leader")
    values = {"title": " ", "category": "event", "body": "Samedi 14 h, place Carnot : https://example.org/a?b=1&c=2"}
    router.submit_form(deps, leader, "news.submit", values, "")
    with deps.db() as s:
        assert s.scalar(select(func.count()).select_from(News)) == 0
    said = reply.last
    assert said.startswith("⚠️ The form was not taken:\n• Please give a title.\nWhat you typed, to copy:\n")
    assert "> " in said and "https://example.org/a?b=1&c=2" in said
