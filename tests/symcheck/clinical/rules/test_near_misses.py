"""Near misses test each rule's boundaries, not just unrelated text.

A rule whose criterion has an age bound, a duration or severity bound, an ``all`` or an
``at_least`` needs a near miss just on the wrong side of each: the same patient a little too
old or too young, a symptom that has not lasted quite long enough or is not quite severe
enough, one of the findings an ``all`` needs without the others. Each check below finds such a
case among the rule's near misses by moving the patient across the boundary and seeing the
rule fire (the near miss itself must not fire: ``test_rule_cases`` checks that).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from symcheck.clinical import logic, safety
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.rules import RedFlagRule, RuleSet, load_rules
from tests.symcheck.clinical.rules.test_rule_cases import facts_from_case


def _nodes(criterion: logic.Criterion) -> Iterator[logic.Criterion]:
    yield criterion
    match criterion:
        case (
            logic.All(parts) | logic.Any_(parts) | logic.NoneOf(parts) | logic.AtLeast(parts=parts)
        ):
            for part in parts:
                yield from _nodes(part)


def _of(rule: RedFlagRule, kind: type) -> list:
    return [node for node in _nodes(rule.when) if isinstance(node, kind)]


def _rules_with(predicate: Callable[[RedFlagRule], bool]) -> list:
    return [pytest.param(rule, id=rule.id) for rule in load_rules() if predicate(rule)]


def _near_miss_facts(
    rule: RedFlagRule, extractor: FindingExtractor, ruleset: RuleSet
) -> list[PatientFacts]:
    return [
        safety.check_message(case.text, facts_from_case(case, extractor), extractor, ruleset).facts
        for case in rule.cases.near_miss
    ]


def _fires(rule: RedFlagRule, facts: PatientFacts) -> bool:
    return logic.holds(rule.when, facts)


def _bounded(kind: str) -> Callable[[RedFlagRule], bool]:
    def has(rule: RedFlagRule) -> bool:
        return any(getattr(node, kind) is not None for node in _of(rule, logic.FindingWith))

    return has


# --- age ------------------------------------------------------------------------------------


def _inside(age: logic.AgeRange) -> float:
    if age.min_years is not None and age.max_years is not None:
        return (age.min_years + age.max_years) / 2
    if age.min_years is not None:
        return age.min_years
    assert age.max_years is not None
    return age.max_years / 2


def _close_to(age: logic.AgeRange, years: float) -> bool:
    """Just outside the range: within half the bound (at most 10 years) of it."""
    bounds = [b for b in (age.min_years, age.max_years) if b is not None]
    return any(abs(years - b) <= min(10.0, max(0.1, b / 2)) for b in bounds)


@pytest.mark.parametrize("rule", _rules_with(lambda r: bool(_of(r, logic.AgeRange))))
def test_a_near_miss_is_just_outside_the_age_range(
    rule: RedFlagRule, extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    found = [
        facts
        for facts in _near_miss_facts(rule, extractor, ruleset)
        for age in _of(rule, logic.AgeRange)
        if facts.age_years is not None
        and _close_to(age, facts.age_years)
        and _fires(rule, dataclasses.replace(facts, age_years=_inside(age)))
    ]
    assert found, f"{rule.id}: no near miss just outside the age range"


# --- duration and severity --------------------------------------------------------------------


def _with(facts: PatientFacts, finding: str, **changes: object) -> PatientFacts:
    obs = dataclasses.replace(facts.findings[finding], **changes)
    return facts.with_observations({finding: obs})


@pytest.mark.parametrize("rule", _rules_with(_bounded("min_hours")))
def test_a_near_miss_has_not_lasted_quite_long_enough(
    rule: RedFlagRule, extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    found = [
        facts
        for facts in _near_miss_facts(rule, extractor, ruleset)
        for node in _of(rule, logic.FindingWith)
        if node.min_hours is not None
        and facts.is_present(node.finding)
        and (hours := facts.findings[node.finding].duration_hours) is not None
        and node.min_hours / 4 <= hours < node.min_hours
        and _fires(rule, _with(facts, node.finding, duration_hours=node.min_hours))
    ]
    assert found, f"{rule.id}: no near miss that has lasted a little less than the bound"


@pytest.mark.parametrize("rule", _rules_with(_bounded("min_severity")))
def test_a_near_miss_is_not_quite_severe_enough(
    rule: RedFlagRule, extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    found = [
        facts
        for facts in _near_miss_facts(rule, extractor, ruleset)
        for node in _of(rule, logic.FindingWith)
        if node.min_severity is not None
        and facts.is_present(node.finding)
        and (severity := facts.findings[node.finding].severity) is not None
        and node.min_severity - 3 <= severity < node.min_severity
        and _fires(rule, _with(facts, node.finding, severity=node.min_severity))
    ]
    assert found, f"{rule.id}: no near miss a little less severe than the bound"


# --- all and at_least -------------------------------------------------------------------------


@pytest.mark.parametrize("rule", _rules_with(lambda r: bool(_of(r, logic.All))))
def test_a_near_miss_has_part_of_an_all(
    rule: RedFlagRule, extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    found = [
        facts
        for facts in _near_miss_facts(rule, extractor, ruleset)
        for node in _of(rule, logic.All)
        if any(logic.holds(part, facts) for part in node.parts)
    ]
    assert found, f"{rule.id}: no near miss with some but not all of what an 'all' needs"


def test_near_misses_have_fewer_than_at_least(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    # One test over every rule with an `at_least` (none ship today; new ones are checked).
    missing = [
        rule.id
        for rule in ruleset
        if _of(rule, logic.AtLeast)
        and not any(
            1 <= sum(logic.holds(part, facts) for part in node.parts) < node.count
            for facts in _near_miss_facts(rule, extractor, ruleset)
            for node in _of(rule, logic.AtLeast)
        )
    ]
    assert not missing, f"no near miss with fewer findings than 'at_least' needs: {missing}"
