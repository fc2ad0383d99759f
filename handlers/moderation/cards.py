"""Names and looks of the moderation log: networks, severities, handlings, the entry card."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.dates import write_moment
from handlers.core.i18n import N_, translator
from handlers.core.messages import Button, Md, Message, UserRef
from handlers.core.text import shorten
from handlers.moderation.tables import ModerationEntry, ModerationEvent

NETWORKS: dict[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "x": "X",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "website": N_("Website"),
    "other": N_("Other"),
}
SEVERITIES: dict[str, str] = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}
HANDLINGS: dict[str, str] = {
    "pending": N_("pending"),
    "replied": N_("replied"),
    "hidden": N_("hidden"),
    "deleted": N_("deleted"),
    "escalated": N_("escalated to the leaders"),
    "ignored": N_("ignored"),
}
ICONS = {"pending": "⏳", "replied": "💬", "hidden": "🙈", "deleted": "🗑️", "escalated": "📣", "ignored": "🤐"}
OPEN = ("pending", "escalated")
SEVERITY_ICONS = {"low": "🟢", "medium": "🟠", "high": "🔴"}


def network_label(network: str, lang: str) -> str:
    return translator(lang)(NETWORKS.get(network, NETWORKS["other"]))


def handling_label(handling: str, lang: str) -> str:
    return f"{ICONS[handling]} {translator(lang)(HANDLINGS[handling])}"


def author_of(entry: ModerationEntry, lang: str) -> str:
    _ = translator(lang)
    if entry.anonymized_at:
        if entry.anonymized_why == "request":
            return _("(erased at the person's request)")
        return _("(removed after the retention period)")
    return entry.author or _("(unknown)")


def handling_buttons(entry: ModerationEntry, lang: str) -> list[Button]:
    _ = translator(lang)
    labels = {
        "replied": _("Replied"),
        "hidden": _("Hidden"),
        "deleted": _("Deleted"),
        "escalated": _("Escalated"),
        "ignored": _("Ignored…"),
    }
    buttons = [Button(f"moderation.{h}", label, str(entry.id)) for h, label in labels.items() if h != entry.handling]
    return buttons + [Button("moderation.note", _("Note…"), str(entry.id))]


def _event_line(event: ModerationEvent, lang: str, tz: ZoneInfo, *, first: bool) -> Md:
    _ = translator(lang)
    template = _("📝 logged by {who} on {when} ({handling})") if first else _("{handling} by {who} on {when}")
    line = Md.of(
        template,
        handling=handling_label(event.handling, lang),
        who=UserRef(event.actor_id),
        when=write_moment(event.at, lang, tz),
    )
    return Md.of(_("{line} — “{note}”"), line=line, note=event.note) if event.note else line


def entry_history(session: Session, entry_id: int) -> list[ModerationEvent]:
    """An entry's changes of handling, oldest first: what its card and its export show."""
    query = select(ModerationEvent).where(ModerationEvent.entry_id == entry_id).order_by(ModerationEvent.id)
    return list(session.scalars(query))


def entry_card(entry: ModerationEntry, events: list[ModerationEvent], lang: str, tz: ZoneInfo) -> Message:
    """The entry in the CM queue, re-rendered in place after each change."""
    _ = translator(lang)
    handling = Md.of("**{h}**", h=handling_label(entry.handling, lang))
    if entry.handling == "ignored" and entry.reason:
        handling = Md.of("{h} — {r}", h=handling, r=entry.reason)
    fields = [
        (_("Network"), Md.text(network_label(entry.network, lang))),
        (_("Severity"), Md.of("{i} {s}", i=SEVERITY_ICONS[entry.severity], s=_(SEVERITIES[entry.severity]))),
        (_("Author"), Md.text(author_of(entry, lang))),
        (_("Handling"), handling),
    ]
    if entry.link and not entry.anonymized_at:
        fields.append((_("Link"), Md.text(entry.link)))
    if entry.topics:
        fields.append((_("Sensitive topics"), Md.text(", ".join(f"⚠ {t.topic}" for t in entry.topics))))
    if entry.reports:  # members who handed it over (/cm report), each with their word for the CM
        said = [Md.of(_("{who} — “{note}”"), who=UserRef(r.reporter_id), note=r.note) if r.note
                else Md.of("{who}", who=UserRef(r.reporter_id)) for r in entry.reports]  # fmt: skip
        fields.append((_("Reported by"), Md.join(said, sep=", ")))
    return Message(
        title=_("🛡️ Negative message #{id} — {network}").format(id=entry.id, network=network_label(entry.network, lang)),
        text=Md.of("> {e}", e=entry.excerpt),
        fields=fields,
        context=Md.join([_event_line(e, lang, tz, first=i == 0) for i, e in enumerate(events)]) if events else None,
        actions=handling_buttons(entry, lang),
    )


def entry_line(entry: ModerationEntry, lang: str, tz: ZoneInfo) -> Md:
    _ = translator(lang)
    excerpt = shorten(entry.excerpt, 120)
    line = Md.of(
        _("• #{id} {network} — {handling} — {when}: “{excerpt}”"),
        id=entry.id,
        network=network_label(entry.network, lang),
        handling=handling_label(entry.handling, lang),
        when=write_moment(entry.seen_at, lang, tz),
        excerpt=excerpt,
    )
    if entry.topics:
        line = Md.of("{l} {t}", l=line, t=" ".join(f"⚠ {t.topic}" for t in entry.topics))
    return line
