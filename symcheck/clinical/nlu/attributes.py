"""Duration, severity and onset phrases ("for 3 days", "worst ever", "came on suddenly").

Severity comes from severity words and scores (mild 3, moderate 5, bad 7, severe 8,
excruciating 9, worst ever 10, "7/10", "it's about a 7"), not from intensifiers on other
words ("really itchy", "very thirsty").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from symcheck.clinical.nlu.numbers import QUANTITIES
from symcheck.clinical.patient import Onset

_UNIT_HOURS = {
    "minute": 1 / 60,
    "min": 1 / 60,
    "hour": 1.0,
    "hr": 1.0,
    "day": 24.0,
    "night": 24.0,
    "week": 168.0,
    "wk": 168.0,
    "month": 730.0,
    "year": 8760.0,
    "yr": 8760.0,
}
_NUM = (
    r"(\d+(?:\.\d+)?|a couple of|couple of|a few|few|several|an?|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(minute|min|hour|hr|day|night|week|wk|month|year|yr)s?"
# Not how long a symptom has lasted: an age, a stage of pregnancy, time since a birth or an
# operation ("3 weeks postpartum", "2 days post op", "a week after my operation").
_AMOUNT = re.compile(
    rf"\b{_NUM}\s*-?\s*{_UNIT}\b"
    r"(?!\s*-?\s*(?:old|pregnant|gestation|post\w*|after\b))"
)
_FIXED = [
    (re.compile(r"\b(since|from) (this morning|earlier today|today)\b"), 6.0),
    (re.compile(r"\bthis morning\b"), 6.0),
    (re.compile(r"\b(since )?(last night|yesterday evening|overnight)\b"), 12.0),
    (re.compile(r"\b(since )?(the )?day before yesterday\b"), 48.0),
    (re.compile(r"\b(since )?yesterday\b"), 24.0),
    (re.compile(r"\b(since )?last week\b"), 168.0),
    (re.compile(r"\b(since )?last month\b"), 730.0),
    (re.compile(r"\bfor (ages|months)\b"), 2190.0),
    (re.compile(r"\bfor years\b"), 17520.0),
    (re.compile(r"\bfor weeks\b"), 504.0),
    (re.compile(r"\bfor days\b"), 72.0),
    (re.compile(r"\b(just now|a few minutes ago|minutes ago|just started)\b"), 0.25),
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend)"
_SINCE_WEEKDAY = re.compile(
    rf"\bsince (?:last )?{_DAY}\b"
    # "started with a sore throat on monday", "came on over the weekend"
    r"|\b(?:started|began|begun|came on|first noticed)\b[^.,;!?]{0,40}?"
    rf"\b(?:on|over|at) (?:last )?{_DAY}\b"
)

_SCALE = re.compile(
    r"\b(\d{1,2})\s*(?:/|out of)\s*10\b"
    # "the pain is about a 7", "it's a 6"
    r"|\b(?:is|its|at|about|around|maybe|probably|like)\s+(?:about\s+|around\s+|maybe\s+|like\s+)?"
    r"an?\s+(10|[0-9])\b(?![.,/]\d)(?!\s*(?:-\s*)?(?:days?|weeks?|months?|years?|hours?|hrs?|mins?|"
    r"minutes?|times|yo|yr|pm|am|kg|lbs?|%|degrees?|out|or|to)\b)"
)
_SEVERITY_WORDS = [
    (
        re.compile(
            r"\bworst\b.*\b(ever|life|imaginable|of my life|i have ever had|ive ever had)\b"
        ),
        10,
    ),
    (
        re.compile(
            r"\b(excruciating|unbearable|agony|agonising|agonizing|the worst|crippling|"
            r"worst pain|screaming in pain|cant bear it|can not bear it)\b"
        ),
        9,
    ),
    (
        re.compile(
            r"\b(severe|severely|really bad|very bad|so bad|terrible|awful|intense|extreme|"
            r"horrendous|killing me|really painful|very painful|really sore|very sore|"
            r"really really|bad pain|really hurts|hurts a lot|hurts so much|hurting so much|"
            r"really hurting)\b"
        ),
        8,
    ),
    (re.compile(r"\b(splitting|blinding|banging|driving me (?:crazy|mad|insane))\b"), 8),
    (re.compile(r"\bnot (?:too|that|so|very) bad\b"), 3),
    (re.compile(r"\b(moderate|quite bad|pretty bad)\b"), 5),
    (re.compile(r"\b(bad|nasty)\b"), 7),
    (re.compile(r"\b(mild|slight|slightly|a bit of|bit of|a little|minor)\b"), 3),
]
_SUDDEN = re.compile(
    r"\b(sudden|suddenly|all of a sudden|out of nowhere|out of the blue|came on fast|"
    r"all at once|thunderclap|within seconds|in seconds|like being hit|came on fast|"
    r"came on quickly|came on instantly|instantly|in an instant|in a split second|"
    r"explosive|like a bomb|just came on|out of the blue)\b"
)
_GRADUAL = re.compile(
    r"\b(gradual|gradually|slowly|bit by bit|over (several|a few) (days|weeks))\b"
)


Span = tuple[int, int, Any]


def durations(clause: str, today: date | None = None) -> list[Span]:
    """Every duration said in a normalised clause: ``(start, end, hours)`` character spans."""
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for match in _AMOUNT.finditer(clause):
        raw, unit = match.group(1), match.group(2)
        count = float(raw) if raw[0].isdigit() else float(QUANTITIES.get(raw, 1))
        spans.append((match.start(), match.end(), count * _UNIT_HOURS[unit]))
        taken.append((match.start(), match.end()))
    for pattern, hours in _FIXED:
        for match in pattern.finditer(clause):
            if not any(a <= match.start() < b or a < match.end() <= b for a, b in taken):
                spans.append((match.start(), match.end(), hours))
                taken.append((match.start(), match.end()))
    for match in _SINCE_WEEKDAY.finditer(clause):
        day = match.group(1) or match.group(2)
        if today is None:
            hours = 96.0  # "since <weekday>": somewhere in the last week; take the middle
        else:
            weekday = _WEEKDAYS.index("saturday" if day == "the weekend" else day)
            days = (today.weekday() - weekday) % 7 or 7
            hours = days * 24.0
        if not any(a <= match.start() < b for a, b in taken):
            spans.append((match.start(), match.end(), hours))
    return sorted(spans, key=lambda s: s[0])


def severities(clause: str) -> list[Span]:
    """Every severity said in a normalised clause: ``(start, end, 0-10)`` spans."""
    spans: list[Span] = [
        (m.start(), m.end(), min(int(m.group(1) or m.group(2)), 10))
        for m in _SCALE.finditer(clause)
    ]
    for pattern, value in _SEVERITY_WORDS:
        for match in pattern.finditer(clause):
            if not any(
                s <= match.start() < e or match.start() <= s < match.end() for s, e, _ in spans
            ):
                spans.append((match.start(), match.end(), value))
    return sorted(spans, key=lambda s: s[0])


def onsets(clause: str) -> list[Span]:
    """Every onset said in a normalised clause: ``(start, end, Onset)`` spans."""
    spans: list[Span] = [(m.start(), m.end(), Onset.SUDDEN) for m in _SUDDEN.finditer(clause)]
    spans += [(m.start(), m.end(), Onset.GRADUAL) for m in _GRADUAL.finditer(clause)]
    return sorted(spans, key=lambda s: s[0])


def duration_hours(clause: str, today: date | None = None) -> float | None:
    """How long something has lasted, from a normalised clause, in hours; ``None`` if unsaid."""
    found = durations(clause, today)
    return found[0][2] if found else None


def severity(clause: str) -> int | None:
    """Severity 0-10 from a normalised clause (the first one said); ``None`` if unsaid."""
    found = severities(clause)
    return found[0][2] if found else None


def onset(clause: str) -> Onset | None:
    """Sudden or gradual, from a normalised clause (the first one said); ``None`` if unsaid."""
    found = onsets(clause)
    return found[0][2] if found else None
