"""Every CLI command under every fault a volunteer meets: one translated line and exit
1 or 2, never a traceback. Driven by the parser the declarations build: a new command
without a row in ARGS fails here until someone says how to run it."""

from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.cli import _parser
from handlers.features import registry
from tests.conftest import without_settings
from tests.e2e.processes import free_port

# How each command is run, with what it needs: {tmp} is the test's folder.
ARGS: dict[str, list[str]] = {
    "": [],
    "serve": ["serve", "--port", "0"],
    "console": ["console"],
    "doctor": ["doctor"],
    "migrate": ["migrate"],
    "recap": ["recap", "--week", "2026-S48"],
    "forget": ["forget", "--author", "Jean"],
    "export": ["export", "moderation", "--out", "{tmp}/journal.csv"],
    "import": ["import", "moderation", "{tmp}/journal.csv"],
    "backup": ["backup", "{tmp}/relais.bak"],
    "restore": ["restore", "{tmp}/relais.bak"],
    "mattermost-setup": ["mattermost-setup", "--team", "asso"],
    "watch": ["watch", "poll"],
}
SLACK = {"RELAIS_PLATFORM": "slack", "SLACK_BOT_TOKEN": "xoxb-1-2-fault", "SLACK_SIGNING_SECRET": "fault-secret",
         "CM_QUEUE_CHANNEL": "CQUEUE", "TEAM_CHANNEL": "CTEAM", "RELAIS_HTTP_TIMEOUT": "1"}  # fmt: skip
MATTERMOST = {"RELAIS_PLATFORM": "mattermost", "MATTERMOST_URL": "http://127.0.0.1:9", "MATTERMOST_BOT_TOKEN": "mm",
              "MATTERMOST_COMMAND_TOKENS": "t", "RELAIS_PUBLIC_URL": "https://relais.example.org",
              "CM_QUEUE_CHANNEL": "cqueue", "TEAM_CHANNEL": "cteam", "RELAIS_HTTP_TIMEOUT": "1"}  # fmt: skip
FAULTS: dict[str, dict[str, str]] = {
    "database server unreachable": {**SLACK, "DATABASE_URL": "postgresql+psycopg://relais@127.0.0.1:9/relais"},
    "database folder missing": {**SLACK, "DATABASE_URL": "sqlite:////nonexistent/folder/relais.db"},
    "Mattermost unreachable": {**MATTERMOST, "DATABASE_URL": "sqlite:///{tmp}/relais.db"},
}
RUNS_FINE = {("", "Mattermost unreachable"), ("serve", "Mattermost unreachable"),  # store first: they serve on
             ("console", "Mattermost unreachable"), ("migrate", "Mattermost unreachable"),
             ("export", "Mattermost unreachable"), ("forget", "Mattermost unreachable"),
             ("import", "Mattermost unreachable"), ("recap", "Mattermost unreachable")}  # fmt: skip


def declared_commands() -> list[str]:
    parser = _parser("en", registry())
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return ["", *sub.choices]


def run(command: str, fault: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    clean = without_settings()
    env = {k: v.format(tmp=tmp) for k, v in FAULTS[fault].items()}
    (tmp / "journal.csv").write_text("date;réseau;extrait\n01/11/2026;facebook;Honteux\n", encoding="utf-8")
    (tmp / "relais.bak").write_bytes(b"not a backup")
    args = [a.format(tmp=tmp) for a in ARGS[command]]
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp, env={**clean, **env, "RELAIS_LANGUAGE": "en"},
                          input="", capture_output=True, text=True, timeout=60)  # fmt: skip


def test_every_declared_command_has_a_way_to_run_it():
    assert sorted(declared_commands()) == sorted(ARGS)


