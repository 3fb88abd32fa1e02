"""Duration, severity and onset attached to findings: one sentence, one expected value each."""

from __future__ import annotations

from datetime import date

import pytest

from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Onset

THURSDAY = date(2025, 1, 16)


@pytest.mark.parametrize(
    ("text", "finding", "hours"),
    [
        ("diarrhoea for 3 weeks and weight loss", "weight_loss", None),
        ("diarrhoea for 3 weeks and weight loss", "diarrhoea", 504),
        ("headache and stiff neck for 2 days", "headache", 48),
        ("feeling down for months no energy", "low_mood", 2190),
        ("feeling down for months no energy", "fatigue", None),
        ("since yesterday, a fever and a cough", "cough", 24),
        ("the rash appeared this morning", "rash", 6),
        ("short of breath since the weekend", "shortness_of_breath", 120),
        ("started with a sore throat on monday", "sore_throat", 72),
        ("3 weeks postpartum and my breast is red and hot", "breast_red_painful", None),
        ("had a heart attack 2 years ago", "heart_disease_history", None),
    ],
)
def test_duration(extractor: FindingExtractor, text: str, finding: str, hours: float) -> None:
    obs = extractor.extract(text, today=THURSDAY).observations[finding]
    assert obs.duration_hours == hours


@pytest.mark.parametrize(
    ("text", "finding", "severity"),
    [
        ("bad cough and a mild fever", "cough", 7),
        ("bad cough and a mild fever", "fever", 3),
        ("mild headache and a runny nose", "runny_nose", None),
        ("severe headache and vomiting", "vomiting", None),
        ("really bad pain in my back and tummy", "abdominal_pain", 8),
        ("the pain in my chest is about a 7", "chest_pain", 7),
        ("slightly dizzy", "dizziness", 3),
        ("my hernia aches a bit, 4 out of 10", "hernia_lump", 4),
        ("a splitting headache", "headache", 8),
        ("the cough is not too bad", "cough", 3),
    ],
)
def test_severity(
    extractor: FindingExtractor, text: str, finding: str, severity: int | None
) -> None:
    assert extractor.extract(text).observations[finding].severity == severity


@pytest.mark.parametrize(
    ("text", "finding", "onset"),
    [
        ("sudden headache and vomiting", "headache", Onset.SUDDEN),
        ("chest pain out of nowhere", "chest_pain", Onset.SUDDEN),
        ("back pain that built up gradually", "back_pain", Onset.GRADUAL),
    ],
)
def test_onset(extractor: FindingExtractor, text: str, finding: str, onset: Onset) -> None:
    assert extractor.extract(text).observations[finding].onset is onset


def test_an_unsure_finding_carries_no_attributes(extractor: FindingExtractor) -> None:
    obs = extractor.extract("maybe a bad headache for 2 days").observations["headache"]
    assert (obs.duration_hours, obs.severity) == (None, None)
