"""Default charter texts, shipped in French and English through the catalogs;
the CM adapts them with `/cm charter edit` (and `/cm role edit`)."""

from __future__ import annotations

from handlers.core.i18n import N_

TITLES = {
    "role": N_("The CM's role"),
    "moderation": N_("Moderation charter"),
    "speaking": N_("Speaking charter"),
}
SAVED = {  # one sentence per charter, so French agrees with each title
    "role": N_("✅ The CM's role saved (version {n})."),
    "moderation": N_("✅ Moderation charter saved (version {n})."),
    "speaking": N_("✅ Speaking charter saved (version {n})."),
}

DEFAULTS = {
    "role": N_(
        "The community manager (CM) runs the association's communities on social networks and watches over its e-reputation.\n"
        "+ Publish the association's news and events on Facebook, Instagram, LinkedIn and other social networks\n"
        "+ Answer comments and private messages on the association's social network accounts\n"
        "+ Moderate discussions under the association's posts, following the moderation charter\n"
        "+ Watch what is said about the association online and alert the leaders\n"
        "+ Plan the editorial calendar with the leaders\n"
        "+ Advise leaders on how to speak on social networks\n"
        "- Redesign or update the website -> the webmaster or the board\n"
        "- Fix the printer, computers or other equipment -> the secretariat\n"
        "- Write the internal newsletter (bulletin, mailing) -> the newsletter team\n"
        "- Organise events -> the events team\n"
        "- Handle memberships, donations and payments -> the treasurer"
    ),
    "moderation": N_(
        "We moderate after publication: messages appear at once and the CM reads them every working day.\n"
        "\n"
        "What we remove: insults and threats; defamation; discrimination, racism, sexism and homophobia; "
        "personal data (addresses, phone numbers, health); spam and advertising; messages off the topic of the post.\n"
        "\n"
        "What we do not remove: criticism of the association, even harsh, is answered politely and with facts, "
        "never hidden. A disagreement is not an insult.\n"
        "\n"
        "Sensitive topics (see /cm topics): the CM does not answer alone; the message is escalated to the leaders, "
        "who decide on the answer within 48 hours.\n"
        "\n"
        "Every negative message and how it was handled is logged (/cm log) and summed up in the weekly recap."
    ),
    "speaking": N_(
        "Who speaks in the association's name: the president and the CM. Other leaders speak in their own name "
        "and say so.\n"
        "\n"
        "Tone: friendly, factual, polite, using “we”. No irony, no argument in public: after one reply, we offer "
        "to continue by private message or by phone.\n"
        "\n"
        "Answer times: questions within one working day; complaints within two working days; "
        "sensitive topics only after the leaders agree.\n"
        "\n"
        "What we never publish: personal data, photos of people who did not agree, internal debates, "
        "figures not approved by the board."
    ),
}
