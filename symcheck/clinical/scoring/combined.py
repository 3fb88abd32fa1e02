"""Several scorers pooled into one (e.g. the knowledge-base model and a text classifier).

Pooling is log-linear: ``P(h) ∝ Π_i P_i(h) ** w_i`` over the conditions and the unexplained
hypothesis, so a condition any scorer rules out (probability 0) stays ruled out and the scorers'
confidences combine rather than average away. Supporting findings come from the first scorer
that gives any for the condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np

from symcheck.clinical.scoring.base import (
    ConditionScorer,
    Evidence,
    Posterior,
    Ranking,
    condition_scores,
)

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

    def pool(self, rankings: Sequence[Ranking | Posterior]) -> Ranking:
        """The pooled ranking of the scorers' own rankings (in the order of the scorers).

        A scorer's part may be given as its :class:`Posterior` instead (no ranking made; it
        then brings no supporting findings). When every part has its posterior over the same
        conditions (the knowledge-base scorer's and the classifier's do), the pool works on
        those vectors.
        """
        weights = [w for _, w in self._scorers]
        if len(rankings) != len(weights):
            raise ValueError(f"expected {len(weights)} rankings, got {len(rankings)}")
        posteriors = [r if isinstance(r, Posterior) else r.posterior for r in rankings]
        ranked = [r for r in rankings if isinstance(r, Ranking)]
        supporting: dict[str, tuple[str, ...]] = {}
        for ranking in reversed(ranked):  # the first scorer that gives any
            for score in ranking.scores:
                if score.supporting:
                    supporting[score.condition_id] = score.supporting
        dense = [p for p in posteriors if p is not None]
        if len(dense) == len(posteriors) and all(
            p.ids is dense[0].ids or p.ids == dense[0].ids for p in dense
        ):
            # Conditions every scorer keeps (a ranking leaves out those at 0), in id order.
            n = len(dense[0].ids)
            kept = np.ones(n, dtype=bool)
            for posterior in dense:
                kept &= posterior.probabilities[:n] > 0
            rows = np.flatnonzero(kept)
            ids = [dense[0].ids[i] for i in rows.tolist()]
            columns = [np.append(p.probabilities[rows], p.probabilities[n]) for p in dense]
        else:
            probabilities = [_as_dict(r) for r in rankings]
            ids = sorted(set.intersection(*(set(probs) for probs, _ in probabilities)))
            columns = [
                np.array([*(probs[cid] for cid in ids), unexplained])
                for probs, unexplained in probabilities
            ]
        # Rows: the conditions in id order, then the unexplained hypothesis.
        log_pooled = np.zeros(len(ids) + 1)
        for p, weight in zip(columns, weights, strict=True):
            log_pooled += weight * np.log(np.maximum(p, FLOOR))
        pooled = np.exp(log_pooled - log_pooled.max())
        pooled /= pooled.sum()
        # Best first, ties by id (the rows are in id order, so a stable sort keeps them).
        order = np.argsort(-pooled[:-1], kind="stable").tolist()
        ranked_ids = [ids[i] for i in order]
        scores = condition_scores(
            ranked_ids, pooled[order].tolist(), map(supporting.get, ranked_ids, repeat(()))
        )
        return Ranking(scores=scores, unexplained=float(pooled[-1]))


def _as_dict(part: Ranking | Posterior) -> tuple[dict[str, float], float]:
    """A part's probabilities by condition id (those it keeps) and its unexplained mass."""
    if isinstance(part, Posterior):
        values = part.probabilities.tolist()
        return {cid: p for cid, p in zip(part.ids, values, strict=False) if p > 0}, values[-1]
    return {s.condition_id: s.probability for s in part.scores}, part.unexplained
