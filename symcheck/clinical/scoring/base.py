"""The scorer interface: anything that turns evidence into condition probabilities.

The knowledge-base naive-Bayes scorer implements it now; a transformer classifier and a
combination of both plug in later through the same interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from symcheck.clinical.patient import PatientFacts


@dataclass(frozen=True)
class Evidence:
    """Everything a scorer may use: structured facts and the patient's own words."""

    facts: PatientFacts
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionScore:
    """One condition's posterior probability and the reported findings that support it."""

    condition_id: str
    probability: float
    supporting: tuple[str, ...] = field(default=())  # finding ids, strongest first


@dataclass(frozen=True)
class Ranking:
    """Conditions ordered best first; ``unexplained`` is the mass on "none of these"."""

    scores: tuple[ConditionScore, ...]
    unexplained: float = 0.0

    def top(self, n: int) -> tuple[ConditionScore, ...]:
        return self.scores[:n]

    def probability(self, condition_id: str) -> float:
        for score in self.scores:
            if score.condition_id == condition_id:
                return score.probability
        return 0.0


@runtime_checkable
class ConditionScorer(Protocol):
    """Scores every condition of the knowledge base from the evidence. Must be pure."""

    def rank(self, evidence: Evidence) -> Ranking: ...


def normalised(weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    if total <= 0:
        return [1.0 / len(weights)] * len(weights) if weights else []
    return [w / total for w in weights]
