"""The guides tell the truth about the settings: every variable Relais reads is in
docs/settings.md and .env.example, and neither names one Relais does not read."""

from __future__ import annotations

import re

from tests.conftest import ROOT

READ = re.compile(r'"([A-Z][A-Z_]{3,})"')
DOCUMENTED = re.compile(r"`([A-Z][A-Z_]{3,})`")


def test_every_setting_read_is_documented_and_nothing_else():
    read = set(READ.findall((ROOT / "bot" / "config.py").read_text()))
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
