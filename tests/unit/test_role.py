"""`/cm role`: the charter, questions matched forgivingly, edits by the CM only, mentions."""

from __future__ import annotations

import pytest

from handlers.core import router
from handlers.core.uow import SqlUnitOfWork
from tests.unit.conftest import as_user, text_of


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        (
            "fr",
            "peux-tu réparer l'imprimante ?",
            ["Cela ne fait pas partie", "Réparer l’imprimante", "Adressez-vous plutôt au secrétariat."],
        ),
        ("fr", "PEUX-TU REPARER L'IMPRIMANTE", ["Cela ne fait pas partie", "au secrétariat"]),
        (
            "fr",
            "tu peux refaire le site web ?",
            ["Cela ne fait pas partie", "Adressez-vous plutôt au webmestre ou au bureau."],
        ),
        ("fr", "Peux-tu publier notre événement sur Facebook ?", ["Oui, cela fait partie", "Publier les actualités"]),
        (
            "en",
            "can you post our event on Facebook?",
            ["Yes, this is part of the CM's role", "Publish the association's news and events"],
        ),
        ("en", "could you fix the printers?", ["not part of the CM's role", "Please ask the secretariat instead."]),
        ("en", "will you write the internal newsletter", ["not part", "the newsletter team"]),
    ],
)
def test_questions_are_answered_from_the_charter(deps, language, question, expected):
    req, reply = as_user("leader")
    router.command(deps, req, "cm", f"language {language}")
    router.command(deps, req, "cm", f"role {question}")
    for part in expected:
        assert part in reply.last


def test_a_question_outside_the_charter_gets_the_charter_and_a_pointer(deps):
    req, reply = as_user("leader")
    router.command(deps, req, "cm", "role what about quantum physics")
    assert "could not find this" in reply.last and "Fix the printer" in reply.last


def test_role_alone_shows_both_lists(deps):
    req, reply = as_user("leader")
    router.command(deps, req, "cm", "role")
    assert "Part of the CM's role" in reply.last and "Not part of the CM's role" in reply.last
    assert (
        "✅ Publish" in reply.last
        and "🚫 Fix the printer, computers or other equipment → the secretariat" in reply.last
    )


def test_only_the_cm_edits_and_the_new_text_is_used(deps):
    leader, leader_reply = as_user("leader")
    router.command(deps, leader, "cm", "role edit")
    assert "Only the CM" in leader_reply.last and leader_reply.forms == []
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "role edit")
    form = reply.forms[0]
    assert "+ Publish the association's news" in form.fields[0].initial
    assert router.validate_form(deps, cm, "charter.role", {"text": "  "}, "") == {
        "text": "The charter cannot be empty."
    }
    router.submit_form(
        deps,
        cm,
        "charter.role",
        {"text": "We animate.\n+ Film videos\n- Wash the van -> the logistics team"},
        form.state,
    )
    assert "saved (version 1)" in reply.last
    router.command(deps, leader, "cm", "role can you wash the van?")
    assert "the logistics team" in leader_reply.last
    # a forged submission from a leader changes nothing
    router.submit_form(deps, leader, "charter.role", {"text": "+ Everything"}, "en")
    router.command(deps, leader, "cm", "role")
    assert "Film videos" in leader_reply.last and "Everything" not in leader_reply.last


def test_mentions_get_the_role_answer_or_a_hint(deps):
    assert "the secretariat" in text_of(
        router.mention(SqlUnitOfWork(deps), deps.features, "leader", " can you fix the printer?")
    )
    assert "Part of the CM's role" in text_of(
        router.mention(SqlUnitOfWork(deps), deps.features, "leader", " what is the role of the CM")
    )
    assert "Ask me about the CM's role" in text_of(
        router.mention(SqlUnitOfWork(deps), deps.features, "leader", " hello")
    )


def test_help_and_unknown_subcommands(deps):
    leader, reply = as_user("leader")
    router.command(deps, leader, "cm", "help")
    assert "/news mine" in reply.last and "/cm queue" not in reply.last
    cm, cm_reply = as_user("cm")
    router.command(deps, cm, "cm", "")
    assert "/cm queue" in cm_reply.last
    router.command(deps, leader, "cm", "dance now")
    assert "I do not know “/cm dance now”" in reply.last and "/news mine" in reply.last


def test_language_choice(deps):
    leader, reply = as_user("leader")
    router.command(deps, leader, "cm", "language de")
    assert "choose fr or en" in reply.last
    router.command(deps, leader, "cm", "langue fr")
    assert "je vous parle en français" in reply.last
    router.command(deps, leader, "cm", "aide")
    assert "vos actualités et où elles en sont" in reply.last


def test_where_to_go_instead_reads_naturally_in_french():
    from handlers.role.answer import addressed

    assert [addressed(w, "fr") for w in ("le secrétariat", "au secrétariat", "les trésoriers", "la présidente", "Paul")] == [
        "au secrétariat", "au secrétariat", "aux trésoriers", "à la présidente", "à Paul"
    ]  # fmt: skip
    assert addressed("the secretariat", "en") == "the secretariat"


def test_a_charter_line_without_its_task_is_refused_with_its_number(deps):
    cm, _reply = as_user("cm")
    good = "Le/la CM anime nos réseaux.\n+ Publier les actualités\n- Réparer l'imprimante -> au secrétariat"
    assert router.validate_form(deps, cm, "charter.role", {"text": good}, "") == {}
    assert "Line 2" in router.validate_form(deps, cm, "charter.role", {"text": "Intro\n+\n- x"}, "")["text"]
    assert "Line 3" in router.validate_form(deps, cm, "charter.role", {"text": "Intro\n+ x\n- -> personne"}, "")["text"]


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        ("fr", "tu gères la newsletter ?", "Rédiger la lettre d’information interne"),
        ("fr", "can you answer negative comments on Facebook?", "Répondre aux commentaires"),
        ("en", "tu peux répondre aux commentaires ?", "Answer comments and private messages"),
    ],
)
def test_role_questions_match_stems_synonyms_and_the_other_language(deps, language, question, expected):
    req, reply = as_user("leader")
    router.command(deps, req, "cm", f"language {language}")
    router.command(deps, req, "cm", f"role {question}")
    assert expected in reply.last
    assert "(newsletter" not in reply.last  # synonyms help the matching, they are not quoted


def test_synonyms_the_cm_adds_on_a_line_are_understood(deps):
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "language fr")
    text = "Le rôle du CM.\n+ Animer le groupe des bénévoles (whatsapp, messagerie)\n- Tenir la caisse -> au trésorier"
    router.submit_form(deps, cm, "charter.role", {"text": text}, "fr")
    router.command(deps, cm, "cm", "role tu t'occupes du WhatsApp ?")
    assert "Animer le groupe des bénévoles" in reply.last and "whatsapp" not in reply.last


def test_french_help_shows_french_placeholders(deps):
    req, reply = as_user("leader")
    router.command(deps, req, "cm", "language fr")
    router.command(deps, req, "cm", "help")
    assert "/news [texte]" in reply.last and "/cm recap [AAAA-Sss]" in reply.last
    assert "• `/cm recap [AAAA-Sss]` (ou `/cm bilan`) — " in reply.last  # the French alias, in French only
    router.command(deps, req, "cm", "language en")
    router.command(deps, req, "cm", "help")
    assert "• `/cm recap [YYYY-Www]` — " in reply.last and "bilan" not in reply.last
