"""One evaluated case: the gold case, what the assess run said, and how they compare."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from symcheck.clinical.dispositions import Disposition
from symcheck.evaluation.cases import GoldCase
from symcheck.evaluation.matching import condition_matches

#: Age bands of the report, in years: [lower, upper).
AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("infant", 0, 1),
    ("child", 1, 12),
    ("adolescent", 12, 18),
    ("adult", 18, 65),
    ("older", 65, 200),
)
UNKNOWN = "unknown"
#: Report order of the age bands and sexes.
AGE_ORDER: tuple[str, ...] = (*(name for name, _, _ in AGE_BANDS), UNKNOWN)
SEX_ORDER: tuple[str, ...] = ("female", "male", UNKNOWN)


class Direction(StrEnum):
    """How a predicted disposition compares with the gold one."""

    EXACT = "exact"
    OVER = "over"  # more urgent than gold
    UNDER = "under"  # less urgent than gold: the harmful error
    ERROR = "error"  # the interview did not finish: no advice to compare


@dataclass(frozen=True)
class RankedCondition:
    """A condition as the assess output lists it."""

    name: str
    icd10: str
    score: float


@dataclass(frozen=True)
class CaseOutcome:
    """The comparison of one case's gold fields with its assess record.

    Attributes:
        predicted: the predicted disposition, ``None`` for an error.
        diagnosis_rank: 1-based rank of the first condition matching the gold diagnosis,
            ``None`` when none of the listed conditions (top 5) matches or on error.
        covered: whether the gold diagnosis is a condition of the knowledge base.
    """

    case: GoldCase
    predicted: Disposition | None
    conditions: tuple[RankedCondition, ...]
    red_flags: tuple[str, ...]
    questions_asked: int | None
    error: str | None
    diagnosis_rank: int | None
    covered: bool

    @property
    def direction(self) -> Direction:
        return triage_direction(self.case.gold_triage, self.predicted)

    @property
    def is_error(self) -> bool:
        return self.error is not None

    def top_k(self, k: int) -> bool:
        """Whether the gold diagnosis is within the first ``k`` ranked conditions."""
        return self.diagnosis_rank is not None and self.diagnosis_rank <= k

    @property
    def age_band(self) -> str:
        return age_band(self.case.age)

    @property
    def sex(self) -> str:
        return self.case.sex or UNKNOWN

    def to_record(self) -> dict[str, Any]:
        """The ``results.jsonl`` line: gold fields, the assess output and the comparison."""
        case = self.case
        record: dict[str, Any] = {
            "id": case.id,
            "system": case.system,
            "age_band": self.age_band,
            "sex": self.sex,
            "tags": list(case.tags),
            "gold_triage": case.gold_triage.value,
            "gold_diagnosis": case.gold_diagnosis,
            "gold_icd10": case.gold_icd10,
        }
        if self.error is not None:
            record["error"] = self.error
        else:
            record.update(
                {
                    "triage": self.predicted.value if self.predicted else None,
                    "red_flags": list(self.red_flags),
                    "conditions": [
                        {"name": c.name, "icd10": c.icd10, "score": c.score}
                        for c in self.conditions
                    ],
                    "questions_asked": self.questions_asked,
                }
            )
        record.update(
            {
                "triage_direction": self.direction.value,
                "diagnosis_rank": self.diagnosis_rank,
                "covered": self.covered,
            }
        )
        return record


def triage_direction(gold: Disposition, predicted: Disposition | None) -> Direction:
    """Exact, over- or under-triage, or error when there is no prediction."""
    if predicted is None:
        return Direction.ERROR
    if predicted.urgency > gold.urgency:
        return Direction.OVER
    if predicted.urgency < gold.urgency:
        return Direction.UNDER
    return Direction.EXACT


def age_band(age: float | None) -> str:
    """``infant`` (<1), ``child`` (1-11), ``adolescent`` (12-17), ``adult`` (18-64),
    ``older`` (65+) or ``unknown``."""
    if age is None:
        return UNKNOWN
    for name, low, high in AGE_BANDS:
        if low <= age < high:
            return name
    return AGE_BANDS[-1][0]


def diagnosis_rank(case: GoldCase, conditions: Sequence[RankedCondition]) -> int | None:
    """1-based rank of the first condition matching the gold diagnosis, else ``None``."""
    for rank, condition in enumerate(conditions, start=1):
        if condition_matches(case.gold_diagnosis, case.gold_icd10, condition.name, condition.icd10):
            return rank
    return None


def is_covered(case: GoldCase, kb_conditions: Iterable[tuple[str, str]]) -> bool:
    """Whether the gold diagnosis matches a knowledge-base condition ``(name, icd10)``."""
    return any(
        condition_matches(case.gold_diagnosis, case.gold_icd10, name, icd10)
        for name, icd10 in kb_conditions
    )


def build_outcome(
    case: GoldCase, record: Mapping[str, Any], kb_conditions: Sequence[tuple[str, str]]
) -> CaseOutcome:
    """Compare one assess output record with its gold case.

    Args:
        case: the gold case.
        record: the ``symcheck assess`` output line for it (a result or ``{"id", "error"}``).
        kb_conditions: ``(name, icd10)`` of every knowledge-base condition, for coverage.
    """
    covered = is_covered(case, kb_conditions)
    if "error" in record or "triage" not in record:
        return CaseOutcome(
            case=case,
            predicted=None,
            conditions=(),
            red_flags=(),
            questions_asked=None,
            error=str(record.get("error") or "no triage in the assess output"),
            diagnosis_rank=None,
            covered=covered,
        )
    conditions = tuple(
        RankedCondition(name=str(c["name"]), icd10=str(c["icd10"]), score=float(c["score"]))
        for c in record.get("conditions", [])
    )
    return CaseOutcome(
        case=case,
        predicted=Disposition(record["triage"]),
        conditions=conditions,
        red_flags=tuple(record.get("red_flags", [])),
        questions_asked=int(record.get("questions_asked", 0)),
        error=None,
        diagnosis_rank=diagnosis_rank(case, conditions),
        covered=covered,
    )
