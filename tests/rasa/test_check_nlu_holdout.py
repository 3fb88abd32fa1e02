"""``scripts/check_nlu_holdout.py``: the gate on the NLU holdout's intent report."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from symcheck.settings import REPO_ROOT

HOLDOUT = """\
version: "3.1"
nlu:
  - intent: affirm
    examples: |
      - yes please
      - yeah
  - intent: report_emergency
    examples: |
      - he is not breathing
      - she collapsed
"""


def load_gate() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_nlu_holdout", REPO_ROOT / "scripts" / "check_nlu_holdout.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


gate = load_gate()


def report(accuracy: float, emergency_recall: float, **extra: Any) -> dict[str, Any]:
    return {
        "affirm": {"precision": 1.0, "recall": 1.0, "support": 2, "confused_with": {}},
        "report_emergency": {
            "precision": 1.0,
            "recall": emergency_recall,
            "support": 2,
            "confused_with": {} if emergency_recall == 1.0 else {"out_of_scope": 1},
        },
        "accuracy": accuracy,
        "macro avg": {"precision": 1.0, "recall": 1.0, "support": 4},
        **extra,
    }


def write(tmp_path: Path, data: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> Path:
    holdout = tmp_path / "holdout.yml"
    holdout.write_text(HOLDOUT)
    old = holdout.stat().st_mtime - 60
    os.utime(holdout, (old, old))
    results = tmp_path / "results"
    results.mkdir()
    (results / "intent_report.json").write_text(json.dumps(data))
    (results / "intent_errors.json").write_text(json.dumps(errors or []))
    return results


def run(tmp_path: Path, results: Path, *extra: str) -> int:
    return int(
        gate.main(
            [str(results), "--holdout", str(tmp_path / "holdout.yml"), "--model", "-", *extra]
        )
    )


def test_passes_when_both_thresholds_are_met(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, write(tmp_path, report(1.0, 1.0))) == 0
    out = capsys.readouterr().out
    assert "accuracy 1.000 on 4 examples" in out
    assert "report_emergency recall 1.000 on 2 examples" in out
    assert "PASSED" in out


def test_fails_below_the_accuracy_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, write(tmp_path, report(0.94, 1.0))) == 1
    assert "holdout accuracy 0.940 is below 0.950" in capsys.readouterr().out


def test_one_missed_emergency_fails_even_with_high_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    errors = [
        {
            "text": "she collapsed",
            "intent": "report_emergency",
            "intent_prediction": {"name": "out_of_scope", "confidence": 0.8},
        }
    ]
    assert run(tmp_path, write(tmp_path, report(0.99, 0.5), errors)) == 1
    out = capsys.readouterr().out
    assert "report_emergency recall 0.500 is below 1.000" in out
    assert "report_emergency -> out_of_scope (0.80): 'she collapsed'" in out
    assert "FAILED" in out


def test_thresholds_are_options(tmp_path: Path) -> None:
    results = write(tmp_path, report(0.9, 1.0))
    assert run(tmp_path, results, "--min-accuracy", "0.85") == 0


def test_a_holdout_without_emergencies_fails(tmp_path: Path) -> None:
    data = report(1.0, 1.0)
    del data["report_emergency"]
    data["affirm"]["support"] = 4
    assert run(tmp_path, write(tmp_path, data)) == 1


def test_missing_report_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "holdout.yml").write_text(HOLDOUT)
    assert run(tmp_path, tmp_path / "nothing-here") == 2
    assert "no intent report" in capsys.readouterr().err


def test_a_report_of_another_holdout_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report(1.0, 1.0)
    data["affirm"]["support"] = 7
    assert run(tmp_path, write(tmp_path, data)) == 2
    assert "holdout has 4" in capsys.readouterr().err


def test_a_report_older_than_the_holdout_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, report(1.0, 1.0))
    (tmp_path / "holdout.yml").touch()
    old = (tmp_path / "holdout.yml").stat().st_mtime - 30
    os.utime(results / "intent_report.json", (old, old))
    assert run(tmp_path, results) == 2
    assert "older than" in capsys.readouterr().err


def test_the_shipped_holdout_is_big_enough_and_not_in_the_training_data() -> None:
    holdout = REPO_ROOT / "tests" / "rasa" / "nlu" / "holdout.yml"
    assert gate.count_holdout_examples(holdout) >= 128
    training = {
        " ".join(example.lower().split())
        for path in (REPO_ROOT / "nlu_data").glob("*.yml")
        for example in _examples(path)
    }
    copied = [e for e in _examples(holdout) if " ".join(e.lower().split()) in training]
    assert copied == []


def _examples(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text()) or {}
    found = []
    for item in data.get("nlu") or ():
        if "intent" not in item:
            continue
        for line in str(item.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                text = line.strip()[2:]
                text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
                found.append(" ".join(re.findall(r"[\w']+", text)))
    return found
