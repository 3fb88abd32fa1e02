"""Age, sex and pregnancy statements ("I'm a 34 yo woman", "my baby is 6 weeks old").

Free text often describes someone else ("my husband's face has dropped"): the person with the
symptoms is the patient, so "my husband" says the patient is male. Callers decide whether a
statement may overwrite what is already known (see :func:`symcheck.clinical.safety.check_message`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symcheck.clinical.nlu.numbers import WORD_NUMBERS
from symcheck.clinical.nlu.text import normalise
from symcheck.clinical.patient import Sex

_NUM = r"(\d{1,3}(?:\.\d)?|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"
_AGE_UNITS = {"day": 1 / 365, "week": 7 / 365, "month": 1 / 12, "year": 1.0, "yr": 1.0}
# Units and words after a number that mean it is not an age.
_NOT_AGE = (
    r"(?!\s*(?:kg|kgs|lbs?|pounds|stone|st\b|cm|ft\b|foot|feet|inch|inches|%|degrees?|c\b|f\b|"
    r"weeks?|days?|hours?|hrs?|minutes?|mins?|months?|times|x\b|am\b|pm\b|mg|ml|o ?clock|"
    r"tablets?|pills?|\.\d|/))"
)
_RELATIVE = (
    r"(?:son|daughter|child|kid|baby|boy|girl|husband|wife|mum|mom|dad|father|mother|grandma|"
    r"grandmother|nan|nana|granny|grandad|grandpa|grandfather|partner|toddler|brother|sister|"
    r"little one|niece|nephew|friend)"
)
_AGE_PATTERNS = [
    # "6 weeks old", "six weeks old", "3 months old", "34 years old", "34-year-old"
    re.compile(rf"\b{_NUM}\s*-?\s*(day|week|month|year|yr)s?\s*-?\s*old\b"),
    # "34 yo", "34yo", "34 y/o", "34 yrs", "34 years" (not "for 3 years")
    re.compile(r"(?<!for )(?<!since )\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?\b|years?\b)(?! ago)()"),
    # "aged 34", "age 34", "age: 34"
    re.compile(r"\bage[d]?\s*:?\s*(\d{1,3})\b()"),
    # "i am 34", "im 34", "i'm 34" (not "I'm 5 foot 2", "I'm 12 weeks pregnant")
    re.compile(rf"\b(?:i am|im|iam)\s+(\d{{1,3}})\b{_NOT_AGE}()"),
    # "34f", "34 m" (not "for 30m")
    re.compile(r"(?<!for )(?<!since )(?<!about )(?<!over )(?<!after )\b(\d{1,2})\s?(?:f|m)\b()"),
    re.compile(r"(?:^|\s)(?:f|m)\s?(\d{1,2})\b()"),
    re.compile(r"^\s*(?:f|m)\s*[,/]\s*(\d{1,3})\b()"),
    # "female, 72", "man 45"
    re.compile(r"\b(?:female|male|woman|man)\s*,?\s*(\d{1,3})\b" + _NOT_AGE + "()"),
    # "my son is 4", "my daughter (3)", "she is 80", "he's 2"
    re.compile(
        rf"\b(?:my {_RELATIVE}|he|she|hes|shes)\s+(?:is\s+)?\(?\s*(\d{{1,3}})\b{_NOT_AGE}()"
    ),
]
_NEWBORN = re.compile(r"\b(?:newborn|new born|neonate|just born|born (?:yesterday|today))\b")
_FEMALE = re.compile(
    r"\b(?:i am|im|iam)\s+(?:a\s+)?(?:\d{1,3}\s*(?:yo|y/o|years? old|year old)?\s*)?"
    r"(?:(?:and|,)\s*(?:a\s+)?)?(woman|female|girl|lady|mum|mom|mother)\b"
    r"|\b\d{1,2}\s?f\b|\bf\s?\d{1,2}\b|^\s*f\s*[,/]\s*\d|\b(?:female|woman)\s*,?\s*\d{1,3}\b"
    r"|\bmy (?:daughter|wife|mum|mom|mother|grandma|grandmother|nan|nana|granny|girlfriend|"
    r"sister|baby girl|niece)s?\b|\b(?:she is|shes)\s+\d{1,3}\b"
)
_MALE = re.compile(
    r"\b(?:i am|im|iam)\s+(?:a\s+)?(?:\d{1,3}\s*(?:yo|y/o|years? old|year old)?\s*)?"
    r"(?:(?:and|,)\s*(?:a\s+)?)?(man|male|guy|boy|dad|father|bloke)\b"
    r"|(?<!for )(?<!since )\b\d{1,2}\s?m\b|\bm\s?\d{1,2}\b|^\s*m\s*[,/]\s*\d"
    r"|\b(?:male|man)\s*,?\s*\d{1,3}\b"
    r"|\bmy (?:son|husband|dad|father|grandad|grandpa|grandfather|boyfriend|brother|baby boy|"
    r"nephew)s?\b|\b(?:he is|hes)\s+\d{1,3}\b"
)
_BARE_SEX = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "a woman": Sex.FEMALE,
    "girl": Sex.FEMALE,
    "a girl": Sex.FEMALE,
    "lady": Sex.FEMALE,
    "a lady": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "man": Sex.MALE,
    "a man": Sex.MALE,
    "boy": Sex.MALE,
    "a boy": Sex.MALE,
    "guy": Sex.MALE,
    "a guy": Sex.MALE,
}
_PREGNANT_WORD = re.compile(r"\bpregnant\b")
_PREGNANT = re.compile(
    r"\b(?:i am|im|iam|she is|shes|currently|am|is)\s+(?:\d{1,2}\s*weeks?\s+)?pregnant\b"
    r"|\b\d{1,2}\s*(?:weeks?|wks?|months?)\s+pregnant\b|\bexpecting a baby\b|\bpregnant with\b"
    r"|\b(?:wife|partner|girlfriend|daughter)\s+(?:is\s+)?(?:\d{1,2}\s*weeks?\s+)?pregnant\b"
    r"|\bmy pregnant\b|\bweeks? gestation\b"
)
_NOT_PREGNANT = re.compile(
    r"\b(?:not|never been|no chance of being|cant be|cannot be|couldnt be|isnt|definitely not)"
    r"\s+pregnant\b|\bpregnancy test (?:was |is )?negative\b|\bnegative pregnancy test\b"
)
# "might be pregnant", "trying to get pregnant", "when I was pregnant": not a statement that
# the patient is pregnant now (the finding ``missed_period`` covers possible pregnancy).
_OTHER_PREGNANT = re.compile(
    r"\b(?:might|could|may|maybe|possibly|if i am|if im|if she is|worried i am|worried im|"
    r"trying to get|get|getting|become|becoming|was|were|when i was|been|think i might|"
    r"wonder if i am|wonder if im|could i|can i|am i)\s+(?:be\s+)?pregnant\b"
    r"|\bpregnant before\b|\blast (?:time i was )?pregnant\b"
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
    """Age from an answer to "How old are you?": also accepts "34", "six", "6 months"."""
    norm = re.sub(r"\s+", " ", normalise(text)).strip().rstrip(".!")
    bare = re.fullmatch(
        rf"(?:about |around |nearly |almost )?{_NUM}\s*(?:(day|week|month|year|yr)s?)?(?: old)?",
        norm,
    )
    if bare and bare.group(1) not in ("a", "an"):
        value = _number(bare.group(1))
        years = value * _AGE_UNITS.get(bare.group(2) or "year", 1.0)
        return round(years, 3) if 0 <= years <= _MAX_AGE else None
    return _age(norm)


def parse_sex_answer(text: str) -> Sex | None:
    """Sex from an answer to "What is your sex?": also accepts "f", "male", "a woman"."""
    norm = re.sub(r"[^a-z ]", "", normalise(text)).strip()
    if norm in _BARE_SEX:
        return _BARE_SEX[norm]
    return _sex(normalise(text))


def _number(raw: str) -> float:
    return float(raw) if raw[0].isdigit() else float(WORD_NUMBERS[raw])


def _age(norm: str) -> float | None:
    if _NEWBORN.search(norm):
        return 0.02
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(norm):
            value = _number(match.group(1))
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
    for match in _PREGNANT_WORD.finditer(norm):
        window = norm[max(0, match.start() - 25) : match.end() + 10]
        if not _OTHER_PREGNANT.search(window):
            return True
    return None
