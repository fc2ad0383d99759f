"""How a news item looks: in the CM queue, in a list, in the submitter's DMs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.core.dates import write_day, write_moment
from handlers.core.i18n import N_, translator
from handlers.core.messages import Button, Md, Message, UserRef
from handlers.news.tables import News, NewsEvent

CATEGORIES: dict[str, str] = {
    "event": N_("Event"),
    "achievement": N_("Achievement"),
    "volunteers": N_("Call for volunteers"),
    "press": N_("Press"),
    "other": N_("Other"),
}

STATUSES: dict[str, str] = {
    "new": N_("new"),
    "approved": N_("approved"),
    "scheduled": N_("scheduled"),
    "needs_info": N_("waiting for information"),
    "rejected": N_("rejected"),
    "published": N_("published"),
}

STATUS_ICONS = {
    "new": "🆕",
    "approved": "✅",
    "scheduled": "🗓️",
    "needs_info": "❓",
    "rejected": "⛔",
    "published": "📣",
}

# Buttons offered in the queue for each status: what the CM can still do.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "new": ("approve", "schedule", "ask", "reject"),
    "needs_info": ("approve", "schedule", "reject"),
    "approved": ("schedule", "publish", "reject"),
    "scheduled": ("schedule", "publish", "reject"),
    "rejected": (),
    "published": (),
}


def status_label(news: News, lang: str) -> str:
    _ = translator(lang)
    label = f"{STATUS_ICONS[news.status]} {_(STATUSES[news.status])}"
    if news.status == "scheduled" and news.scheduled_for:
        label += " — " + write_day(news.scheduled_for, lang)
    return label


def _buttons(news: News, lang: str) -> list[Button]:
    _ = translator(lang)
    every = {
        "approve": Button("news.approve", _("Approve"), str(news.id), "primary"),
        "schedule": Button("news.schedule", _("Schedule"), str(news.id)),
        "ask": Button("news.ask", _("Ask for info"), str(news.id)),
        "publish": Button("news.publish", _("Mark as published"), str(news.id), "primary"),
        "reject": Button("news.reject", _("Reject"), str(news.id), "danger"),
    }
    return [every[step] for step in NEXT_STEPS[news.status]]


def _history_line(event: NewsEvent, lang: str, tz: ZoneInfo) -> Md:
    _ = translator(lang)
    when = write_moment(event.at, lang, tz)
    if event.kind == "answer":
        return Md.of(_("💬 {who} answered on {when}: {note}"), who=UserRef(event.actor_id), when=when, note=event.note)
    if event.kind == "needs_info":
        return Md.of(_("❓ {who} asked on {when}: {note}"), who=UserRef(event.actor_id), when=when, note=event.note)
    line = Md.of(
        _("{icon} {status} by {who} on {when}"),
        icon=STATUS_ICONS[event.kind],
        status=_(STATUSES[event.kind]),
        who=UserRef(event.actor_id),
        when=when,
    )
    if event.note:
        return Md.of(_("{line} — “{note}”"), line=line, note=event.note)
    return line


def queue_message(news: News, lang: str, tz: ZoneInfo, topics: list[str] | None = None) -> Message:
    """The card the CM triages; re-rendered in place after every change."""
    _ = translator(lang)
    fields = [
        (_("From"), Md.of("{u}", u=UserRef(news.author_id))),
        (_("Category"), Md.of("{c}", c=_(CATEGORIES.get(news.category, CATEGORIES["other"])))),
        (_("Status"), Md.of("**{s}**", s=status_label(news, lang))),
    ]
    if news.source_author:  # sent on from someone else's message: who wrote it, and where it is
        fields.append((_("Message by"), Md.of("{u}", u=UserRef(news.source_author))))
    if news.source_link:
        fields.append((_("Original message"), Md.text(news.source_link)))
    if news.wished_date:
        fields.append((_("Wished publication date"), Md.of("{d}", d=write_day(news.wished_date, lang))))
    if news.links:
        fields.append((_("Links"), Md.text(news.links)))
    if topics:
        fields.append((_("Sensitive topics"), Md.text(", ".join(f"⚠ {t}" for t in topics))))
    history = [_history_line(e, lang, tz) for e in news.events if e.kind != "new"]
    return Message(
        title=f"📰 {news.title}",
        text=Md.text(news.body) if news.body else None,
        fields=fields,
        context=Md.join(history)
        if history
        else Md.of(_("News #{id} received on {when}"), id=news.id, when=write_moment(news.created_at, lang, tz)),
        actions=_buttons(news, lang),
        fallback=_("News to review: {title}").format(title=news.title),
    )


def decision_card(news: News, lang: str, tz: ZoneInfo) -> Message:
    """One waiting item with its buttons, as `/cm queue` shows it: the CM can decide from
    there, even on an item whose card in the queue channel is far up (or was posted
    before a restart)."""
    return Message(
        text=news_line(news, lang, tz, with_author=True),
        actions=_buttons(news, lang),
        fallback=translator(lang)("News to review: {title}").format(title=news.title),
    )


def news_line(news: News, lang: str, tz: ZoneInfo, *, with_author: bool = False) -> Md:
    _ = translator(lang)
    line = Md.of(
        _("• #{id} **{title}** — {status} — sent {when}"),
        id=news.id,
        title=news.title,
        status=status_label(news, lang),
        when=write_day(news.created_at.astimezone(tz).date(), lang),
    )
    return Md.of(_("{line} by {who}"), line=line, who=UserRef(news.author_id)) if with_author else line


def status_dm(news: News, event: NewsEvent, lang: str) -> Message:
    """What the submitter is told after a CM's decision, in the submitter's language."""
    _ = translator(lang)
    who = UserRef(event.actor_id)
    texts = {
        "approved": _("Your news “{title}” was approved by {who}."),
        "scheduled": _("Your news “{title}” is scheduled for {date} by {who}."),
        "needs_info": _("{who} needs more information about your news “{title}”:\n> {note}"),
        "rejected": _("Your news “{title}” was not kept by {who}. Reason: {note}"),
        "published": _("Your news “{title}” is published. Thank you!"),
    }
    scheduled = write_day(news.scheduled_for, lang) if news.scheduled_for else ""
    text = Md.of(texts[event.kind], title=news.title, who=who, note=event.note, date=scheduled)
    if event.note and event.kind in ("approved", "scheduled", "published"):
        text = Md.of(_("{text}\n“{note}”"), text=text, note=event.note)
    actions = [Button("news.answer", _("Answer"), str(news.id), "primary")] if event.kind == "needs_info" else []
    return Message(
        title=f"{STATUS_ICONS[event.kind]} {_(STATUSES[event.kind]).capitalize()}",
        text=text,
        actions=actions,
        fallback=_("News about your submission: {title}").format(title=news.title),
    )
