"""The platform's shortcuts: "Send to the CM" on any message (the news form prefilled
from it) and "News for the CM" from anywhere (the news form)."""

from __future__ import annotations

from handlers.core.context import Request
from handlers.core.registry import Quoted
from handlers.core.work import UnitOfWork
from handlers.news.form import news_form, prefilled
from handlers.news.sources import state_of


def send_to_cm(uow: UnitOfWork, req: Request, quoted: Quoted | None) -> None:
    if quoted is None:
        req.reply.open_form(news_form(req.language))
    else:
        req.reply.open_form(news_form(req.language, prefilled(quoted.text), state=state_of(quoted)))


def news_for_cm(uow: UnitOfWork, req: Request, _quoted: Quoted | None) -> None:
    req.reply.open_form(news_form(req.language))
