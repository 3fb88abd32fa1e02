"""The command-line tools against the running stack."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from symcheck.settings import REPO_ROOT
from tests.conftest import EMERGENCY_NUMBER, LiveStack

pytestmark = pytest.mark.stack

SYMCHECK = str(REPO_ROOT / ".venv" / "bin" / "symcheck")


def test_symcheck_chat_holds_a_conversation_with_numbered_buttons(live_stack: LiveStack) -> None:
    lines = "I have a cough since yesterday\n41\n1\n/quit\n"
    done = subprocess.run(
        [SYMCHECK, "chat", "--url", live_stack.url, "--no-poll"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "not a doctor" in out
    assert EMERGENCY_NUMBER in out
    assert "How old are you" in out
    assert "1) Female" in out, out


def test_symcheck_assess_follows_the_contract(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(case)
            for case in (
                {
                    "id": "a",
                    "text": "crushing chest pain and sweating",
                    "age": 61,
                    "sex": "male",
                    "facts": None,
                },
                {
                    "id": "b",
                    "text": "runny nose and sneezing",
                    "age": 30,
                    "sex": "female",
                    "facts": {"fever": False, "sore throat": True},
                },
                {"id": "c"},
            )
        )
        + "\n"
    )
    results = tmp_path / "results.jsonl"
    done = subprocess.run(
        [SYMCHECK, "assess", "--input", str(cases), "--output", str(results)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    a, b, c = rows
    assert a["triage"] == "emergency_ambulance"
    assert a["red_flags"]
    for row in (a, b):
        assert set(row) == {"id", "triage", "red_flags", "conditions", "questions_asked"}
        assert 1 <= len(row["conditions"]) <= 5
        assert set(row["conditions"][0]) == {"name", "icd10", "score"}
        scores = [c["score"] for c in row["conditions"]]
        assert scores == sorted(scores, reverse=True)
    assert b["triage"] in ("self_care", "consultation")
    assert set(c) == {"id", "error"}
