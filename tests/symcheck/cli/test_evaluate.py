"""``symcheck evaluate`` end to end on a small fixture case file and knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcheck.cli import main
from tests.fixtures.kb_small import KB_DIR, RULES_DIR
from tests.symcheck.evaluation.builders import gold_line

CONTENT = ["--kb-dir", str(KB_DIR), "--rules-dir", str(RULES_DIR)]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DETECTED = gold_line(
    id="mi",
    text="crushing chest pain",
    age=60,
    sex="male",
    facts={},
    gold_triage="emergency_ambulance",
    gold_diagnosis="Acute coronary syndrome",
    gold_icd10="I24.9",
    system="cardiovascular",
)
COLD = gold_line(
    id="cold",
    text="I have a cough and a runny nose",
    facts={"sore throat": True, "fever": False, "short of breath": False},
)
MISSED = gold_line(
    id="missed",
    text="I feel off",
    gold_triage="emergency",
    gold_diagnosis="Sepsis",
    gold_icd10="A41.9",
    system="infections",
)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def evaluate(tmp_path: Path, cases: Path, *extra: str) -> int:
    return main(
        ["evaluate", "--cases", str(cases), "--out", str(tmp_path / "report"), *CONTENT, *extra]
    )


def test_writes_the_report_results_and_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate(tmp_path, write(tmp_path, DETECTED, COLD)) == 0
    out_dir = tmp_path / "report"
    report = (out_dir / "report.md").read_text()
    for section in ("## Summary", "## Triage confusion matrix", "## By body system", "## Failures"):
        assert section in report
    pngs = sorted(out_dir.glob("*.png"))
    assert len(pngs) >= 3
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in pngs)
    records = [json.loads(x) for x in (out_dir / "results.jsonl").read_text().splitlines()]
    assert [(r["id"], r["triage_direction"]) for r in records] == [
        ("mi", "exact"),
        ("cold", "exact"),
    ]
    out = capsys.readouterr().out
    assert "symcheck evaluate: 2 cases, 0 errors" in out
    assert "emergency sensitivity  100.0% (1/1)" in out


def test_the_emergency_gate_passes_when_every_emergency_is_found(tmp_path: Path) -> None:
    cases = write(tmp_path, DETECTED, COLD)
    assert evaluate(tmp_path, cases, "--min-emergency-sensitivity", "1.0") == 0


def test_a_missed_emergency_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write(tmp_path, DETECTED, MISSED)
    assert evaluate(tmp_path, cases, "--min-emergency-sensitivity", "1.0") == 1
    assert "GATE FAILED: emergency sensitivity 50.0% (1/2)" in capsys.readouterr().err
    assert (tmp_path / "report" / "report.md").exists()  # the report is written anyway


def test_without_a_gate_a_missed_emergency_still_exits_zero(tmp_path: Path) -> None:
    assert evaluate(tmp_path, write(tmp_path, DETECTED, MISSED)) == 0


def test_the_safe_triage_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = write(tmp_path, DETECTED, COLD, MISSED)
    assert evaluate(tmp_path, cases, "--min-safe-triage", "0.97") == 1
    assert "GATE FAILED: safe triage" in capsys.readouterr().err


def test_a_malformed_case_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write(tmp_path, DETECTED, gold_line(id="bad", gold_triage="urgent"))
    assert evaluate(tmp_path, cases) == 2
    err = capsys.readouterr().err
    assert "malformed case file" in err
    assert "line 2 (bad): 'gold_triage' must be one of" in err
    assert not (tmp_path / "report").exists()


def test_a_missing_case_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate(tmp_path, tmp_path / "nope.jsonl") == 2
    assert "cannot read" in capsys.readouterr().err


def test_missing_content_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write(tmp_path, COLD)
    code = main(
        ["evaluate", "--cases", str(cases), "--out", str(tmp_path / "r"), "--kb-dir", str(tmp_path)]
    )
    assert code == 2
    assert "cannot load the clinical content" in capsys.readouterr().err


def test_a_threshold_outside_zero_one_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        evaluate(tmp_path, write(tmp_path, COLD), "--min-safe-triage", "97")
    assert exc.value.code == 2


def test_with_a_classifier_the_scorers_run_side_by_side(
    tmp_path: Path,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SYMCHECK_CLASSIFIER_DIR", str(tiny_model_dir))
    from symcheck.settings import get_settings

    get_settings.cache_clear()
    try:
        code = evaluate(tmp_path, write(tmp_path, DETECTED, COLD))
    finally:
        get_settings.cache_clear()
    assert code == 0
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## Scorers side by side" in report
    for name in ("knowledge-base scorer", "transformer classifier", "combination"):
        assert name in report
    assert (tmp_path / "report" / "calibration_by_scorer.png").is_file()
    assert (tmp_path / "report" / "accuracy_by_questions_asked.png").is_file()
    assert "combination (product default)" in capsys.readouterr().out


def test_the_gain_gate_fails_without_a_classifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write(tmp_path, DETECTED, COLD)
    code = evaluate(tmp_path, cases, "--require-combination-gain", "--scorer", "kb")
    assert code == 1
    assert "GATE FAILED: combination gain" in capsys.readouterr().err
