"""Clean, cap and classify a patient's text before anything else sees it (pure)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from symcheck.gateway.text.language import Language, detect_language


class InputProblem(StrEnum):
    """Why a message cannot go to the bot as it is."""

    EMPTY = "empty"  # nothing but whitespace: not stored, the patient is asked to type
    NO_WORDS = "no_words"  # only emoji, symbols or punctuation
    OTHER_LANGUAGE = "other_language"


@dataclass(frozen=True)
class CheckedText:
    """The text to store and process, whether it was cut, and any problem found."""

    text: str
    truncated: bool = False
    problem: InputProblem | None = None
    emoji: bool = False


_KEEP_CONTROLS = {"\n", "\t"}
# Bidirectional overrides and isolates can make a transcript read differently than it is.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def clean(raw: str) -> str:
    """NFC-normalise, drop control characters (keeping newlines) and bidi overrides, trim."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        ch
        for ch in text
        if ch in _KEEP_CONTROLS
        or (ch not in _BIDI_CONTROLS and unicodedata.category(ch) not in ("Cc", "Cs", "Co"))
    )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def check_text(raw: str, max_chars: int) -> CheckedText:
    """Clean ``raw``, keep its first ``max_chars`` characters and classify it."""
    text = clean(raw)
    if not text:
        return CheckedText(text="", problem=InputProblem.EMPTY)
    truncated = len(text) > max_chars
    if truncated:
        text = text[:max_chars].rstrip()
    if not any(ch.isalnum() for ch in text):
        return CheckedText(
            text=text, truncated=truncated, problem=InputProblem.NO_WORDS, emoji=_has_emoji(text)
        )
    if detect_language(text) is Language.OTHER:
        return CheckedText(text=text, truncated=truncated, problem=InputProblem.OTHER_LANGUAGE)
    return CheckedText(text=text, truncated=truncated)


def _has_emoji(text: str) -> bool:
    return any(
        unicodedata.category(ch) in ("So", "Sk") or 0x1F000 <= ord(ch) <= 0x1FAFF for ch in text
    )
