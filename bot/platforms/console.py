"""The console platform: a real backend on stdin/stdout, not a demo. It builds
the same neutral requests as Slack, prints what each channel and DM would show,
numbers the buttons so they can be clicked, and asks forms field by field."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from bot.platforms.console_chat import ADMIN, CM, PLAIN, ConsoleChat, ConsoleReply, Screen, colon
from handlers.core import inbox, router, rows
from handlers.core.context import Request
from handlers.core.deps import Deps
from handlers.core.i18n import translator
from handlers.core.inbound import Click, Command, DirectMessage, Inbound, Mention, Submission
from handlers.core.messages import Field, Form
from handlers.core.ports import Reply

log = logging.getLogger(__name__)


class CommandInstead(Exception):
    """The person typed a command where a form expected an answer."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


class Quit(Exception):
    """/quit typed anywhere, even inside a form."""


YES = ("y", "yes", "o", "oui")


class Console:
    def __init__(self, deps: Deps, screen: Screen, read: Callable[[str], str] = input) -> None:
        self.deps, self.screen, self.read = deps, screen, read
        self.user = "leader"
        # On a terminal, readline reads the line: it edits in place, and it is not cut at the
        # terminal's 4,095 bytes as a line typed or pasted in the kernel's line mode is.
        self.editable = read is input and sys.stdin.isatty()
        if self.editable:
            import readline  # importing it is what makes input() use it

            screen.typed = readline.get_line_buffer

    @property
    def _(self) -> Callable[[str], str]:
        return translator(self.deps.language(self.user))

    @property
    def colon(self) -> str:
        """A prompt's colon in the reader's language, not the team's."""
        return colon(self.deps.language(self.user))

    def say(self, text: str) -> None:
        print(text, file=self.screen.out)

    def run(self) -> None:
        self.say(
            self._(
                "Relais console. You are @{user}. Type /news <text> (\\n starts a new line), /cm help, "
                "/as cm to act as the CM, a number to press a button, /quit to leave; "
                "anything else is a message to Relais."
            ).format(user=self.user)
        )
        while True:
            try:
                line = self._waiting(f"{self.user}> ").strip()
                if line in ("/quit", "/exit"):
                    return
                self.handle(line)
            except (EOFError, KeyboardInterrupt):
                self.say("")
                return
            except Quit:
                return

    def handle(self, line: str) -> None:
        user = self.user
        reply = ConsoleReply(self.screen, user, lambda: self.deps.language(user))
        req = Request(user_id=self.user, reply=reply, channel_id="general")
        if not line:
            return
        if line.startswith("/as"):
            self.user = line[3:].strip().lstrip("@") or self.user
            if isinstance(self.deps.chat, ConsoleChat):  # someone at this keyboard can be named in a form
                self.deps.chat.people.add(self.user.casefold())
            self.say(self._("You are now @{user}.").format(user=self.user))
            return
        if line.isdigit():
            button = self.screen.buttons.get(int(line))
            if button is None:
                self.say(self._("No button has the number {n}.").format(n=line))
                return
            self._take(Click(user, "general", action_id=button.action_id, value=button.value), reply)
        elif line.startswith("/"):
            name, _sep, text = line[1:].replace("\\n", "\n").partition(" ")
            self._take(Command(user, "general", name=name, text=text), reply)
        elif line.startswith("@relais"):  # answered in its thread, through the outbox as on the platforms
            self._take(Mention(user, "general", thread="0", text=line[len("@relais") :]), reply)
        else:  # anything else is a direct message to Relais, as on Slack and Mattermost
            self._take(DirectMessage(user, "general", text=line.replace("\\n", "\n")), reply)
        while reply.forms:
            self.fill(req, reply.forms.pop(0))

    def fill(self, req: Request, form: Form) -> None:
        """Ask each field in turn, each checked as soon as it is answered (a required field left
        empty, a date that does not exist): asked again at once, from what was typed. A field
        needed only with another's value is asked only then. The whole form is checked at the end."""
        _ = self._
        self.say(f"── {form.title} ── " + _("(Ctrl-D to cancel)"))
        if form.intro:
            self.say(PLAIN.render(form.intro))
        values: dict[str, str] = {}
        todo = form.fields
        kept: dict[str, str] = {}  # what was typed in a field refused: asked again from it, never lost
        try:
            while todo:
                for field in todo:
                    if not self._needed(field, values):
                        values[field.name] = ""
                        continue
                    values[field.name] = self._answer(req, form, field, values, kept.get(field.name))
                errors = router.validate_form(self.deps, req, form.form_id, values, form.state)
                for error in errors.values():
                    self.say(f"⚠️ {error}")
                todo = [f for f in form.fields if f.name in errors]
                kept = {f.name: values[f.name] for f in todo}
        except (EOFError, KeyboardInterrupt):
            self.say(_("Form cancelled; nothing was sent."))
            return
        except CommandInstead as typed:  # a command typed in the middle of a form
            self.say(_("Form cancelled; nothing was sent."))
            self.handle(typed.line)
            return
        self._take(Submission(req.user_id, "general", form_id=form.form_id, values=values, state=form.state), req.reply)

    def _take(self, request: Inbound, reply: Reply) -> None:
        """Stored in the inbox before anything runs, then processed at once: the path a
        Slack or Mattermost request takes, with this terminal as the way to answer."""
        try:
            row = inbox.receive(self.deps, rows.new_key("console"), request)
        except Exception:  # e.g. a read-only database: nothing was taken, the person keeps what they typed
            log.exception("could not store a console request")
            req = router.prepared(self.deps, Request(request.user_id, reply, channel_id=request.channel))
            router.apologize(req, request.typed())
            return
        if row is not None:
            inbox.process(self.deps, row, request, reply)

    @staticmethod
    def _needed(field: Field, values: dict[str, str]) -> bool:
        return field.needed_when is None or values.get(field.needed_when[0]) == field.needed_when[1]

    def _answer(self, req: Request, form: Form, field: Field, values: dict[str, str], kept: str | None) -> str:
        """One field, asked until its own check passes: the form's rules run on what is typed
        so far, and only this field's verdict is said (later fields are not asked yet)."""
        required = not field.optional or field.needed_when is not None
        start = kept if kept is not None else field.initial if field.kind in ("line", "date") else None
        while True:
            value = self.ask(field, start or None, required=required)
            problem = router.validate_form(self.deps, req, form.form_id, {**values, field.name: value}, form.state).get(
                field.name
            )
            if problem is None and required and not value.strip():  # the feature's own words first, else these
                problem = self._("This field is required.")
            if problem is None:
                return value
            self.say(f"⚠️ {problem}")
            start = value if field.kind != "select" else None  # a choice refused is not offered back

    def _waiting(self, prompt: str) -> str:
        """A line read with its prompt known to the screen: a message the ticker prints
        meanwhile is followed by the prompt again, and what was typed so far."""
        self.screen.waiting = prompt
        try:
            return self.read(prompt)
        finally:
            self.screen.waiting = None

    def _read(self, prompt: str) -> str:
        """A form's answer. `//` starts it with a slash; `/quit` quits; another command
        cancels the form only once the person says so, keeping what they typed."""
        _ = self._
        while True:
            line = self._waiting(prompt)
            if line.startswith("//"):
                return line[1:]
            if line.strip() in ("/quit", "/exit"):
                raise Quit
            if not line.startswith("/"):
                return line
            answer = self.read(_("Cancel this form and run {command}? (yes/no) ").format(command=line.strip()))
            if answer.strip().casefold() in YES:
                raise CommandInstead(line)
            self.say(_("The form goes on. To start a line with a slash, type it twice: //"))

    def ask(self, field: Field, kept: str | None = None, *, required: bool | None = None) -> str:
        """One field. Asked again after a refusal (`kept`), or offered prefilled, the answer so
        far is shown and Enter keeps it; Ctrl-D on the empty line cancels the form."""
        _ = self._
        optional = field.optional if required is None else not required
        label = field.label + (" " + _("(optional)") if optional else "")
        if field.kind == "paragraph":
            return self._paragraph(field, label, kept)
        if field.kind == "select":
            for i, option in enumerate(field.options, 1):
                self.say(f"  {i}. {option.label}")
            raw = self._line(f"{label} [1-{len(field.options)}]{self.colon}", kept).strip()
            index = int(raw) - 1 if raw.isdigit() else -1
            chosen = field.options[index].value if 0 <= index < len(field.options) else raw
            return chosen or field.initial
        if field.kind == "date":
            example = _("e.g. 12/12, saturday, 2026-12-12")
            return self._line(f"{label} ({example}){self.colon}", kept).strip()
        return self._line(f"{label}{self.colon}", kept).strip()

    def _line(self, prompt: str, kept: str | None) -> str:
        """Never typed in for the person (readline's prefill): on a line holding text, Ctrl-D
        deletes a character instead of cancelling the form."""
        if kept is None or not kept.strip():
            return self._read(prompt)
        self.say(self._("Your answer: {kept} (Enter keeps it)").format(kept=kept))
        return self._read(prompt) or kept

    def _paragraph(self, field, label: str, kept: str | None) -> str:  # type: ignore[no-untyped-def]
        _ = self._
        if kept:
            self.say(_("Your text, kept (a line with a single . keeps it as it is):") + "\n" + kept)
        elif field.initial:
            self.say(_("Current text:") + "\n" + field.initial)
        self.say(
            _("{label}: type your text; an empty line starts a new paragraph, a line with a single . ends it.").format(
                label=label
            )
        )
        lines = []
        while (line := self._read("… ")).strip() != ".":
            lines.append(line)
        return "\n".join(lines).strip("\n") if lines else (kept or field.initial)


def console_team_users(cm_users: frozenset[str], admin_users: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """With nothing configured, `/as cm` and `/as admin` give those roles, so anyone can try every command."""
    return cm_users or frozenset({CM}), admin_users or frozenset({ADMIN})
