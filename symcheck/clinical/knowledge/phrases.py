"""Compact phrase lists: ``(a|b)`` alternatives expand into every combination.

A knowledge-base phrase may list alternatives in parentheses, an empty alternative making the
group optional, so one line covers the ways people say the same thing::

    (pain|agony|ache) in my (testicle|testicles|balls)
    mouth (is|looks|has gone|) (droopy|drooping|lopsided) (on one side|)

Expansion happens when the data is loaded, so everything downstream (the extractor, the
collision and coverage tests) sees plain phrases.
"""

from __future__ import annotations

import itertools
import re

_GROUP = re.compile(r"\(([^()]*)\)")
MAX_EXPANSIONS = 500


class PhraseSyntaxError(ValueError):
    """A phrase's alternatives are malformed (unbalanced, or too many combinations)."""


def expand(phrase: str) -> tuple[str, ...]:
    """Every plain phrase ``phrase`` stands for, in order, with spaces normalised."""
    parts = _GROUP.split(phrase)
    if any(ch in part for part in parts[::2] for ch in "()|"):
        raise PhraseSyntaxError(f"unbalanced alternatives in {phrase!r}")
    choices = [
        [part] if i % 2 == 0 else [alt.strip() for alt in part.split("|")]
        for i, part in enumerate(parts)
    ]
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_EXPANSIONS:
        raise PhraseSyntaxError(f"{phrase!r} expands to {count} phrases (max {MAX_EXPANSIONS})")
    out: list[str] = []
    for combo in itertools.product(*choices):
        text = " ".join(" ".join(combo).split())
        if text and text not in out:
            out.append(text)
    return tuple(out)


def expand_all(phrases: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Expand every phrase, keeping the first occurrence of each result."""
    seen: dict[str, None] = {}
    for phrase in phrases:
        for plain in expand(phrase):
            seen.setdefault(plain, None)
    return tuple(seen)
