"""Probability calibration: temperature scaling and the expected calibration error (ECE).

Temperature scaling (Guo et al., 2017) divides the logits by one number ``T`` fitted to
minimise the negative log-likelihood on held-out data; it changes how confident the model is,
never its ranking. The ECE bins the top-1 confidence into equal-width bins and averages
``|accuracy - confidence|`` weighted by the share of examples in each bin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Bins of the reliability diagram and the ECE.
BINS = 15


def log_softmax(logits: npt.NDArray[np.floating], temperature: float = 1.0) -> FloatArray:
    """Row-wise log-softmax of ``logits / temperature`` (``-inf`` logits stay impossible)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    top = np.max(np.where(np.isfinite(z), z, -np.inf), axis=1, keepdims=True)
    shifted = z - top
    out: FloatArray = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return out


def nll(logits: npt.NDArray[np.floating], labels: IntArray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the labels."""
    logp = log_softmax(logits, temperature)
    return float(-logp[np.arange(len(labels)), labels].mean())


def fit_temperature(
    logits: npt.NDArray[np.floating], labels: IntArray, low: float = 0.05, high: float = 20.0
) -> float:
    """The temperature minimising :func:`nll` (golden-section search on ``log T``)."""
    a, b = math.log(low), math.log(high)
    ratio = (math.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = nll(logits, labels, math.exp(c)), nll(logits, labels, math.exp(d))
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = nll(logits, labels, math.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = nll(logits, labels, math.exp(d))
    return math.exp((a + b) / 2)


@dataclass(frozen=True)
class Reliability:
    """Per confidence bin: mean confidence, accuracy and count (empty bins have count 0)."""

    edges: tuple[float, ...]
    confidence: tuple[float, ...]
    accuracy: tuple[float, ...]
    count: tuple[int, ...]

    @property
    def ece(self) -> float:
        """Expected calibration error."""
        total = sum(self.count)
        if not total:
            return 0.0
        return (
            sum(
                n * abs(acc - conf)
                for n, acc, conf in zip(self.count, self.accuracy, self.confidence, strict=True)
            )
            / total
        )


def reliability(
    confidence: FloatArray, correct: npt.NDArray[np.bool_], bins: int = BINS
) -> Reliability:
    """Bin top-1 confidences (``(0, 1]``, equal width) against whether the top-1 was right."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    conf, acc, count = [], [], []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        count.append(n)
        conf.append(float(confidence[mask].mean()) if n else 0.0)
        acc.append(float(correct[mask].mean()) if n else 0.0)
    return Reliability(tuple(map(float, edges)), tuple(conf), tuple(acc), tuple(count))


def top1_reliability(log_probs: FloatArray, labels: IntArray, bins: int = BINS) -> Reliability:
    """:func:`reliability` of the top-1 class of each row of ``log_probs``."""
    top = np.argmax(log_probs, axis=1)
    confidence = np.exp(log_probs[np.arange(len(labels)), top])
    return reliability(confidence, top == labels, bins)


def expected_calibration_error(log_probs: FloatArray, labels: IntArray, bins: int = BINS) -> float:
    """ECE of the top-1 class (see the module docstring)."""
    return top1_reliability(log_probs, labels, bins).ece
