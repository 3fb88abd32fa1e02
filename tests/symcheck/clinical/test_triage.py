"""Triage: floor, the need-based decision with its cost thresholds, modifiers."""

from __future__ import annotations

import random

import numpy as np
import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge import KnowledgeBase, load_knowledge_base
from symcheck.clinical.knowledge.models import AgeBand, Escalator, Requires
from symcheck.clinical.logic import PregnantIs, finding_ids
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import ConditionScore, Evidence, Ranking
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from symcheck.clinical.triage import (
    DEFAULT_DISPOSITION,
    NEED_THRESHOLDS,
    UNDER_TRIAGE_COST,
    ModifierFindings,
    ModifierKind,
    ReasonKind,
    Triager,
    advised_urgency,
    condition_disposition,
    encoded_modifiers,
    urgency_from_masses,
)
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


def variant_kb(**changes: dict[str, object]) -> KnowledgeBase:
    """The fixture knowledge base with extra conditions: ``new_id={"like": old_id, ...}``."""
    kb = small_kb()
    conditions = dict(kb.conditions)
    for cid, update in changes.items():
        like = conditions[str(update.pop("like"))]
        conditions[cid] = like.model_copy(update={"id": cid, **update})
    return KnowledgeBase(kb.info, kb.findings, conditions)


# -- the decision rule -------------------------------------------------------------------------


def test_thresholds_come_from_the_costs_and_never_rise_with_urgency() -> None:
    assert set(NEED_THRESHOLDS) == set(D) - {D.SELF_CARE}
    for level, threshold in NEED_THRESHOLDS.items():
        assert threshold == pytest.approx(1 / (1 + UNDER_TRIAGE_COST[level]))
    ordered = [NEED_THRESHOLDS[d] for d in sorted(NEED_THRESHOLDS, key=lambda d: d.urgency)]
    assert ordered == sorted(ordered, reverse=True)
    assert NEED_THRESHOLDS[D.EMERGENCY] == pytest.approx(0.05)


def test_nothing_known_is_consultation_never_self_care(triager: Triager) -> None:
    assert triager.decide(PatientFacts(), Ranking(())).disposition is D.CONSULTATION
    prior = NaiveBayesScorer(small_kb()).rank(Evidence(PatientFacts()))
    decision = triager.decide(PatientFacts(), prior)
    assert decision.disposition is D.CONSULTATION


def test_self_care_when_the_likely_conditions_need_no_more(triager: Triager) -> None:
    decision = triager.decide(
        REPORTED, ranking(("common_cold", 0.9), ("influenza", 0.08), unexplained=0.02)
    )
    assert decision.disposition is D.SELF_CARE
    assert {r.ref for r in decision.deciding} == {"common_cold", "influenza"}
    assert decision.need[D.CONSULTATION] == pytest.approx(0.02)


def test_an_emergency_counts_from_one_in_twenty(triager: Triager) -> None:
    below = triager.decide(REPORTED, ranking(("gastroenteritis", 0.96), ("appendicitis", 0.04)))
    above = triager.decide(REPORTED, ranking(("gastroenteritis", 0.94), ("appendicitis", 0.06)))
    assert below.disposition is D.SELF_CARE
    assert above.disposition is D.EMERGENCY
    assert above.deciding[0].ref == "appendicitis"


def test_the_chances_of_several_emergencies_add_up(triager: Triager) -> None:
    # Neither is 1 in 20 on its own, together they are: the patient needs the emergency
    # department with probability 6%.
    decision = triager.decide(
        REPORTED,
        ranking(("gastroenteritis", 0.94), ("appendicitis", 0.03), ("meningitis", 0.03)),
    )
    assert decision.disposition is D.EMERGENCY
    assert decision.need[D.EMERGENCY] == pytest.approx(0.06)
    assert {r.ref for r in decision.deciding} == {"appendicitis", "meningitis"}


