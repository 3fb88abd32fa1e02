"""Patient facts and observations: immutable updates and round trips."""

from __future__ import annotations

from symcheck.clinical.patient import Observation, Onset, PatientFacts, Sex


def test_observation_round_trips() -> None:
    obs = Observation(True, duration_hours=48.0, severity=7, onset=Onset.SUDDEN)
    assert Observation.from_dict(obs.to_dict()) == obs


def test_observation_to_dict_omits_unknown_attributes() -> None:
    assert Observation(None).to_dict() == {"present": None}


def test_newer_report_wins_on_presence() -> None:
    assert Observation(True).merged_with(Observation(False)).present is False


def test_merge_keeps_attributes_the_newer_report_lacks() -> None:
    merged = Observation(True, duration_hours=24).merged_with(Observation(True, severity=8))
    assert (merged.duration_hours, merged.severity) == (24, 8)


def test_facts_round_trip() -> None:
    facts = PatientFacts(
        age_years=0.115,
        sex=Sex.FEMALE,
        pregnant=False,
        findings={"fever": Observation(True, duration_hours=6), "rash": Observation(False)},
    )
    assert PatientFacts.from_dict(facts.to_dict()) == facts


def test_from_dict_accepts_missing_fields() -> None:
    assert PatientFacts.from_dict({}) == PatientFacts()


def test_present_absent_and_unsure() -> None:
    facts = PatientFacts(
        findings={"a": Observation(True), "b": Observation(False), "c": Observation(None)}
    )
    assert (facts.present_ids, facts.absent_ids, facts.is_present("c"), facts.is_absent("c")) == (
        ["a"],
        ["b"],
        False,
        False,
    )


def test_with_observations_returns_new_facts() -> None:
    facts = PatientFacts()
    updated = facts.with_observations({"fever": Observation(True)})
    assert (facts.findings, updated.is_present("fever")) == ({}, True)


def test_with_observations_merges_attributes() -> None:
    facts = PatientFacts(findings={"fever": Observation(True, duration_hours=72)})
    updated = facts.with_observations({"fever": Observation(True, severity=6)})
    assert updated.findings["fever"] == Observation(True, duration_hours=72, severity=6)


def test_without_drops_findings() -> None:
    facts = PatientFacts(findings={"fever": Observation(True), "cough": Observation(True)})
    assert list(facts.without(["fever"]).findings) == ["cough"]


def test_with_demographics_keeps_what_is_not_given() -> None:
    facts = PatientFacts(age_years=40, sex=Sex.MALE)
    assert facts.with_demographics(pregnant=False) == PatientFacts(
        age_years=40, sex=Sex.MALE, pregnant=False
    )
