"""The findings-logic language: parse, holds, to_data, finding_ids and its errors."""

from __future__ import annotations

from typing import Any

import pytest

from symcheck.clinical import logic
from symcheck.clinical.patient import Observation, Onset, PatientFacts, Sex


def _facts(**findings: Observation | bool) -> PatientFacts:
    return PatientFacts(
        findings={
            k: v if isinstance(v, Observation) else Observation(present=v)
            for k, v in findings.items()
        }
    )


# --- parse ------------------------------------------------------------------------------------


def test_bare_id_is_present() -> None:
    assert logic.parse("fever") == logic.Present("fever")


def test_all_any_none() -> None:
    parsed = logic.parse({"all": ["fever", {"any": ["cough", {"none": ["rash"]}]}]})
    assert parsed == logic.All(
        (
            logic.Present("fever"),
            logic.Any_((logic.Present("cough"), logic.NoneOf((logic.Present("rash"),)))),
        )
    )


def test_at_least() -> None:
    assert logic.parse({"at_least": 2, "of": ["a", "b", "c"]}).count == 2


def test_age_range() -> None:
    assert logic.parse({"age": {"max": 0.25}}) == logic.AgeRange(None, 0.25)


def test_finding_with_attributes() -> None:
    parsed = logic.parse({"finding": "headache", "onset": "sudden", "min_severity": 8})
    assert parsed == logic.FindingWith("headache", min_severity=8, onset=Onset.SUDDEN)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "expected a finding id"),
        ("Fever", "not a finding id"),
        (3, "expected a finding id or a mapping"),
        ({"all": []}, "non-empty list"),
        ({"all": "fever"}, "non-empty list"),
        ({"at_least": 4, "of": ["a", "b"]}, "from 1 to 2"),
        ({"at_least": True, "of": ["a", "b"]}, "from 1 to 2"),
        ({"age": {"min": 50, "max": 20}}, "min must be below max"),
        ({"age": {"minimum": 5}}, "'min' and/or 'max'"),
        ({"age": {"min": -1}}, "non-negative"),
        ({"age": {"min": 5}, "sex": "male"}, "unexpected keys"),
        ({"sex": "other"}, "sex must be"),
        ({"pregnant": "yes"}, "true or false"),
        ({"sex": "male", "if_unknown": "yes"}, "if_unknown must be"),
        ({"finding": "fever"}, "bare finding id"),
        ({"finding": "fever", "onset": "slow"}, "onset must be"),
        ({"finding": "fever", "min_hours": -2}, "non-negative number"),
        ({"finding": "fever", "min_hours": 10, "max_hours": 5}, "must not exceed"),
        ({"finding": "fever", "min_severity": 11}, "0 to 10"),
        ({"finding": "fever", "min_sev": 3}, "unexpected keys"),
        ({"every": ["fever"]}, "unknown criterion keys"),
    ],
)
def test_malformed_criteria_are_rejected(raw: Any, message: str) -> None:
    with pytest.raises(logic.CriterionError, match=message):
        logic.parse(raw)


def test_errors_name_where_they_are() -> None:
    with pytest.raises(logic.CriterionError, match=r"RF-X\.when\.all\[1\]"):
        logic.parse({"all": ["fever", {"sex": "x"}]}, "RF-X.when")


# --- to_data round trip -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "fever",
        {"all": ["fever", "cough"]},
        {"any": ["fever", {"none": ["rash"]}]},
        {"at_least": 2, "of": ["a", "b", "c"]},
        {"age": {"min": 50}},
        {"age": {"max": 0.25}, "if_unknown": True},
        {"sex": "female", "if_unknown": True},
        {"pregnant": True},
        {"finding": "cough", "min_hours": 504.0},
        {"finding": "headache", "min_severity": 8, "onset": "sudden"},
    ],
)
def test_to_data_round_trips(raw: Any) -> None:
    assert logic.to_data(logic.parse(raw)) == raw


def test_to_data_rejects_non_criteria() -> None:
    with pytest.raises(TypeError):
        logic.to_data("fever")  # type: ignore[arg-type]


# --- holds ------------------------------------------------------------------------------------


def test_present_holds_when_reported() -> None:
    assert logic.holds(logic.parse("fever"), _facts(fever=True))


def test_absent_or_unsure_or_unknown_never_holds() -> None:
    criterion = logic.parse("fever")
    results = [logic.holds(criterion, _facts(fever=v)) for v in (False,)]
    results.append(logic.holds(criterion, _facts(fever=Observation(present=None))))
    results.append(logic.holds(criterion, PatientFacts()))
    assert results == [False, False, False]


