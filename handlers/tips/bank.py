"""Short tips on how social networks differ from an internal bulletin: for leaders
opening the association's conversation online. Translated in the catalogs."""

from __future__ import annotations

from handlers.core.i18n import N_

TIPS = (
    N_("A post is the start of a conversation, not an announcement: end it with a question people can answer."),
    N_("A negative comment is a chance to answer in public: everyone reading sees how the association listens."),
    N_("Answer within the day when you can: online, a question left a week unanswered reads as indifference."),
    N_("Thank people by name for what they did: a bulletin reports, a network recognises."),
    N_("Not every internal news item belongs online: ask “who outside the association would care?”"),
    N_(
        "Each network has its audience: Facebook for members and families, Instagram for pictures, LinkedIn for partners."
    ),
    N_("A photo of people doing things beats a poster: faces bring more replies than logos."),
    N_("Write as you speak to a neighbour, not as in the minutes of a meeting."),
    N_("Say it in the first line: on a phone, the rest is hidden behind “See more”."),
    N_(
        "When you are not sure of the answer, say so and give a date: “we are checking and come back to you on Friday”."
    ),
    N_(
        "Do not delete a critical comment because it is uncomfortable: hide or delete only what the moderation charter says."
    ),
    N_("Never answer in anger: write your reply, wait an hour, read it again with the speaking charter in mind."),
    N_("Move a personal matter to private messages, but answer in public first so everyone sees it was taken up."),
    N_("Share the news of your partners and volunteers: a network is give and take, not a notice board."),
    N_("Post less but regularly: two good posts a week do more than ten in one day and silence for a month."),
    N_("Links to long documents go unread: say the essential in the post, put the link for those who want more."),
    N_("Ask before you post a photo of someone, and never of a child without written consent."),
    N_("A sensitive topic deserves a prepared answer: agree the words with the leaders before the question comes."),
    N_("An internal quarrel is never settled in the comments: invite people to talk, and say where."),
    N_("Celebrate small victories: a new volunteer, a full room, a thank-you letter. They make the best posts."),
    N_("Tell the CM what is coming, even roughly: a week's notice makes a post much better than an hour's."),
    N_("Reply to good comments too: a simple “thank you, see you Saturday!” keeps the conversation alive."),
)
