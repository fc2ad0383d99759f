"""A tone hint, never a verdict: whether a message reads as negative, offline, in French
or English. The words' weights are VADER's lexicons (`vaderSentiment` for English, the
French one `vaderSentiment-fr` ships); on top of them, what a lexicon misses in the
comments an association gets: negations ("pas content", "ne marche jamais"), set phrases
("merci pour rien", "plus jamais", "pas mal"), sarcasm markers (🙄, or 👏 beside a
reproach) and the CM's own words (`/cm watch words`). Nothing is dismissed on it."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from handlers.core.text import fold

THRESHOLD = -0.05  # VADER's own line between neutral and negative
NEGATORS = {"ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "guere",
            "not", "no", "never", "nothing", "without", "nor", "cannot", "dont", "doesnt", "didnt", "isnt",
            "wasnt", "wont", "cant", "aint", "t"}  # fmt: skip
NEGATION_REACH = 3  # words after a negator whose weight it turns
NEGATION_SCALE = -0.74  # VADER's
PHRASES = {  # folded; what a lexicon reads word by word gets wrong
    "merci pour rien": -2.5, "plus jamais": -2.2, "n importe quoi": -2.2, "pas terrible": -1.8, "pas top": -1.6,
    "pas au niveau": -1.8, "foutent de": -2.2, "fout de": -2.2, "moquez de": -2.0, "se moque": -2.0,
    "c est une honte": -2.5, "quelle honte": -2.5, "on attend toujours": -1.8, "toujours pas": -1.5,
    "encore une fois": -0.8, "bof": -1.2, "laisse tomber": -1.2, "ras le bol": -2.5, "pas normal": -1.8,
    "pas mal": 1.5, "pas de souci": 1.2, "pas de probleme": 1.2, "sans souci": 1.2, "rien a redire": 2.0,
    "n hesitez pas": 0.5, "ne lachez rien": 1.8, "trop bien": 2.0, "pas decu": 1.5,
    "thanks for nothing": -2.5, "never again": -2.2, "what a joke": -2.2, "yeah right": -1.8,
    "still waiting": -1.8, "not great": -1.6, "not good enough": -1.8, "not bad": 1.5, "no problem": 1.2,
    "no worries": 1.2, "can t wait": 1.8, "cant wait": 1.8, "well done": 2.0, "jamais autant": 1.5,
    "impossible de ne pas aimer": 2.5, "ferait mieux de": -1.5, "feriez mieux de": -1.5, "hors de prix": -1.8,
    "trop cher": -1.8, "trop long": -1.0, "too loud": -1.2, "no complaints": 1.5,
}  # fmt: skip
FRENCH_MORE = {  # words the French lexicon lacks or weighs as another sense, as comments use them
    "content": 2.0, "contents": 2.0, "serieux": 1.0, "serieuse": 1.0, "ennuyeux": -1.8, "ennuyeuse": -1.8,
    "marche": 0.8, "marchent": 0.8, "fonctionne": 0.8, "communication": 0.5, "annulation": -1.0,
    "report": -0.8, "lamentable": -2.5, "inadmissible": -2.5, "scandaleux": -2.5, "arnaque": -2.5,
    "mepris": -2.2, "moche": -1.8, "ratee": -1.8, "rate": -1.2, "decevant": -2.0, "decue": -2.0, "decu": -2.0,
}  # fmt: skip
EMOJI = {"🙄": -1.8, "😒": -1.8, "🤡": -1.8, "😡": -2.5, "😠": -2.2, "🤬": -3.0, "👎": -2.0, "💩": -2.0,
         "😞": -1.5, "😢": -1.2, "😤": -1.8, "🙃": -0.8, "👍": 1.5, "❤️": 2.0, "❤": 2.0, "😍": 2.5, "🥰": 2.5,
         "🙏": 1.2, "😊": 1.5, "🙂": 0.8, "😀": 1.5, "🎉": 2.0, "💪": 1.5, "👏": 1.2}  # fmt: skip
SARCASM = ("🙄", "😒", "🤡", "🙃")  # a reproach whatever the words say
CLAPS = "👏"  # praise, unless beside a reproach: then sarcasm
FRENCH = {"le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "pour", "pas", "que", "qui", "vous",
          "nous", "je", "c", "ce", "sur", "avec", "merci", "tres", "mais", "au", "aux", "ne", "plus", "l", "d"}  # fmt: skip
ENGLISH = {"the", "an", "and", "is", "for", "not", "that", "who", "you", "we", "i", "it", "this", "with",
           "thanks", "very", "but", "to", "of", "are", "was", "be", "no", "in", "my", "your"}  # fmt: skip
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hint:
    negative: bool
    score: float  # -1 … 1, VADER's compound
    why: tuple[str, ...] = ()  # the set phrases, markers and CM words that weighed


def hint(text: str, words: Iterable[str] = ()) -> Hint:
    """How `text` reads; `words` are the CM's own words that mark a message negative."""
    folded = " ".join(_WORD.findall(fold(text)))
    padded = f" {folded} "
    cm_words = [w for w in words if f" {' '.join(_WORD.findall(fold(w)))} " in padded]
    phrases = [p for p in PHRASES if f" {p} " in padded]
    for phrase in phrases:
        padded = padded.replace(f" {phrase} ", " ")
    marks = [e for e in EMOJI if e in text]
    weights = _weights(padded.split()) + [PHRASES[p] for p in phrases] + [EMOJI[e] for e in marks if e != CLAPS]
    sarcastic = any(e in text for e in SARCASM) or (CLAPS in text and min(weights, default=0) < 0)
    total = sum(weights) + (EMOJI[CLAPS] if CLAPS in marks and not sarcastic else 0)
    score = total / math.sqrt(total * total + 15)
    negative = bool(cm_words) or sarcastic or score <= THRESHOLD
    return Hint(negative, round(score, 3), tuple(cm_words + phrases + [e for e in marks if e in SARCASM or sarcastic]))


def _weights(tokens: list[str]) -> list[float]:
    """Each known word's weight in the message's language, turned by a negator just before
    it ("don't" is "don t")."""
    lexicon, found = _lexicon(_language(tokens)), []
    for i, token in enumerate(tokens):
        weight = lexicon.get(token)
        if weight is not None:
            negated = any(t in NEGATORS for t in tokens[max(0, i - NEGATION_REACH) : i])
            found.append(weight * NEGATION_SCALE if negated else weight)
    return found


def _language(tokens: list[str]) -> str:
    """French or English by their little words; a tie goes to the lexicon that knows more."""
    french, english = sum(t in FRENCH for t in tokens), sum(t in ENGLISH for t in tokens)
    if french == english:
        french, english = sum(t in _lexicon("fr") for t in tokens), sum(t in _lexicon("en") for t in tokens)
    return "fr" if french >= english else "en"


@cache
def _lexicon(language: str) -> dict[str, float]:
    """VADER's `word<TAB>weight…` (English) or `word->weight` (French) lines, folded."""
    if language == "en":
        raw, split = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8"), "\t"
    else:
        raw, split = files("vaderSentiment_fr").joinpath("fr_lexicon.txt").read_text("utf-8"), "->"
    found: dict[str, float] = {}
    for line in raw.splitlines():
        word, _, rest = line.partition(split)
        try:
            weight = float(rest.split("\t")[0])
        except ValueError:
            continue
        found.setdefault(fold(word.strip().rstrip(",")), weight)
    return found | (FRENCH_MORE if language == "fr" else {})
