"""Yes / no / don't-know answers in plain text, for when no NLU intent is available."""

from __future__ import annotations

import re
from enum import StrEnum

from symcheck.clinical.nlu.text import normalise


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"


_DONT_KNOW = re.compile(
    r"^(i )?(dont|do not|don t) know\b|^(not sure|unsure|no idea|dunno|idk|maybe|perhaps|"
    r"possibly|cant say|cannot say|not certain|i am not sure|im not sure|hard to say|"
    r"rather not say|prefer not to say|skip)\b"
)
_YES = re.compile(
    r"^(yes|yeah|yea|yep|yup|ya|yh|y|sure|definitely|absolutely|correct|right|true|"
    r"i do|i have|i am|it is|it does|i did|affirmative|of course|indeed|ok yes|uh huh|"
    r"a bit|a little|sometimes|kind of|sort of)\b"
)
_NO = re.compile(
    r"^(no|nope|nah|n|never|not at all|none|negative|i dont|i do not|i havent|i have not|"
    r"im not|i am not|it isnt|it doesnt|not really|nothing)\b"
)


def parse_answer(text: str) -> Answer | None:
    """The answer a short reply gives to a yes/no question, or ``None`` if it is not one."""
    norm = re.sub(r"[^a-z ]", " ", normalise(text))
    norm = re.sub(r"\s+", " ", norm).strip()
    if not norm:
        return None
    if _DONT_KNOW.search(norm):
        return Answer.DONT_KNOW
    if _NO.search(norm):
        return Answer.NO
    if _YES.search(norm):
        return Answer.YES
    return None
