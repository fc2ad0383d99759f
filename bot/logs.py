"""Logging that never shows a token: secrets and anything shaped like a Slack
token are blanked in every record, whoever logged it."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def redact(self, text: str) -> str:
        clean = _TOKEN.sub(r"\1-***", text)
        for secret in self.secrets:
            clean = clean.replace(secret, "***")
        return clean

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text.startswith("As you gave `client` as well"):
            return False  # Bolt reads SLACK_BOT_TOKEN itself; our client carries the same token
        clean = self.redact(text)
        if clean != text:
            record.msg, record.args = clean, None
        return True


class Formatter(logging.Formatter):
    """Tracebacks are for a server's log; in a terminal a person sees one line per problem.
    Either way what an exception says is redacted too."""

    def __init__(self, redact: RedactSecrets, tracebacks: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redactor, self.tracebacks = redact, tracebacks

    def formatException(self, ei: Any) -> str:
        if self.tracebacks:
            return self.redactor.redact(super().formatException(ei))
        first = str(ei[1]).splitlines()[0] if str(ei[1]) else ""
        return self.redactor.redact(f"  ({ei[0].__name__}: {first})")


class JsonFormatter(Formatter):
    """`LOG_FORMAT=json`: one JSON object per line, for a container's log collector."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class OursOnly(logging.Filter):
    """In a terminal command (the doctor, an import…) a library's own line, in English, would
    land between Relais's translated lines: what it says is said by Relais, once, in its words."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.partition(".")[0] in ("bot", "handlers", "storage", "relais")


def setup(
    secrets: list[str],
    level: int = logging.INFO,
    *,
    tracebacks: bool = True,
    json_lines: bool = False,
    libraries: bool = True,
) -> None:
    """`libraries=False` for the terminal commands: only Relais's own lines are shown."""
    handler = logging.StreamHandler()
    redact = RedactSecrets(secrets)
    handler.setFormatter((JsonFormatter if json_lines else Formatter)(redact, tracebacks))
    handler.addFilter(redact)
    if not libraries:
        handler.addFilter(OursOnly())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Each tick and each start's migration check would otherwise fill the log with INFO lines.
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
