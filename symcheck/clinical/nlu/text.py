"""Text normalisation and tokenisation shared by every matcher.

Phrases from the knowledge base and patient messages go through the same steps, so
"Can't breathe!!" and the synonym "cant breathe" meet as the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[.,;:!?()/-]")
_PUNCT = frozenset(".,;:!?()/-")
# Words whose final "s" is not a plural.
_KEEP_S = frozenset(
    {
        "is",
        "was",
        "has",
        "does",
        "this",
        "yes",
        "its",
        "us",
        "less",
        "always",
        "days",
        "hours",
        "weeks",
        "months",
        "years",
        "minutes",
    }
)


# Articles, possessives and forms of "to be" carry no clinical meaning for matching: "pain in
# my chest", "pain in the chest" and "pain in his chest" all meet as "pain in chest", and "my
# chest is tight" meets "chest tight". Phrases and messages both drop them (negation and
# attribute scoping still see every word).
FILLERS = frozenset(
    {"a", "an", "the", "my", "his", "their", "our", "your", "is", "are", "was", "were", "am"}
)
# Words that are a possessive or an object: "her" in "pain in her chest" is a filler, in "want
# to kill her" it is who would be harmed. Phrase keys keep them; the extractor's second
# (loose) matching pass skips them in messages, so "pain in her chest" still meets "pain in
# chest" while "want to kill her" never collapses to "want to kill" (which would swallow the
# "kill" of "want to kill myself").
POSSESSIVE_OR_OBJECT = frozenset({"her"})


@dataclass(frozen=True)
class Token:
    text: str  # normalised form used for matching
    start: int  # character offsets in the normalised string
    end: int

    @property
    def is_punct(self) -> bool:
        return self.text in _PUNCT


def normalise(text: str) -> str:
    """Lowercase, NFKC, apostrophes removed inside words ("can't" -> "cant"), hyphens
    between words made spaces ("self-harm" -> "self harm")."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = re.sub(r"(?<=[a-z0-9])-(?=[a-z])", " ", text)  # "self-harm", "6-week-old"
    return re.sub(r"(?<=[a-z])'(?=[a-z])", "", text).replace("'", " ")


def stem(word: str) -> str:
    """A deliberately tiny stemmer, applied alike to phrases and messages.

    Drops a plural "-s" and then a final "-e", so "headaches", "headache" and "aches"/"ache"
    meet ("headach", "ach"); "-ies" becomes "-y". Stems are match keys, not words.
    """
    if len(word) <= 3 or word in _KEEP_S or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


# Everyday misspellings of words used inside phrases, fixed before stemming (the typo corrector
# only corrects whole one-word phrases): "calf is swolen", "worse at nite" (which would otherwise
# stem to "nit", as in head lice).
RESPELLINGS: dict[str, str] = {
    "swolen": "swollen",
    "swolled": "swollen",
    "swollon": "swollen",
    "sweling": "swelling",
    "swelled": "swollen",
    "nite": "night",
    "nites": "nights",
    "realy": "really",
    "reallly": "really",
    "pian": "pain",
    "pane": "pain",
    "stomache": "stomach",
    "stomack": "stomach",
    "tummie": "tummy",
    "temprature": "temperature",
    "tempreture": "temperature",
    "temperture": "temperature",
    "tempature": "temperature",
    "diabetis": "diabetes",
    "diabeties": "diabetes",
    "diabetus": "diabetes",
    "flem": "phlegm",
    "phlem": "phlegm",
    "brething": "breathing",
    "breathin": "breathing",
    "breth": "breath",
    "throwin": "throwing",
    "coughin": "coughing",
    "bleedin": "bleeding",
    "peein": "peeing",
    "weein": "weeing",
    "unconcious": "unconscious",
    "unconsious": "unconscious",
    "concious": "conscious",
    "consious": "conscious",
    "seisure": "seizure",
    "siezure": "seizure",
    "dizy": "dizzy",
    "dissy": "dizzy",
    "headace": "headache",
    "hedache": "headache",
    "rasg": "rash",
    "rashs": "rashes",
    "infeccion": "infection",
    "infecton": "infection",
    "tounge": "tongue",
    "tonge": "tongue",
    "throught": "throat",
    "thoat": "throat",
    "ancle": "ankle",
    "ankel": "ankle",
    "wrisst": "wrist",
    "brused": "bruised",
    "bruized": "bruised",
}


def tokenize(text: str) -> list[Token]:
    """Tokens of the normalised text; words are re-spelt (:data:`RESPELLINGS`) and stemmed,
    punctuation kept for scoping."""
    norm = normalise(text)
    return [
        Token(stem(RESPELLINGS.get(m.group(), m.group())), m.start(), m.end())
        for m in _TOKEN.finditer(norm)
    ]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token tuple a phrase matches on (punctuation and fillers dropped)."""
    return tuple(t.text for t in tokenize(phrase) if not t.is_punct and t.text not in FILLERS)
