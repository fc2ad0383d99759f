"""Checks read from the declarations: a feature added tomorrow is checked the same way,
with no list here to keep up to date."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from handlers.core import router
from handlers.core.outgoing import KINDS
from handlers.core.registry import CM, Access, Command, FormSpec, Registry
from handlers.features import registry
from tests.conftest import ROOT
from tests.unit.conftest import as_user, text_of

REGISTRY = registry()
FOLDERS = {p.parent.name for p in (ROOT / "handlers").glob("*/feature.py")}
FAILED = ("Something went wrong", "Quelque chose s’est mal passé")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", sorted({c.path for c in REGISTRY.commands}))
def test_every_command_answers_in_both_languages(deps, path, lang):
    """Typed by a CM with nothing after it: an answer or a form, in the person's language."""
    top, _sep, sub = path.partition(" ")
    req, reply = as_user("cm")
    router.command(deps, req, "cm", f"language {lang}")
    router.command(deps, req, top, sub)
    said = [text_of(m) for m in reply.replies[1:]] + [f.title for f in reply.forms]
    print(f"[{lang}] /{path}: {said[0].splitlines()[0] if said else '-'}")
    assert said, f"/{path} said nothing"
    assert not any(f in s for s in said for f in FAILED), said
    assert all(form.language == lang for form in reply.forms)


def test_every_message_type_has_a_sender_and_is_named_after_its_feature():
    """Kinds are `<feature folder>.<what>` (or `core.`), and a message type left without
    its sender is refused when the registry is built, not found waiting in the outbox."""
    for kind in REGISTRY.senders:
        assert kind.split(".")[0] in FOLDERS | {"core"}, kind
    assert all(kind in REGISTRY.senders for kind, t in KINDS.items() if t.__module__.startswith("handlers."))


def test_a_message_type_without_its_sender_is_refused_at_start():
    def without_the_weekly_tip(reg: Registry) -> None:
        reg.senders.pop("tips.weekly")

    with pytest.raises(ValueError, match=r"message types with no sender: .*\btips\.weekly\b"):
        registry([without_the_weekly_tip])


def test_the_slack_manifest_offers_every_declared_command_and_sub_command():
    manifest = (ROOT / "manifest.yml").read_text()
    hints = dict(re.findall(r"- command: /(\w+)\n(?:\s+\w+:.*\n)*?\s+usage_hint: \"([^\"]*)\"", manifest))
    assert set(hints) == set(REGISTRY.slash_commands)
    for command in REGISTRY.commands:
        top, *sub = command.path.split()
        if command.listed and sub:
            assert sub[0] in re.findall(r"[\w-]+", hints[top]), f"manifest.yml: /{top} usage_hint lacks {sub[0]}"


def test_every_declared_setting_is_read_at_start_and_documented_once():
    names = [s.name for s in REGISTRY.settings]
    assert len(names) == len(set(names))
    assert all(s.help and s.parse(s.default, lambda t: t) is not None or s.default == "" for s in REGISTRY.settings)


def test_the_slack_manifest_declares_every_shortcut_as_the_features_do():
    from handlers.core.i18n import translator

    manifest = (ROOT / "manifest.yml").read_text()
    declared = re.findall(r"- name: (.+)\n\s+type: (\w+)\n\s+callback_id: (\w+)\n\s+description: (.+)", manifest)
    _ = translator("en")
    wanted = [(_(s.name), s.on, s.callback_id, _(s.description)) for s in REGISTRY.shortcuts.values()]
    assert wanted and sorted(declared) == sorted(wanted)


@pytest.mark.parametrize("path", ["cm tip", "cm conseil", "cm charte edit"])
def test_a_command_or_alias_declared_twice_is_refused_at_start(path):
    """`/cm conseil` is an alias of `/cm tip`: a second command by that name would never be reached."""

    def again(reg: Registry) -> None:
        reg.add(Command(path, lambda _uow, _req, _rest: None, "again"))

    with pytest.raises(ValueError, match=f"'/{path}' is declared twice"):
        registry([again])


def test_access_guards_compose_and_the_first_refusal_is_said(deps):
    """`CM | BOB`: the CM and Bob get in, anyone else gets the CM's refusal and nothing runs."""
    ran: list[str] = []
    bob = Access(lambda _uow, req, _subject: req.user_id == "bob", "only Bob")

    def feature(reg: Registry) -> None:
        reg.add(Command("cm both", lambda _uow, req, _rest: ran.append(req.user_id), "both", access=CM | bob))

    deps = replace(deps, features=registry([feature]))
    for user in ("cm", "bob", "leader"):
        req, reply = as_user(user)
        router.command(deps, req, "cm", "both")
    assert ran == ["cm", "bob"]
    assert reply.last == "⛔ Only the CM and admins can use this command. Nothing was changed."


def test_a_form_that_fails_gives_back_what_was_typed(deps):
    def failing(_uow, _req, _values, _state):
        raise RuntimeError("the disk is full")

    def feature(reg: Registry) -> None:
        reg.add(FormSpec("test.failing", lambda _uow, _req, _values: {}, failing))

    req, reply = as_user("leader")
    router.submit_form(
        replace(deps, features=registry([feature])), req, "test.failing", {"a": "Fête", "b": " Samedi "}, ""
    )
    assert reply.last.endswith("What you typed, to copy:\n> Fête\n> \n> Samedi")
