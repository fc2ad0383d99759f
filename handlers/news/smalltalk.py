"""A direct message that only greets, thanks, or asks how to send news to the CM gets an
answer to that, not the role charter nor an offer to send "Bonjour" to the CM as news."""

from __future__ import annotations

import re

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.text import fold
from handlers.core.work import UnitOfWork
from handlers.news.form import send_button

_POLITE = r"(?:\s*(?:a|à)?\s*(?:tous|toutes|tout le monde|relais|le bot|la cm|le cm|the cm|everyone|all|there))?"
_END = r"[\s!.,;:?)(😀🙂🙏👋👍😊]*$"
_GREETING = re.compile(
    rf"^(?:bonjour|bonsoir|salut|coucou|hello|hi|hey|good (?:morning|afternoon|evening)){_POLITE}{_END}"
)
_THANKS = re.compile(
    rf"^(?:(?:un )?(?:grand |tres |mille )?merci(?:s)?(?: beaucoup| bien| infiniment| pour tout| a toi| a vous)?"
    rf"|thanks?(?: a lot| so much)?|thank you(?: so much| very much)?|cheers|top|super){_POLITE}{_END}"
)
_HOW = re.compile(r"\b(?:comment|how|ou|where|quelle? (?:est la )?(?:facon|marche))\b")
_SEND = re.compile(r"\b(?:envoy\w*|transmet\w*|fai\w* passer|soumet\w*|propos\w*|send\w*|submit\w*|share|post\w*)\b")
_NEWS = re.compile(r"\b(?:info\w*|actu\w*|nouvelles?|news|annonces?|evenements?|events?)\b")


def kind(text: str) -> str | None:
    """ "greeting", "thanks", "how" (how to send news) or None: read on the folded text."""
    folded = " ".join(fold(text).split())
    if _GREETING.match(folded):
        return "greeting"
    if _THANKS.match(folded):
        return "thanks"
    if _HOW.search(folded) and _SEND.search(folded) and _NEWS.search(folded):
        return "how"
    return None


def answer(uow: UnitOfWork, req: Request, text: str) -> bool:
    found = kind(text)
    if found is None:
        return False
    _ = translator(req.language)
    if found == "thanks":
        req.reply.reply(Message(text=Md.of(_("🙂 You are welcome! I am here whenever you have news for the CM."))))
        return True
    hello = _("👋 Hello! I am Relais, the team's channel to the CM.") if found == "greeting" else ""
    how = _(
        "To send news to the CM, type /news followed by your text (the first line is its title), or /news alone "
        "for a form with its date and links; or write it to me here and I will offer to send it. Follow your news "
        "with /news mine."
    )
    said = Md.join([Md.of(hello), Md.of(how)]) if hello else Md.of(how)
    req.reply.reply(Message(text=said, actions=[send_button(req.language)]))
    return True
