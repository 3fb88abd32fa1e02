"""Readings stated in numbers: temperature, blood glucose, blood pressure, tablets taken and
the stage of pregnancy, each reported as the finding it implies.

A stated temperature ("temp 39.2", "38.5 degrees", "102F") reports fever present (or absent
when normal; "slight temp of 37.8" is no fever); a stated blood glucose reports a low or high
sugar; a stated blood pressure ("185/110") reports a high or raised reading; a stated number of
tablets ("I've taken 30 paracetamol") reports an overdose; a stated stage of pregnancy ("I'm 34
weeks") reports whether it is preterm and whether it is past 20 weeks.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from symcheck.clinical.nlu.demographics import Demographics
from symcheck.clinical.nlu.numbers import WORD_NUMBERS
from symcheck.clinical.patient import Observation

_UNSAID = Observation(present=None)


class Readings:
    """Adds the findings that stated readings imply (only findings the knowledge base has)."""

    def __init__(self, findings: Collection[str]) -> None:
        self._findings = frozenset(findings)
        known = self._findings.__contains__
        self._fever = "fever" if known("fever") else None
        self._high_fever = "high_fever" if known("high_fever") else None
        self._overdose = "overdose" if known("overdose") else None
        self._preterm = "preterm_pregnancy" if known("preterm_pregnancy") else None
        self._later = "later_pregnancy" if known("later_pregnancy") else None
        self._high_bp = "high_bp_reading" if known("high_bp_reading") else None
        self._raised_bp = "raised_bp_reading" if known("raised_bp_reading") else None

    def add(
        self,
        norm: str,
        observations: dict[str, Observation],
        demographics: Demographics,
        *,
        fever_named_by_reading_only: bool,
    ) -> None:
        """Add to ``observations`` what the readings in the normalised text imply.

        ``fever_named_by_reading_only``: fever was matched only on words that may name a
        reading ("temperature 36.8"), so a normal reading withdraws it.
        """
        self._add_temperature(norm, observations, fever_named_by_reading_only)
        self._add_glucose(norm, observations)
        self._add_blood_pressure(norm, observations)
        self._add_tablet_count(norm, observations)
        self._add_gestation(demographics, observations)

    def _add_temperature(
        self, norm: str, observations: dict[str, Observation], weak_only: bool
    ) -> None:
        """A stated temperature reading decides fever when the words did not say it."""
        if self._fever is None:
            return
        celsius = stated_temperature(norm)
        if celsius is None:
            return
        fever = observations.get(self._fever)
        if celsius < 38.0 and fever is not None and fever.present is True and weak_only:
            # "temperature 36.8", "slight temp of 37.8": the word named the reading, which is
            # not a fever (38 °C or more, NICE NG143)
            fever = None
            del observations[self._fever]
        if celsius >= 38.0:
            if fever is None or fever.present is not True:
                observations[self._fever] = Observation(present=True)
            if celsius >= 39.0 and self._high_fever and self._high_fever not in observations:
                observations[self._high_fever] = Observation(present=True)
        elif 35.0 <= celsius < 37.5 and fever is None:
            observations[self._fever] = Observation(present=False)

    def _add_glucose(self, norm: str, observations: dict[str, Observation]) -> None:
        """A stated blood glucose reading reports low (< 4 mmol/L) or high (>= 15) sugar."""
        for match in _GLUCOSE.finditer(norm):
            value = float(match.group(1))
            if match.group(2) == "mg" or value > 35:
                value /= 18.0  # mg/dL to mmol/L
            fid = "low_blood_sugar" if value < 4.0 else "high_blood_sugar" if value >= 15 else None
            if fid and fid in self._findings and fid not in observations:
                observations[fid] = Observation(present=True)

    def _add_blood_pressure(self, norm: str, observations: dict[str, Observation]) -> None:
        """A stated blood pressure ("185/110", "bp 150 over 95") reports a high (180/120 or
        more) or raised (140/90 or more) reading, unless the words already said which."""
        for match in _BP_READING.finditer(norm):
            if match.group(1) is None and not _BP_CONTEXT.search(
                norm[max(0, match.start() - 40) : match.start()]
            ):
                continue  # "150 over 95" needs "bp" or "blood pressure" nearby
            systolic, diastolic = (int(g) for g in match.group(0).replace("over", "/").split("/"))
            if not (70 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic):
                continue
            if systolic >= 180 or diastolic >= 120:
                fid = self._high_bp
            elif systolic >= 140 or diastolic >= 90:
                fid = self._raised_bp
            else:
                continue
            if fid and not {self._high_bp, self._raised_bp} & set(observations):
                observations[fid] = Observation(present=True)

    def _add_tablet_count(self, norm: str, observations: dict[str, Observation]) -> None:
        """ "I've taken 30 paracetamol": a stated number of tablets that is an overdose."""
        if self._overdose is None or observations.get(self._overdose, _UNSAID).present:
            return
        for match in _PILL_COUNT.finditer(norm):
            raw = match.group(1)
            count = int(raw) if raw.isdigit() else _COUNT_WORDS[raw]
            before = norm[max(0, match.start() - 30) : match.start()]
            if count >= _OVERDOSE_COUNT and not _NEGATED_BEFORE.search(before):
                observations[self._overdose] = Observation(present=True)
                return

    def _add_gestation(
        self, demographics: Demographics, observations: dict[str, Observation]
    ) -> None:
        """A stated stage of pregnancy says whether it is preterm (before 37 weeks) and whether
        it is the second half of pregnancy (20 weeks or more)."""
        weeks = demographics.gestation_weeks
        if weeks is None:
            return
        for fid, present in ((self._preterm, weeks < 37), (self._later, weeks >= 20)):
            if fid is not None and fid not in observations:
                observations[fid] = Observation(present=present)


# A stated body temperature: "temp 39.2", "temperature of 38.5", "39.5 degrees", "102f".
_TEMP_CONTEXT = re.compile(
    r"(?:\b(?:temp|temps|temperature|temperatures|fever|thermometer|reading|read)\b\D{0,25}?"
    r"(\d{2,3}(?:\.\d)?)(?!\s*(?:days?|hours?|weeks?|years?|months?|%|kg|mins?|minutes?))\b)"
    r"|(?:\b(\d{2,3}(?:\.\d)?)\s*(?:°|degrees?|deg)\s*(c|f|celsius|fahrenheit)?\b)"
    r"|(?:\b(\d{2,3}(?:\.\d)?)\s*(c|f)\b)"
)


# A stated blood glucose: "blood sugar is 3.2", "sugars were 25", "glucose 54 mg/dl".
_GLUCOSE = re.compile(
    r"\b(?:blood sugars?|sugars?|sugar levels?|glucose|bm|bms|blood glucose)\b"
    r"(?:\s+(?:levels?|reading|readings))?\s*(?:is|was|are|were|of|at|reading|reads|read|:|=)?"
    r"\s*(?:only|just|about|around)?\s*(\d{1,3}(?:\.\d)?)\s*(mmol|mg)?"
)


# A stated blood pressure: "185/110" (a three-digit top number), or "150 over 95" / "bp 95/60"
# with "bp" or "blood pressure" just before (group 1 is set for the bare three-digit form).
_BP_READING = re.compile(
    r"(?<![\d/.])(?:(\d{3})\s*/\s*\d{2,3}|\d{2,3}\s*(?:/|over)\s*\d{2,3})(?![\d/.])"
)
_BP_CONTEXT = re.compile(r"\b(?:bp|blood pressure|blood pressures|pressure|reading|readings)\b")


# A stated number of tablets ("I've taken 30 paracetamol", "swallowed about 20 of my pills"):
# at least _OVERDOSE_COUNT is reported as an overdose.
_COUNT_WORDS = {
    **{w: n for w, n in WORD_NUMBERS.items() if len(w) > 2},
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
_DRUG = (
    r"(?:paracetamols?|tablets?|pills?|ibuprofens?|co codamol|cocodamol|codeine|aspirins?|"
    r"painkillers?|pain killers?|sleeping (?:pills?|tablets?)|antidepressants?|sertraline|"
    r"citalopram|fluoxetine|amitriptyline|diazepam|tramadol|naproxen|propranolol|capsules?|"
    r"caps|meds|anadin|nurofen|panadol|tylenol|advil)"
)
_COUNT = "|".join(sorted(_COUNT_WORDS, key=len, reverse=True))
_PILL_COUNT = re.compile(
    r"\b(?:took|taken|swallowed|had|ate|eaten|downed|necked|popped|overdosed on)\s+"
    r"(?:about |around |like |over |maybe |at least |nearly |almost |more than |another |"
    r"all |roughly |approximately )?"
    rf"(\d{{1,3}}|{_COUNT})\s+(?:of\s+(?:my|his|her|their|the|mums?|dads?)\s+)?"
    r"(?:(?!(?:mg|ml|g|mcg|micrograms?|milligrams?|grams?|units?|x)\b)[a-z0-9]+\s+)?"
    rf"{_DRUG}\b"
)
_NEGATED_BEFORE = re.compile(
    r"\b(?:not|never|didnt|did not|havent|have not|hasnt|has not|dont|do not|wont|no)\b"
    r"(?:\s+[a-z]+){0,2}\s*$"
)
_OVERDOSE_COUNT = 8


def stated_temperature(norm: str) -> float | None:
    """The highest plausible body temperature stated in the text, in °C."""
    best: float | None = None
    for match in _TEMP_CONTEXT.finditer(norm):
        raw = match.group(1) or match.group(2) or match.group(4)
        unit = (match.group(3) or match.group(5) or "").lower()
        value = float(raw)
        if unit.startswith("f") or (not unit.startswith("c") and 95 <= value <= 110):
            value = (value - 32) * 5 / 9
        if 34.0 <= value <= 43.0 and (best is None or value > best):
            best = value
    return best
