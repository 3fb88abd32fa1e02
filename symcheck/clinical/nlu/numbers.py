"""Numbers written as words ("six weeks old", "for a couple of days")."""

from __future__ import annotations

from types import MappingProxyType

WORD_NUMBERS = MappingProxyType(
    {
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
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
    }
)
"""Exact numbers, "a"/"an" counting as one."""

QUANTITIES = MappingProxyType(
    {
        **WORD_NUMBERS,
        "couple of": 2,
        "a couple of": 2,
        "few": 3,
        "a few": 3,
        "several": 4,
    }
)
"""Exact numbers plus the vague ones people use for durations, at a typical value."""
