"""The recap's picture: negative messages per day of the week, stacked by handling."""

from __future__ import annotations

from io import BytesIO

from babel.dates import format_date
from matplotlib.figure import Figure

from handlers.core.i18n import translator
from handlers.moderation.cards import HANDLINGS
from handlers.recap.data import Recap, week_said

COLORS = {
    "pending": "#d9534f",
    "escalated": "#f0ad4e",
    "replied": "#5cb85c",
    "hidden": "#5bc0de",
    "deleted": "#6f42c1",
    "ignored": "#adb5bd",
}


def chart_png(recap: Recap, lang: str) -> bytes:
    """A PNG made without pyplot's global state, so worker threads can draw at once."""
    _ = translator(lang)
    days = sorted(recap.per_day)
    fig = Figure(figsize=(8, 4), dpi=100)
    ax = fig.add_subplot()
    bottom = [0] * len(days)
    for handling in HANDLINGS:
        counts = [recap.per_day[d][handling] for d in days]
        if any(counts):
            ax.bar(range(len(days)), counts, bottom=bottom, color=COLORS[handling], label=_(HANDLINGS[handling]))
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_xticks(range(len(days)), [format_date(d, "EEE d", locale=lang) for d in days])
    ax.set_title(_("Negative messages per day — {week}").format(week=week_said(recap.week, lang)))
    ax.set_ylim(0, max([*bottom, 1]) * 1.4)  # room for the legend above the tallest bar
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
    if recap.total:
        ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    out = BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
