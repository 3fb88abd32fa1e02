"""The ``symcheck assess`` command line: files, stdin/stdout, bad content."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from symcheck.cli import main
from tests.fixtures.kb_small import KB_DIR, RULES_DIR

CASES = [
    {"id": "1", "text": "I have a cough and a runny nose", "age": 30, "sex": "male", "facts": {}},
    {"id": "2", "text": "crushing chest pain", "age": 60, "sex": "male", "facts": None},
]
CONTENT = ["--kb-dir", str(KB_DIR), "--rules-dir", str(RULES_DIR)]


def write_cases(path: Path) -> None:
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES) + "not json\n")


def test_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, sink = tmp_path / "cases.jsonl", tmp_path / "results.jsonl"
    write_cases(source)
    code = main(["assess", "--input", str(source), "--output", str(sink), *CONTENT])
    assert code == 0
    records = [json.loads(x) for x in sink.read_text().splitlines()]
    assert [r["id"] for r in records] == ["1", "2", "line-3"]
    assert records[1]["triage"] == "emergency_ambulance"
    assert records[1]["red_flags"] == ["RF-CARD-001"]
    assert "error" in records[2]
    assert "3 cases, 1 errors" in capsys.readouterr().err


def test_stdin_and_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    write_cases(source)
    monkeypatch.setattr("sys.stdin", io.StringIO(source.read_text()))
    assert main(["assess", "--input", "-", "--output", "-", *CONTENT]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["id"] for x in out] == ["1", "2", "line-3"]
    first = json.loads(out[0])
    assert set(first) == {"id", "triage", "red_flags", "conditions", "questions_asked"}


def test_max_questions_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps({"id": "h", "text": "headache", "age": 30, "sex": "male"}))
    assert main(["assess", "-i", str(source), "--max-questions", "1", *CONTENT]) == 0
    [record] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert record["questions_asked"] <= 1


def test_missing_content_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess", "--kb-dir", str(tmp_path), "--rules-dir", str(tmp_path)])
    assert code == 2
    assert "cannot load" in capsys.readouterr().err


def test_unfinished_interviews_are_error_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps({"id": "u", "text": "I feel off", "age": 30, "sex": "male"}))
    assert main(["assess", "-i", str(source), *CONTENT]) == 0
    captured = capsys.readouterr()
    [record] = [json.loads(x) for x in captured.out.splitlines()]
    assert record["id"] == "u"
    assert record["error"].startswith("interview did not finish:")
    assert "triage" not in record
    assert "1 cases, 1 errors" in captured.err
