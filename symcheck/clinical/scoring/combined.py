"""Several scorers pooled into one (e.g. the knowledge-base model and a text classifier).

Pooling is log-linear: ``P(h) ∝ Π_i P_i(h) ** w_i`` over the conditions and the unexplained
hypothesis, so a condition any scorer rules out (probability 0) stays ruled out and the scorers'
confidences combine rather than average away. Supporting findings come from the first scorer
that gives any for the condition.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from symcheck.clinical.scoring.base import ConditionScore, ConditionScorer, Evidence, Ranking

#: Smallest probability a scorer is taken to give (a zero would veto a hypothesis outright).
FLOOR = 1e-12


class CombinedScorer:
    """Log-linear pool of weighted scorers; implements ``ConditionScorer``."""

    def __init__(self, scorers: Sequence[tuple[ConditionScorer, float]]) -> None:
        if not scorers:
            raise ValueError("need at least one scorer")
        if any(weight <= 0 for _, weight in scorers):
            raise ValueError("weights must be positive")
        self._scorers = tuple(scorers)

    @property
    def scorers(self) -> tuple[tuple[ConditionScorer, float], ...]:
        """The pooled scorers with their weights."""
        return self._scorers

    def rank(self, evidence: Evidence) -> Ranking:
        return self.pool([scorer.rank(evidence) for scorer, _ in self._scorers])

    def pool(self, rankings: Sequence[Ranking]) -> Ranking:
        """The pooled ranking of the scorers' own rankings (in the order of the scorers)."""
        weights = [w for _, w in self._scorers]
        if len(rankings) != len(weights):
            raise ValueError(f"expected {len(weights)} rankings, got {len(rankings)}")
        probabilities = [{s.condition_id: s.probability for s in r.scores} for r in rankings]
        ids = sorted(set.intersection(*(set(probs) for probs in probabilities)))
        # Rows: the conditions in id order, then the unexplained hypothesis.
        log_pooled = np.zeros(len(ids) + 1)
        for probs, ranking, weight in zip(probabilities, rankings, weights, strict=True):
            p = np.array([*(probs[cid] for cid in ids), ranking.unexplained])
            log_pooled += weight * np.log(np.maximum(p, FLOOR))
        pooled = np.exp(log_pooled - log_pooled.max())
        pooled /= pooled.sum()
        supporting = {}
        for ranking in reversed(rankings):
            for score in ranking.scores:
                if score.supporting:
                    supporting[score.condition_id] = score.supporting
        # Best first, ties by id (the rows are in id order, so a stable sort keeps them).
        order = np.argsort(-pooled[:-1], kind="stable")
        scores = tuple(
            ConditionScore(ids[i], float(pooled[i]), supporting.get(ids[i], ()))
            for i in order.tolist()
        )
        return Ranking(scores=scores, unexplained=float(pooled[-1]))
