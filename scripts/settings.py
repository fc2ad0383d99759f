"""Writes what the features declare into `.env.example` and `docs/settings.md`
(their settings; the docs' table of Relais's own settings too, from bot/core_settings.py)
and `manifest.yml` (the slash commands with their usage hints,
and the shortcuts), between their markers, so none can drift from the
declarations: `python scripts/settings.py` after adding a setting, a command or a
shortcut; tests/unit/test_docs.py fails until it is run."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core_settings import CORE  # noqa: E402
from handlers.core.i18n import translator  # noqa: E402
from handlers.core.registry import Registry, Setting  # noqa: E402
from handlers.features import registry  # noqa: E402

BEGIN, END = "BEGIN what the features declare", "END what the features declare"
OWN = ("BEGIN Relais's own settings", "END Relais's own settings")


def env_block(settings: list[Setting[Any]]) -> str:
    lines = [f"# {BEGIN} (scripts/settings.py writes this part; days: mon..sun, mon,thu or mon-fri)"]
    for s in settings:
        lines += [f"# {s.help[0].upper()}{s.help[1:]}", f"{s.name}={s.default}"]
    return "\n".join([*lines, f"# {END}"])


def doc_block(settings: Sequence[Setting[Any]], markers: tuple[str, str] = (BEGIN, END)) -> str:
    lines = [f"<!-- {markers[0]} (scripts/settings.py writes this table) -->", "", "| variable | meaning | default |",
             "|---|---|---|"]  # fmt: skip
    lines += [f"| `{s.name}` | {s.help} | {f'`{s.default}`' if s.default else 'empty'} |" for s in settings]
    return "\n".join([*lines, "", f"<!-- {markers[1]} -->"])


def manifest_block(features: Registry, url: str = "https://relais.example.org/slack/events") -> str:
    """The Slack manifest's shortcuts and slash commands, in English, as declared."""
    _ = translator("en")
    lines = [f"# {BEGIN} (scripts/settings.py writes this part)", "  shortcuts:"]
    for s in features.shortcuts.values():
        lines += [f"    - name: {_(s.name)}", f"      type: {s.on}", f"      callback_id: {s.callback_id}",
                  f"      description: {_(s.description)}"]  # fmt: skip
    lines.append("  slash_commands:")
    for top in features.slash_commands:
        lines += [f"    - command: /{top}", f"      url: {url}", f"      description: {_(features.descriptions[top])}",
                  f'      usage_hint: "{features.usage_hint(top, _)}"', "      should_escape: false"]  # fmt: skip
    return "\n".join([*lines, f"  # {END}"])


def replaced(text: str, block: str, comment: tuple[str, str], markers: tuple[str, str] = (BEGIN, END)) -> str:
    """`text` with the part between the markers (markers included) replaced by `block`."""
    start = text.index(comment[0] + " " + markers[0])
    end = text.index(comment[0] + " " + markers[1]) + len(comment[0] + " " + markers[1]) + len(comment[1])
    return text[:start] + block + text[end:]


def main() -> None:
    settings = registry().settings
    env, doc = ROOT / ".env.example", ROOT / "docs" / "settings.md"
    env.write_text(replaced(env.read_text(), env_block(settings), ("#", "")))
    doc.write_text(replaced(doc.read_text(), doc_block(settings), ("<!--", " -->")))
    doc.write_text(replaced(doc.read_text(), doc_block(CORE, OWN), ("<!--", " -->"), OWN))
    manifest = ROOT / "manifest.yml"
    manifest.write_text(replaced(manifest.read_text(), manifest_block(registry()), ("#", "")))


if __name__ == "__main__":
    main()
