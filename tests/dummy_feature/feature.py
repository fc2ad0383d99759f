"""A feature that exists only for the tests: a command, a button and a form,
declared from this folder alone. If it works on Slack, Mattermost and the
console, a new feature needs no edit under bot/."""

from __future__ import annotations

from handlers.core.context import Deps, Request
from handlers.core.messages import Button, Field, Form, FormErrors, Md, Message
from handlers.core.registry import Registry


def hello(deps: Deps, req: Request, rest: str) -> None:
    req.reply.reply(
        Message(text=Md.of("Hello {who}", who=rest or "there"), actions=[Button("dummy.press", "Press", "42")])
    )


def press(deps: Deps, req: Request, verb: str, value: str) -> None:
    form = Form(
        "dummy.form", "Dummy form", "Send", [Field("word", "A word", max_length=20)], state=value, language="en"
    )
    req.reply.open_form(form)


def validate(deps: Deps, req: Request, values: dict[str, str]) -> FormErrors:
    return {} if values.get("word", "").strip() else {"word": "Say a word."}


def submit(deps: Deps, req: Request, values: dict[str, str], state: str) -> None:
    req.reply.reply(Message(text=Md.of("Dummy got {word} for {state}", word=values["word"], state=state)))


def register(reg: Registry) -> None:
    reg.command("cm dummy", hello, "say hello (test feature)", args="[name]")
    reg.button("dummy", press)
    reg.form("dummy.form", validate, submit)
