"""Replies as SMS: readable parts of at most 320 characters, buttons as numbered options.

- Text is split at whitespace, never inside a word (a single word longer than the limit -
  a long link - is the only thing ever cut), preferring paragraph, line and sentence breaks
  when one falls in the second half of a part. Parts of a multi-part reply end with
  ``(1/3)``, ``(2/3)``... (SMS can arrive out of order), counted within the limit.
- Buttons become one line, kept whole with the last part when it fits:
  ``Reply 1 for Yes, 2 for No, 3 for Don't know.``; the patient answers with the digit or
  the option's words. A single option is offered by its words only
  (``Or reply "Prefer not to say".``): the age question has one, and "1" is an age there.
- Typographic quotes, dashes and ellipses become their plain forms, so a reply stays in the
  GSM-7 alphabet (160 characters per segment instead of 70).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from connectors._split import split_at_whitespace
from symcheck.clinical.interview.protocol import Button

MAX_PART_CHARS = 320

_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
    }
)
_DIGIT_REPLY = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


def plain(text: str) -> str:
    """``text`` with typographic punctuation replaced by plain ASCII forms."""
    return text.translate(_PLAIN)


def numbered_options(buttons: Sequence[Button]) -> str:
    """``Reply 1 for Yes, 2 for No.``; ``Or reply "Skip".`` for one; empty for none."""
    if not buttons:
        return ""
    if len(buttons) == 1:
        return f'Or reply "{plain(buttons[0].title).strip()}".'
    items = [f"{i} for {plain(b.title).strip()}" for i, b in enumerate(buttons, start=1)]
    return f"Reply {', '.join(items)}."


def choose_option(text: str, buttons: Sequence[Button]) -> Button | None:
    """The button a reply picks: its number ("2", " 2.", "#2") when there are several
    options, or its words ("don't know", "Prefer not to say"); otherwise ``None``."""
    match = _DIGIT_REPLY.match(text)
    if match:
        index = int(match.group(1))
        if len(buttons) >= 2 and 1 <= index <= len(buttons):
            return buttons[index - 1]
        return None
    said = _words(text)
    return next((b for b in buttons if said and _words(b.title) == said), None)


def _words(text: str) -> str:
    return "".join(ch for ch in plain(text).casefold() if ch.isalnum())


def split_text(text: str, limit: int = MAX_PART_CHARS) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters at whitespace."""
    if limit < 1:
        raise ValueError("limit must be positive")
    return split_at_whitespace(text, limit)


def render_sms(text: str, buttons: Sequence[Button] = (), limit: int = MAX_PART_CHARS) -> list[str]:
    """The SMS parts for one reply (see the module docstring)."""
    body = plain(text)
    options = numbered_options(buttons)
    reserve = 0
    while True:
        room = limit - reserve
        parts = split_text(body, room)
        if options:
            if parts and len(parts[-1]) + 1 + len(options) <= room:
                parts[-1] = f"{parts[-1]}\n{options}"
            else:
                parts.extend(split_text(options, room))
        if len(parts) <= 1:
            return parts
        needed = len(f" ({len(parts)}/{len(parts)})")
        if reserve >= needed:
            break
        reserve = needed
    total = len(parts)
    return [f"{p} ({i}/{total})" for i, p in enumerate(parts, start=1)]
