"""Every sentence Relais can say exists in French, with the same placeholders."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from handlers.core.i18n import LOCALES
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def source_messages() -> set[str]:
    found = set()
    for folder in ("handlers", "bot"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(ROOT / folder, keywords={"_": None, "N_": None}):
            found.add(message)
    return found


def test_french_catalog_covers_every_message_with_the_same_placeholders():
    with (LOCALES / "fr" / "LC_MESSAGES" / "relais.po").open("rb") as fp:
        catalog = read_po(fp)
    messages = source_messages()
    assert len(messages) > 50
    for msgid in messages:
        entry = catalog.get(msgid)
        assert entry is not None and entry.string, f"not translated: {msgid!r}"
        assert set(PLACEHOLDER.findall(entry.string)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_english_catalog_lists_every_message():
    with (LOCALES / "en" / "LC_MESSAGES" / "relais.po").open("rb") as fp:
        catalog = read_po(fp)
    assert source_messages() <= {m.id for m in catalog if m.id}


def test_french_puts_a_narrow_no_break_space_before_double_punctuation():
    """« Statut : », « Réseau : », « pourquoi ? » — as French is printed (U+202F)."""
    with (LOCALES / "fr" / "LC_MESSAGES" / "relais.po").open("rb") as fp:
        catalog = read_po(fp)
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        text = entry.string
        assert not re.search(r"[ \u00a0][:;?!»]|«[ \u00a0]", text), f"a plain space instead of U+202F: {text!r}"
        assert not re.search(r"[\w)*][;?!](\s|$)|[\w)*»]:(\s|$)", text), f"no space before the sign: {text!r}"


def test_french_agrees_with_each_charter_and_quotes_titles_in_sentences():
    from handlers.charters.defaults import SAVED
    from handlers.core.i18n import translator

    _ = translator("fr")
    assert [_(SAVED[k]).format(n=2) for k in ("role", "moderation", "speaking")] == [
        "✅ Rôle du/de la CM enregistré (version 2).",
        "✅ Charte de modération enregistrée (version 2).",
        "✅ Charte de prise de parole enregistrée (version 2).",
    ]
    said = _("Your news “{title}” was approved by {who}.").format(title="Fête des bénévoles", who="@cm")
    assert said == "Votre actualité «\u202fFête des bénévoles\u202f» a été approuvée par @cm."


def test_english_has_no_french_typography_and_french_quotes_with_guillemets():
    """One language per reader: an English sentence has no narrow space before `:;?!`, and a
    French one quotes « like this », never “like this”."""
    messages = source_messages()
    assert [m for m in messages if re.search("\u202f[:;?!]", m)] == []
    with (LOCALES / "fr" / "LC_MESSAGES" / "relais.po").open("rb") as fp:
        catalog = read_po(fp)
    assert [m.string for m in catalog if m.id and ("“" in m.string or "”" in m.string)] == []


def test_notes_on_cards_are_quoted_in_the_readers_language():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from handlers.core.messages import Markup
    from handlers.moderation.cards import _event_line as event_line
    from handlers.moderation.tables import ModerationEvent

    plain = Markup(escape=lambda s: s, mention=lambda u: f"@{u}", bold="")
    event = ModerationEvent(
        handling="replied", actor_id="cm", note="vu", at=datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
    )
    paris = ZoneInfo("Europe/Paris")
    assert plain.render(event_line(event, "fr", paris, first=False)).endswith("— «\u202fvu\u202f»")
    assert plain.render(event_line(event, "en", paris, first=False)).endswith("— “vu”")


def test_french_writes_the_typographic_apostrophe():
    """One rule: ’ in every French message (« l’association », « n’existe »), never '."""
    with (LOCALES / "fr" / "LC_MESSAGES" / "relais.po").open("rb") as fp:
        catalog = read_po(fp)
    straight = [e.string for e in catalog if e.id and re.search(r"[^\W\d_]'[^\W\d_]", str(e.string))]
    assert straight == []
