"""Stop patients from injecting intents (pure).

Rasa treats a message starting with ``/`` as an intent ("/report_emergency", "/restart"),
after stripping whitespace. Patients may only send one by pressing a button the bot offered in
its latest message. Anything else loses its whole leading run of slashes, whitespace and
invisible characters ("/ /restart", "/\\n/report_emergency", "\\u200b/restart" and look-alike
slashes such as "／" or "⁄" included), so no text that reaches Rasa starts with ``/``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from symcheck.clinical.interview.protocol import Button

# Characters that look like a slash (compatibility forms are also caught through NFKC).
_SLASH_LOOKALIKES = frozenset(
    "/"
    "\u2044"  # FRACTION SLASH
    "\u2215"  # DIVISION SLASH
    "\u29f8"  # BIG SOLIDUS
    "\u2afd"  # DOUBLE SOLIDUS OPERATOR
    "\u2afb"  # TRIPLE SOLIDUS BINARY RELATION
    "\u3033"  # VERTICAL KANA REPEAT MARK UPPER HALF
    "\uff0f"  # FULLWIDTH SOLIDUS
    "\u1735"  # PHILIPPINE SINGLE PUNCTUATION
    "\u27cb"  # MATHEMATICAL RISING DIAGONAL
    "\u2571"  # BOX DRAWINGS LIGHT DIAGONAL UPPER RIGHT TO LOWER LEFT
    "\u0338"  # COMBINING LONG SOLIDUS OVERLAY
    "\U0001d10d"  # MUSICAL SYMBOL DRUM CLEF-1 (a slash glyph)
)


@dataclass(frozen=True)
class GuardedText:
    """What to send the bot, and the button pressed (if the text was an offered payload)."""

    text: str
    button: Button | None = None

    @property
    def is_button(self) -> bool:
        return self.button is not None


def is_slash(ch: str) -> bool:
    """Whether ``ch`` is a slash or looks like one."""
    return ch in _SLASH_LOOKALIKES or unicodedata.normalize("NFKC", ch).startswith("/")


def _is_invisible(ch: str) -> bool:
    """Whitespace, format characters (zero-width space, joiners, BOM...) and controls."""
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn")


def strip_command_prefix(text: str) -> str:
    """``text`` without its leading run of slashes and invisible characters, if that run
    contains a slash; otherwise ``text`` unchanged."""
    end = 0
    saw_slash = False
    while end < len(text):
        ch = text[end]
        if is_slash(ch):
            saw_slash = True
        elif not _is_invisible(ch):
            break
        end += 1
    return text[end:] if saw_slash else text


def guard_intent(text: str, offered: Iterable[Button]) -> GuardedText:
    """Let an offered button payload through as-is; strip any command prefix from the rest."""
    for button in offered:
        if button.payload and text == button.payload:
            return GuardedText(text, button)
    return GuardedText(strip_command_prefix(text))
