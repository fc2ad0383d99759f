"""`/cm tip`, and the weekly tip in LEADERS_CHANNEL (TIP_SCHEDULE, off by default).
The weekly tip follows the bank in order, one per week, so two weeks in a row never
repeat; `/cm tip` picks another one than the last it gave."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from handlers.core.context import Request
from handlers.core.i18n import N_, translator
from handlers.core.messages import Md, Message
from handlers.core.registry import Outgoing, Owed, Sending, Setting
from handlers.core.schedule import local_day, read_schedule
from handlers.core.tables import TeamState
from handlers.core.work import UnitOfWork
from handlers.tips.bank import TIPS

LAST = "tip:last"
SCHEDULE = Setting("TIP_SCHEDULE", "", read_schedule, N_("weekly tip in LEADERS_CHANNEL (empty = off)"))


def _message(index: int, lang: str) -> Message:
    _ = translator(lang)
    return Message(title=_("💡 Tip {n}/{total}").format(n=index + 1, total=len(TIPS)), text=Md.text(_(TIPS[index])))


def show(uow: UnitOfWork, req: Request, _rest: str) -> None:
    with uow.writing():
        state = uow.session.get(TeamState, LAST)
        last = int(state.value) if state else -1
        index = random.choice([i for i in range(len(TIPS)) if i != last])
        if state is None:
            uow.session.add(TeamState(key=LAST, value=str(index)))
        else:
            state.value = str(index)
    req.reply.reply(_message(index, req.language))


@dataclass(frozen=True)
class WeeklyTip(Outgoing, kind="tips.weekly"):
    """The week's tip in LEADERS_CHANNEL."""

    index: int


def weekly_due(uow: UnitOfWork, moment: datetime) -> None:
    day = local_day(moment, uow.team.timezone)
    week = day.toordinal() // 7  # one more each week: consecutive weeks never give the same tip
    uow.queue(Owed(WeeklyTip(week % len(TIPS)), f"tip:{day}", due=moment))


def send_weekly(uow: UnitOfWork, tip: WeeklyTip, _sending: Sending) -> None:
    if uow.team.leaders_channel:
        uow.chat.post(uow.team.leaders_channel, _message(tip.index, uow.team.language))
