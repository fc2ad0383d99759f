"""The deployment files say what docs/deploy.md promises. CI also runs their own
tools on them (hadolint, `systemd-analyze verify` and `security`); the image itself
cannot be built on the CI machines (no container daemon)."""

from __future__ import annotations

import configparser
import json
import re

import yaml

from tests.conftest import ROOT


def test_the_compose_file_runs_relais_after_a_healthy_postgresql():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    postgres, relais = compose["services"]["postgres"], compose["services"]["relais"]
    assert "pg_isready -h 127.0.0.1" in " ".join(postgres["healthcheck"]["test"])
    assert relais["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert relais["env_file"] == ".env" and relais["restart"] == postgres["restart"] == "unless-stopped"
    # any password works: it goes by libpq's PGPASSWORD, never in the URL, and it must be set
    assert relais["environment"]["DATABASE_URL"] == "postgresql+psycopg://relais@postgres:5432/relais"
    assert relais["environment"]["PGPASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "pgdata" in compose["volumes"] and postgres["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_the_unit_file_restarts_relais_and_keeps_it_to_its_state_directory():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((ROOT / "deploy" / "relais.service").read_text())
    service = unit["Service"]
    assert service["ExecStart"].endswith("relais serve") and service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/relais/relais.env" and service["StateDirectory"] == "relais"
    for hardening in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "DynamicUser"):
        assert service[hardening] == "yes", hardening
    assert service["ProtectSystem"] == "strict" and unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_dockerfile_builds_a_slim_non_root_image_with_a_python_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"(?m)^FROM (\S+)", text)
    assert len(stages) == 2 and all(s.endswith("-slim") or "slim" in s for s in stages)
    user = re.findall(r"(?m)^USER (\S+)", text)
    assert user and user[-1].isdigit() and user[-1] != "0"
    cmd = re.search(r"(?m)^CMD (.+)$", text)
    assert cmd and json.loads(cmd.group(1)) == ["relais", "serve"]  # exec form
    health = re.search(r"(?ms)^HEALTHCHECK .*?CMD (\[.*?\])$", text)
    assert health and json.loads(health.group(1))[0] == "python" and "/healthz" in health.group(1)
    assert "os.environ.get('PORT', '3000')" in health.group(1)  # the port Relais listens on, not always 3000
    assert "[test]" not in text and "tests" in (ROOT / ".dockerignore").read_text().split()
