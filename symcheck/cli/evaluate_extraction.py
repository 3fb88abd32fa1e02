"""``symcheck evaluate-extraction``: precision and recall of the finding extractor.

Runs the extractor on an annotated sentence file (``evaluation/extraction/sentences.jsonl``),
prints the summary as a Markdown table and, with ``--out``, writes ``report.md`` with every
sentence that has an error. Exit codes: 0 ok; 1 a ``--min`` gate failed; 2 the sentence file
is malformed or the knowledge base cannot load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from symcheck.clinical.knowledge import load_knowledge_base
from symcheck.clinical.knowledge.base import KnowledgeBaseError
from symcheck.clinical.nlu.extraction import Extraction
from symcheck.clinical.nlu.extractor import FindingExtractor
from symcheck.extraction_eval.gold import SentenceFileError, load_sentences
from symcheck.extraction_eval.report import RunInfo, render, summary_table
from symcheck.extraction_eval.scoring import Category, Counts, score
from symcheck.settings import get_settings

EXIT_OK = 0
EXIT_GATE = 1
EXIT_INPUT = 2
DEFAULT_TODAY = date(2025, 1, 16)  # a Thursday: the sentences' "since Tuesday" is 48 hours
_GATE_NAMES = ("micro", *(c.value for c in Category))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sentences", type=Path, required=True, help="annotated sentences (JSON lines)"
    )
    parser.add_argument("--out", type=Path, help="directory for report.md (optional)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=DEFAULT_TODAY,
        help=f"the date durations are counted from (default {DEFAULT_TODAY.isoformat()})",
    )
    parser.add_argument(
        "--min",
        type=_gate,
        action="append",
        default=[],
        metavar="NAME=P/R",
        help="fail (exit 1) when precision or recall of NAME (micro or a category) is below "
        "P or R (0-1), e.g. --min micro=0.9/0.85; repeatable",
    )
    parser.add_argument("--kb-dir", type=Path, help="knowledge base (default: SYMCHECK_KB_DIR)")


def run(args: argparse.Namespace) -> int:
    try:
        kb = load_knowledge_base(args.kb_dir or get_settings().kb_dir)
        sentences = load_sentences(args.sentences, kb.findings)
    except (KnowledgeBaseError, SentenceFileError, OSError) as exc:
        print(f"symcheck evaluate-extraction: {exc}", file=sys.stderr)
        return EXIT_INPUT
    extractor = FindingExtractor(kb)
    timings: list[float] = []

    def extract(text: str) -> Extraction:
        started = time.perf_counter()
        extraction = extractor.extract(text, today=args.today)
        timings.append((time.perf_counter() - started) * 1000)
        return extraction

    scores = score(sentences, extract, kb)
    print(summary_table(scores))
    if args.out is not None:
        ordered = sorted(timings) or [0.0]
        info = RunInfo(
            sentences_path=str(args.sentences),
            kb_version=kb.version,
            today=args.today.isoformat(),
            p50_ms=statistics.median(ordered),
            p95_ms=ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        )
        args.out.mkdir(parents=True, exist_ok=True)
        report = args.out / "report.md"
        report.write_text(render(scores, info), encoding="utf-8")
        print(f"\nreport: {report}")
    failures = [
        failure
        for name, min_precision, min_recall in args.min
        for failure in _gate_failures(
            name,
            scores.micro if name == "micro" else scores.by_category[Category(name)],
            min_precision,
            min_recall,
        )
    ]
    for failure in failures:
        print(f"symcheck evaluate-extraction: GATE FAILED: {failure}", file=sys.stderr)
    return EXIT_GATE if failures else EXIT_OK


def _gate_failures(name: str, counts: Counts, min_precision: float, min_recall: float) -> list[str]:
    failures = []
    for measure, value, minimum in (
        ("precision", counts.precision, min_precision),
        ("recall", counts.recall, min_recall),
    ):
        if value is None or value < minimum:
            shown = "-" if value is None else f"{value:.3f}"
            failures.append(f"{name} {measure} {shown} < {minimum}")
    return failures


def _gate(text: str) -> tuple[str, float, float]:
    name, _, values = text.partition("=")
    precision, _, recall = values.partition("/")
    if name not in _GATE_NAMES:
        raise argparse.ArgumentTypeError(f"unknown name {name!r}: one of {', '.join(_GATE_NAMES)}")
    try:
        p, r = float(precision), float(recall)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME=P/R, got {text!r}") from None
    if not (0 <= p <= 1 and 0 <= r <= 1):
        raise argparse.ArgumentTypeError(f"P and R must be between 0 and 1, got {text!r}")
    return name, p, r
