"""Direct messages that greet, thank, or ask how to send news are answered as such; the
rest goes on to the role's answer or the offer to send it to the CM (a corpus of French
and English messages as volunteers write them)."""

from __future__ import annotations

import pytest

from handlers.news.smalltalk import kind

CORPUS = {
    "greeting": ["Bonjour", "bonjour !", "Bonjour à tous", "Salut", "salut Relais", "Coucou", "coucou 👋", "Bonsoir",
                 "Hello", "hello there", "Hi", "Hi!", "Hey", "Good morning", "Bonjour Relais :)"],
    "thanks": ["merci !", "Merci", "Merci beaucoup", "merci bien", "Merci infiniment !", "Un grand merci",
               "mille merci", "Thanks", "thanks!", "Thank you", "Thank you so much", "cheers", "Merci à vous"],
    "how": ["Bonjour, comment je fais pour envoyer une info au CM ?", "Comment envoyer une actualité ?",
            "comment on fait pour transmettre une info à la CM", "Où envoyer les nouvelles du club ?",
            "How do I send news to the CM?", "how can I submit an event?", "Comment proposer une annonce ?",
            "Where do I send our news?", "comment faire passer une info à la com ?"],
    None: ["Fête des bénévoles samedi à 14h au local", "Peux-tu poster notre événement sur Facebook ?",
           "Qui gère l'imprimante ?", "Merci de publier le compte rendu de l'AG", "Bonjour, l'AG aura lieu le 12/12",
           "Hello, can you post the photos from Saturday?", "Salut, le tournoi est reporté à dimanche",
           "Thanks to all volunteers who came on Saturday: 120 meals served!", "Réunion du bureau jeudi 18h",
           "c'est quoi ton rôle ?"],
}  # fmt: skip
CASES = [(text, expected) for expected, texts in CORPUS.items() for text in texts]


def test_the_corpus_holds_at_least_forty_messages_in_both_languages():
    assert len(CASES) >= 40


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_direct_message_is_read_as_what_it_is(text, expected):
    assert kind(text) == expected
