"""Every form, in both languages, within Mattermost's dialog limits (counted in
bytes, as the Go server counts them) without our renderer having to cut a label."""

from __future__ import annotations

import pytest

from bot.platforms.console_chat import PLAIN
from bot.platforms.mattermost_render import (
    ELEMENT_LABEL_MAX,
    HELP_TEXT_MAX,
    TITLE_MAX,
    clip_bytes,
    clip_title,
    dialog,
    markup,
)
from bot.platforms.slack_blocks import modal
from handlers.core import router
from handlers.core.deps import Deps
from handlers.core.messages import Form
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation import entries
from handlers.watch.tables import WatchItem, WatchThread
from tests.fakes.mattermost_api import dialog_problems
from tests.fakes.slack_api import view_problems
from tests.unit.conftest import as_user


def every_form(deps: Deps, lang: str) -> list[Form]:
    """Open each form the way a person does: every declared command with no words (those
    that open a form do), then the buttons that ask for words on a news item and an entry."""
    cm_req, cm_reply = as_user("cm")
    leader_req, leader_reply = as_user("leader")
    router.command(deps, cm_req, "cm", f"language {lang}")
    router.command(deps, leader_req, "cm", f"language {lang}")
    router.command(deps, leader_req, "news", "Fête des bénévoles\nSamedi au local")
    news_id = "1"
    entry = entries.store(SqlUnitOfWork(deps), "cm", {"network": "facebook", "excerpt": "Honteux !"})
    for command in deps.features.commands:
        top, _sep, words = command.path.partition(" ")
        router.command(deps, cm_req, top, words)
    router.action(deps, cm_req, "news.schedule", news_id)
    router.action(deps, cm_req, "news.reject", news_id)
    router.action(deps, cm_req, "news.ask", news_id)
    router.submit_form(deps, cm_req, "news.ask", {"note": "Quelle heure ?"}, news_id)
    router.action(deps, leader_req, "news.answer", news_id)
    router.action(deps, cm_req, "moderation.ignored", str(entry))
    router.action(deps, cm_req, "moderation.note", str(entry))
    router.action(deps, cm_req, "watch_reply.open", str(_watched(deps)))
    router.action(deps, cm_req, "watch_hide.open", str(_watched(deps, "facebook")))
    return leader_reply.forms + cm_reply.forms


AUTHORS = {  # as each network's reader stores its author (Facebook gives a name, no handle)
    "mastodon": ("@alice@masto.example", "Alice", "https://masto.example/@alice/20"),
    "facebook": ("Alice Martin", "", "https://www.facebook.com/100/posts/200?comment_id=20"),
}


def _watched(deps: Deps, network: str = "mastodon") -> int:
    """A reply collected by the watch, to open its reply or hide form (the message and a charter above it)."""
    with deps.db.begin() as s:
        thread = WatchThread(key=f"{network} 1", source=network, parent_link="", parent_excerpt="")
        s.add(thread)
        s.flush()
        handle, name, link = AUTHORS[network]
        item = WatchItem(key=f"{network} 2", source=network, network_id="2", post_id="20", network=network,
                         kind="reply", author_handle=handle, author_name=name, text="Encore ?", link=link,
                         posted_at=deps.clock(), thread_id=thread.id)  # fmt: skip
        s.add(item)
        s.flush()
        return item.id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_dialog_fits_mattermost_limits(deps: Deps, lang: str) -> None:
    forms = every_form(deps, lang)
    ids = {f.form_id for f in forms}
    assert ids == set(deps.features.forms)  # every declared form: a new one fails here until it is opened above
    size = lambda text: len(text.encode())
    for form in forms:
        print(f"[{lang}] {form.form_id}: title {form.title!r} = {size(form.title)} bytes")
        assert len(clip_title(form.title).encode()) <= TITLE_MAX
        for field in form.fields:
            print(
                f"    {field.name}: {field.label!r} = {size(field.label)} bytes; help {size(field.hint)} bytes;"
                f" max {field.max_length}"
            )
            assert size(field.label) <= ELEMENT_LABEL_MAX, (form.form_id, field.label)
            assert size(field.hint) <= HELP_TEXT_MAX, (form.form_id, field.hint)
        rendered = dialog(
            form, trigger_id="t", url="https://relais.example.org/mattermost/dialog", state="s", date_hint="AAAA-MM-JJ"
        )
        assert dialog_problems(rendered) == [], form.form_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_modal_fits_block_kit_limits(deps: Deps, lang: str) -> None:
    """The same forms as Slack modals, checked as Slack's views.open checks them."""
    forms = every_form(deps, lang)
    assert {f.form_id for f in forms} == set(deps.features.forms)
    for form in forms:
        view = modal(form, cancel="Annuler" if lang == "fr" else "Cancel", channel="C1").to_dict()
        assert view_problems(view) == [], form.form_id


def test_titles_are_cut_on_a_character_boundary_within_24_bytes() -> None:
    assert clip_title("Charte de prise de parole") == "Charte de prise de…"
    cut = clip_title("Modération de l'actualité n°12")
    assert len(cut.encode()) <= TITLE_MAX and cut == "Modération de…"
    assert clip_title("é" * 20) == "é" * 10 + "…"
    assert clip_title("Programmer") == "Programmer"
    assert clip_bytes("ééééééééééééé", TITLE_MAX) == "é" * 12


def test_the_reply_form_shows_the_message_and_the_speaking_charter_in_french_everywhere(deps: Deps) -> None:
    """The CM answers with the charter in view: the same form as Slack's modal, Mattermost's
    dialog and the console show it, in French."""
    cm_req, cm_reply = as_user("cm")
    router.command(deps, cm_req, "cm", "language fr")
    router.action(deps, cm_req, "watch_reply.open", str(_watched(deps, "facebook")))
    [form] = cm_reply.forms
    view = modal(form, cancel="Annuler", channel="C1").to_dict()
    on_slack = "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    body = dialog(form, trigger_id="t", url="https://relais.example.org/mattermost/dialog", state="s",
                   date_hint="AAAA-MM-JJ", intro=markup(lambda user: user).render(form.intro))  # fmt: skip
    shown = body["dialog"]
    on_console = PLAIN.render(form.intro)
    print(
        f"\nSlack: {view['title']['text']}\n{on_slack}\n{[b['label']['text'] for b in view['blocks'] if b['type'] == 'input']}"
    )
    print(
        f"\nMattermost: {shown['title']}\n{shown['introduction_text']}\n{[e['display_name'] for e in shown['elements']]}"
    )
    print(f"\nConsole: ── {form.title} ──\n{on_console}")
    for said in (on_slack, shown["introduction_text"], on_console):
        assert (
            "Alice Martin" in said
            and "Martin  " not in said
            and "Encore ?" in said
            and "Charte de prise de parole" in said
        )
        assert "Qui parle au nom de l’association" in said
    assert view["title"]["text"] == shown["title"] == form.title == "Répondre sur Facebook"
    [answer] = [b for b in view["blocks"] if b["type"] == "input"]
    assert answer["hint"]["text"].startswith("8\u202f000 caractères au plus sur Facebook")
