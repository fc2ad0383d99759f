"""Nothing acknowledged is lost. An adapter writes every command, click, form
submission and mention here (`receive`, one small insert) before it acknowledges
it, then processes it from here (`process`). A row a crash left unprocessed is
taken up again by the ticker once its lease runs out (`replay`). The key is the
platform's own id where it has one (Slack's event_id, a Mattermost post id, a
click's action_ts): a platform retry finds its row and is answered once.

Use cases mark the row processed inside their own transaction (UnitOfWork), so a
replay racing the original never writes twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from handlers.core import router, rows
from handlers.core.context import Request
from handlers.core.deps import Deps
from handlers.core.inbound import Click, Command, DirectMessage, HomeOpened, Inbound, Mention, Shortcut, Submission
from handlers.core.kept import KeptReply
from handlers.core.messages import FormErrors
from handlers.core.once import claim
from handlers.core.outgoing import Outgoing, Owed
from handlers.core.ports import MessageRef, Reply
from handlers.core.registry import Quoted, Registry
from handlers.core.rows import LEASE
from handlers.core.tables import Inbox
from handlers.core.uow import SqlUnitOfWork, mark_processed
from handlers.core.work import UnitOfWork

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
KEEP = timedelta(days=7)


@dataclass(frozen=True)
class MentionAnswer(Outgoing, kind="core.mention"):
    """The answer to a mention, in its thread."""

    user_id: str = ""
    channel: str = ""
    thread: str = ""
    text: str = ""


def receive(deps: Deps, key: str, request: Inbound) -> int | None:
    """Store before the ack; None when this key was received already (a platform retry)."""
    return receive_many(deps, [(key, request)])[0]


def receive_many(deps: Deps, items: list[tuple[str, Inbound]]) -> list[int | None]:
    """Several requests that arrived together, in one transaction (one disk sync for all)."""
    with deps.db.begin() as s:
        return rows.store(s, items, deps.clock())


def take_up(deps: Deps, row_id: int, request: Inbound) -> None:
    """Process a stored request as it was handed over; a failure is logged, and the row
    stays for the ticker to take up again."""
    try:
        process_stored(deps, row_id, request)
    except Exception:
        log.exception("processing inbox row %s failed", row_id)


def verdict(deps: Deps, form: Submission) -> FormErrors:
    """A submitted form's errors, before it is stored: the platform shows them in the form."""
    req = Request(user_id=form.user_id, reply=deps.chat.reply_to(form.user_id, form.reply), channel_id=form.channel)
    return router.validate_form(deps, req, form.form_id, form.values, form.state)


def process_stored(deps: Deps, row_id: int, request: Inbound) -> None:
    """Process a row with the answer path its adapter stored (response_url, DM...)."""
    process(deps, row_id, request, deps.chat.reply_to(request.user_id, request.reply))


def process(deps: Deps, row_id: int, request: Inbound, reply: Reply) -> None:
    """Run the request a row holds; then the row is done, whatever the outcome (the
    person was answered, or told something went wrong)."""
    kept = KeptReply(deps, row_id, request.user_id, reply)  # what the platform does not take waits in the outbox
    req = Request(user_id=request.user_id, reply=kept, channel_id=request.channel, inbox_id=row_id)
    match request:
        case Command(name=name, text=text):
            router.command(deps, req, name, text)
        case Click(action_id=action_id, value=value):
            router.action(deps, req, action_id, value)
        case Submission(form_id=form_id, values=values, state=state):
            router.submit_form(deps, req, form_id, values, state)
        case HomeOpened():
            router.home_opened(deps, req)
        case DirectMessage(text=text):
            router.direct_message(deps, req, text)
        case Shortcut(callback_id=callback_id, message_id=message_id) if message_id:
            quoted = Quoted(request.message_text, request.message_author, request.channel, message_id)
            router.shortcut(deps, req, callback_id, quoted)
        case Shortcut(callback_id=callback_id):
            router.shortcut(deps, req, callback_id, None)
        case Mention(thread=thread, text=text):
            uow = SqlUnitOfWork(deps, req)
            with uow.writing():
                uow.queue(Owed(MentionAnswer(request.user_id, request.channel, thread, text), f"mention:{row_id}"))
            uow.deliver()
    if row_id not in req.marked:  # a use case that wrote nothing: mark it here
        _done(deps, row_id)


def _done(deps: Deps, row_id: int) -> None:
    with deps.db.begin() as s:
        mark_processed(s, row_id, deps.clock())


def _stale(now: Any) -> Any:
    return and_(Inbox.processed_at.is_(None), or_(Inbox.claimed_until.is_(None), Inbox.claimed_until < now))


def replay(deps: Deps, limit: int = 50) -> int:
    """Process the rows a crash left behind; returns how many were taken up."""
    now = deps.clock()
    query = select(Inbox).where(_stale(now)).order_by(Inbox.id).limit(limit)
    taken = claim(deps, query, _stale(now), lambda row: {"claimed_until": now + LEASE, "attempts": row.attempts + 1})
    for row in taken:
        if row.attempts + 1 > MAX_ATTEMPTS:  # it crashed the process each time: stop, keep it for a person to read
            log.error("inbox row %s (%s) given up after %s attempts", row.id, row.kind, row.attempts)
            _done(deps, row.id)
            continue
        log.info("taking up inbox row %s (%s) left unprocessed", row.id, row.kind)
        process_stored(deps, row.id, Inbound.stored(row.kind, row.payload))
    return len(taken)


def send_mention_answer(uow: UnitOfWork, mention: MentionAnswer, features: Registry) -> None:
    message = router.mention(uow, features, str(mention.user_id), mention.text)
    uow.chat.post(mention.channel, message, thread=MessageRef(mention.channel, mention.thread))


def release(deps: Deps) -> int:
    """At a clean stop: the rows received and not processed are free to be taken up at
    the next start at once, not when their lease runs out. A row a worker still holds
    is safe too: its use case marks it once, whoever gets there first."""
    with deps.db.begin() as s:
        return rows.release(s)


def prune(session: Session, now: datetime) -> None:
    """Processed rows are kept a week, long enough to recognise any platform retry."""
    session.execute(delete(Inbox).where(Inbox.processed_at < now - KEEP))
