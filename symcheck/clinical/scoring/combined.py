"""Several scorers pooled into one (e.g. the knowledge-base model and a text classifier).

Pooling is log-linear: ``P(h) ∝ Π_i P_i(h) ** w_i`` over the conditions and the unexplained
hypothesis, so a condition any scorer rules out (probability 0) stays ruled out and the scorers'
confidences combine rather than average away. Supporting findings come from the first scorer
that gives any for the condition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
        weighted = [
            ({s.condition_id: s.probability for s in r.scores}, r.unexplained, w)
            for r, (_, w) in zip(rankings, self._scorers, strict=True)
        ]
        ids = set.intersection(*(set(probs) for probs, _, _ in weighted))
        log_scores: dict[str, float] = {}
        for cid in ids:
            log_scores[cid] = sum(w * math.log(max(p[cid], FLOOR)) for p, _, w in weighted)
        log_unexplained = sum(w * math.log(max(u, FLOOR)) for _, u, w in weighted)
        top = max([log_unexplained, *log_scores.values()])
        weights = {cid: math.exp(v - top) for cid, v in log_scores.items()}
        unexplained = math.exp(log_unexplained - top)
        total = unexplained + sum(weights.values())
        supporting = {}
        for ranking in reversed(rankings):
            for score in ranking.scores:
                if score.supporting:
                    supporting[score.condition_id] = score.supporting
        scores = sorted(
            (ConditionScore(cid, weights[cid] / total, supporting.get(cid, ())) for cid in ids),
            key=lambda s: (-s.probability, s.condition_id),
        )
        return Ranking(scores=tuple(scores), unexplained=unexplained / total)
