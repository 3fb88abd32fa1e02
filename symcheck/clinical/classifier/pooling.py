"""Fitting the log-linear pool of the knowledge-base scorer and the classifier.

:class:`symcheck.clinical.scoring.combined.CombinedScorer` pools ``P(h) ∝ P_kb(h) ** w_kb x
Q(h) ** w_clf`` over the conditions and the unexplained hypothesis. The knowledge-base scorer
brings the prior (prevalence, age, sex) and its evidence; the classifier enters the pool
*without* the prior: ``Q`` is its calibrated output under the class-balanced training prior,
which is ``P_clf(h | x) / π(h)`` up to a constant, so the prior is counted once (a product of
experts; Hinton 2002). Both see the same answers, so the classifier's weight is less than one.

The knowledge-base weight is anchored at 1 (the engine's confidence thresholds, triage costs
and stopping rule are set on its scale); the classifier's weight is the value on :data:`GRID`
with the lowest negative log-likelihood of the true label on held-out synthetic patients
drawn from the knowledge base's prior (a grid search, exact and reproducible; Genest & Zidek
1986; Heskes 1998). A free fit of both weights is reported alongside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from symcheck.clinical.scoring.combined import FLOOR

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Weights tried for each scorer.
GRID: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(21))
#: The knowledge-base scorer's weight in the product pool.
KB_WEIGHT = 1.0


@dataclass(frozen=True)
class PoolWeights:
    """The fitted weights and the held-out NLL they reach."""

    kb: float
    classifier: float
    nll: float


def pooled_log_probs(
    log_kb: FloatArray, log_clf: FloatArray, w_kb: float, w_clf: float
) -> FloatArray:
    """Row-wise normalised log pool (``-inf`` in ``log_kb``: excluded, stays excluded).

    Probabilities are floored at :data:`~symcheck.clinical.scoring.combined.FLOOR` as the
    combined scorer does.
    """
    floor = np.log(FLOOR)
    excluded = ~np.isfinite(log_kb)
    z = w_kb * np.maximum(log_kb, floor) + w_clf * np.maximum(log_clf, floor)
    z = np.where(excluded, -np.inf, z)
    top = z.max(axis=1, keepdims=True)
    out: FloatArray = z - top - np.log(np.exp(z - top).sum(axis=1, keepdims=True))
    return out


def fit_pool_weights(
    log_kb: FloatArray,
    log_clf: FloatArray,
    labels: IntArray,
    grid: Sequence[float] = GRID,
    kb_grid: Sequence[float] | None = None,
) -> PoolWeights:
    """The (kb, classifier) weights with the lowest held-out NLL: kb from ``kb_grid``
    (default ``grid``, positive values only), the classifier from ``grid``."""
    best: PoolWeights | None = None
    rows = np.arange(len(labels))
    for w_kb in grid if kb_grid is None else kb_grid:
        if w_kb <= 0:
            continue
        for w_clf in grid:
            logp = pooled_log_probs(log_kb, log_clf, w_kb, w_clf)
            value = float(-np.maximum(logp[rows, labels], np.log(FLOOR)).mean())
            if best is None or value < best.nll - 1e-12:
                best = PoolWeights(w_kb, w_clf, value)
    assert best is not None
    return best
