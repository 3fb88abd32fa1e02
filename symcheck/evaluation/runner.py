"""Run gold cases through the same code path as ``symcheck assess`` and compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from symcheck.assess import StepObserver, assess_lines
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.evaluation.cases import GoldCase
from symcheck.evaluation.outcomes import CaseOutcome, build_outcome

#: The file next to a case file that holds the case set's version.
VERSION_FILE = "VERSION"


@dataclass(frozen=True)
class RunInfo:
    """What was evaluated, for the report header."""

    cases_path: str
    cases_version: str | None
    kb_version: str
    rules_version: str
    max_questions: int
    generated_at: str
    scorer: str = "knowledge-base scorer"


def evaluate(
    engine: InterviewEngine, cases: Sequence[GoldCase], observe: StepObserver | None = None
) -> list[CaseOutcome]:
    """Assess every case with the simulated patient and compare it with its gold fields.

    The case lines go through :func:`symcheck.assess.assess_lines` unchanged, so the results
    are exactly what ``symcheck assess`` prints for them (gold fields are ignored there).
    ``observe`` sees the interview state after every step.
    """
    records = list(assess_lines(engine, [case.line for case in cases], observe))
    if [r.get("id") for r in records] != [case.id for case in cases]:
        raise RuntimeError("assess returned records out of step with the cases")
    kb_conditions = [(c.name, c.icd10) for c in engine.kb.conditions.values()]
    return [
        build_outcome(case, record, kb_conditions)
        for case, record in zip(cases, records, strict=True)
    ]


def run_info(
    engine: InterviewEngine,
    cases_path: Path,
    generated_at: str,
    scorer: str = "knowledge-base scorer",
) -> RunInfo:
    """The report header for a run of ``engine`` on the case file at ``cases_path``."""
    return RunInfo(
        cases_path=str(cases_path),
        cases_version=read_cases_version(cases_path),
        kb_version=engine.kb.version,
        rules_version=engine.rules.version,
        max_questions=engine.config.max_questions,
        generated_at=generated_at,
        scorer=scorer,
    )


def read_cases_version(cases_path: Path) -> str | None:
    """The first line of ``VERSION`` next to the case file, if there is one."""
    path = cases_path.parent / VERSION_FILE
    try:
        lines = path.read_text(encoding="utf-8").split()
    except OSError:
        return None
    return lines[0] if lines else None
