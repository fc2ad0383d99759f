"""Checks read from the declarations: a feature added tomorrow is checked the same way,
with no list here to keep up to date."""

from __future__ import annotations

import re

import pytest

from handlers.core import router
from handlers.core.outgoing import KINDS
from handlers.core.registry import Registry
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
    assert sorted(declared) == sorted(wanted) and len(wanted) == 3
