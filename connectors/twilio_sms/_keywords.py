"""SMS keywords: STOP, START and HELP with the variants carriers and Twilio recognise.

A keyword is the whole message (case, surrounding spaces and trailing punctuation ignored),
as Twilio matches them. ``YES`` opts back in only when the patient has opted out: otherwise
it is an answer to the bot's question.
"""

from __future__ import annotations

import re

from connectors.base import ControlKeyword

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
OPT_IN_WHEN_OPTED_OUT = frozenset({"YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})

_TRAILING = re.compile(r"[\s.!]+$")


def normalise(text: str) -> str:
    return _TRAILING.sub("", text.strip()).upper()


def keyword_for(text: str, *, opted_out: bool) -> ControlKeyword | None:
    word = normalise(text)
    if word in OPT_OUT_WORDS:
        return ControlKeyword.OPT_OUT
    if word in OPT_IN_WORDS or (opted_out and word in OPT_IN_WHEN_OPTED_OUT):
        return ControlKeyword.OPT_IN
    if word in HELP_WORDS:
        return ControlKeyword.HELP
    return None
