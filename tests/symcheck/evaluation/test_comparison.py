"""Scorers side by side: calibration on the cases, the questions curve, the gain gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.clinical.engine_factory import ScorerChoice, load_interview_engine
from symcheck.evaluation.cases import parse_gold_cases
from symcheck.evaluation.comparison import case_reliability, gain_failures, run_scorer
from symcheck.evaluation.metrics import summarise
from symcheck.settings import Settings
from tests.fixtures.kb_small import KB_DIR, RULES_DIR
from tests.symcheck.evaluation.builders import EMERGENCY, SAME_DAY, gold_line, outcome

CASES = parse_gold_cases(
    [
        gold_line(id="cold", text="I have a cough and a runny nose", facts={"sore throat": True}),
        gold_line(
            id="uti",
            text="it burns when I pee",
            facts={"fever": False},
            gold_triage="consultation",
            gold_diagnosis="Bladder infection (cystitis)",
            gold_icd10="N30.0",
            system="urological_renal",
        ),
    ]
)


def test_reliability_on_cases_uses_the_top_score() -> None:
    rel = case_reliability([outcome(rank=1), outcome(rank=2), outcome(predicted=None)])
    assert sum(rel.count) == 3
    assert rel.count[4] == 2  # both scored 0.5 (bin (0.4, 0.5])
    assert rel.accuracy[4] == pytest.approx(0.5)
    assert rel.count[0] == 1  # the error: score 0, a miss


def test_the_combination_must_beat_the_kb_scorer_on_top1_and_top3() -> None:
    kb = summarise([outcome(rank=1), outcome(rank=4)])
    assert gain_failures(summarise([outcome(rank=1), outcome(rank=1)]), kb) == []
    assert gain_failures(kb, kb) == [
        "combination top-1 1/2 does not beat the knowledge-base scorer's 1/2",
        "combination top-3 1/2 does not beat the knowledge-base scorer's 1/2",
    ]


def test_the_combination_must_not_lose_an_emergency() -> None:
    kb = summarise([outcome(EMERGENCY, EMERGENCY, rank=2), outcome(rank=4)])
    combined = summarise([outcome(EMERGENCY, SAME_DAY, rank=1), outcome(rank=1)])
    (failure,) = gain_failures(combined, kb)
    assert "emergency sensitivity 0/1" in failure


def test_a_scorer_run_has_metrics_calibration_and_a_curve(tiny_model_dir: Path) -> None:
    settings = Settings(kb_dir=KB_DIR, rules_dir=RULES_DIR, classifier_dir=tiny_model_dir)
    engine = load_interview_engine(settings, ScorerChoice.COMBINED)
    run = run_scorer("combination", engine, CASES)
    assert run.summary.n == 2
    assert sum(run.reliability.count) == 2
    assert 0 in run.curve
    top1, top3 = run.curve[max(run.curve)]
    assert (top1, top3) == (run.summary.top1.value, run.summary.top3.value)
    assert all(0 <= a <= b <= 1 for a, b in run.curve.values())
