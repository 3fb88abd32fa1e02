"""The findings-logic language: parse, holds, to_data, finding_ids and its errors."""

from __future__ import annotations

import random
from typing import Any

import pytest

from symcheck.clinical import logic
from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.patient import Observation, Onset, PatientFacts, Sex
from symcheck.clinical.rules import RuleSet


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


# --- triggers / could_hold --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fever", [{"fever"}]),
        ({"finding": "fever", "min_hours": 24}, [{"fever"}]),
        ({"absent": "fever"}, []),
        ({"any": ["fever", "rash"]}, [{"fever", "rash"}]),
        ({"any": ["fever", {"absent": "rash"}]}, []),
        ({"all": ["fever", "rash"]}, [{"fever"}, {"rash"}]),
        ({"all": [{"any": ["a", "b"]}, "c"]}, [{"a", "b"}, {"c"}]),
        ({"any": [{"all": ["a", "b"]}, "c"]}, [{"a", "c"}]),
        ({"all": [{"age": {"min": 65}}, "fever"]}, [{"fever"}]),
        ({"all": [{"age": {"min": 65}}, {"sex": "female"}]}, []),
        ({"none": ["fever"]}, []),
        ({"at_least": 2, "of": ["a", "b", "c"]}, [{"a", "b", "c"}]),
        ({"at_least": 1, "of": ["a", {"pregnant": True}]}, []),
    ],
)
def test_triggers(raw: Any, expected: list[set[str]]) -> None:
    assert logic.triggers(logic.parse(raw)) == tuple(frozenset(t) for t in expected)


def test_could_hold_needs_one_finding_of_each_set() -> None:
    needed = logic.triggers(logic.parse({"all": [{"any": ["fever", "rash"]}, "cough"]}))
    assert not logic.could_hold(needed, {"fever"})
    assert not logic.could_hold(needed, {"cough"})
    assert logic.could_hold(needed, {"cough", "rash"})
    assert logic.could_hold((), set())


def test_compiled_criteria_and_triggers_agree_with_holds_on_every_rule_and_escalator(
    kb: KnowledgeBase, ruleset: RuleSet
) -> None:
    """On random patients, a compiled criterion says what :func:`logic.holds` says, whenever
    it holds its triggers are present, and whenever a sufficient finding is present it holds."""
    criteria = [r.when for r in ruleset] + [
        e.when for c in kb.conditions.values() for e in c.escalators
    ]
    checks = [logic.compiled(c) for c in criteria]
    mentioned = sorted({f for c in criteria for f in logic.finding_ids(c)})
    rng = random.Random(7)
    held = 0
    for _ in range(300):
        chosen = rng.sample(mentioned, rng.randint(0, 12))
        facts = PatientFacts(
            age_years=rng.choice([None, 0.5, 4.0, 30.0, 70.0]),
            sex=rng.choice([None, Sex.FEMALE, Sex.MALE]),
            findings={
                f: Observation(
                    present=rng.choice([True, True, False, None]),
                    duration_hours=rng.choice([None, 2.0, 72.0, 400.0]),
                    severity=rng.choice([None, 3, 9]),
                    onset=rng.choice([None, Onset.SUDDEN]),
                )
                for f in chosen
            },
        )
        present = frozenset(facts.present_ids)
        for criterion, check in zip(criteria, checks, strict=True):
            holds = logic.holds(criterion, facts)
            assert check(facts) is holds, criterion
            if holds:
                held += 1
                assert logic.could_hold(logic.triggers(criterion), present), criterion
            if not present.isdisjoint(logic.sufficient(criterion)):
                assert holds, criterion
    assert held > 100  # the check saw criteria that hold


@pytest.mark.parametrize(
    "raw",
    [
        "fever",
        {"absent": "fever"},
        {"any": ["fever", "rash"]},
        {"any": ["fever", {"absent": "rash"}]},
        {"all": ["fever", {"none": ["rash"]}]},
        {"at_least": 2, "of": ["fever", "rash", "cough"]},
        {"all": [{"age": {"min": 65}}, {"sex": "female"}, {"pregnant": False}]},
        {"finding": "fever", "min_hours": 24, "min_severity": 5},
        {"finding": "fever", "max_hours": 24, "onset": "sudden"},
        {"all": ["fever", {"absent": "rash"}, {"age": {"min": 65}}]},
        {"any": [{"absent": "rash"}, {"finding": "fever", "min_hours": 24}, {"sex": "male"}]},
        {"none": ["cough", {"absent": "rash"}, {"all": ["fever", {"pregnant": False}]}]},
    ],
)
def test_compiled_equals_holds(raw: Any) -> None:
    criterion = logic.parse(raw)
    check = logic.compiled(criterion)
    for facts in (
        PatientFacts(),
        _facts(fever=True),
        _facts(fever=True, rash=False),
        _facts(rash=True, cough=True),
        _facts(fever=Observation(present=True, duration_hours=48, severity=7)),
        _facts(fever=Observation(present=True, duration_hours=12, onset=Onset.SUDDEN)),
        PatientFacts(age_years=70, sex=Sex.FEMALE, pregnant=False),
        PatientFacts(
            age_years=70,
            sex=Sex.FEMALE,
            pregnant=False,
            findings={"fever": Observation(present=True), "rash": Observation(present=False)},
        ),
    ):
        assert check(facts) is logic.holds(criterion, facts), facts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fever", {"fever"}),
        ({"finding": "fever", "min_hours": 24}, set()),
        ({"absent": "fever"}, set()),
        ({"any": ["fever", "rash", {"all": ["a", "b"]}]}, {"fever", "rash"}),
        ({"all": ["fever", "rash"]}, set()),
        ({"all": [{"any": ["a", "b"]}, {"any": ["b", "c"]}]}, {"b"}),
        ({"all": ["fever", {"age": {"min": 65}}]}, set()),
        ({"none": ["fever"]}, set()),
        ({"at_least": 2, "of": [{"any": ["a", "b"]}, {"any": ["a", "c"]}, "c"]}, {"a", "c"}),
    ],
)
def test_sufficient(raw: Any, expected: set[str]) -> None:
    assert logic.sufficient(logic.parse(raw)) == frozenset(expected)
