"""What synthetic patients type."""

from __future__ import annotations

import numpy as np
import pytest

from symcheck.clinical.classifier.narratives import Narrative, question_statement, render
from symcheck.clinical.classifier.synthetic import PatientSampler, SyntheticPatient
from symcheck.clinical.knowledge import load_knowledge_base
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Sex
from tests.fixtures.kb_small import small_kb


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("Do you have pain or discomfort in your chest?", "i have pain or discomfort in my chest"),
        (
            "Have you had a fever (a temperature of 38°C or more)?",
            "i have had a fever",
        ),
        ("Are you short of breath?", "i am short of breath"),
        ("Is there blood in your poo?", "there is blood in my poo"),
    ],
)
def test_a_question_becomes_the_patients_statement(question: str, statement: str) -> None:
    assert question_statement(question) == statement


@pytest.mark.parametrize("question", ["How bad is it?", "Is the pain worse at night?"])
def test_a_question_of_unknown_shape_gives_none(question: str) -> None:
    assert question_statement(question) is None


def _patient(**changes: object) -> SyntheticPatient:
    base = {
        "condition_id": "migraine",
        "age_years": 34.0,
        "sex": Sex.FEMALE,
        "pregnant": False,
        "complaint": ("headache",),
        "answers": (("photophobia", True), ("fever", False)),
        "present": frozenset({"headache", "photophobia"}),
    }
    return SyntheticPatient(**{**base, **changes})  # type: ignore[arg-type]


def test_rendering_is_deterministic_given_the_seed() -> None:
    kb = small_kb()
    a = render(_patient(), kb, np.random.default_rng(1))
    b = render(_patient(), kb, np.random.default_rng(1))
    assert a == b
    assert isinstance(a, Narrative)
    assert a.messages[0] == a.opening


def test_a_young_child_is_described_by_a_parent() -> None:
    kb = small_kb()
    texts = [
        render(_patient(age_years=4.0, sex=Sex.MALE), kb, np.random.default_rng(seed)).opening
        for seed in range(20)
    ]
    assert all(any(w in t.lower() for w in ("son", "boy", "baby")) for t in texts)


def test_most_openings_say_a_complaint_finding_the_extractor_can_read() -> None:
    kb = load_knowledge_base()
    extractor = FindingExtractor(kb)
    sampler = PatientSampler(kb)
    rng = np.random.default_rng(11)
    patients = sampler.sample_many(list(kb.conditions)[:120], rng)
    read = 0
    for patient in patients:
        opening = render(patient, kb, rng).opening
        found = set(extractor.extract(opening).observations)
        read += bool(found & set(patient.complaint))
    assert read >= 0.7 * len(patients)


def test_openings_vary() -> None:
    kb = small_kb()
    openings = {render(_patient(), kb, np.random.default_rng(s)).opening for s in range(30)}
    assert len(openings) >= 20
