"""French stop words: the words analysis drops, in the index and in queries alike."""

from __future__ import annotations

import unicodedata

from whoosh.lang import stopwords_for_language

# NLTK's list (shipped with Whoosh) misses common words; elided forms ("jusqu'") too.
EXTRA_STOPS = {
    "les",
    "cette",
    "cet",
    "tout",
    "tous",
    "toute",
    "toutes",
    "plus",
    "comme",
    "sans",
    "entre",
    "leurs",
    "dont",
    "ils",
    "elles",
    "aussi",
    "ainsi",
    "afin",
    "fait",
    "faire",
    "jusqu",
    "lorsqu",
    "puisqu",
    "quoi",
    "si",
    "non",
    "sous",
    "vers",
    "chez",
    "car",
    "donc",
    "or",
    "ni",
    "tres",
    "très",
    # Question words: « quelles sont les propositions du Medef » asks for proposals, not for the word « quelles ».
    "quel",
    "quelle",
    "quels",
    "quelles",
    "comment",
    "pourquoi",
    "combien",
}
FRENCH_STOPS = frozenset(stopwords_for_language("fr")) | EXTRA_STOPS
FOLDED_STOPS = frozenset(unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in FRENCH_STOPS)
