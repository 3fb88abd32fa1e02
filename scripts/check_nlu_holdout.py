#!/usr/bin/env python3
"""Gate on the NLU holdout: fail unless the intent classifier generalises well enough.

Reads the intent report that ``rasa test ... --nlu tests/rasa/nlu --out var/rasa-test-results``
writes (``intent_report.json``, plus ``intent_errors.json`` for the misclassified examples) and
exits non-zero unless

- the overall accuracy on the holdout is at least ``--min-accuracy`` (0.95), and
- the recall of ``report_emergency`` is at least ``--min-emergency-recall`` (1.0): no held-out
  emergency may be read as anything else.

It also refuses a report that does not belong to the current holdout (a different number of
examples) or is older than the holdout file or the model, so a failed ``rasa test`` cannot pass
on an old report. Standard library plus PyYAML; runs in either virtualenv::

    .venv/bin/python scripts/check_nlu_holdout.py

Exit codes: 0 pass, 1 below a threshold, 2 no usable report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESULTS = REPO_ROOT / "var" / "rasa-test-results"
DEFAULT_HOLDOUT = REPO_ROOT / "tests" / "rasa" / "nlu" / "holdout.yml"
DEFAULT_MODEL = REPO_ROOT / "models" / "symcheck.tar.gz"
EMERGENCY_INTENT = "report_emergency"
SUMMARY_KEYS = frozenset({"accuracy", "macro avg", "weighted avg", "micro avg"})


class ReportError(Exception):
    """The report is missing, unreadable, stale or not about this holdout."""


@dataclass(frozen=True)
class IntentScore:
    name: str
    precision: float
    recall: float
    support: int
    confused_with: Mapping[str, int]


@dataclass(frozen=True)
class Verdict:
    accuracy: float
    emergency_recall: float
    emergency_support: int
    total: int
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(
            f"no intent report at {path}: run the `rasa test` line of scripts/test.sh first"
        ) from None
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or "accuracy" not in data:
        raise ReportError(f"{path} is not a Rasa intent report (no 'accuracy')")
    return data


def intent_scores(report: Mapping[str, Any]) -> list[IntentScore]:
    scores = []
    for name, row in report.items():
        if name in SUMMARY_KEYS or not isinstance(row, Mapping):
            continue
        scores.append(
            IntentScore(
                name=name,
                precision=float(row.get("precision", 0.0)),
                recall=float(row.get("recall", 0.0)),
                support=int(row.get("support", 0)),
                confused_with=dict(row.get("confused_with") or {}),
            )
        )
    return sorted(scores, key=lambda s: (s.recall, s.name))


def count_holdout_examples(path: Path) -> int:
    """The number of examples in a Rasa YAML NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    total = 0
    for item in data.get("nlu") or ():
        if isinstance(item, Mapping) and "intent" in item:
            total += sum(
                1 for line in str(item.get("examples", "")).splitlines() if line.strip()[:2] == "- "
            )
    return total


def check_fresh(report_path: Path, *inputs: Path) -> None:
    """The report must be newer than every input that exists (holdout, model)."""
    written = report_path.stat().st_mtime
    for source in inputs:
        if source.exists() and source.stat().st_mtime > written:
            raise ReportError(
                f"{report_path} is older than {source}: the last `rasa test` did not finish; "
                "run it again"
            )


def judge(
    report: Mapping[str, Any],
    *,
    min_accuracy: float,
    min_emergency_recall: float,
    expected_total: int | None = None,
) -> Verdict:
    scores = intent_scores(report)
    total = sum(s.support for s in scores)
    if expected_total is not None and total != expected_total:
        raise ReportError(
            f"the report covers {total} examples but the holdout has {expected_total}: "
            "it is not a report of the current holdout (rerun `rasa test --nlu tests/rasa/nlu`)"
        )
    accuracy = float(report["accuracy"])
    emergency = next((s for s in scores if s.name == EMERGENCY_INTENT), None)
    failures = []
    if accuracy < min_accuracy:
        failures.append(f"holdout accuracy {accuracy:.3f} is below {min_accuracy:.3f}")
    if emergency is None or emergency.support == 0:
        failures.append(f"the holdout has no {EMERGENCY_INTENT} examples")
        emergency_recall, emergency_support = 0.0, 0
    else:
        emergency_recall, emergency_support = emergency.recall, emergency.support
        if emergency.recall < min_emergency_recall:
            failures.append(
                f"{EMERGENCY_INTENT} recall {emergency.recall:.3f} is below "
                f"{min_emergency_recall:.3f}: a held-out emergency was missed"
            )
    return Verdict(accuracy, emergency_recall, emergency_support, total, tuple(failures))


def read_errors(path: Path) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in data if isinstance(e, Mapping)] if isinstance(data, list) else []


def summary(
    report: Mapping[str, Any], verdict: Verdict, errors: Sequence[Mapping[str, Any]]
) -> str:
    lines = [
        "NLU holdout (tests/rasa/nlu)",
        f"{'intent':<22} {'support':>7} {'prec':>6} {'recall':>6}",
    ]
    for s in intent_scores(report):
        confused = ", ".join(f"{k} x{v}" for k, v in sorted(s.confused_with.items()))
        lines.append(
            f"{s.name:<22} {s.support:>7} {s.precision:>6.2f} {s.recall:>6.2f}"
            + (f"   confused with: {confused}" if confused else "")
        )
    lines.append(
        f"accuracy {verdict.accuracy:.3f} on {verdict.total} examples; "
        f"{EMERGENCY_INTENT} recall {verdict.emergency_recall:.3f} "
        f"on {verdict.emergency_support} examples"
    )
    if errors:
        lines.append(f"misclassified ({len(errors)}):")
        for error in sorted(errors, key=lambda e: (str(e.get("intent")), str(e.get("text")))):
            predicted = error.get("intent_prediction") or {}
            lines.append(
                f"  {error.get('intent')} -> {predicted.get('name')} "
                f"({float(predicted.get('confidence') or 0):.2f}): {error.get('text')!r}"
            )
    if verdict.passed:
        lines.append("NLU holdout gate: PASSED")
    else:
        lines.extend(f"FAILED: {failure}" for failure in verdict.failures)
        lines.append("NLU holdout gate: FAILED")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "results",
        nargs="?",
        type=Path,
        default=DEFAULT_RESULTS,
        help="the --out directory of `rasa test` (or its intent_report.json)",
    )
    parser.add_argument("--holdout", type=Path, default=DEFAULT_HOLDOUT)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--min-accuracy", type=float, default=0.95)
    parser.add_argument("--min-emergency-recall", type=float, default=1.0)
    args = parser.parse_args(argv)

    report_path = args.results / "intent_report.json" if args.results.is_dir() else args.results
    try:
        report = read_report(report_path)
        check_fresh(report_path, args.holdout, args.model)
        expected = count_holdout_examples(args.holdout) if args.holdout.exists() else None
        verdict = judge(
            report,
            min_accuracy=args.min_accuracy,
            min_emergency_recall=args.min_emergency_recall,
            expected_total=expected,
        )
    except ReportError as exc:
        print(f"NLU holdout gate: FAILED: {exc}", file=sys.stderr)
        return 2
    errors = read_errors(report_path.with_name("intent_errors.json"))
    print(summary(report, verdict, errors))
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