def test_none_of_holds_when_nothing_is_reported() -> None:
    assert logic.holds(logic.parse({"none": ["epilepsy"]}), PatientFacts())


def test_at_least_counts() -> None:
    criterion = logic.parse({"at_least": 2, "of": ["a", "b", "c"]})
    assert (
        logic.holds(criterion, _facts(a=True)),
        logic.holds(criterion, _facts(a=True, c=True)),
    ) == (
        False,
        True,
    )


def test_age_max_is_exclusive() -> None:
    criterion = logic.parse({"age": {"max": 0.25}})
    assert (
        logic.holds(criterion, PatientFacts(age_years=0.2)),
        logic.holds(criterion, PatientFacts(age_years=0.25)),
    ) == (True, False)


def test_unknown_age_uses_if_unknown() -> None:
    strict = logic.parse({"age": {"max": 25}})
    lenient = logic.parse({"age": {"max": 25}, "if_unknown": True})
    assert (logic.holds(strict, PatientFacts()), logic.holds(lenient, PatientFacts())) == (
        False,
        True,
    )


def test_sex_criterion() -> None:
    criterion = logic.parse({"sex": "male"})
    assert logic.holds(criterion, PatientFacts(sex=Sex.MALE))


def test_pregnant_criterion_unknown_is_false() -> None:
    assert not logic.holds(logic.parse({"pregnant": True}), PatientFacts())


def test_min_hours_needs_a_reported_duration() -> None:
    criterion = logic.parse({"finding": "fever", "min_hours": 120})
    assert (
        logic.holds(criterion, _facts(fever=True)),
        logic.holds(criterion, _facts(fever=Observation(True, duration_hours=144))),
    ) == (False, True)


def test_max_hours() -> None:
    criterion = logic.parse({"finding": "fever", "max_hours": 24})
    assert not logic.holds(criterion, _facts(fever=Observation(True, duration_hours=48)))


def test_onset_and_severity() -> None:
    criterion = logic.parse({"finding": "headache", "onset": "sudden", "min_severity": 8})
    obs = Observation(True, severity=9, onset=Onset.SUDDEN)
    assert logic.holds(criterion, _facts(headache=obs))


def test_severity_below_the_bound_does_not_hold() -> None:
    criterion = logic.parse({"finding": "headache", "min_severity": 8})
    assert not logic.holds(criterion, _facts(headache=Observation(True, severity=5)))


def test_holds_rejects_non_criteria() -> None:
    with pytest.raises(TypeError):
        logic.holds("fever", PatientFacts())  # type: ignore[arg-type]


# --- finding_ids ------------------------------------------------------------------------------


def test_finding_ids_walks_the_whole_tree() -> None:
    criterion = logic.parse(
        {
            "all": [
                "fever",
                {"any": [{"finding": "cough", "min_hours": 1}, {"age": {"min": 65}}]},
                {"none": ["rash"]},
                {"at_least": 1, "of": ["wheeze"]},
            ]
        }
    )
    assert list(logic.finding_ids(criterion)) == ["fever", "cough", "rash", "wheeze"]


def test_demographic_criteria_mention_no_findings() -> None:
    assert list(logic.finding_ids(logic.parse({"sex": "female"}))) == []


# --- absent: the patient denied the finding ---------------------------------------------------


def test_absent_parses_and_round_trips() -> None:
    parsed = logic.parse({"absent": "cant_bear_weight"})
    assert (parsed, logic.to_data(parsed)) == (
        logic.Absent("cant_bear_weight"),
        {"absent": "cant_bear_weight"},
    )


def test_absent_holds_only_for_a_denial() -> None:
    criterion = logic.parse({"absent": "cant_bear_weight"})
    assert [
        logic.holds(criterion, facts)
        for facts in (_facts(cant_bear_weight=False), _facts(cant_bear_weight=True), _facts())
    ] == [True, False, False]


def test_none_of_absent_holds_until_the_finding_is_denied() -> None:
    criterion = logic.parse({"all": ["hip_pain", {"none": [{"absent": "cant_bear_weight"}]}]})
    assert [
        logic.holds(criterion, _facts(hip_pain=True)),
        logic.holds(criterion, _facts(hip_pain=True, cant_bear_weight=False)),
    ] == [True, False]


def test_absent_names_its_finding() -> None:
    assert list(logic.finding_ids(logic.parse({"none": [{"absent": "cough"}]}))) == ["cough"]


def test_absent_rejects_a_bad_finding_id() -> None:
    with pytest.raises(logic.CriterionError, match="not a finding id"):
        logic.parse({"absent": "Cough"})
