"""The guides tell the truth about the settings: every variable Relais reads is in
docs/settings.md and .env.example, and neither names one Relais does not read."""

from __future__ import annotations

import re

from bot.core_settings import CORE
from handlers.features import registry
from scripts.settings import BEGIN, OWN, doc_block, env_block, manifest_block
from tests.conftest import ROOT

DOCUMENTED = re.compile(r"`([A-Z][A-Z_]{3,})`")


def test_every_setting_read_is_documented_and_nothing_else():
    read = {s.name for s in (*CORE, *registry().settings)}
    table = (ROOT / "docs" / "settings.md").read_text().split("## Decisions")[0]
    documented = {
        name for row in table.splitlines() if row.startswith("| `") for name in DOCUMENTED.findall(row.split("|")[1])
    }
    example = set(re.findall(r"(?m)^([A-Z][A-Z_]+)=", (ROOT / ".env.example").read_text()))
    assert documented == read
    assert read - example == {"SLACK_API_URL"}  # the tests' fake only: not a volunteer's setting
    assert example <= read


def test_the_readme_stays_short_and_its_links_lead_somewhere():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    for link in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (ROOT / link).exists(), link


def test_the_features_settings_in_the_docs_are_written_from_their_declarations():
    """`python scripts/settings.py` writes them; a declaration changed without it fails here."""
    settings = registry().settings
    assert {"RECAP_SCHEDULE", "NEWS_CALL_SCHEDULE", "MODERATION_RETENTION_DAYS"} <= {s.name for s in settings}
    assert env_block(settings) in (ROOT / ".env.example").read_text()
    assert doc_block(settings) in (ROOT / "docs" / "settings.md").read_text()
    assert doc_block(CORE, OWN) in (ROOT / "docs" / "settings.md").read_text()  # Relais's own, declared alike
    assert BEGIN in env_block(settings)


def test_the_slack_manifest_offers_the_declared_commands_and_shortcuts():
    """Written by `python scripts/settings.py` too: `/cm`'s usage hint names every listed
    sub-command, the shortcuts are the declared ones."""
    features = registry()
    manifest = (ROOT / "manifest.yml").read_text()
    assert manifest_block(features) in manifest
    assert "| recap [YYYY-Www] |" in manifest and "callback_id: report_comment" in manifest


def test_the_guides_code_is_the_dummy_features_own():
    """docs/adding-a-feature.md shows code copied from tests/dummy_feature (feature.py,
    tables.py), which the tests run: a guide block edited alone, or the dummy changed
    alone, fails here."""
    guide = (ROOT / "docs" / "adding-a-feature.md").read_text()
    dummy = "".join(p.read_text() for p in (ROOT / "tests" / "dummy_feature").glob("*.py"))
    blocks = re.findall(r"```python\n(.*?)```", guide, re.DOTALL)
    assert len(blocks) >= 4
    for block in blocks:
        assert block in dummy, block.splitlines()[0]
