"""The moderation log's spreadsheet columns, read by the import and written by the export."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.sheets import Column, Sheet

COLUMNS = [
    Column("id", N_("id"), 6),
    Column("seen_at", N_("seen at"), 19, "moment"),
    Column("network", N_("network"), 11),
    Column("link", N_("link"), 40),
    Column("author", N_("author"), 20),
    Column("excerpt", N_("excerpt"), 60),
    Column("severity", N_("severity"), 10),
    Column("handling", N_("handling"), 16),
    Column("reason", N_("reason"), 30),
    Column("note", N_("note"), 30),
    Column("logged_by", N_("logged by"), 12),
    Column("handled_by", N_("handled by"), 12),
    Column("topics", N_("topics"), 24),
    Column("anonymized_at", N_("anonymised at"), 19, "moment"),
    Column("history", N_("history"), 60),  # every change of handling: when, who, handling — note (one per line)
    Column("reports", N_("reported by"), 40),  # each member's report: who — their word for the CM (one per line)
]
LOG = Sheet(N_("Moderation log"), COLUMNS)
IMPORTED = ("seen_at", "network", "link", "author", "excerpt", "severity", "handling", "reason", "note")
REQUIRED = ("network", "excerpt")
BATCH = 1000
