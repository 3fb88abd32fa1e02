"""Condition scoring: evidence in, ranked condition probabilities out."""

from symcheck.clinical.scoring.base import (
    ConditionScore,
    ConditionScorer,
    EncodingScorer,
    Evidence,
    Posterior,
    Ranking,
    normalised,
)

__all__ = [
    "ConditionScore",
    "ConditionScorer",
    "EncodingScorer",
    "Evidence",
    "Posterior",
    "Ranking",
    "normalised",
]
