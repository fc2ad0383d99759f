"""The news in the home view: a person's own news, or for the CM the news by
status and what is scheduled next."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.core.dates import write_day
from handlers.core.i18n import number, translator
from handlers.core.messages import Button, Md
from handlers.core.schedule import local_day
from handlers.core.work import UnitOfWork
from handlers.news.cards import STATUS_ICONS, STATUSES, news_line
from handlers.news.form import send_button
from handlers.news.tables import News, NewsEvent

LIST_MAX = 5


def show_news(uow: UnitOfWork, user_id: str, lang: str, cm: bool) -> tuple[Md, list[Button]]:
    _ = translator(lang)
    with uow.reading() as s:
        if not cm:
            mine = s.scalars(select(News).where(News.author_id == user_id).order_by(News.id.desc()).limit(LIST_MAX * 2))
            lines = [news_line(n, lang, uow.team.timezone) for n in mine] or [
                Md.of(_("You have not sent any news yet."))
            ]
            return Md.of("**{h}**\n{l}", h=_("Your news"), l=Md.join(lines)), [send_button(lang)]
        counts = {status: n for status, n in s.execute(select(News.status, func.count()).group_by(News.status))}
    by_status = " · ".join(f"{STATUS_ICONS[k]} {_(STATUSES[k])} {number(counts.get(k, 0), lang)}" for k in STATUSES)
    return Md.of("**{h}**\n{v}", h=_("News"), v=by_status), [send_button(lang)]


def show_scheduled(uow: UnitOfWork, user_id: str, lang: str, cm: bool) -> tuple[Md, list[Button]] | None:
    if not cm:
        return None
    _ = translator(lang)
    today = local_day(uow.clock(), uow.team.timezone)
    with uow.reading() as s:
        scheduled = list(
            s.scalars(
                select(News)
                .where(News.status == "scheduled", News.scheduled_for >= today)
                .order_by(News.scheduled_for)
                .limit(LIST_MAX)
            )
        )
    upcoming = [
        Md.of("• {d} — {t}", d=write_day(n.scheduled_for, lang), t=n.title) for n in scheduled if n.scheduled_for
    ] or [Md.of(_("Nothing scheduled."))]
    return Md.of("**{h}**\n{l}", h=_("Scheduled next"), l=Md.join(upcoming)), []


def news_version(uow: UnitOfWork) -> str:
    with uow.reading() as s:
        return f"{s.scalar(select(func.max(News.id))) or 0}.{s.scalar(select(func.max(NewsEvent.id))) or 0}"
