"""``symcheck assess``: run JSON-lines cases through the interview with a simulated patient.

See :mod:`symcheck.assess` for the input and output contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from symcheck.assess import assess_lines
from symcheck.clinical.engine_factory import load_interview_engine
from symcheck.clinical.knowledge.base import KnowledgeBaseError
from symcheck.clinical.rules.ruleset import RuleSetError
from symcheck.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", "-i", default="-", help="cases, one JSON object per line (- for stdin)"
    )
    parser.add_argument(
        "--output", "-o", default="-", help="results, one JSON object per line (- for stdout)"
    )
    parser.add_argument("--kb-dir", type=Path, help="knowledge base (default: SYMCHECK_KB_DIR)")
    parser.add_argument(
        "--rules-dir", type=Path, help="red-flag rules (default: SYMCHECK_RULES_DIR)"
    )
    parser.add_argument(
        "--max-questions", type=int, help="question cap (default: SYMCHECK_MAX_QUESTIONS)"
    )


def run(args: argparse.Namespace) -> int:
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
        print(f"symcheck assess: cannot load the clinical content: {exc}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        source: TextIO = (
            sys.stdin
            if args.input == "-"
            else stack.enter_context(open(args.input, encoding="utf-8"))
        )
        sink: TextIO = (
            sys.stdout
            if args.output == "-"
            else stack.enter_context(open(args.output, "w", encoding="utf-8"))
        )
        cases = errors = 0
        for record in assess_lines(engine, source):
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            cases += 1
            errors += "error" in record
        sink.flush()
    print(f"symcheck assess: {cases} cases, {errors} errors", file=sys.stderr)
    return 0
