"""Synthetic patients sampled from the knowledge base."""

from __future__ import annotations

import numpy as np

from symcheck.clinical.classifier.synthetic import (
    PatientSampler,
    condition_schedule,
    label_index,
    prior_schedule,
)
from symcheck.clinical.knowledge import load_knowledge_base
from symcheck.clinical.patient import Sex
from tests.fixtures.kb_small import small_kb


def sampler() -> PatientSampler:
    return PatientSampler(small_kb())


def test_the_same_seed_gives_the_same_patients() -> None:
    a = sampler().sample_many(["migraine", "cystitis", None], np.random.default_rng(3))
    b = sampler().sample_many(["migraine", "cystitis", None], np.random.default_rng(3))
    assert a == b


def test_another_seed_gives_other_patients() -> None:
    a = sampler().sample_many(["migraine"] * 5, np.random.default_rng(3))
    b = sampler().sample_many(["migraine"] * 5, np.random.default_rng(4))
    assert a != b


def test_the_patient_has_the_condition_asked_for() -> None:
    patient = sampler().sample("pneumonia", np.random.default_rng(0))
    assert patient.condition_id == "pneumonia"


def test_hard_requirements_hold_for_every_patient() -> None:
    patients = sampler().sample_many(["ectopic_pregnancy"] * 40, np.random.default_rng(1))
    assert {p.sex for p in patients} <= {Sex.FEMALE, None}
    ages = [p.age_years for p in patients if p.age_years is not None]
    assert ages
    assert all(12 <= age < 55 for age in ages)


def test_an_adult_only_condition_never_samples_a_child() -> None:
    patients = sampler().sample_many(["acute_coronary_syndrome"] * 40, np.random.default_rng(2))
    assert all(p.age_years is None or p.age_years >= 18 for p in patients)


def test_the_complaint_is_made_of_present_findings() -> None:
    for patient in sampler().sample_many(["gastroenteritis"] * 30, np.random.default_rng(5)):
        assert patient.complaint
        assert set(patient.complaint) <= patient.present


def test_answers_are_true_to_the_patient_and_never_repeat_the_complaint() -> None:
    for patient in sampler().sample_many(["influenza"] * 30, np.random.default_rng(6)):
        asked = [fid for fid, _ in patient.answers]
        assert len(asked) == len(set(asked))
        assert not set(asked) & set(patient.complaint)
        for fid, answer in patient.answers:
            if answer is not None:
                assert answer == (fid in patient.present)


def test_typical_findings_are_volunteered_more_often_than_rare_ones() -> None:
    patients = sampler().sample_many(["migraine"] * 200, np.random.default_rng(8))
    said = [fid for p in patients for fid in p.complaint]
    kb = small_kb()
    likely = max(kb.conditions["migraine"].findings, key=kb.conditions["migraine"].findings.get)
    assert said.count(likely) > len(patients) * 0.2


def test_the_unexplained_patient_has_no_condition() -> None:
    patient = sampler().sample(None, np.random.default_rng(9))
    assert patient.condition_id is None
    assert patient.complaint


def test_a_male_patient_never_has_a_female_only_finding_on_the_real_knowledge_base() -> None:
    kb = load_knowledge_base()
    female_only = {
        fid for fid, f in kb.findings.items() if f.ask_if is not None and "female" in str(f.ask_if)
    }
    assert female_only
    patients = PatientSampler(kb).sample_many([None] * 150, np.random.default_rng(10))
    for patient in patients:
        if patient.sex is Sex.MALE:
            assert not patient.present & female_only


def test_schedules_and_labels() -> None:
    ids = ("a", "b")
    assert condition_schedule(ids, 2, 1) == ["a", "a", "b", "b", None]
    assert label_index(ids) == {"a": 0, "b": 1, None: 2}
    drawn = prior_schedule(ids, np.array([0.0, 1.0, 0.0]), 5, np.random.default_rng(0))
    assert drawn == ["b"] * 5


def test_the_prior_sums_to_one_and_keeps_the_unexplained_share() -> None:
    prior = sampler().prior()
    assert prior.sum() == np.float64(1.0) or abs(prior.sum() - 1.0) < 1e-9
    assert abs(prior[-1] - 0.10) < 1e-9
