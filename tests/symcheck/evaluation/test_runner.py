"""Running gold cases through the assess code path (small fixture knowledge base)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcheck.assess import assess_lines
from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine
from symcheck.evaluation.cases import parse_gold_cases
from symcheck.evaluation.outcomes import Direction
from symcheck.evaluation.runner import evaluate, read_cases_version, run_info
from tests.fixtures.kb_small import small_kb, small_rules
from tests.symcheck.evaluation.builders import gold_line

LINES = [
    gold_line(
        id="cold",
        text="I have a cough and a runny nose",
        facts={"sore throat": True, "fever": False},
        gold_diagnosis="Common cold",
        gold_icd10="J00",
    ),
    gold_line(
        id="mi",
        text="crushing chest pain",
        age=60,
        sex="male",
        facts={},
        gold_triage="emergency_ambulance",
        gold_diagnosis="Acute coronary syndrome",
        gold_icd10="I24.9",
        system="cardiovascular",
    ),
    gold_line(id="vague", text="I feel off", gold_diagnosis="Fatigue", gold_icd10="R53"),
]


@pytest.fixture(scope="module")
def engine() -> InterviewEngine:
    return InterviewEngine(small_kb(), small_rules(), config=EngineConfig(max_questions=15))


def test_outcomes_follow_the_cases_in_order(engine: InterviewEngine) -> None:
    outcomes = evaluate(engine, parse_gold_cases(LINES))
    assert [o.case.id for o in outcomes] == ["cold", "mi", "vague"]


def test_results_are_those_of_symcheck_assess(engine: InterviewEngine) -> None:
    outcomes = evaluate(engine, parse_gold_cases(LINES))
    assessed = list(assess_lines(engine, LINES))
    assert [o.predicted.value if o.predicted else None for o in outcomes] == [
        r.get("triage") for r in assessed
    ]


def test_an_emergency_found_by_a_rule_is_exact(engine: InterviewEngine) -> None:
    mi = evaluate(engine, parse_gold_cases(LINES))[1]
    assert mi.direction is Direction.EXACT
    assert mi.red_flags == ("RF-CARD-001",)
    assert mi.covered


def test_an_unfinished_interview_is_an_uncovered_error(engine: InterviewEngine) -> None:
    vague = evaluate(engine, parse_gold_cases(LINES))[2]
    assert vague.is_error
    assert not vague.covered


def test_the_case_set_version_is_read_next_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "VERSION").write_text("1.2.0\n")
    assert read_cases_version(tmp_path / "dev.jsonl") == "1.2.0"
    assert read_cases_version(tmp_path / "sub" / "dev.jsonl") is None


def test_run_info_names_the_content_versions(engine: InterviewEngine, tmp_path: Path) -> None:
    info = run_info(engine, tmp_path / "dev.jsonl", "now")
    assert (info.kb_version, info.rules_version, info.max_questions) == ("0.0.1", "0.0.1", 15)
    assert json.dumps(info.cases_path)
