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
