"""Age, sex and pregnancy statements ("I'm a 34 yo woman", "my baby is 6 weeks old")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from symcheck.clinical.nlu.text import normalise
from symcheck.clinical.patient import Sex

_AGE_UNITS = {"day": 1 / 365, "week": 7 / 365, "month": 1 / 12, "year": 1.0, "yr": 1.0}
_AGE_PATTERNS = [
    # "6 weeks old", "3 months old", "34 years old", "34 year old", "34-year-old"
    re.compile(r"\b(\d{1,3}(?:\.\d)?)\s*-?\s*(day|week|month|year|yr)s?\s*-?\s*old\b"),
    # "34 yo", "34yo", "34 y/o", "34 yrs", "34 years"
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?|years?)\b()"),
    # "aged 34", "age 34", "age: 34"
    re.compile(r"\bage[d]?\s*:?\s*(\d{1,3})\b()"),
    # "i am 34", "im 34", "i'm 34" (not followed by a unit that means something else)
    re.compile(
        r"\b(?:i am|im|iam)\s+(\d{1,3})\b(?!\s*(?:kg|lb|cm|weeks? pregnant|%|degrees?|c\b|f\b))()"
    ),
    # "34f", "34 m", "f34", "m 34"
    re.compile(r"\b(\d{1,2})\s?(?:f|m)\b()"),
    re.compile(r"\b(?:f|m)\s?(\d{1,2})\b()"),
    # "female, 72", "man 45"
    re.compile(r"\b(?:female|male|woman|man)\s*,?\s*(\d{1,3})\b()"),
    # "my son is 4", "she is 80", "he's 2"
    re.compile(
        r"\b(?:my (?:son|daughter|child|kid|baby|boy|girl|husband|wife|mum|mom|dad|father|mother"
        r"|grandma|grandmother|grandad|grandfather|partner)|he|she|hes|shes)\s+(?:is\s+)?"
        r"(\d{1,3})\b(?!\s*(?:kg|lb|cm|%|degrees?))()"
    ),
]
_FEMALE = re.compile(
    r"\b(?:i am|im|iam)\s+(?:a\s+)?(?:\d{1,3}\s*(?:yo|y/o|years? old|year old)?\s*)?"
    r"(woman|female|girl|lady|mum|mom|mother)\b"
    r"|\b\d{1,2}\s?f\b|\bf\s?\d{1,2}\b|\b(?:female|woman)\s*,?\s*\d{1,3}\b"
    r"|\bmy (daughter|wife|mum|mom|mother|grandma|grandmother|girlfriend|sister|baby girl)\b"
)
_MALE = re.compile(
    r"\b(?:i am|im|iam)\s+(?:a\s+)?(?:\d{1,3}\s*(?:yo|y/o|years? old|year old)?\s*)?"
    r"(man|male|guy|boy|dad|father)\b"
    r"|\b\d{1,2}\s?m\b|\bm\s?\d{1,2}\b|\b(?:male|man)\s*,?\s*\d{1,3}\b"
    r"|\bmy (son|husband|dad|father|grandad|grandfather|boyfriend|brother|baby boy)\b"
)
_BARE_SEX = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "a woman": Sex.FEMALE,
    "girl": Sex.FEMALE,
    "a girl": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "man": Sex.MALE,
    "a man": Sex.MALE,
    "boy": Sex.MALE,
    "a boy": Sex.MALE,
}
_PREGNANT = re.compile(
    r"\b(?:i am|im|iam|she is|shes|currently|am)\s+(?:\d{1,2}\s*weeks?\s+)?pregnant\b"
    r"|\b\d{1,2}\s*weeks?\s+pregnant\b|\bexpecting a baby\b|\bpregnant with\b"
)
_NOT_PREGNANT = re.compile(
    r"\b(?:not|never been|no chance of being|cant be|cannot be|couldnt be)\s+pregnant\b"
)
_MAX_AGE = 120.0


@dataclass(frozen=True)
class Demographics:
    age_years: float | None = None
    sex: Sex | None = None
    pregnant: bool | None = None


def extract_demographics(text: str) -> Demographics:
    """Age, sex and pregnancy stated in free text; fields stay ``None`` when not said."""
    norm = normalise(text)
    return Demographics(age_years=_age(norm), sex=_sex(norm), pregnant=_pregnant(norm))


def parse_age_answer(text: str) -> float | None:
    """Age from an answer to "How old are you?": also accepts a bare number ("34")."""
    norm = normalise(text).strip()
    bare = re.fullmatch(r"(\d{1,3})(?:\.\d)?\s*(?:years?)?\.?", norm)
    if bare:
        value = float(bare.group(1))
        return value if value <= _MAX_AGE else None
    return _age(norm)


def parse_sex_answer(text: str) -> Sex | None:
    """Sex from an answer to "What is your sex?": also accepts "f", "male", "a woman"."""
    norm = re.sub(r"[^a-z ]", "", normalise(text)).strip()
    if norm in _BARE_SEX:
        return _BARE_SEX[norm]
    return _sex(normalise(text))


def _age(norm: str) -> float | None:
    for pattern in _AGE_PATTERNS:
        match = pattern.search(norm)
        if not match:
            continue
        value = float(match.group(1))
        unit = match.group(2) if match.lastindex and match.lastindex >= 2 else ""
        years = value * _AGE_UNITS.get(unit, 1.0) if unit else value
        if 0 <= years <= _MAX_AGE:
            return round(years, 3)
    return None


def _sex(norm: str) -> Sex | None:
    female = _FEMALE.search(norm)
    male = _MALE.search(norm)
    if female and male:
        return Sex.FEMALE if female.start() < male.start() else Sex.MALE
    if female:
        return Sex.FEMALE
    if male:
        return Sex.MALE
    return None


def _pregnant(norm: str) -> bool | None:
    if _NOT_PREGNANT.search(norm):
        return False
    if _PREGNANT.search(norm):
        return True
    return None
