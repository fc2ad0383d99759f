"""Reports of negative comments from any member, feeding the moderation log."""

from __future__ import annotations

from handlers.core.context import Request
from handlers.core.i18n import N_
from handlers.core.messages import Button, Md
from handlers.core.registry import (
    ButtonSpec,
    Command,
    EveryTick,
    FormSpec,
    HomePart,
    Job,
    Quoted,
    Registry,
    Sender,
    ShortcutSpec,
)
from handlers.core.work import UnitOfWork
from handlers.reports import report


def _home(uow: UnitOfWork, user_id: str, lang: str, cm: bool) -> tuple[Md, list[Button]]:
    """Everyone's home view offers the form, the CM's too."""
    return Md.of("{t}", t=report.home_line(lang)), [report.report_button(lang)]


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm report",
            report.command,
            N_("report a negative comment seen online (a form)"),
            open_ended=True,
            aliases={"fr": ("signaler",)},
        ),
        Command(
            "cm report mine",
            report.mine,
            N_("your reports and how they were handled"),
            aliases={"fr": ("report moi", "report mes", "signaler moi")},
        ),
        ButtonSpec("reports", report.open_form),
        FormSpec(report.FORM, report.validate, report.submit),
        Sender(report.Told, report.told),
        Job("reports.told", EveryTick(), report.watch),
        HomePart(60, _home, lambda _uow: ""),
        ShortcutSpec(
            "report_comment",
            _shortcut,
            N_("Report a negative comment"),
            N_("Hand a negative comment seen online to the CM"),
        ),
    )


def _shortcut(uow: UnitOfWork, req: Request, _quoted: Quoted | None) -> None:
    req.reply.open_form(report.report_form(req.language))
