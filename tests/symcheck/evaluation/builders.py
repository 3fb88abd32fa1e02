"""Hand-built gold cases and outcomes for the evaluation tests."""

from __future__ import annotations

import json
from typing import Any

from symcheck.clinical.dispositions import Disposition
from symcheck.evaluation.cases import GoldCase
from symcheck.evaluation.outcomes import CaseOutcome, RankedCondition

AMBULANCE = Disposition.EMERGENCY_AMBULANCE
EMERGENCY = Disposition.EMERGENCY
SAME_DAY = Disposition.CONSULTATION_24
ROUTINE = Disposition.CONSULTATION
SELF_CARE = Disposition.SELF_CARE


def gold_line(**overrides: Any) -> str:
    """A valid case line; keyword arguments replace or add fields (``None`` removes one)."""
    data: dict[str, Any] = {
        "id": "c1",
        "text": "runny nose and sneezing",
        "age": 30,
        "sex": "female",
        "facts": {"fever": False},
        "gold_triage": "self_care",
        "gold_diagnosis": "Common cold",
        "gold_icd10": "J00",
        "system": "respiratory",
        "tags": ["x"],
    }
    data.update(overrides)
    return json.dumps({k: v for k, v in data.items() if v is not None})


def gold(
    gold_triage: Disposition = SELF_CARE,
    *,
    id: str = "c1",
    diagnosis: str = "Common cold",
    icd10: str = "J00",
    system: str = "respiratory",
    age: float | None = 30,
    sex: str | None = "female",
    text: str = "runny nose",
    tags: tuple[str, ...] = (),
) -> GoldCase:
    return GoldCase(
        id=id,
        text=text,
        age=age,
        sex=sex,
        gold_triage=gold_triage,
        gold_diagnosis=diagnosis,
        gold_icd10=icd10,
        system=system,
        tags=tags,
    )


def outcome(
    gold_triage: Disposition = SELF_CARE,
    predicted: Disposition | None = SELF_CARE,
    *,
    rank: int | None = 1,
    covered: bool = True,
    questions: int | None = 5,
    case: GoldCase | None = None,
    **gold_fields: Any,
) -> CaseOutcome:
    """An outcome; ``predicted=None`` makes it an error (no conditions, no questions)."""
    case = case or gold(gold_triage, **gold_fields)
    if predicted is None:
        return CaseOutcome(case, None, (), (), None, "interview did not finish: x", None, covered)
    conditions = (RankedCondition("Common cold", "J00", 0.5),)
    return CaseOutcome(case, predicted, conditions, (), questions, None, rank, covered)
