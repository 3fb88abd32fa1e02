"""Condition scoring: evidence in, ranked condition probabilities out."""

from symcheck.clinical.scoring.base import (
    ConditionScore,
    ConditionScorer,
    Evidence,
    Ranking,
    normalised,
)

__all__ = ["ConditionScore", "ConditionScorer", "Evidence", "Ranking", "normalised"]
