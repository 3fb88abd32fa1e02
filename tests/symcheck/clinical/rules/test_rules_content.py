"""The shipped rule set: size, coverage, ids, wording and references."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from symcheck.clinical import logic
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.rules import RuleSet
from symcheck.clinical.rules.models import RULE_ID_PATTERN


def test_rule_set_has_a_version(ruleset: RuleSet) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", ruleset.version)


def test_at_least_80_rules(ruleset: RuleSet) -> None:
    assert len(ruleset) >= 80


def test_rules_cover_at_least_10_systems(ruleset: RuleSet) -> None:
    assert len(set(ruleset.systems.values())) >= 10


def test_rule_ids_are_well_formed(ruleset: RuleSet) -> None:
    assert all(re.fullmatch(RULE_ID_PATTERN, rule_id) for rule_id in ruleset.rules)


def test_each_file_uses_one_id_prefix_and_prefixes_are_unique(ruleset: RuleSet) -> None:
    prefixes: dict[str, set[str]] = {}
    for rule_id, system in ruleset.systems.items():
        prefixes.setdefault(system, set()).add(rule_id.split("-")[1])
    assert all(len(p) == 1 for p in prefixes.values()), prefixes
    flat = [next(iter(p)) for p in prefixes.values()]
    assert len(flat) == len(set(flat))


def test_every_rule_references_known_findings(ruleset: RuleSet, kb: KnowledgeBase) -> None:
    assert ruleset.check_against(kb) == []


def test_every_rule_has_a_fire_and_a_near_miss_case(ruleset: RuleSet) -> None:
    for rule in ruleset:
        assert rule.cases.fire, rule.id
        assert rule.cases.near_miss, rule.id


def test_case_texts_are_unique(ruleset: RuleSet) -> None:
    texts = Counter(
        (rule.id, case.text)
        for rule in ruleset
        for case in (*rule.cases.fire, *rule.cases.near_miss)
    )
    assert [key for key, n in texts.items() if n > 1] == []


_ACTION = {
    Disposition.EMERGENCY_AMBULANCE: re.compile(r"call \{emergency_number\}", re.IGNORECASE),
    Disposition.EMERGENCY: re.compile(r"emergency department|maternity unit", re.IGNORECASE),
    Disposition.CONSULTATION_24: re.compile(r"within 24 hours|today", re.IGNORECASE),
    Disposition.CONSULTATION: re.compile(r"appointment", re.IGNORECASE),
}


@pytest.mark.parametrize("disposition", list(_ACTION))
def test_advice_names_the_action_for_its_disposition(
    ruleset: RuleSet, disposition: Disposition
) -> None:
    wrong = [
        rule.id
        for rule in ruleset
        if rule.disposition is disposition and not _ACTION[disposition].search(rule.advice)
    ]
    assert wrong == []


def test_no_rule_sets_a_self_care_floor(ruleset: RuleSet) -> None:
    assert all(rule.disposition is not Disposition.SELF_CARE for rule in ruleset)


def test_emergency_rules_are_the_majority_of_the_set(ruleset: RuleSet) -> None:
    emergencies = [rule for rule in ruleset if rule.disposition.is_emergency]
    assert len(emergencies) > len(ruleset) / 2


def test_rule_advice_renders_the_emergency_number(ruleset: RuleSet) -> None:
    for rule in ruleset:
        rendered = rule.render_advice("999")
        assert "{" not in rendered, rule.id


def test_every_rule_criterion_round_trips(ruleset: RuleSet) -> None:
    for rule in ruleset:
        assert logic.parse(logic.to_data(rule.when)) == rule.when, rule.id
