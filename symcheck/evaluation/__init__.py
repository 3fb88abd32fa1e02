"""Evaluation of triage and diagnosis on gold cases, through the ``symcheck assess`` path.

``symcheck evaluate`` loads a case file (:mod:`~symcheck.evaluation.cases`), runs it
(:mod:`~symcheck.evaluation.runner`), compares each result with its gold fields
(:mod:`~symcheck.evaluation.outcomes`, :mod:`~symcheck.evaluation.matching`), computes the
metrics (:mod:`~symcheck.evaluation.metrics`, pure) and writes the report and charts
(:mod:`~symcheck.evaluation.report`, :mod:`~symcheck.evaluation.charts`).
"""

from symcheck.evaluation.cases import CaseFileError, GoldCase, load_gold_cases, parse_gold_cases
from symcheck.evaluation.matching import condition_matches, icd10_matches, names_match
from symcheck.evaluation.metrics import (
    TARGETS,
    Rate,
    Summary,
    breakdown,
    confusion_matrix,
    gate_failures,
    summarise,
    wilson_interval,
)
from symcheck.evaluation.outcomes import CaseOutcome, Direction, build_outcome
from symcheck.evaluation.report import render_markdown, write_report
from symcheck.evaluation.runner import RunInfo, evaluate, run_info

__all__ = [
    "TARGETS",
    "CaseFileError",
    "CaseOutcome",
    "Direction",
    "GoldCase",
    "Rate",
    "RunInfo",
    "Summary",
    "breakdown",
    "build_outcome",
    "condition_matches",
    "confusion_matrix",
    "evaluate",
    "gate_failures",
    "icd10_matches",
    "load_gold_cases",
    "names_match",
    "parse_gold_cases",
    "render_markdown",
    "run_info",
    "summarise",
    "wilson_interval",
    "write_report",
]
