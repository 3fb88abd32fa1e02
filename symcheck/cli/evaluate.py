"""``symcheck evaluate``: run a gold case file through ``symcheck assess`` and report.

Writes ``report.md``, ``results.jsonl`` and PNG charts into ``--out`` and prints a short
summary. The report and the gates are about the product default (``--scorer auto``: the
knowledge-base scorer pooled with the transformer classifier when its model is present, else
the knowledge-base scorer alone). When the classifier is available the knowledge-base
scorer alone, the classifier alone and the combination are also run side by side (unless
``--no-compare``). Exit codes: 0 ok; 1 a gate failed (``--min-emergency-sensitivity``,
``--min-safe-triage``, ``--require-combination-gain``); 2 the case file is malformed or the
clinical content (or a requested classifier) cannot load.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from symcheck.clinical.engine_factory import ScorerChoice, ScorerUnavailable, load_interview_engine
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.clinical.knowledge.base import KnowledgeBaseError
from symcheck.clinical.rules.ruleset import RuleSetError
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.evaluation.cases import CaseFileError, load_gold_cases
from symcheck.evaluation.comparison import ScorerRun, gain_failures, run_scorer
from symcheck.evaluation.metrics import Summary, gate_failures, summarise
from symcheck.evaluation.report import format_interval, format_rate, write_report
from symcheck.evaluation.runner import evaluate, run_info
from symcheck.settings import Settings, get_settings

EXIT_OK = 0
EXIT_GATE = 1
EXIT_INPUT = 2
KB = "knowledge-base scorer"
CLASSIFIER = "transformer classifier"
COMBINED = "combination (product default)"


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
    parser.add_argument(
        "--scorer",
        choices=[c.value for c in ScorerChoice],
        default=ScorerChoice.AUTO.value,
        help="condition scorer of the reported run (default: auto, the product default)",
    )
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="do not run the scorers side by side (knowledge base, classifier, combination)",
    )
    parser.add_argument(
        "--require-combination-gain",
        action="store_true",
        help="fail (exit 1) unless the combination beats the knowledge-base scorer alone on "
        "top-1 and top-3 without losing emergency sensitivity (runs the comparison)",
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
    choice = ScorerChoice(args.scorer)
    try:
        engine = load_interview_engine(settings, choice)
        compare = _comparison_engines(settings, args, engine)
    except (KnowledgeBaseError, RuleSetError, OSError, ScorerUnavailable) as exc:
        print(f"symcheck evaluate: cannot load the clinical content: {exc}", file=sys.stderr)
        return EXIT_INPUT
    scorer_name = _scorer_name(engine)
    runs = [run_scorer(name, eng, cases) for name, eng in compare]
    product = next((r for r in runs if r.name == scorer_name), None)
    outcomes = product.outcomes if product else evaluate(engine, cases)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = run_info(engine, args.cases, generated, scorer_name)
    files = write_report(args.out, outcomes, info, runs)
    summary = summarise(outcomes)
    print(_summary_text(summary, files.report, scorer_name))
    for run in runs:
        print(_run_line(run))
    failures = gate_failures(summary, args.min_emergency_sensitivity, args.min_safe_triage)
    if args.require_combination_gain:
        by_name = {run.name: run.summary for run in runs}
        if COMBINED in by_name and KB in by_name:
            failures += gain_failures(by_name[COMBINED], by_name[KB])
        else:
            failures.append("combination gain: the transformer classifier is not available")
    for failure in failures:
        print(f"symcheck evaluate: GATE FAILED: {failure}", file=sys.stderr)
    return EXIT_GATE if failures else EXIT_OK


def _comparison_engines(
    settings: Settings, args: argparse.Namespace, engine: InterviewEngine
) -> list[tuple[str, InterviewEngine]]:
    """The engines to run side by side (empty when not comparing)."""
    wanted = args.require_combination_gain or not args.no_compare
    if not wanted or (
        not args.require_combination_gain and not isinstance(engine.scorer, CombinedScorer)
    ):
        return []
    engines = []
    for name, choice in (
        (KB, ScorerChoice.KB),
        (CLASSIFIER, ScorerChoice.CLASSIFIER),
        (COMBINED, ScorerChoice.COMBINED),
    ):
        same = _scorer_name(engine) == name
        try:
            engines.append((name, engine if same else load_interview_engine(settings, choice)))
        except ScorerUnavailable:
            if not args.require_combination_gain:
                raise
    return engines


def _scorer_name(engine: InterviewEngine) -> str:
    from symcheck.clinical.classifier.scorer import ClassifierScorer

    if isinstance(engine.scorer, CombinedScorer):
        return COMBINED
    if isinstance(engine.scorer, ClassifierScorer):
        return CLASSIFIER
    return KB


def _run_line(run: ScorerRun) -> str:
    s = run.summary
    questions = "-" if s.questions_median is None else f"{s.questions_median:g}"
    return (
        f"  {run.name:<34} top-1 {format_rate(s.top1)}  top-3 {format_rate(s.top3)}  "
        f"top-5 {format_rate(s.top5)}  emergency {format_rate(s.emergency_sensitivity)}  "
        f"safe {format_rate(s.safe)}  median q. {questions}"
    )


def _summary_text(summary: Summary, report: Path, scorer: str) -> str:
    questions = "-" if summary.questions_median is None else f"{summary.questions_median:g}"
    lines = [
        f"symcheck evaluate: {summary.n} cases, {summary.errors.count} errors ({scorer})",
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
