"""Replies as Telegram messages: plain text of at most 4096 characters, buttons as an inline
keyboard whose presses come back as short references.

- Text is sent without ``parse_mode`` (nothing the bot or a clinician writes can be taken for
  markup) and split at whitespace, never inside a word, preferring paragraph, line and sentence
  breaks in the second half of a part. Telegram counts UTF-16 code units, so do we (an emoji
  counts two). Parts are sent in order, one after the other, so they are not numbered.
- Buttons go on the last part as ``reply_markup`` ``{"inline_keyboard": [[{"text",
  "callback_data"}], ...]}``, one per row. ``callback_data`` (at most 64 bytes) is
  ``b1:<index>:<digest>``, the digest naming the message that offered it (its text and
  buttons), so a press is read against the bot's latest message only (:func:`pick`): a press
  on an older keyboard picks nothing, even when the buttons look the same.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from connectors._split import split_at_whitespace
from symcheck.clinical.interview.protocol import Button

MAX_MESSAGE_CHARS = 4096
MAX_CALLBACK_DATA_BYTES = 64
#: Sent with a keyboard when the reply has buttons and no text (Telegram needs text).
BUTTONS_ONLY_TEXT = "Please choose:"
_REFERENCE = re.compile(r"^b1:(\d{1,2}):([A-Za-z0-9_-]{12})$")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` UTF-16 units at whitespace."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    return split_at_whitespace(text, limit, units=_utf16_units)


def _utf16_units(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def digest(prompt: str, buttons: Sequence[Button]) -> str:
    """12 characters naming the message (text and buttons) that offers ``buttons``."""
    material = "\x1f".join([prompt, *(f"{b.title}\x1e{b.payload}" for b in buttons)])
    raw = hashlib.sha256(material.encode("utf-8")).digest()[:9]
    return base64.urlsafe_b64encode(raw).decode("ascii")


def reference(index: int, prompt: str, buttons: Sequence[Button]) -> str:
    """The ``callback_data`` of button ``index`` of the message (``b1:<index>:<digest>``)."""
    return f"b1:{index}:{digest(prompt, buttons)}"


def pick(data: str, prompt: str, buttons: Sequence[Button]) -> Button | None:
    """The button ``data`` refers to, if the message with ``prompt`` and ``buttons`` offered
    it; ``None`` otherwise (an older keyboard, or data no keyboard of ours carries)."""
    match = _REFERENCE.match(data)
    if match is None:
        return None
    index = int(match.group(1))
    if index >= len(buttons) or match.group(2) != digest(prompt, buttons):
        return None
    return buttons[index]


def inline_keyboard(prompt: str, buttons: Sequence[Button]) -> dict[str, Any]:
    """``reply_markup`` for the buttons of the message with text ``prompt``."""
    return {
        "inline_keyboard": [
            [{"text": b.title, "callback_data": reference(i, prompt, buttons)}]
            for i, b in enumerate(buttons)
        ]
    }


def render_telegram(
    text: str, buttons: Sequence[Button] = (), limit: int = MAX_MESSAGE_CHARS
) -> list[tuple[str, dict[str, Any]]]:
    """The messages for one reply: ``(text, extra)`` pairs, the keyboard on the last one."""
    parts = split_text(text, limit)
    if not buttons:
        return [(p, {}) for p in parts]
    if not parts:
        parts = [BUTTONS_ONLY_TEXT]
    keyboard = {"reply_markup": inline_keyboard(text, buttons)}
    return [(p, {}) for p in parts[:-1]] + [(parts[-1], keyboard)]
