"""Loading rule files: strict validation with errors that name the file and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.patient import Observation, PatientFacts
from symcheck.clinical.rules import RuleSet, RuleSetError, floor, load_rules

_RULE = {
    "id": "RF-TEST-001",
    "title": "Test rule for fever",
    "when": "fever",
    "disposition": "consultation_24",
    "advice": "See a doctor within 24 hours about the fever.",
    "rationale": "A rule used by the loader tests.",
    "source": "Test source",
    "cases": {"fire": [{"text": "I have a fever"}], "near_miss": [{"text": "no fever"}]},
}


def _write(tmp_path: Path, rules: list, **extra: object) -> Path:
    (tmp_path / "ruleset.yml").write_text("version: 0.0.1\ntitle: Test rules\n")
    body = {"system": "test", "rules": rules, **extra}
    (tmp_path / "test.yml").write_text(yaml.safe_dump(body))
    return tmp_path


def test_loads_a_minimal_rule_file(tmp_path: Path) -> None:
    ruleset = load_rules(_write(tmp_path, [_RULE]))
    assert list(ruleset.rules) == ["RF-TEST-001"]
    assert ruleset.systems["RF-TEST-001"] == "test"


def test_unknown_rule_key_is_rejected_by_name(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match=r"(?s)test\.yml\[0\] RF-TEST-001.*dispositon"):
        load_rules(_write(tmp_path, [{**_RULE, "dispositon": "emergency"}]))


def test_unknown_top_level_key_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match=r"test\.yml: unexpected top-level keys \['version'\]"):
        load_rules(_write(tmp_path, [_RULE], version="1"))


def test_bad_criterion_names_the_file_and_rule(tmp_path: Path) -> None:
    bad = {**_RULE, "when": {"all": "fever"}}
    with pytest.raises(
        RuleSetError, match=r"(?s)test\.yml\[0\] RF-TEST-001.*expected a non-empty list"
    ):
        load_rules(_write(tmp_path, [bad]))


def test_malformed_rule_id_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match=r"test\.yml\[0\] RF-1"):
        load_rules(_write(tmp_path, [{**_RULE, "id": "RF-1"}]))


def test_duplicate_rule_id_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="duplicate rule id RF-TEST-001"):
        load_rules(_write(tmp_path, [_RULE, _RULE]))


def test_rule_without_near_miss_is_rejected(tmp_path: Path) -> None:
    rule = {**_RULE, "cases": {"fire": [{"text": "I have a fever"}], "near_miss": []}}
    with pytest.raises(RuleSetError, match="near_miss"):
        load_rules(_write(tmp_path, [rule]))


def test_unknown_advice_placeholder_is_rejected(tmp_path: Path) -> None:
    rule = {**_RULE, "advice": "Call {ambulance_number} now about the fever."}
    with pytest.raises(RuleSetError, match="ambulance_number"):
        load_rules(_write(tmp_path, [rule]))


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, [_RULE])
    (tmp_path / "broken.yml").write_text("system: x\nrules: [\n")
    with pytest.raises(RuleSetError, match=r"broken\.yml: cannot read"):
        load_rules(tmp_path)


def test_unknown_finding_is_reported_when_checked_against_the_kb(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    with pytest.raises(RuleSetError, match="RF-TEST-001: unknown finding 'fevr'"):
        load_rules(_write(tmp_path, [{**_RULE, "when": "fevr"}]), kb=kb)


def test_evaluate_orders_most_urgent_first(ruleset: RuleSet) -> None:
    facts = PatientFacts(
        findings={
            "chest_pain": Observation(present=True),
            "chest_pain_crushing": Observation(present=True),
            "sweating": Observation(present=True),
        }
    )
    fired = ruleset.evaluate(facts)
    assert [r.disposition.urgency for r in fired] == sorted(
        (r.disposition.urgency for r in fired), reverse=True
    )
    assert fired[0].id == "RF-CARD-001"


def test_floor_is_the_most_urgent_fired_disposition(ruleset: RuleSet) -> None:
    facts = PatientFacts(
        findings={"chest_pain": Observation(present=True), "sweating": Observation(present=True)}
    )
    assert floor(ruleset.evaluate(facts)) is Disposition.EMERGENCY_AMBULANCE


def test_floor_of_nothing_is_none() -> None:
    assert floor([]) is None


def test_finding_ids_lists_every_referenced_finding(ruleset: RuleSet) -> None:
    assert {"chest_pain", "fever", "face_droop"} <= ruleset.finding_ids()