def test_every_command_under_every_fault_says_one_line_and_exits_1_or_2(tmp_path):
    cases = [(c, f) for c in declared_commands() for f in FAULTS if (c, f) not in RUNS_FINE]
    folders = []
    for n in range(len(cases)):
        folders.append(tmp_path / str(n))
        folders[-1].mkdir()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: run(*cases[i], folders[i]), range(len(cases))))
    table, wrong = [], []
    for (command, fault), result in zip(cases, results, strict=True):
        said = (result.stderr + result.stdout).strip()
        last = said.splitlines()[-1] if said else ""
        table.append(f"| relais {ARGS[command][0] if ARGS[command] else ''} | {fault} | {last} | {result.returncode} |")
        lines = result.stderr.strip().splitlines()
        one_line = command == "doctor" or len(lines) == 1
        if "Traceback" in said or result.returncode not in (1, 2) or not one_line or not last:
            wrong.append(f"relais {' '.join(ARGS[command])} [{fault}] exit {result.returncode}:\n{said}")
    print("\n".join(["| command | fault | what Relais says | exit |", "|---|---|---|---|", *table]))
    assert wrong == [], "\n\n".join(wrong)


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_the_console_stops_on_a_signal_with_one_line(tmp_path, signal_name):
    """Ctrl-C (SIGINT) or a stop (SIGTERM) while the console waits for a line: no traceback."""
    import signal

    env = without_settings()
    process = subprocess.Popen([sys.executable, "-m", "bot", "console"], cwd=tmp_path, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**env, "RELAIS_LANGUAGE": "en"})  # fmt: skip
    assert process.stdout is not None
    process.stdout.readline()  # the console's first line: it is up, whatever it is doing next
    process.send_signal(getattr(signal, signal_name))
    out, err = process.communicate(timeout=20)
    assert "Traceback" not in out + err and process.returncode in (0, 1, 130, -15, 143), (out, err)


FILE_FAULTS = {  # a file or folder that is not what it should be: (arguments, the one line said)
    "export to .ods": (["export", "moderation", "--out", "{tmp}/journal.ods"],
                       "relais: journal.ods: Relais writes .csv or .xlsx files; give a name ending in one of them."),
    "export to a missing folder": (["export", "news", "--out", "{tmp}/missing/news.xlsx"],
                                   "relais: no such file or folder: {tmp}/missing/news.xlsx"),
    "import a .ods": (["import", "moderation", "{tmp}/journal.ods"],
                      "relais: journal.ods is a LibreOffice spreadsheet (.ods): in LibreOffice, “Save as” Excel "
                      "(.xlsx) or CSV, then import that file."),
}  # fmt: skip


@pytest.mark.parametrize("fault", FILE_FAULTS)
def test_a_file_that_is_not_what_it_should_be_gets_one_line_and_nothing_written(tmp_path, fault):
    import zipfile

    args, line = FILE_FAULTS[fault]
    with zipfile.ZipFile(tmp_path / "journal.ods", "w") as ods:
        ods.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    before = sorted(tmp_path.iterdir())
    clean = without_settings()
    result = subprocess.run([sys.executable, "-m", "bot", *[a.format(tmp=tmp_path) for a in args]], cwd=tmp_path,
                            env={**clean, "RELAIS_LANGUAGE": "en",
                                 "DATABASE_URL": f"sqlite:///{tmp_path}/relais.db"},
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (result.stderr.strip(), result.returncode) == (line.format(tmp=tmp_path), 2)
    assert [p for p in sorted(tmp_path.iterdir()) if p.name != "relais.db"] == before


def test_serve_on_a_port_in_use_says_so_in_one_line_and_never_listening(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        clean = without_settings()
        env = {**clean, **SLACK, "DATABASE_URL": f"sqlite:///{tmp_path}/relais.db", "RELAIS_LANGUAGE": "en"}
        result = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    said = result.stderr + result.stdout
    print(said)
    assert result.returncode in (1, 2) and "Traceback" not in said and "listening" not in said
    assert said.strip().splitlines() == [
        f"relais: port {port} is already in use: stop what listens there, or set PORT (or --port)"]  # fmt: skip


@pytest.mark.parametrize(("setting", "said"), [
    ("RECAP_SCHEDULE=someday", "RECAP_SCHEDULE: expected 'days hour minute'"),
    ("RELAIS_LANGUAGE=xx", "RELAIS_LANGUAGE\u202f: une de ces valeurs est attendue\u202f: fr, en (reçu 'xx')"),
])  # fmt: skip
def test_serve_on_a_database_up_to_date_still_says_a_wrong_setting_in_one_line(tmp_path, setting, said):
    """There the HTTP process takes requests before the back has read every setting
    (bot/front.py): the back's mistake stops it too, with the back's line and code only."""
    env = {**without_settings(), **SLACK, "DATABASE_URL": f"sqlite:///{tmp_path}/relais.db", "RELAIS_LANGUAGE": "en"}
    migrated = subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    name, _eq, value = setting.partition("=")
    port = str(free_port())  # a port of its own: PORT's 3000 may be another run's
    result = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", port], cwd=tmp_path,
                            env={**env, name: value}, capture_output=True, text=True, timeout=60)  # fmt: skip
    lines = (result.stderr + result.stdout).strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and said in lines[0], lines
