"""Stop patients from injecting intents (pure).

Rasa treats a message starting with ``/`` as an intent ("/report_emergency",
"/restart"). Patients may only send one by pressing a button the bot offered in its latest
message; anything else starting with ``/`` has its leading slashes removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from symcheck.clinical.interview.protocol import Button


@dataclass(frozen=True)
class GuardedText:
    """What to send the bot, and the button pressed (if the text was an offered payload)."""

    text: str
    button: Button | None = None

    @property
    def is_button(self) -> bool:
        return self.button is not None


def guard_intent(text: str, offered: Iterable[Button]) -> GuardedText:
    if not text.startswith("/"):
        return GuardedText(text)
    for button in offered:
        if button.payload and text == button.payload:
            return GuardedText(text, button)
    return GuardedText(text.lstrip("/").lstrip())