def test_a_routine_appointment_needs_one_in_three(triager: Triager) -> None:
    assert (
        triager.decide(REPORTED, ranking(("common_cold", 0.7), ("migraine", 0.3))).disposition
        is D.SELF_CARE
    )
    assert (
        triager.decide(REPORTED, ranking(("common_cold", 0.66), ("migraine", 0.34))).disposition
        is D.CONSULTATION
    )


def test_the_most_urgent_level_reached_wins(triager: Triager) -> None:
    # 20% pneumonia reaches the same-day threshold although P(need >= routine) = 20% does not
    # reach the routine one: the more urgent level is advised.
    cough = with_findings("runny_nose", "cough")
    assert (
        triager.decide(cough, ranking(("common_cold", 0.81), ("pneumonia", 0.19))).disposition
        is D.SELF_CARE
    )
    decision = triager.decide(cough, ranking(("common_cold", 0.8), ("pneumonia", 0.2)))
    assert decision.disposition is D.CONSULTATION_24
    assert [r.ref for r in decision.deciding] == ["pneumonia"]


def test_unexplained_mass_counts_as_a_routine_need(triager: Triager) -> None:
    some = triager.decide(REPORTED, ranking(("common_cold", 0.7), unexplained=0.3))
    much = triager.decide(REPORTED, ranking(("common_cold", 0.6), unexplained=0.4))
    assert some.disposition is D.SELF_CARE
    assert much.disposition is D.CONSULTATION
    assert [r.kind for r in much.deciding] == [ReasonKind.UNEXPLAINED]
    assert much.need[D.CONSULTATION_24] == 0.0  # not knowing is not urgent


def test_conditions_that_explain_nothing_reported_do_not_count(triager: Triager) -> None:
    # A cold at 95% for someone who only reported a stomach ache is prior mass, not evidence:
    # it says "not explained" again, so only the unexplained hypothesis is left.
    alone = triager.decide(
        with_findings("abdominal_pain"), ranking(("common_cold", 0.95), unexplained=0.05)
    )
    assert alone.disposition is D.CONSULTATION
    assert [r.kind for r in alone.deciding] == [ReasonKind.UNEXPLAINED]
    assert alone.unexplained == pytest.approx(1.0)  # reported: unexplained + explains nothing
    assert alone.best_explained == 0.0
    # ... and it does not dilute what does explain the complaint (gastroenteritis 38% against
    # 2% unexplained is 95% of what explains the stomach ache).
    diluted = triager.decide(
        with_findings("abdominal_pain"),
        ranking(("common_cold", 0.6), ("gastroenteritis", 0.38), unexplained=0.02),
    )
    assert diluted.disposition is D.SELF_CARE
    assert diluted.need[D.CONSULTATION] == pytest.approx(0.05)
    assert triager.explains("common_cold", with_findings("runny_nose"))
    assert not triager.explains("common_cold", with_findings("abdominal_pain"))


def test_confidence_is_measured_over_what_the_decision_weighs(triager: Triager) -> None:
    # The cold explains nothing reported, so it is not in the shares; gastroenteritis holds
    # 0.38 of the 0.40 that the decision weighs.
    decision = triager.decide(
        with_findings("abdominal_pain"),
        ranking(("common_cold", 0.6), ("gastroenteritis", 0.38), unexplained=0.02),
    )
    assert decision.best_share == pytest.approx(0.95)
    assert decision.unexplained_share == pytest.approx(0.05)
    nothing = triager.decide(with_findings("abdominal_pain"), ranking(unexplained=1.0))
    assert nothing.best_share == 0.0
    assert nothing.unexplained_share == pytest.approx(1.0)


def test_no_mass_at_all_is_the_default(triager: Triager) -> None:
    decision = triager.decide(with_findings("abdominal_pain"), ranking(("common_cold", 1.0)))
    assert decision.disposition is D.CONSULTATION
    assert [r.kind for r in decision.deciding] == [ReasonKind.DEFAULT]


