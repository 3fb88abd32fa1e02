"""Spans of the normalised text: blanking, distances, the sentence around a mention and the
expression nearest to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from symcheck.clinical.nlu.text import Token
from symcheck.clinical.nlu.triggers import SENTENCE_END

_T = TypeVar("_T")
_NOW_OPENERS = frozenset({"and", "but", "then", ","})


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the character spans replaced by spaces (offsets unchanged)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def gap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Characters between two spans (0 when they overlap)."""
    if b_start >= a_end:
        return b_start - a_end
    if a_start >= b_end:
        return a_start - b_end
    return 0


def sentence_span(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int]:
    """Word range of the sentence around the words ``start:end``.

    "and now" / "but now" starts a new sentence for attributes: in "went to Spain last week
    and now have a fever" the week is when they travelled, not how long the fever has lasted.
    """
    lo = start
    while lo > 0 and tokens[lo - 1].text not in SENTENCE_END and not _now_clause(tokens, lo - 1):
        lo -= 1
    hi = end
    while hi < len(tokens) and tokens[hi].text not in SENTENCE_END and not _now_clause(tokens, hi):
        hi += 1
    return lo, hi


def _now_clause(tokens: Sequence[Token], k: int) -> bool:
    """Whether token ``k`` is the "now" of "and now ..." ("fever, now for 5 days" is not)."""
    return (
        tokens[k].text == "now"
        and k > 0
        and tokens[k - 1].text in _NOW_OPENERS
        and not (k + 1 < len(tokens) and tokens[k + 1].text in ("for", "since"))
    )


def nearest(
    text: str,
    tokens: Sequence[Token],
    mentions: Sequence[tuple[int, int]],
    sentences: Sequence[tuple[int, int]],
    finder: Callable[[str], list[tuple[int, int, _T]]],
    groups: Sequence[int] | None = None,
    *,
    modifies_after: bool = True,
) -> list[_T | None]:
    """For each mention (a word range), the attribute expressed nearest to it in its sentence.

    ``finder`` returns ``(start, end, value)`` character spans in the sentence text. Every
    mention takes the closest expression, so "a cough for 3 weeks and a fever since
    yesterday" gives each its own duration, and "headache and stiff neck for 2 days" gives
    both the same one. An expression right next to a mention belongs to it (see
    :func:`_owner`): one just before it ("a mild fever") to it alone, one just after it
    ("diarrhoea for 3 weeks") to it and the mentions before it, not to those after it
    ("... and weight loss"). Between two mentions it belongs to the closer one; on a tie, to
    the one after when ``modifies_after`` (severity and onset words modify what follows:
    "cough, mild fever"), else to the one before (durations follow what they measure: "down
    for months no energy"). Mentions of one ``group`` (a phrase and the words coordinated with
    it: "pain in my back and tummy") share their expressions.
    """
    group = list(groups) if groups is not None else list(range(len(mentions)))
    chars = [(tokens[start].start, tokens[end - 1].end) for start, end in mentions]
    cache: dict[tuple[int, int], tuple[int, list[tuple[int, int, _T]]]] = {}
    out: list[_T | None] = []
    for index, ((lo, hi), (m_start, m_end)) in enumerate(zip(sentences, chars, strict=True)):
        if (lo, hi) not in cache:
            first = tokens[lo].start
            last = tokens[hi - 1].end
            cache[(lo, hi)] = (first, finder(text[first:last]))
        offset, spans = cache[(lo, hi)]
        allowed = []
        for span in spans:
            s_start, s_end = span[0] + offset, span[1] + offset
            owner = _owner(text, chars, s_start, s_end, modifies_after)
            if owner is None or group[owner[0]] == group[index]:
                allowed.append(span)
            elif owner[1] == "after" and m_end <= chars[owner[0]][0]:
                allowed.append(span)  # "headache and stiff neck for 2 days": before the owner
        if not allowed:
            out.append(None)
            continue
        best = min(allowed, key=lambda s: gap(m_start - offset, m_end - offset, s[0], s[1]))
        out.append(best[2])
    return out


# Words that may stand between a mention and an expression that belongs to it.
_AFTER_JOINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "my",
        "is",
        "are",
        "was",
        "were",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "now",
        "really",
        "very",
        "so",
        "just",
        "still",
        "quite",
        "pretty",
        "got",
        "gone",
        # what comes before a number of days: "for the last 3 months", "since about 2 days"
        "for",
        "since",
        "over",
        "about",
        "around",
        "nearly",
        "almost",
        "roughly",
        "last",
        "past",
        "at",
        "least",
    }
)
_BEFORE_JOINERS = frozenset({"a", "an", "the", "my", "his", "her", "of", "bit", "really", "very"})


def _owner(
    text: str,
    mentions: Sequence[tuple[int, int]],
    start: int,
    end: int,
    modifies_after: bool,
) -> tuple[int, str] | None:
    """The mention an expression at ``start:end`` (characters) belongs to, and how: ``"own"``
    (inside it, or right before it: "mild fever") or ``"after"`` (right after it: "cough
    for 3 weeks"). Only joiner words ("a", "my", "is", "really") may stand between; the
    closer side wins, a tie as ``modifies_after`` says."""
    best: tuple[int, int, str] | None = None  # (distance, mention, how)
    for index, (m_start, m_end) in enumerate(mentions):
        if start < m_end and m_start < end:
            return index, "own"
        if end <= m_start and _joined(text[end:m_start], _BEFORE_JOINERS):
            candidate = (m_start - end, index, "own")
        elif m_end <= start and _joined(text[m_end:start], _AFTER_JOINERS):
            candidate = (start - m_end, index, "after")
        else:
            continue
        if best is None or _rank(candidate, modifies_after) < _rank(best, modifies_after):
            best = candidate
    return None if best is None else (best[1], best[2])


def _rank(candidate: tuple[int, int, str], modifies_after: bool) -> tuple[int, bool]:
    distance, _, how = candidate
    return distance, (how == "own") != modifies_after


def _joined(between: str, joiners: frozenset[str]) -> bool:
    return all(word in joiners for word in between.split())
