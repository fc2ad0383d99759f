"""French as it is printed, in what people read: « » never nested, a capital after a full
stop, no stray space inside quotes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from handlers.core import router
from handlers.core.messages import Md
from tests.unit.conftest import PLAIN, as_user, text_of

NNBSP = "\u202f"


def french(deps):  # type: ignore[no-untyped-def]
    return replace(deps, team=replace(deps.team, language="fr"))


def test_a_title_with_its_own_guillemets_is_quoted_with_english_marks_around_them(deps):
    leader, reply = as_user("leader")
    router.command(french(deps), leader, "news", f"Le «{NNBSP}grand{NNBSP}» loto")
    assert f"«{NNBSP}«" not in reply.last and f"“Le «{NNBSP}grand{NNBSP}» loto”" in reply.last
    router.command(french(deps), leader, "news", "Le loto")
    assert f"«{NNBSP}Le loto{NNBSP}»" in reply.last  # an ordinary title keeps its guillemets


def test_md_of_switches_only_the_quotes_around_a_value_that_holds_guillemets():
    template = f"A «{NNBSP}{{a}}{NNBSP}» et B «{NNBSP}{{b}}{NNBSP}»"
    assert PLAIN.render(Md.of(template, a="« x »", b="y")) == f"A “« x »” et B «{NNBSP}y{NNBSP}»"


def test_a_sentence_after_a_full_stop_starts_with_a_capital(deps):
    deps = replace(french(deps), team=replace(french(deps).team, holidays_country="FR"),
                   clock=lambda: datetime(2026, 12, 1, 8, tzinfo=timezone.utc))  # fmt: skip
    leader, reply = as_user("leader")
    router.submit_form(deps, leader, "reminders.new", {"target": "me", "text": "Vœux", "when": "25/12 10h",
                                                       "repeat": "never"}, "")  # fmt: skip
    assert "à 10:00. Le vendredi 25 décembre 2026 est un jour férié (Noël)" in reply.last


def test_an_unknown_command_alone_is_quoted_without_a_stray_space(deps):
    leader, reply = as_user("leader")
    router.command(french(deps), leader, "nouvelles", "")
    assert f"«{NNBSP}/nouvelles{NNBSP}»" in text_of(reply.replies[-1])


def test_the_recap_thanks_one_reporter_without_repeating_itself():
    from handlers.core.i18n import translator

    _ = translator("fr")
    assert (
        _("**Reported by a member:** {n}. Thank you!").format(n=1)
        == f"**Signalé par un membre{NNBSP}:** 1. Merci{NNBSP}!"
    )
