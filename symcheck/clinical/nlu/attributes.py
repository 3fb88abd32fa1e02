"""Duration, severity and onset phrases ("for 3 days", "worst ever", "came on suddenly")."""

from __future__ import annotations

import re
from datetime import date

from symcheck.clinical.patient import Onset

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "a couple of": 2,
    "few": 3,
    "a few": 3,
    "several": 4,
}
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
_AMOUNT = re.compile(rf"\b{_NUM}\s*{_UNIT}\b")
_FIXED = [
    (re.compile(r"\b(since|from) (this morning|earlier today|today)\b"), 6.0),
    (re.compile(r"\b(since )?(last night|yesterday evening|overnight)\b"), 12.0),
    (re.compile(r"\b(since )?yesterday\b"), 24.0),
    (re.compile(r"\b(since )?(the )?day before yesterday\b"), 48.0),
    (re.compile(r"\b(since )?last week\b"), 168.0),
    (re.compile(r"\b(since )?last month\b"), 730.0),
    (re.compile(r"\bfor (ages|months)\b"), 2190.0),
    (re.compile(r"\bfor years\b"), 17520.0),
    (re.compile(r"\bfor weeks\b"), 504.0),
    (re.compile(r"\bfor days\b"), 72.0),
    (re.compile(r"\b(just now|a few minutes ago|minutes ago|just started)\b"), 0.25),
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SINCE_WEEKDAY = re.compile(
    r"\bsince (?:last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)

_SCALE = re.compile(r"\b(\d{1,2})\s*(?:/|out of)\s*10\b")
_SEVERITY_WORDS = [
    (
        re.compile(
            r"\bworst\b.*\b(ever|life|imaginable|of my life|i have ever had|ive ever had)\b"
        ),
        10,
    ),
    (re.compile(r"\b(excruciating|unbearable|agony|agonising|agonizing|the worst)\b"), 9),
    (re.compile(r"\b(severe|really bad|very bad|terrible|awful|intense|extreme)\b"), 8),
    (re.compile(r"\b(moderate|quite bad|pretty bad)\b"), 5),
    (re.compile(r"\b(mild|slight|a bit of|a little|minor)\b"), 3),
]
_SUDDEN = re.compile(
    r"\b(sudden|suddenly|all of a sudden|out of nowhere|out of the blue|came on fast|"
    r"all at once|thunderclap|within seconds|in seconds|like being hit)\b"
)
_GRADUAL = re.compile(
    r"\b(gradual|gradually|slowly|bit by bit|over (several|a few) (days|weeks))\b"
)


def duration_hours(clause: str, today: date | None = None) -> float | None:
    """How long something has lasted, from a normalised clause, in hours; ``None`` if unsaid."""
    match = _AMOUNT.search(clause)
    if match:
        raw, unit = match.group(1), match.group(2)
        count = float(raw) if raw[0].isdigit() else float(_NUMBER_WORDS.get(raw, 1))
        return count * _UNIT_HOURS[unit]
    for pattern, hours in _FIXED:
        if pattern.search(clause):
            return hours
    weekday = _SINCE_WEEKDAY.search(clause)
    if weekday:
        if today is None:
            return 96.0  # "since <weekday>": somewhere in the last week; take the middle
        days = (today.weekday() - _WEEKDAYS.index(weekday.group(1))) % 7 or 7
        return days * 24.0
    return None


def severity(clause: str) -> int | None:
    """Severity 0-10 from a normalised clause; ``None`` if unsaid."""
    scale = _SCALE.search(clause)
    if scale:
        return min(int(scale.group(1)), 10)
    for pattern, value in _SEVERITY_WORDS:
        if pattern.search(clause):
            return value
    return None


def onset(clause: str) -> Onset | None:
    if _SUDDEN.search(clause):
        return Onset.SUDDEN
    if _GRADUAL.search(clause):
        return Onset.GRADUAL
    return None
