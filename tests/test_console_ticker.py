"""The console runs the instance's ticker: what falls due while it is open is printed."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta, timezone

from bot.config import Settings
from bot.runner import console


class Watched(io.StringIO):
    """The screen, with a way to wait for a text to appear on it (no sleep, no polling)."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def write(self, s: str) -> int:
        with self.changed:
            n = super().write(s)
            self.changed.notify_all()
        return n

    def wait_for(self, text: str, after: int, timeout: float = 20) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: text in self.getvalue()[after:], timeout)


def test_a_reminder_set_for_two_minutes_later_is_printed_while_the_console_is_open(tmp_path):
    now = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)  # a Tuesday, 9:00 in Paris
    moved = [now]
    out = Watched()
    typed = ["/cm remind", "1", "Relire la charte", ".", "in 2 minutes", "1"]  # for me: no person asked
    printed: list[bool] = []

    def read(prompt: str) -> str:
        out.write(prompt)
        if typed:
            line = typed.pop(0)
            out.write(line + "\n")
            return line
        if not printed:  # the reminder is saved: two minutes and a half pass, the console stays open
            mark = len(out.getvalue())
            moved[0] = now + timedelta(minutes=2, seconds=30)
            printed.append(out.wait_for("Relire la charte", after=mark))
            return "/cm remind list"
        return "/quit"

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'relais.db'}", language="en", tick_seconds=1, holidays_country=""
    )
    console(settings, read=read, out=out, clock=lambda: moved[0])
    transcript = out.getvalue()
    print(transcript)
    assert printed == [True], transcript
    assert "Reminder #1 saved" in transcript
    after = transcript[transcript.index("Reminder #1 saved") :]
    assert "private message to @leader" in after and "Relire la charte" in after
    delivered = after[after.index("private message to @leader") :]
    assert delivered.split("\n\n", 1)[1].startswith("leader> ")  # the prompt shown again below the message
    assert "• #1 Relire la charte — once — next: none (done)" in after  # sent: no "next" in the past


def test_a_person_typed_in_the_console_is_found_with_or_without_at_or_refused_by_name(tmp_path):
    out = Watched()
    typed = [
        "/cm remind",
        "3",
        "bob",
        "@cm",
        "Relire la charte",
        ".",
        "demain 9h",
        "1",
        "/quit",
    ]  # bob: refused at once

    def read(prompt: str) -> str:
        out.write(prompt)
        return typed.pop(0) if typed else "/quit"

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'relais.db'}", language="en", tick_seconds=3600)
    console(settings, read=read, out=out, clock=lambda: datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc))
    transcript = out.getvalue()
    assert "⚠️ I do not know “bob”: choose someone who uses Relais." in transcript
    assert "Reminder #1 saved, for @cm" in transcript and "@@cm" not in transcript