def test_advised_urgency_is_vectorised_over_columns() -> None:
    conditions = np.array([[0.9, 0.5], [0.1, 0.5]])  # a self-care and an emergency condition
    urgency, need = advised_urgency(
        conditions, np.zeros(2), np.ones((2, 2), dtype=bool), np.array([0.0, 3.0]), 1.0
    )
    assert urgency.tolist() == [3.0, 3.0]
    assert need[2].tolist() == pytest.approx([0.1, 0.5])  # P(need >= emergency)
    urgency, _ = advised_urgency(
        np.array([0.99, 0.01]), np.zeros(1), np.ones(2, dtype=bool), np.array([0, 3]), 1
    )
    assert urgency.tolist() == [0.0]


def test_urgency_from_masses_is_the_most_urgent_level_whose_threshold_is_reached() -> None:
    """Against the rule level by level: P(need >= d) from the masses, and the advice the most
    urgent d whose threshold it reaches; the default when there is no mass at all."""
    rng = np.random.default_rng(3)
    by_level = rng.random((5, 40)) * (rng.random((5, 40)) < 0.6)
    by_level[:, :3] = 0.0  # columns with no mass
    at_least = np.cumsum(by_level[::-1], axis=0)[::-1]
    unexplained = rng.random(40) * (rng.random(40) < 0.5)
    unexplained[:3] = 0.0
    for u_need in (1.0, rng.integers(0, 5, 40).astype(float)):
        urgency, probabilities = urgency_from_masses(at_least, unexplained, u_need)
        total = at_least[0] + unexplained
        for column in range(40):
            if total[column] <= 0:
                assert urgency[column] == DEFAULT_DISPOSITION.urgency
                assert probabilities[:, column].tolist() == [1.0, 0.0, 0.0, 0.0]
                continue
            expected = 0
            for level, disposition in enumerate(
                (D.CONSULTATION, D.CONSULTATION_24, D.EMERGENCY, D.EMERGENCY_AMBULANCE), start=1
            ):
                need = np.broadcast_to(u_need, (40,))[column]
                mass = at_least[level, column] + (unexplained[column] if need >= level else 0.0)
                assert probabilities[level - 1, column] == mass / total[column]
                if mass / total[column] >= NEED_THRESHOLDS[disposition]:
                    expected = level
            assert urgency[column] == expected
    # One column (the triager's own use).
    urgency, probabilities = urgency_from_masses(at_least[:, 5:6], unexplained[5:6], 1.0)
    assert urgency.shape == (1,)
    assert probabilities.shape == (4, 1)


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


# -- modifiers ---------------------------------------------------------------------------------


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


def test_modifiers_are_listed_only_when_they_raise(triager: Triager) -> None:
    # An emergency plus a modifier: the advice goes up to an ambulance and says why ...
    facts = with_findings("abdominal_pain", pregnant=True, sex=Sex.FEMALE)
    decision = triager.decide(facts, ranking(("appendicitis", 0.9), unexplained=0.1))
    assert decision.disposition is D.EMERGENCY_AMBULANCE
    assert [m.ref for m in decision.modifiers] == ["pregnancy"]
    # ... a disposition the rules set is not explained by a modifier that changed nothing.
    rule = small_rules().rules["RF-NEURO-001"]
    floored = triager.decide(
        with_findings("headache", age_years=80), ranking(("tension_headache", 0.99)), [rule]
    )
    assert floored.disposition is D.EMERGENCY
    assert floored.condition_disposition is D.SELF_CARE
    assert floored.modifiers == ()  # it raised self-care to routine, below the floor


