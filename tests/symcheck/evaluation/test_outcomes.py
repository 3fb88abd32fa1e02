"""Comparing one assess record with its gold case."""

from __future__ import annotations

import pytest

from symcheck.evaluation.outcomes import Direction, age_band, build_outcome, triage_direction
from tests.symcheck.evaluation.builders import EMERGENCY, ROUTINE, SAME_DAY, SELF_CARE, gold

KB = [("Common cold", "J00"), ("Flu (influenza)", "J11.1")]


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "c1",
        "triage": "self_care",
        "red_flags": [],
        "conditions": [
            {"name": "Flu (influenza)", "icd10": "J11.1", "score": 0.6},
            {"name": "Common cold", "icd10": "J00", "score": 0.3},
        ],
        "questions_asked": 7,
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("gold_triage", "predicted", "expected"),
    [
        (ROUTINE, ROUTINE, Direction.EXACT),
        (ROUTINE, EMERGENCY, Direction.OVER),
        (SAME_DAY, SELF_CARE, Direction.UNDER),
        (ROUTINE, None, Direction.ERROR),
    ],
)
def test_triage_direction(gold_triage, predicted, expected) -> None:
    assert triage_direction(gold_triage, predicted) is expected


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0.1, "infant"),
        (1, "child"),
        (11.9, "child"),
        (12, "adolescent"),
        (18, "adult"),
        (64, "adult"),
        (65, "older"),
        (None, "unknown"),
    ],
)
def test_age_bands(age: float | None, band: str) -> None:
    assert age_band(age) == band


def test_the_rank_is_that_of_the_first_matching_condition() -> None:
    assert build_outcome(gold(), record(), KB).diagnosis_rank == 2


def test_no_matching_condition_has_no_rank() -> None:
    outcome = build_outcome(gold(diagnosis="Sinusitis", icd10="J01.9"), record(), KB)
    assert outcome.diagnosis_rank is None


def test_coverage_is_checked_against_the_knowledge_base() -> None:
    assert build_outcome(gold(), record(), KB).covered
    assert not build_outcome(gold(diagnosis="Sinusitis", icd10="J01.9"), record(), KB).covered


def test_an_error_record_has_no_prediction_rank_or_questions() -> None:
    outcome = build_outcome(gold(), {"id": "c1", "error": "interview did not finish: x"}, KB)
    assert outcome.is_error
    assert outcome.direction is Direction.ERROR
    assert (outcome.predicted, outcome.diagnosis_rank, outcome.questions_asked) == (
        None,
        None,
        None,
    )
    assert outcome.covered


def test_the_results_record_carries_gold_prediction_and_comparison() -> None:
    out = build_outcome(gold(ROUTINE), record(), KB).to_record()
    assert out["gold_triage"] == "consultation"
    assert out["triage"] == "self_care"
    assert out["triage_direction"] == "under"
    assert out["diagnosis_rank"] == 2
    assert out["age_band"] == "adult"
    assert out["conditions"][0]["icd10"] == "J11.1"


def test_the_results_record_of_an_error_keeps_the_error() -> None:
    out = build_outcome(gold(), {"id": "c1", "error": "boom"}, KB).to_record()
    assert out["error"] == "boom"
    assert "triage" not in out
    assert out["triage_direction"] == "error"
