"""Every rule's own cases, run through the same path the bot uses.

Each ``fire`` case must fire its rule and each ``near_miss`` case must not, when the case text
goes through :func:`symcheck.clinical.safety.check_message` with the case's demographics and
structured answers as the known facts. One test per case, so a failure names the case.
"""

from __future__ import annotations

import pytest

from symcheck.clinical import safety
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.rules import RuleCase, RuleSet, load_rules


def _cases() -> list:
    params = []
    for rule in load_rules():
        for kind, cases in (("fire", rule.cases.fire), ("near_miss", rule.cases.near_miss)):
            for i, case in enumerate(cases):
                params.append(pytest.param(rule.id, kind, case, id=f"{rule.id}-{kind}-{i}"))
    return params


def facts_from_case(case: RuleCase, extractor: FindingExtractor) -> PatientFacts:
    """What the bot would already know: demographics and answers to its questions."""
    answers = {fid: Observation(present=present) for fid, present in case.findings.items()}
    return PatientFacts(
        age_years=case.age,
        sex=Sex(case.sex) if case.sex else None,
        pregnant=case.pregnant,
        findings=extractor.with_implications(answers),
    )


@pytest.mark.parametrize(("rule_id", "kind", "case"), _cases())
def test_rule_case(
    rule_id: str, kind: str, case: RuleCase, extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    check = safety.check_message(case.text, facts_from_case(case, extractor), extractor, ruleset)
    fired = [rule.id for rule in check.fired]
    if kind == "fire":
        assert rule_id in fired, f"{case.text!r} did not fire; present={check.facts.present_ids}"
    else:
        assert rule_id not in fired, f"{case.text!r} fired; present={check.facts.present_ids}"