def test_what_a_condition_encodes() -> None:
    kb = variant_kb(
        morning_sickness={
            "like": "gastroenteritis",
            "icd10": "O21.0",
            "requires": Requires(pregnant=True),
        },
        colic={
            "like": "gastroenteritis",
            "icd10": "R10.4",
            "age_prior": {band: 0.0 for band in AgeBand if band is not AgeBand.INFANT},
        },
        flu_in_pregnancy={
            "like": "influenza",
            "escalators": (
                Escalator(
                    when=PregnantIs(True),
                    disposition=D.CONSULTATION_24,
                    reason="Flu in pregnancy needs antivirals.",
                ),
            ),
        },
    )
    found = ModifierFindings.from_kb(kb)
    assert encoded_modifiers(kb.conditions["morning_sickness"], found) == {ModifierKind.PREGNANCY}
    assert encoded_modifiers(kb.conditions["colic"], found) == {ModifierKind.INFANT}
    assert encoded_modifiers(kb.conditions["flu_in_pregnancy"], found) == {ModifierKind.PREGNANCY}
    assert encoded_modifiers(kb.conditions["gastroenteritis"], found) == frozenset()


def test_a_modifier_the_deciding_conditions_encode_does_not_raise_again() -> None:
    kb = variant_kb(
        morning_sickness={
            "like": "gastroenteritis",
            "icd10": "O21.0",
            "requires": Requires(pregnant=True),
        },
        colic={
            "like": "gastroenteritis",
            "age_prior": {band: 0.0 for band in AgeBand if band is not AgeBand.INFANT},
        },
    )
    triager = Triager(kb)
    pregnant = with_findings("vomiting", pregnant=True, sex=Sex.FEMALE)
    assert (
        triager.decide(pregnant, ranking(("morning_sickness", 0.95), unexplained=0.05)).disposition
        is D.SELF_CARE
    )
    assert (
        triager.decide(pregnant, ranking(("gastroenteritis", 0.95), unexplained=0.05)).disposition
        is D.CONSULTATION
    )
    baby = with_findings("vomiting", age_years=0.1)
    assert triager.decide(baby, ranking(("colic", 0.98))).disposition is D.SELF_CARE
    # What decides is the mass behind the level: mostly encoded, no raise; mostly not, raise.
    mostly = ranking(("morning_sickness", 0.7), ("gastroenteritis", 0.3))
    partly = ranking(("morning_sickness", 0.3), ("gastroenteritis", 0.7))
    assert triager.decide(pregnant, mostly).disposition is D.SELF_CARE
    assert triager.decide(pregnant, partly).disposition is D.CONSULTATION


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
        assert decision.disposition.urgency <= max(
            floor, decision.condition_disposition.urgency + 1
        )
        need = [decision.need[d] for d in sorted(decision.need, key=lambda d: d.urgency)]
        assert need == sorted(need, reverse=True)  # P(need >= d) falls with d


def test_escalations_agree_with_condition_disposition_on_the_real_knowledge_base() -> None:
    """The indexed, remembered escalations give each condition the disposition
    :func:`condition_disposition` gives it (random patients over the escalators' findings)."""
    kb = load_knowledge_base()
    real = Triager(kb)
    mentioned = sorted(
        {f for c in kb.conditions.values() for e in c.escalators for f in finding_ids(e.when)}
    )
    rng = random.Random(11)
    raised = 0
    for _ in range(150):
        facts = PatientFacts(
            age_years=rng.choice([None, 1.0, 30.0, 70.0]),
            sex=rng.choice([None, Sex.FEMALE, Sex.MALE]),
            pregnant=rng.choice([None, True, False]),
            findings={
                f: Observation(
                    present=rng.choice([True, True, False]),
                    duration_hours=rng.choice([None, 3.0, 200.0]),
                    severity=rng.choice([None, 8]),
                )
                for f in rng.sample(mentioned, rng.randint(0, 10))
            },
        )
        found = real.escalations(facts)
        assert real.escalations(facts) is found  # remembered for the same facts
        for condition in kb.conditions.values():
            disposition, reason = condition_disposition(condition, facts)
            escalator = found.get(condition.id)
            if escalator is None:
                assert disposition is condition.disposition
            else:
                raised += 1
                assert (disposition, reason.detail) == (escalator.disposition, escalator.reason)
    assert raised > 50  # the check saw escalators that hold
