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
    r"weeks?|wks?\b|days?|hours?|hrs?|minutes?|mins?|months?|times|x\b|am\b|pm\b|mg|ml|o ?clock|"
    r"tablets?|pills?|\.\d|/|\+\s*\d))"
)
_RELATIVE = (
    r"(?:son|daughter|child|kid|baby|boy|girl|husband|wife|mum|mom|dad|father|mother|grandma|"
    r"grandmother|nan|nana|granny|grandad|grandpa|grandfather|partner|toddler|brother|sister|"
    r"little one|niece|nephew|friend|grandson|granddaughter|grandchild)"
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
    # "18 female", "45, male"
    re.compile(r"(?<![\d.])\b(\d{1,3})\s*,?\s*(?:female|male|woman|man|lady|guy|lad|bloke)\b()"),
    # "my son is 4", "my daughter (3)", "she is 80", "he's 2"
    re.compile(
        rf"\b(?:my {_RELATIVE}|he|she|hes|shes)\s+(?:is\s+)?\(?\s*(\d{{1,3}})\b{_NOT_AGE}()"
    ),
]
# Words after "N weeks" that make it something other than an age or a pregnancy ("2 weeks
# late", "3 weeks post op", "6 months clean", "4 weeks into chemo").
_NOT_STATEMENT = (
    r"(?!\s*-?\s*(?:old|post\w*|ago|late|overdue|early|into|in|out|off|on|clean|sober|since|"
    r"after|from|before|now|of|away|behind|pregnant|gestation|along)\b)"
)
_CHILD = (
    r"(?:son|daughter|child|kid|baby|boy|girl|toddler|little one|little boy|little girl|"
    r"grandson|granddaughter|niece|nephew|newborn|twins?|baby boy|baby girl)"
)
_FEMALE_ONLY = (
    r"(?:she|shes|my daughter|my little girl|my baby girl|my girl|my niece|my granddaughter)"
)
_PARTNER = r"(?:wife|partner|girlfriend|fiancee|missus|mrs)"
_BARE = rf"\s+(?:is\s+)?(?:only\s+|just\s+|nearly\s+|almost\s+)?{_NUM}\s*-?\s*(day|week|month)s?\b"
# "my little one is 7 weeks", "he's 10 days", "the baby is 3 months": an age without "old".
_BARE_AGE = re.compile(
    rf"\b(?:my {_CHILD}|(?:the|our) baby|little one|he|hes|he is)(?:s)?{_BARE}{_NOT_STATEMENT}()"
)
# "she's 8 weeks": a baby's age below 13 weeks; from 13 weeks on it is read as a pregnancy.
_BARE_AGE_SHE = re.compile(rf"\b{_FEMALE_ONLY}{_BARE}{_NOT_STATEMENT}()")
# How far into a pregnancy: "34 weeks pregnant", "I'm 34 weeks", "my wife is 30+2 weeks",
# "8 months pregnant", "34/40", "32 weeks gestation".
_GESTATION_PATTERNS = [
    re.compile(
        rf"\b{_NUM}\s*(?:\+\s*\d\s*)?(?:-\s*)?(week|wk|month)s?\s*(?:pregnant|gestation|along)\b"
    ),
    re.compile(
        rf"\b(?:i am|im|iam|(?:my )?{_PARTNER}(?:\s+is|s)?)\s+(?:only\s+|nearly\s+|almost\s+)?"
        rf"{_NUM}\s*(?:\+\s*\d\s*)?(week|wk|month)s?\b{_NOT_STATEMENT}"
    ),
    re.compile(r"(?<![\d/])\b([1-4]?\d)\s*(?:\+\s*\d\s*)?/\s*40\b()"),
]
_WEEKS = {"week": 1.0, "wk": 1.0, "month": 4.35, "": 1.0}
_NEWBORN = re.compile(r"\b(?:newborn|new born|neonate|just born|born (?:yesterday|today))\b")
_SEX_AGE = r"\b\d{1,3}\s*(?:yo|y/o|yrs?|years?|year)?\s*-?\s*(?:old\s+)?"
_FEMALE = re.compile(
    r"\b(?:i am|im|iam)\s+(?:a\s+)?(?:\d{1,3}\s*(?:yo|y/o|years? old|year old)?\s*)?"
    r"(?:(?:and|,)\s*(?:a\s+)?)?(?:new\s+|single\s+|young\s+)?"
    r"(woman|female|girl|lady|mum|mom|mother)\b"
    r"|\b\d{1,2}\s?f\b|\bf\s?\d{1,2}\b|^\s*f\s*[,/]\s*\d|\b(?:female|woman)\s*,?\s*\d{1,3}\b"
    r"|\bmy (?:daughter|wife|mum|mom|mother|grandma|grandmother|nan|nana|granny|girlfriend|"
    r"sister|baby girl|niece|granddaughter)s?\b|\b(?:she is|shes)\s+\d{1,3}\b"
    rf"|{_SEX_AGE}(?:woman|female|girl|lady)\b|\b(?:woman|female|girl|lady)\s+aged?\s+\d"
)
_MALE = re.compile(
    r"\b(?:i am|im|iam)\s+(?:a\s+)?(?:\d{1,3}\s*(?:yo|y/o|years? old|year old)?\s*)?"
    r"(?:(?:and|,)\s*(?:a\s+)?)?(?:new\s+|single\s+|young\s+)?"
    r"(man|male|guy|boy|dad|father|bloke|lad)\b"
    r"|(?<!for )(?<!since )\b\d{1,2}\s?m\b|\bm\s?\d{1,2}\b|^\s*m\s*[,/]\s*\d"
    r"|\b(?:male|man)\s*,?\s*\d{1,3}\b"
    r"|\bmy (?:son|husband|dad|father|grandad|grandpa|grandfather|boyfriend|brother|baby boy|"
    r"nephew|grandson)s?\b|\b(?:he is|hes)\s+\d{1,3}\b"
    rf"|{_SEX_AGE}(?:man|male|guy|boy|lad|bloke)\b|\b(?:man|male|guy|boy|lad|bloke)\s+aged?\s+\d"
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
# "my girlfriend is pregnant": the writer's sex is not said.
_PARTNER_PREGNANT = re.compile(rf"\b(?:my )?{_PARTNER}(?:\s+is|s)?\s+(?:\S+\s+){{0,3}}pregnant\b")
# The writer speaks of her own body after a birth: a baby's age in the message is not hers.
_WRITER_IS_NEW_MOTHER = re.compile(
    r"\b(?:i gave birth|i have given birth|ive given birth|since i (?:had|gave birth)|"
    r"since giving birth|since having (?:him|her|the baby|my baby|them)|after giving birth|"
    r"my (?:left |right )?(?:breast|breasts|boob|boobs|nipple|nipples|stitches|c section|"
    r"caesarean|cesarean|section scar|milk supply|perineum|tear))\b"
)


@dataclass(frozen=True)
class Demographics:
    age_years: float | None = None
    sex: Sex | None = None
    pregnant: bool | None = None
    gestation_weeks: float | None = None  # how far into the pregnancy, when said


def extract_demographics(text: str) -> Demographics:
    """Age, sex and pregnancy stated in free text; fields stay ``None`` when not said."""
    return read_demographics(normalise(text))[0]


def read_demographics(
    norm: str, whole: str | None = None
) -> tuple[Demographics, tuple[tuple[int, int], ...]]:
    """Demographics from normalised text, and the character spans of the statements.

    The spans ("7 weeks" in "my little one is 7 weeks", "34 weeks" in "I'm 34 weeks") let the
    finding extractor keep an age or a stage of pregnancy from being read as how long a
    symptom has lasted. ``whole`` is the full text when ``norm`` has parts blanked out (about
    someone else): a partner's pregnancy said there does not make the patient female.
    """
    spans: list[tuple[int, int]] = []
    gestation = _gestation(norm, spans)
    age = _age(norm, spans)
    if age is not None and age < 1 and _WRITER_IS_NEW_MOTHER.search(norm):
        # "my 3 week old is fine but my left breast is red and hot": the baby's age is
        # context; the patient is the mother (her age is asked).
        age = None
    pregnant = _pregnant(norm)
    if gestation is not None and pregnant is None:
        pregnant = True
    if pregnant is False:
        gestation = None
    sex = _sex(norm)
    if sex is None and pregnant is True and not _PARTNER_PREGNANT.search(whole or norm):
        sex = Sex.FEMALE  # "I'm 28 weeks pregnant"
    demo = Demographics(age_years=age, sex=sex, pregnant=pregnant, gestation_weeks=gestation)
    return demo, tuple(spans)


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


def _age(norm: str, spans: list[tuple[int, int]] | None = None) -> float | None:
    if _NEWBORN.search(norm):
        return 0.02
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(norm):
            value = _number(match.group(1))
            unit = match.group(2) if match.lastindex and match.lastindex >= 2 else ""
            years = value * _AGE_UNITS.get(unit, 1.0) if unit else value
            if 0 <= years <= _MAX_AGE:
                return round(years, 3)
    for pattern in (_BARE_AGE, _BARE_AGE_SHE):
        for match in pattern.finditer(norm):
            value, unit = _number(match.group(1)), match.group(2)
            if pattern is _BARE_AGE_SHE and unit == "week" and value >= 13:
                continue  # "she's 30 weeks": a pregnancy (see _gestation)
            years = value * _AGE_UNITS[unit]
            if 0 <= years <= 18:
                if spans is not None:
                    spans.append((match.start(1), match.end()))
                return round(years, 3)
    return None


def _gestation(norm: str, spans: list[tuple[int, int]]) -> float | None:
    """Weeks of pregnancy stated in the text (the first plausible one), recording its span."""
    candidates = [
        (match, match.group(1), match.group(2) or "")
        for p in _GESTATION_PATTERNS
        for match in p.finditer(norm)
    ]
    candidates += [
        (match, match.group(1), match.group(2))
        for match in _BARE_AGE_SHE.finditer(norm)
        if match.group(2) == "week" and _number(match.group(1)) >= 13
    ]
    for match, raw, unit in sorted(candidates, key=lambda c: c[0].start()):
        weeks = _number(raw) * _WEEKS[unit]
        if 3 <= weeks <= 44:
            spans.append((match.start(1), match.end()))
            return round(weeks, 1)
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
