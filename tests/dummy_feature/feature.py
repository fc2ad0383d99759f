"""A feature that exists only for the tests: a command, a button and a form,
declared from this folder alone. If it works on Slack, Mattermost and the
console, a new feature needs no edit under bot/."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from handlers.core.context import Request
from handlers.core.messages import Button, Field, Form, FormErrors, Md, Message
from handlers.core.registry import (
    CM,
    ButtonSpec,
    CliCommand,
    Command,
    Cron,
    FormSpec,
    Job,
    Nightly,
    Outgoing,
    Owed,
    Registry,
    Sender,
    Sending,
    Setting,
    Terminal,
)
from handlers.core.schedule import read_schedule
from handlers.core.work import UnitOfWork


def hello(uow: UnitOfWork, req: Request, rest: str) -> None:
    req.reply.reply(
        Message(text=Md.of("Hello {who}", who=rest or "there"), actions=[Button("dummy.press", "Press", "42")])
    )


def press(uow: UnitOfWork, req: Request, verb: str, value: str) -> None:
    form = Form(
        "dummy.form", "Dummy form", "Send", [Field("word", "A word", max_length=20)], state=value, language="en"
    )
    req.reply.open_form(form)


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    return {} if values.get("word", "").strip() else {"word": "Say a word."}


def submit(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
    req.reply.reply(Message(text=Md.of("Dummy got {word} for {state}", word=values["word"], state=state)))


@dataclass(frozen=True)
class Word(Outgoing, kind="dummy.word"):
    """A word the dummy posts in the CM queue channel."""

    text: str


def post_word(uow: UnitOfWork, word: Word, _sending: Sending) -> None:
    uow.chat.post(uow.team.queue_channel, Message(text=Md.of("{t}", t=word.text)))


def register(reg: Registry) -> None:
    reg.add(
        Command("cm dummy", hello, "say hello (test feature)", args="[name]"),
        ButtonSpec("dummy", press),
        FormSpec("dummy.form", validate, submit),
        Sender(Word, post_word),  # how its message type goes out
    )


# Grown to every kind of declaration, still from this folder alone ------------------------

GREETING = Setting("DUMMY_GREETING", "Hello", lambda raw, _: raw or "Hello", "how the dummy greets (test feature)")
SCHEDULE = Setting("DUMMY_SCHEDULE", "", read_schedule, "when the dummy posts its weekly word (empty = off)")
SECRET = CM.refusing("⛔ Only the CM may see the dummy's secret.")


def greet(uow: UnitOfWork, req: Request, rest: str) -> None:
    """`/cm dummy greet [name]`: the greeting comes from the feature's own setting."""
    req.reply.reply(
        Message(
            text=Md.of("{g} {who}", g=GREETING.of(uow.team), who=rest or "there"),
            actions=[Button("dummy_secret.open", "Secret", "7")],
        )
    )


def open_secret(uow: UnitOfWork, req: Request, verb: str, value: str) -> None:
    req.reply.open_form(Form("dummy.secret", "Secret", "Keep", [Field("word", "A secret word")], state=value))


def keep_secret(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
    req.reply.reply(Message(text=Md.of("Secret {word} kept for {state}", word=values["word"], state=state)))


def weekly(uow: UnitOfWork, fired: datetime) -> None:
    uow.queue(Owed(Word("Dummy's weekly word"), f"dummy:weekly:{fired.date()}", due=fired))


def nightly(uow: UnitOfWork, night: datetime) -> str:
    uow.queue(Owed(Word("Dummy's night job ran"), f"dummy:night:{night.date()}"))
    return "dummy: night job ran"


def _cli_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--name", default="there", help="who to greet")


def _cli(uow: UnitOfWork, args: argparse.Namespace, terminal: Terminal) -> int:
    print(f"{GREETING.of(uow.team)} {args.name}", file=terminal.out)
    return 0


def register_grown(reg: Registry) -> None:
    """Everything `register` declares, and a setting, a schedule, a daily job, a CLI
    sub-command and a CM-only button and form."""
    register(reg)
    reg.add(
        GREETING,
        Command("cm dummy greet", greet, "greet with the dummy's setting (test feature)", args="[name]"),
        ButtonSpec("dummy_secret", open_secret, access=SECRET),
        FormSpec("dummy.secret", lambda uow, req, values: {}, keep_secret, access=SECRET),
        Job("dummy.weekly", Cron(SCHEDULE), weekly),
        Job("dummy.nightly", Nightly(), nightly),
        CliCommand("dummy-hello", "greet from the command line (test feature)", _cli_arguments, _cli),
    )
