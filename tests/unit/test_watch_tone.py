"""The watch's tone hint on a corpus of comments marked by a person: its precision and
recall on negatives, printed beside the lexicon libraries alone (VADER, and its French
port as the issue measured it). The corpus was written beside the hint's rules: it keeps
them from regressing, it does not measure comments the rules never saw."""

from __future__ import annotations

import warnings

import pytest

from handlers.watch.tone import hint
from tests.unit.conftest import as_user
from tests.unit.tone_corpus import CORPUS, ENGLISH, FRENCH


def scores(found: list[bool], truth: list[bool]) -> tuple[float, float]:
    hits = sum(f and t for f, t in zip(found, truth, strict=True))
    return hits / max(1, sum(found)), hits / max(1, sum(truth))


def lexicons_alone() -> list[bool]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fuzzywuzzy's "slow pure-python SequenceMatcher"
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as English
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer as French
    fr, en = French(), English()
    return [fr.polarity_scores(t)["compound"] <= -0.05 for t, _ in FRENCH] + [
        en.polarity_scores(t)["compound"] <= -0.05 for t, _ in ENGLISH
    ]


def test_the_hint_finds_the_negatives_of_the_corpus(capsys):
    truth = [negative for _, negative in CORPUS]
    ours = scores([hint(text).negative for text, _ in CORPUS], truth)
    alone = scores(lexicons_alone(), truth)
    with capsys.disabled():
        print(f"\ntone corpus: {len(CORPUS)} comments ({len(FRENCH)} French, {len(ENGLISH)} English), "
              f"{sum(truth)} negative")  # fmt: skip
        print(f"{'':24}{'precision':>10}{'recall':>10}")
        print(f"{'VADER lexicons alone':24}{alone[0]:>10.0%}{alone[1]:>10.0%}")
        print(f"{'the watch hint':24}{ours[0]:>10.0%}{ours[1]:>10.0%}")
    assert len(CORPUS) >= 100
    assert ours[0] >= 0.9 and ours[1] >= 0.9 and ours[1] > alone[1]


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("Je ne suis pas content", True),  # a negation turns a happy word
        ("Ce n'est pas mal du tout", False),  # a set phrase: praise with negative words
        ("Merci pour rien", True),
        ("Plus jamais ça", True),
        ("Quel bel accueil 🙄", True),  # sarcasm
        ("Encore annulé, bravo 👏", True),  # claps beside a reproach
        ("Bravo à tous 👏", False),
        ("I don't like it", True),
        ("Not bad!", False),
    ],
)
def test_the_hint_reads_negations_set_phrases_and_sarcasm(text, negative):
    assert hint(text).negative is negative


def test_the_cms_words_mark_a_message_negative_whatever_the_lexicon(deps):
    text = "Super soirée chez les Amis du Moulin !"
    assert not hint(text).negative and hint(text, ["amis du moulin"]).negative  # a rival, say
    assert not hint("Le moulinet est réparé", ["moulin"]).negative  # whole words only


def test_the_cm_edits_the_words_with_cm_watch_words(deps):
    from handlers.core import router

    cm, said = as_user("cm")
    router.command(deps, cm, "cm", "watch words add Arnaque, honte, arnaque")
    assert said.last == "✅ Added: Arnaque, honte. The messages collected from now on are read with them."
    router.command(deps, cm, "cm", "watch words")
    assert said.last.endswith("Arnaque, honte")
    router.command(deps, cm, "cm", "watch words remove arnaque")
    assert said.last == "🗑️ Removed: Arnaque."
    leader, told = as_user("leader")
    router.command(deps, leader, "cm", "watch words add truc")
    assert "truc" not in told.last
