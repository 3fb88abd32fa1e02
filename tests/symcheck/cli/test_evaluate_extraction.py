"""``symcheck evaluate-extraction`` end to end on a small sentence file and knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcheck.cli import main
from tests.fixtures.kb_small import KB_DIR

SENTENCES = [
    {
        "id": "a",
        "text": "no fever but a bad cough",
        "findings": [{"id": "fever", "status": "absent"}, {"id": "cough", "severity": 7}],
    },
    {
        "id": "b",
        "text": "my son has a headache",
        "findings": [{"id": "headache", "subject": "other"}],
        "sex": "male",
    },
    {"id": "c", "text": "I feel off", "findings": [{"id": "dizziness"}]},
]


def write(tmp_path: Path, sentences: list[dict[str, object]] = SENTENCES) -> Path:
    path = tmp_path / "sentences.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences))
    return path


def evaluate(path: Path, *extra: str) -> int:
    return main(["evaluate-extraction", "--sentences", str(path), "--kb-dir", str(KB_DIR), *extra])


def test_prints_the_summary_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate(write(tmp_path)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| category | gold | predicted | correct | precision | recall | F1 |"
    assert lines[2].startswith("| **micro** |")


def test_writes_the_report_with_the_sentences_in_error(tmp_path: Path) -> None:
    assert evaluate(write(tmp_path), "--out", str(tmp_path / "out")) == 0
    report = (tmp_path / "out" / "report.md").read_text()
    assert "- `c` 'I feel off'\n  - missed findings: dizziness" in report


def test_a_gate_that_is_met_passes(tmp_path: Path) -> None:
    assert evaluate(write(tmp_path), "--min", "negation=1/1") == 0


def test_a_gate_that_is_not_met_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate(write(tmp_path), "--min", "findings=0.5/0.9") == 1
    assert "GATE FAILED: findings recall 0.750 < 0.9" in capsys.readouterr().err


def test_a_malformed_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [{"id": "x", "text": "hi", "findings": [{"id": "no_such_finding"}]}])
    assert evaluate(path) == 2
    assert "unknown finding ids" in capsys.readouterr().err


@pytest.mark.parametrize("gate", ["nothing=1/1", "micro=0.9", "micro=2/1"])
def test_a_malformed_gate_is_a_usage_error(tmp_path: Path, gate: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        evaluate(write(tmp_path), "--min", gate)
    assert exit_info.value.code == 2
