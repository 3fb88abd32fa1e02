"""Temperature scaling and expected calibration error."""

from __future__ import annotations

import numpy as np
import pytest

from symcheck.clinical.classifier.calibration import (
    expected_calibration_error,
    fit_temperature,
    log_softmax,
    nll,
    reliability,
)


def _sample(temperature: float, n: int = 4000, classes: int = 5, seed: int = 0):
    """Logits and labels drawn from softmax(logits / temperature)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(n, classes))
    probs = np.exp(log_softmax(logits, temperature))
    labels = np.array([rng.choice(classes, p=p) for p in probs])
    return logits, labels


def test_log_softmax_rows_sum_to_one_and_keep_impossible_classes() -> None:
    out = log_softmax(np.array([[1.0, 2.0, -np.inf]]))
    assert np.exp(out).sum() == pytest.approx(1.0)
    assert out[0, 2] == -np.inf


def test_the_fitted_temperature_recovers_the_true_one() -> None:
    logits, labels = _sample(temperature=2.5)
    assert fit_temperature(logits, labels) == pytest.approx(2.5, rel=0.15)


def test_the_fitted_temperature_lowers_the_nll() -> None:
    logits, labels = _sample(temperature=0.4, seed=1)
    t = fit_temperature(logits, labels)
    assert nll(logits, labels, t) < nll(logits, labels, 1.0)


def test_calibrated_probabilities_have_a_small_ece_and_overconfident_ones_a_large_one() -> None:
    logits, labels = _sample(temperature=1.0, seed=2)
    calibrated = expected_calibration_error(log_softmax(logits), labels)
    overconfident = expected_calibration_error(log_softmax(logits, 0.3), labels)
    assert calibrated < 0.03
    assert overconfident > 0.1


def test_reliability_bins_count_and_average() -> None:
    rel = reliability(np.array([0.05, 0.95, 0.95, 0.55]), np.array([False, True, False, True]), 10)
    assert sum(rel.count) == 4
    assert rel.count[9] == 2
    assert rel.accuracy[9] == pytest.approx(0.5)
    assert rel.confidence[9] == pytest.approx(0.95)
    assert rel.ece == pytest.approx((0.05 + 2 * 0.45 + 0.45) / 4)
