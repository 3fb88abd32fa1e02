"""``symcheck evaluate``: run a gold case file through ``symcheck assess`` and report.

Writes ``report.md``, ``results.jsonl`` and PNG charts into ``--out`` and prints a short
summary. Exit codes: 0 ok; 1 a gate failed (``--min-emergency-sensitivity``,
``--min-safe-triage``); 2 the case file is malformed or the clinical content cannot load.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from symcheck.clinical.engine_factory import load_interview_engine
from symcheck.clinical.knowledge.base import KnowledgeBaseError
from symcheck.clinical.rules.ruleset import RuleSetError
from symcheck.evaluation.cases import CaseFileError, load_gold_cases
from symcheck.evaluation.metrics import Summary, gate_failures, summarise
from symcheck.evaluation.report import format_interval, format_rate, write_report
from symcheck.evaluation.runner import evaluate, run_info
from symcheck.settings import get_settings

EXIT_OK = 0
EXIT_GATE = 1
EXIT_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=Path, required=True, help="gold case file (JSON lines)")
    parser.add_argument("--out", type=Path, required=True, help="report directory")
    parser.add_argument(
        "--min-emergency-sensitivity",
        type=_fraction,
        help="fail (exit 1) when emergency sensitivity is below this (0-1, e.g. 1.0)",
    )
    parser.add_argument(
        "--min-safe-triage",
        type=_fraction,
        help="fail (exit 1) when the safe-triage rate is below this (0-1, e.g. 0.97)",
    )
    parser.add_argument("--kb-dir", type=Path, help="knowledge base (default: SYMCHECK_KB_DIR)")
    parser.add_argument(
        "--rules-dir", type=Path, help="red-flag rules (default: SYMCHECK_RULES_DIR)"
    )
    parser.add_argument(
        "--max-questions", type=int, help="question cap (default: SYMCHECK_MAX_QUESTIONS)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        cases = load_gold_cases(args.cases)
    except CaseFileError as exc:
        print(f"symcheck evaluate: malformed case file: {exc}", file=sys.stderr)
        return EXIT_INPUT
    overrides = {
        key: value
        for key, value in (
            ("kb_dir", args.kb_dir),
            ("rules_dir", args.rules_dir),
            ("max_questions", args.max_questions),
        )
        if value is not None
    }
    settings = get_settings().model_copy(update=overrides)
    try:
        engine = load_interview_engine(settings)
    except (KnowledgeBaseError, RuleSetError, OSError) as exc:
        print(f"symcheck evaluate: cannot load the clinical content: {exc}", file=sys.stderr)
        return EXIT_INPUT
    outcomes = evaluate(engine, cases)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    files = write_report(args.out, outcomes, run_info(engine, args.cases, generated))
    summary = summarise(outcomes)
    print(_summary_text(summary, files.report))
    failures = gate_failures(summary, args.min_emergency_sensitivity, args.min_safe_triage)
    for failure in failures:
        print(f"symcheck evaluate: GATE FAILED: {failure}", file=sys.stderr)
    return EXIT_GATE if failures else EXIT_OK


def _summary_text(summary: Summary, report: Path) -> str:
    questions = "-" if summary.questions_median is None else f"{summary.questions_median:g}"
    lines = [
        f"symcheck evaluate: {summary.n} cases, {summary.errors.count} errors",
        f"  emergency sensitivity  {format_rate(summary.emergency_sensitivity)}"
        f"  95% CI {format_interval(summary.emergency_sensitivity)}",
        f"  safe triage            {format_rate(summary.safe)}",
        f"  triage exact           {format_rate(summary.triage_exact)}",
        f"  under / over triage    {format_rate(summary.under_triage)}"
        f" / {format_rate(summary.over_triage)}",
        f"  diagnosis top-1 / top-3  {format_rate(summary.top1)} / {format_rate(summary.top3)}",
        f"  coverage               {format_rate(summary.coverage)}",
        f"  median questions       {questions}",
        f"  report: {report}",
    ]
    return "\n".join(lines)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value
