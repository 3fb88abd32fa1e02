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
    assert safety.emergency_message([rule, twin], "999") == (
        "Go to the emergency department now.\n"
        "If you cannot get there safely, or you get worse, call 999 now."
    )


def test_emergency_advice_always_names_the_number_to_call() -> None:
    rule = RedFlagRule.model_validate(
        {
            "id": "RF-TEST-003",
            "title": "Test rule",
            "when": "fever",
            "disposition": "emergency_ambulance",
            "advice": "Call {emergency_number} now: this is an emergency.",
            "rationale": "For the test only.",
            "source": "Test source",
            "cases": {"fire": [{"text": "fever"}], "near_miss": [{"text": "no fever"}]},
        }
    )
    text = safety.emergency_message([rule], "999")
    assert text == "Call 999 now: this is an emergency."


def test_no_rules_is_an_error() -> None:
    with pytest.raises(ValueError, match="no rules"):
        safety.emergency_message([], "999")


# --- reported under-triage: each fires its red flag on the first message -----------------------


@pytest.mark.parametrize(
    ("text", "age", "sex", "rule_id"),
    [
        ("I'm not well and have crushing chest pain", None, None, "RF-CARD-001"),
        ("he's not well and isn't breathing", None, None, "RF-GEN-001"),
        ("she's not responding and won't wake up", None, None, "RF-GEN-002"),
        ("she's not herself and is floppy", 1, None, "RF-PAED-005"),
        ("I want to kill myself", None, None, "RF-MH-001"),
        ("i really want to kill myself tonight", None, None, "RF-MH-001"),
        ("I'm going to end my life", None, None, "RF-MH-001"),
        ("thinking of ending it all", None, None, "RF-MH-002"),
        ("I want to die", None, None, "RF-MH-002"),
        ("I want to kill him", None, None, "RF-MH-004"),
        (
            "my toddler has a rash that doesn't go away when I press a glass on it",
            2,
            None,
            "RF-PAED-004",
        ),
        ("I'm dizzy and there's blood in my poo, it's black", 67, Sex.MALE, "RF-GI-002"),
        ("I'm dizzy and there's blood in my poo, it's black", 67, Sex.MALE, "RF-GI-012"),
        ("sudden agony in my testicle", 15, Sex.MALE, "RF-URO-001"),
        ("my son's testicle is really painful and swollen", 13, Sex.MALE, "RF-URO-001"),
        ("I'm 34 weeks and my waters have broken", None, None, "RF-OBS-007"),
        ("I'm 34 weeks and my waters have broken", None, None, "RF-OBS-008"),
        (
            "really bad pain in my back and tummy all of a sudden and I feel faint",
            72,
            Sex.MALE,
            "RF-CARD-012",
        ),
        ("i've taken 30 paracetamol", 17, Sex.FEMALE, "RF-TOX-001"),
        (
            "my heart's going like the clappers and I feel like I'm going to pass out",
            60,
            Sex.FEMALE,
            "RF-CARD-005",
        ),
        ("his mouth is droopy on one side", None, None, "RF-NEURO-001"),
        ("my little one is 7 weeks and burning up", None, None, "RF-PAED-001"),
        ("pain in my chest spreading to my jaw", None, None, "RF-CARD-002"),
    ],
)
def test_reported_under_triage_fires_at_once(
    extractor: FindingExtractor,
    ruleset: RuleSet,
    text: str,
    age: float | None,
    sex: Sex | None,
    rule_id: str,
) -> None:
    check = _check(text, extractor, ruleset, PatientFacts(age_years=age, sex=sex))
    assert rule_id in [r.id for r in check.new]


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "i really want to kill myself tonight",
        "I'm going to end my life",
        "thinking of ending it all",
        "I want to die",
    ],
)
def test_suicidal_phrasings_are_not_harm_to_others(
    extractor: FindingExtractor, ruleset: RuleSet, text: str
) -> None:
    assert "RF-MH-004" not in [r.id for r in _check(text, extractor, ruleset).fired]


def test_an_infant_age_from_text_reaches_the_rules(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    check = _check("my little one is 7 weeks and burning up", extractor, ruleset)
    assert check.facts.age_years == pytest.approx(0.134)


def test_a_stage_of_pregnancy_from_text_means_pregnant(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    check = _check("I'm 34 weeks and my waters have broken", extractor, ruleset)
    assert check.facts.pregnant is True


def test_a_mostly_spanish_message_still_fires_its_red_flag(
    extractor: FindingExtractor, ruleset: RuleSet
) -> None:
    text = "Mi padre tiene crushing chest pain y está sudando mucho"
    assert "RF-CARD-001" in [r.id for r in _check(text, extractor, ruleset).new_emergencies]
