"""The red-flag check run on every message, and the emergency advice it produces."""

from __future__ import annotations

import pytest

from symcheck.clinical import safety
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.rules import RedFlagRule, RuleSet


def _check(
    text: str,
    extractor: FindingExtractor,
    ruleset: RuleSet,
    facts: PatientFacts | None = None,
    already: tuple[str, ...] = (),
) -> safety.SafetyCheck:
    return safety.check_message(text, facts or PatientFacts(), extractor, ruleset, already)


def test_message_findings_are_merged_into_the_facts(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    facts = PatientFacts(findings={"cough": Observation(True)})
    check = _check("and now a fever", extractor, ruleset, facts)
    assert set(check.facts.present_ids) >= {"cough", "fever"}


def test_earlier_facts_combine_with_the_new_message(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    facts = PatientFacts(findings={"chest_pain": Observation(True)})
    check = _check("I'm really sweaty", extractor, ruleset, facts)
    assert "RF-CARD-002" in [r.id for r in check.fired]


def test_demographics_from_text_fill_unknowns(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    check = _check("my baby is 6 weeks old and has a fever", extractor, ruleset)
    assert "RF-PAED-001" in [r.id for r in check.new]


def test_demographics_from_text_do_not_overwrite_known_ones(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    facts = PatientFacts(age_years=70, sex=Sex.FEMALE)
    check = _check("my husband's face has dropped", extractor, ruleset, facts)
    assert (check.facts.age_years, check.facts.sex) == (70, Sex.FEMALE)


def test_a_statement_of_pregnancy_always_counts(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    facts = PatientFacts(sex=Sex.FEMALE, pregnant=False)
    check = _check("actually I'm 8 weeks pregnant and bleeding", extractor, ruleset, facts)
    assert check.facts.pregnant is True


def test_floor_is_the_most_urgent_fired_rule(extractor: FindingExtractor, ruleset: RuleSet) -> None:
    check = _check("crushing chest pain and sweating", extractor, ruleset)
    assert check.floor is Disposition.EMERGENCY_AMBULANCE


def test_no_rule_fires_for_a_cold(extractor: FindingExtractor, ruleset: RuleSet) -> None:
    check = _check("runny nose and sneezing for two days", extractor, ruleset)
    assert (check.fired, check.floor) == ((), None)


def test_already_fired_rules_are_not_new(extractor: FindingExtractor, ruleset: RuleSet) -> None:
    check = _check("crushing chest pain", extractor, ruleset, already=("RF-CARD-001",))
    assert "RF-CARD-001" not in [r.id for r in check.new]


def test_already_fired_rules_still_count_for_the_floor(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    check = _check("crushing chest pain", extractor, ruleset, already=("RF-CARD-001",))
    assert check.floor is Disposition.EMERGENCY_AMBULANCE


def test_new_emergencies_exclude_lower_dispositions(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    check = _check("I've had this cough for 4 weeks", extractor, ruleset)
    assert (bool(check.new), check.new_emergencies) == (True, ())


def test_check_facts_without_text(ruleset: RuleSet) -> None:
    facts = PatientFacts(findings={"face_droop": Observation(True)})
    check = safety.check_facts(facts, ruleset)
    assert [r.id for r in check.new_emergencies] == ["RF-NEURO-001"]


def test_check_facts_has_an_empty_extraction(ruleset: RuleSet) -> None:
    assert not safety.check_facts(PatientFacts(), ruleset).extraction


# --- emergency_message ------------------------------------------------------------------------


def test_message_fills_in_the_emergency_number(ruleset: RuleSet) -> None:
    text = safety.emergency_message([ruleset.rules["RF-NEURO-001"]], "112")
    assert text.startswith("Call 112 now")


def test_most_urgent_advice_comes_first(ruleset: RuleSet) -> None:
    rules = [ruleset.rules["RF-NEURO-007"], ruleset.rules["RF-CARD-001"]]
    text = safety.emergency_message(rules, "999")
    assert text.index(ruleset.rules["RF-CARD-001"].render_advice("999")) == 0


def test_same_urgency_is_ordered_by_id(ruleset: RuleSet) -> None:
    rules = [ruleset.rules["RF-NEURO-001"], ruleset.rules["RF-CARD-001"]]
    text = safety.emergency_message(rules, "999")
    assert text.index("heart attack") < text.index("stroke")


def test_while_waiting_steps_are_listed_once(ruleset: RuleSet) -> None:
    rules = [ruleset.rules["RF-CARD-001"], ruleset.rules["RF-CARD-002"]]
    text = safety.emergency_message(rules, "999")
    assert text.count("Chew one 300 mg aspirin") == 1


def test_while_waiting_section_follows_the_advice(ruleset: RuleSet) -> None:
    text = safety.emergency_message([ruleset.rules["RF-CARD-001"]], "999")
    assert "\nWhile you wait:\n- Sit down" in text


def test_rules_without_steps_have_no_waiting_section(ruleset: RuleSet) -> None:
    text = safety.emergency_message([ruleset.rules["RF-GI-002"]], "999")
    assert "While you wait" not in text


def test_identical_advice_is_not_repeated() -> None:
    rule = RedFlagRule.model_validate(
        {
            "id": "RF-TEST-001",
            "title": "Test rule",
            "when": "fever",
            "disposition": "emergency",
            "advice": "Go to the emergency department now.",
            "rationale": "For the test only.",
            "source": "Test source",
            "cases": {"fire": [{"text": "fever"}], "near_miss": [{"text": "no fever"}]},
        }
    )
    twin = rule.model_copy(update={"id": "RF-TEST-002"})
    assert safety.emergency_message([rule, twin], "999") == "Go to the emergency department now."


def test_no_rules_is_an_error() -> None:
    with pytest.raises(ValueError, match="no rules"):
        safety.emergency_message([], "999")
