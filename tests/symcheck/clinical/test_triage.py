"""Triage: floor, condition-based disposition, modifiers."""

from __future__ import annotations

import random

import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import ConditionScore, Evidence, Ranking
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from symcheck.clinical.triage import ModifierFindings, ReasonKind, Triager
from tests.fixtures.kb_small import small_kb, small_rules

D = Disposition


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(small_kb())


def ranking(*scores: tuple[str, float], unexplained: float = 0.0) -> Ranking:
    return Ranking(tuple(ConditionScore(cid, p) for cid, p in scores), unexplained)


def with_findings(*present: str, **demographics: object) -> PatientFacts:
    return PatientFacts(**demographics).with_observations(  # type: ignore[arg-type]
        {f: Observation(True) for f in present}
    )


# Something each condition used below explains (cold, appendicitis, migraine...).
REPORTED = with_findings("runny_nose", "abdominal_pain", "headache")


def test_nothing_known_is_consultation_never_self_care(triager: Triager) -> None:
    assert triager.decide(PatientFacts(), Ranking(())).disposition is D.CONSULTATION
    prior = NaiveBayesScorer(small_kb()).rank(Evidence(PatientFacts()))
    decision = triager.decide(PatientFacts(), prior)
    assert decision.disposition is D.CONSULTATION


def test_self_care_when_only_self_care_conditions_are_plausible(triager: Triager) -> None:
    decision = triager.decide(
        REPORTED, ranking(("common_cold", 0.9), ("influenza", 0.08), unexplained=0.02)
    )
    assert decision.disposition is D.SELF_CARE
    assert [r.ref for r in decision.deciding] == ["common_cold"]


def test_emergency_conditions_count_from_five_percent(triager: Triager) -> None:
    below = triager.decide(REPORTED, ranking(("gastroenteritis", 0.96), ("appendicitis", 0.04)))
    above = triager.decide(REPORTED, ranking(("gastroenteritis", 0.94), ("appendicitis", 0.06)))
    assert below.disposition is D.SELF_CARE
    assert above.disposition is D.EMERGENCY
    assert above.deciding[0].ref == "appendicitis"


def test_routine_conditions_need_ten_percent(triager: Triager) -> None:
    assert (
        triager.decide(REPORTED, ranking(("common_cold", 0.91), ("migraine", 0.09))).disposition
        is D.SELF_CARE
    )
    assert (
        triager.decide(REPORTED, ranking(("common_cold", 0.9), ("migraine", 0.1))).disposition
        is D.CONSULTATION
    )


def test_unexplained_mass_asks_for_a_doctor(triager: Triager) -> None:
    decision = triager.decide(REPORTED, ranking(("common_cold", 0.7), unexplained=0.3))
    assert decision.disposition is D.CONSULTATION
    assert any(r.kind is ReasonKind.UNEXPLAINED for r in decision.reasons)


def test_conditions_that_explain_nothing_reported_count_as_unexplained(
    triager: Triager,
) -> None:
    # A cold at 95% for someone who only reported a stomach ache is prior mass, not evidence.
    decision = triager.decide(with_findings("abdominal_pain"), ranking(("common_cold", 0.95)))
    assert decision.disposition is D.CONSULTATION
    assert decision.unexplained == pytest.approx(0.95)
    assert decision.best_explained == 0.0
    assert [r.kind for r in decision.deciding] == [ReasonKind.UNEXPLAINED]
    assert triager.explains("common_cold", with_findings("runny_nose"))
    assert not triager.explains("common_cold", with_findings("abdominal_pain"))


def test_escalators_raise_a_plausible_condition(triager: Triager) -> None:
    plain = triager.decide(with_findings("dysuria"), ranking(("cystitis", 0.95)))
    fever = triager.decide(with_findings("dysuria", "fever"), ranking(("cystitis", 0.95)))
    assert plain.disposition is D.CONSULTATION
    assert fever.disposition is D.CONSULTATION_24
    assert fever.deciding[0].kind is ReasonKind.ESCALATOR
    assert "kidney" in fever.deciding[0].detail


def test_the_floor_wins_over_conditions(triager: Triager) -> None:
    rule = small_rules().rules["RF-NEURO-001"]
    decision = triager.decide(PatientFacts(), ranking(("tension_headache", 0.99)), [rule])
    assert decision.disposition is D.EMERGENCY
    assert decision.floor is D.EMERGENCY
    assert decision.deciding[0].ref == "RF-NEURO-001"


@pytest.mark.parametrize(
    ("facts", "ref"),
    [
        (with_findings("runny_nose", age_years=0.1), "infant"),
        (with_findings("runny_nose", age_years=80), "elderly"),
        (with_findings("runny_nose", pregnant=True, sex=Sex.FEMALE), "pregnancy"),
        (with_findings("runny_nose", "immunosuppression"), "immunosuppression"),
        (with_findings("runny_nose", "anticoagulants"), "anticoagulants"),
    ],
)
def test_modifiers_raise_one_level(triager: Triager, facts: PatientFacts, ref: str) -> None:
    decision = triager.decide(facts, ranking(("common_cold", 0.95)))
    assert decision.disposition is D.CONSULTATION
    assert decision.condition_disposition is D.SELF_CARE
    assert [m.ref for m in decision.modifiers] == [ref]
    assert decision.deciding[0].ref == "common_cold"


def test_modifier_boundaries_and_stacking(triager: Triager) -> None:
    cold = ranking(("common_cold", 0.95))
    assert triager.decide(with_findings("cough", age_years=75), cold).disposition is D.SELF_CARE
    assert triager.decide(with_findings("cough", age_years=0.25), cold).disposition is D.SELF_CARE
    several = with_findings("cough", "anticoagulants", "immunosuppression", age_years=80)
    decision = triager.decide(several, cold)
    assert decision.disposition is D.CONSULTATION  # one level, however many modifiers
    assert len(decision.modifiers) == 3


def test_modifier_findings_are_found_by_id() -> None:
    found = ModifierFindings.from_kb(small_kb())
    assert found.immunosuppression == ("immunosuppression",)
    assert found.anticoagulants == ("anticoagulants",)


def test_disposition_is_never_below_the_floor(triager: Triager) -> None:
    rng = random.Random(7)
    rules = list(small_rules())
    kb = small_kb()
    ids = sorted(kb.conditions)
    findings = sorted(kb.findings)
    for _ in range(300):
        fired = rng.sample(rules, rng.randint(0, 2))
        weights = [rng.random() ** 3 for _ in ids]
        total = sum(weights) + 0.1
        r = ranking(*zip(ids, [w / total for w in weights], strict=True), unexplained=0.1 / total)
        facts = with_findings(*rng.sample(findings, 3), age_years=rng.choice([None, 0.1, 30, 80]))
        decision = triager.decide(facts, r, fired)
        floor = max((rule.disposition.urgency for rule in fired), default=0)
        assert decision.disposition.urgency >= floor
        assert decision.disposition.urgency >= decision.condition_disposition.urgency
