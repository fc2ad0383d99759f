"""`relais doctor` as the first step of docs/deploy.md: it creates nothing, an empty or
absent database is fine (relais serve creates its tables), names where ids belong and
an unreachable database server are ✗ lines, and it says where the settings came from."""

from __future__ import annotations

from tests.test_cli import relais

SLACK = {"RELAIS_PLATFORM": "slack", "SLACK_BOT_TOKEN": "xoxb-1-2-doctor", "SLACK_SIGNING_SECRET": "doctor-secret",
         "SLACK_API_URL": "http://127.0.0.1:9/api/", "TEAM_CHANNEL": "CTEAM", "RELAIS_HTTP_TIMEOUT": "1",
         "RELAIS_LANGUAGE": "en"}  # fmt: skip


def test_with_no_configuration_the_doctor_creates_nothing_and_passes(tmp_path):
    result = relais(["doctor"], tmp_path, {"RELAIS_LANGUAGE": "en"})
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"✓ settings read from the environment (no .env file in {tmp_path})" in result.stdout
    assert f"✓ no database yet at {tmp_path / 'relais.db'}: relais serve creates it and its tables" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no relais.db left behind
    (tmp_path / ".env").write_text("RELAIS_LANGUAGE=en\n")
    assert f"✓ settings read from the environment and {tmp_path / '.env'}" in relais(["doctor"], tmp_path).stdout


def test_names_where_ids_belong_and_an_unreachable_database_are_said(tmp_path):
    env = {**SLACK, "CM_QUEUE_CHANNEL": "#cm-queue", "CM_USERS": "@marie, U0123ABCD",
           "DATABASE_URL": "postgresql+psycopg://relais@127.0.0.1:9/relais"}  # fmt: skip
    result = relais(["doctor"], tmp_path, env)
    print(result.stdout)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "✗ CM_QUEUE_CHANNEL is “#cm-queue”, a name: Relais needs the channel's id — in Slack, open the channel's " \
           "details: its id (C…) is at the bottom" in lines  # fmt: skip
    assert any(line.startswith("✗ CM_USERS holds names (@marie): Relais needs each person's id") for line in lines)
    assert any(line.startswith("✗ the database does not answer (") for line in lines)
    assert not any("ERROR" in line or "slack_sdk" in line for line in (result.stdout + result.stderr).splitlines())


def test_an_empty_database_is_fine(tmp_path):
    (tmp_path / "relais.db").write_bytes(b"")  # an empty SQLite file, as `touch` makes it
    result = relais(["doctor"], tmp_path, {"RELAIS_LANGUAGE": "en"})
    assert result.returncode == 0, result.stdout
    assert "✓ the database is empty: relais serve creates its tables when it starts" in result.stdout
