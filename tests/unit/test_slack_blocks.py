"""Messages' blocks are written as plain dicts for speed (bot/platforms/slack_blocks.py):
they must be exactly what slack_sdk's block objects write, for any message, and those
objects' own checks must accept them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.platforms.slack_blocks import FIELD_MAX, HEADER_MAX, SECTION_MAX, SLACK, _chunks, _clip, blocks, escape
from handlers.core.messages import Button, Md, Message, UserRef


def with_sdk_objects(message: Message) -> list[dict[str, Any]]:
    """The blocks as slack_sdk's objects build them (how Relais built them before)."""
    result: list[Block] = []
    if message.title:
        result.append(SectionBlock(text=MarkdownTextObject(text=f"*{escape(_clip(message.title, HEADER_MAX))}*")))
    if message.text:
        result += [SectionBlock(text=MarkdownTextObject(text=c)) for c in _chunks(SLACK.render(message.text))]
    fields = [
        MarkdownTextObject(text=_clip(f"*{escape(label)}*\n{SLACK.render(value)}", FIELD_MAX))
        for label, value in message.fields
    ]
    result += [SectionBlock(fields=fields[start : start + 10]) for start in range(0, len(fields), 10)]
    if message.context:
        result.append(
            ContextBlock(elements=[MarkdownTextObject(text=_clip(SLACK.render(message.context), SECTION_MAX))])
        )
    if message.actions:
        buttons = [
            ButtonElement(text=b.label, action_id=b.action_id, value=b.value, style=b.style) for b in message.actions
        ]
        result.append(ActionsBlock(elements=buttons))
    return [block.to_dict() for block in result]  # to_dict() also runs the objects' own checks


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80)
long_words = st.text(alphabet="ab &<>@\n", min_size=1, max_size=3500)
md = st.one_of(
    words.map(Md.text),
    long_words.map(Md.text),
    st.builds(lambda a, who: Md.of("{a} {who}", a=a, who=UserRef(who)), words, st.sampled_from(["U1", "U123ABC"])),
)
buttons = st.builds(
    Button,
    action_id=st.sampled_from(["news.approve", "news.reject", "entry.hide"]),
    label=st.text(min_size=1, max_size=75),
    value=st.one_of(st.just(""), st.text(alphabet="0123456789:", max_size=40)),
    style=st.sampled_from([None, "primary", "danger"]),
)
messages = st.builds(
    Message,
    title=st.one_of(st.just(""), words, st.text(alphabet="é &<", min_size=140, max_size=200)),
    text=st.one_of(st.none(), md),
    fields=st.lists(st.tuples(words, md), max_size=12),
    context=st.one_of(st.none(), md),
    actions=st.lists(buttons, max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(messages)
def test_a_messages_blocks_are_what_slack_sdks_objects_write(message: Message) -> None:
    assert blocks(message) == with_sdk_objects(message)


def test_a_news_card_with_every_part_is_written_as_slack_sdk_writes_it() -> None:
    message = Message(
        title="Fête des bénévoles <@here>",
        text=Md.of("{who} a écrit : {t}", who=UserRef("U1"), t="R&D " * 900),
        fields=[("Catégorie", Md.text("événement")), ("Liens", Md.text("https://exemple.fr/a?b=1&c=2"))] * 6,
        context=Md.text("#12 · reçu le 7 décembre"),
        actions=[Button("news.approve", "Approuver", "12", "primary"), Button("news.more", "Demander plus", "")],
    )
    written = blocks(message)
    assert written == with_sdk_objects(message)
    assert [b["type"] for b in written] == ["section"] * 6 + ["context", "actions"]  # title, 3 of text, 2 of fields
    assert written[-1]["elements"][1] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Demander plus", "emoji": True},
        "action_id": "news.more",
    }
