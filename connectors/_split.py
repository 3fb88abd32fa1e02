"""Splitting a long reply into provider-sized parts at whitespace (shared by SMS and Telegram).

A part ends, in order of preference, at a blank line, a line break or the end of a sentence in
its second half, else at the last space; a single word longer than a part (a long link) is the
only thing ever cut. Providers count length differently (Twilio in characters, Telegram in
UTF-16 code units), so the caller says what one character costs.
"""

from __future__ import annotations

from collections.abc import Callable


def _one(ch: str) -> int:
    return 1


def split_at_whitespace(text: str, limit: int, *, units: Callable[[str], int] = _one) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` units, never mid-word unless unavoidable."""
    rest = text.strip()
    parts: list[str] = []
    while (room := _chars_within(rest, limit, units)) < len(rest):
        cut = _break_at(rest, room)
        if cut is None:  # one word longer than the limit: the only hard cut
            parts.append(rest[:room])
            rest = rest[room:].lstrip()
            continue
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _chars_within(text: str, limit: int, units: Callable[[str], int]) -> int:
    """How many leading characters of ``text`` fit in ``limit`` units."""
    used = 0
    for index, ch in enumerate(text):
        used += units(ch)
        if used > limit:
            return index
    return len(text)


def _break_at(text: str, room: int) -> int | None:
    """Where to end the next part: just before a whitespace character within ``room``."""
    window = text[: room + 1]  # a space right after the limit still allows a full part
    spaces = [i for i, ch in enumerate(window) if ch.isspace() and i > 0]
    if not spaces:
        return None
    half = room // 2
    for preferred in ("\n\n", "\n"):
        at = window.rfind(preferred, 0, room + 1)
        if at >= half:
            return at
    sentence = max((window.rfind(p, 0, room) for p in (". ", "? ", "! ")), default=-1)
    if sentence >= half:
        return sentence + 1
    return spaces[-1]
