"""The classifier's structured vector and text."""

from __future__ import annotations

import numpy as np

from symcheck.clinical.classifier.features import FeatureSpace, text_of
from symcheck.clinical.patient import Observation, PatientFacts, Sex

SPACE = FeatureSpace(("cough", "fever", "rash"))


def test_present_and_absent_findings_set_their_own_columns() -> None:
    facts = PatientFacts().with_observations(
        {"cough": Observation(True), "rash": Observation(False), "fever": Observation(None)}
    )
    vector = SPACE.structured(facts)
    assert vector[:6].tolist() == [1, 0, 0, 0, 0, 1]


def test_unknown_findings_are_ignored() -> None:
    facts = PatientFacts().with_observations({"not_a_finding": Observation(True)})
    assert SPACE.structured(facts)[:6].sum() == 0


def test_demographics_are_one_hot_with_unknown() -> None:
    known = SPACE.structured(PatientFacts(age_years=30, sex=Sex.MALE, pregnant=False))
    unknown = SPACE.structured(PatientFacts())
    assert known.sum() == 3
    assert unknown.sum() == 3
    assert not np.array_equal(known, unknown)
    assert SPACE.size == 6 + 7 + 3 + 3


def test_many_stacks_rows_in_order() -> None:
    rows = SPACE.structured_many(
        [PatientFacts(), PatientFacts().with_observations({"fever": Observation(True)})]
    )
    assert rows.shape == (2, SPACE.size)
    assert rows[1, 1] == 1
    assert SPACE.structured_many([]).shape == (0, SPACE.size)


def test_text_joins_non_empty_messages() -> None:
    assert text_of(["my head hurts ", "", "34"]) == "my head hurts | 34"
