"""Fitting the log-linear pool of the knowledge-base scorer and the classifier."""

from __future__ import annotations

import numpy as np
import pytest

from symcheck.clinical.classifier.calibration import log_softmax
from symcheck.clinical.classifier.pooling import fit_pool_weights, pooled_log_probs


def test_the_pool_is_normalised_and_keeps_exclusions() -> None:
    with np.errstate(divide="ignore"):
        kb = np.log(np.array([[0.5, 0.5, 0.0]]))
    clf = np.log(np.array([[0.2, 0.3, 0.5]]))
    out = pooled_log_probs(kb, clf, 1.0, 0.5)
    assert np.exp(out).sum() == pytest.approx(1.0)
    assert out[0, 2] == -np.inf
    assert out[0, 1] > out[0, 0]


def _data(seed: int, informative: bool):
    rng = np.random.default_rng(seed)
    n, k = 3000, 6
    labels = rng.integers(0, k, n)
    kb_logits = rng.normal(0, 1, (n, k))
    kb_logits[np.arange(n), labels] += 1.0
    clf_logits = rng.normal(0, 1, (n, k))
    if informative:
        clf_logits[np.arange(n), labels] += 1.5
    return log_softmax(kb_logits), log_softmax(clf_logits), labels


def test_an_uninformative_classifier_gets_no_weight() -> None:
    kb, clf, labels = _data(0, informative=False)
    assert fit_pool_weights(kb, clf, labels).classifier == 0.0


def test_an_informative_classifier_gets_weight_and_lowers_the_nll() -> None:
    kb, clf, labels = _data(1, informative=True)
    weights = fit_pool_weights(kb, clf, labels)
    alone = fit_pool_weights(kb, clf, labels, grid=(0.0, 1.0))
    assert weights.classifier > 0
    assert weights.nll < alone.nll or alone.classifier > 0
