"""The red-flag floor after a yes, as the look-ahead works it out, against evaluating every
rule on the facts after the yes, on the shipped knowledge base and rules."""

from __future__ import annotations

import random

import pytest

from symcheck.clinical import logic
from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.questions import QuestionSelector
from symcheck.clinical.rules import RuleSet
from symcheck.clinical.scoring.naive_bayes import NaiveBayesModel


@pytest.fixture(scope="module")
def selector(kb: KnowledgeBase, ruleset: RuleSet) -> QuestionSelector:
    return QuestionSelector(kb, ruleset, NaiveBayesModel.from_kb(kb))


def _after_yes(kb: KnowledgeBase, facts: PatientFacts, fid: str) -> PatientFacts:
    """A yes to ``fid``: it and its ancestors not reported yet become present."""
    yes = [fid, *(a for a in kb.ancestors_of(fid) if a not in facts.findings)]
    return facts.with_observations(dict.fromkeys(yes, Observation(present=True)))


def _patients(kb: KnowledgeBase, count: int) -> list[PatientFacts]:
    """Random patients: a few findings present (with their ancestors, or with an ancestor
    unsure), a few absent, a few unsure, any age and sex."""
    rng = random.Random(20261130)
    findings = sorted(kb.findings)
    out = []
    for _ in range(count):
        obs: dict[str, Observation] = {}
        for fid in rng.sample(findings, rng.randint(1, 6)):
            obs[fid] = Observation(present=True)
            for ancestor in kb.ancestors_of(fid):
                obs[ancestor] = Observation(present=rng.choice((True, True, None)))
        for fid in rng.sample(findings, rng.randint(0, 4)):
            obs.setdefault(fid, Observation(present=rng.choice((False, None))))
        age = rng.choice((None, 0.1, 3.0, 15.0, 34.0, 58.0, 81.0))
        sex = rng.choice((None, Sex.FEMALE, Sex.MALE))
        out.append(PatientFacts(age_years=age, sex=sex).with_observations(obs))
    return out


def test_the_floor_after_a_yes_is_that_of_every_rule_evaluated_after_it(
    kb: KnowledgeBase, ruleset: RuleSet, selector: QuestionSelector
) -> None:
    checked = raised = 0
    for facts in _patients(kb, 40):
        fired = [rule for rule in ruleset if logic.holds(rule.when, facts)]
        floor = max((rule.disposition.urgency for rule in fired), default=0)
        askable = selector._askable(facts, ())
        candidates = sorted(fid for fid in kb.findings if askable.ok(fid))
        floors = selector._floors(facts, candidates, fired)
        for fid, got in zip(candidates, floors, strict=True):
            after = _after_yes(kb, facts, fid)
            expected = max(
                [floor, *(r.disposition.urgency for r in ruleset if logic.holds(r.when, after))]
            )
            assert got == expected, fid
            checked += 1
            raised += expected > floor
    assert checked > 15_000
    assert raised > 1_000  # the yes fires a rule often enough for this to mean something
