"""A feature that exists only for the tests: a command, a button and a form,
declared from this folder alone. If it works on Slack, Mattermost and the
console, a new feature needs no edit under bot/."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import select

from handlers.core.context import Request
from handlers.core.declarations import Imported
from handlers.core.messages import Button, Field, Form, FormErrors, Md, Message
from handlers.core.ports import Quoted
from handlers.core.registry import (
    CM,
    ButtonSpec,
    CliCommand,
    Command,
    Cron,
    Direct,
    EveryTick,
    Exporter,
    FormSpec,
    HomePart,
    Importer,
    Job,
    Mention,
    Nightly,
    Outgoing,
    Owed,
    Registry,
    Sender,
    Sending,
    Setting,
    ShortcutSpec,
    Terminal,
)
from handlers.core.schedule import read_schedule
from handlers.core.work import UnitOfWork
from tests.dummy_feature.tables import SecretWord


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
    with uow.writing() as s:
        s.add(SecretWord(word=values["word"], kept_by=req.user_id))
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


def announce_new_words(uow: UnitOfWork, _now: datetime) -> None:
    """A watch: each secret word kept is announced once, whichever tick or instance sees it first."""
    with uow.reading() as s:
        kept = s.scalars(select(SecretWord.id)).all()
    for word_id in kept:
        uow.queue(Owed(Word("The CM kept a secret word"), f"dummy:kept:{word_id}"))


def export_words(uow: UnitOfWork, _path: Path | None, out: IO[str] | None) -> int:
    with uow.reading() as s:
        words = s.scalars(select(SecretWord.word).order_by(SecretWord.id)).all()
    if out is not None:
        out.write("".join(f"{w}\n" for w in words))
    return len(words)


def import_words(uow: UnitOfWork, actor: str, path: Path, progress: Callable[[int], object]) -> Imported:
    """One word per line; a word already kept is not kept twice."""
    with uow.writing() as s:
        known = set(s.scalars(select(SecretWord.word)).all())
        fresh = [w for w in dict.fromkeys(path.read_text(encoding="utf-8").split()) if w not in known]
        s.add_all(SecretWord(word=w, kept_by=actor) for w in fresh)
    return Imported(loaded=len(fresh), problems=[], already=len(known))


def show_words(uow: UnitOfWork, _user: str, _language: str, cm: bool) -> tuple[Md, list[Button]] | None:
    return (Md.of("Secret words kept: {n}", n=str(_count(uow))), []) if cm else None


def _count(uow: UnitOfWork) -> int:
    with uow.reading() as s:
        return len(s.scalars(select(SecretWord.id)).all())


def wave(uow: UnitOfWork, req: Request, _quoted: Quoted | None) -> None:
    req.reply.reply(Message(text=Md.of("The dummy waves")))


def answer_direct(uow: UnitOfWork, req: Request, text: str) -> bool:
    """Only "dummy?" is the dummy's; anything else goes to the next answer."""
    if text.strip() != "dummy?":
        return False
    req.reply.reply(Message(text=Md.of("The dummy is here")))
    return True


def answer_mention(uow: UnitOfWork, _user: str, text: str) -> Message:
    return Message(text=Md.of("The dummy heard: {t}", t=text))


def register_grown(reg: Registry) -> None:
    """Everything `register` declares, and one of every other kind but a mention (the
    shipped role feature answers mentions; `register_mention` is tested alone)."""
    register(reg)
    reg.add(
        GREETING,
        Command("cm dummy greet", greet, "greet with the dummy's setting (test feature)", args="[name]"),
        ButtonSpec("dummy_secret", open_secret, access=SECRET),
        FormSpec("dummy.secret", lambda uow, req, values: {}, keep_secret, access=SECRET),
        Job("dummy.weekly", Cron(SCHEDULE), weekly),
        Job("dummy.nightly", Nightly(), nightly),
        CliCommand("dummy-hello", "greet from the command line (test feature)", _cli_arguments, _cli),
        Job("dummy.kept", EveryTick(), announce_new_words),
        Exporter("dummy", export_words),
        Importer("dummy", import_words, lambda _: "dummy: one secret word per line (test feature)"),
        HomePart(95, show_words, lambda uow: str(_count(uow))),
        ShortcutSpec("dummy_wave", wave, "Dummy wave", "wave from anywhere (test feature)"),
        Direct(answer_direct, order=1),
    )


def register_mention(reg: Registry) -> None:
    reg.add(Mention(answer_mention))
