"""The trained head."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from symcheck.clinical.classifier.head import HeadConfig, HeadWeights, inputs, train_head

CONFIG = HeadConfig(hidden=16, epochs=20, batch_size=32, dropout=0.0, learning_rate=1e-2)


def _toy(seed: int = 0):
    """Three classes told apart by one structured column each."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, 300)
    structured = np.zeros((300, 3), dtype=np.float32)
    structured[np.arange(300), labels] = 1.0
    embeddings = rng.normal(0, 0.1, (300, 4)).astype(np.float32)
    return embeddings, structured, labels


def test_the_head_learns_a_separable_problem() -> None:
    embeddings, structured, labels = _toy()
    head = train_head(embeddings, structured, labels, 3, CONFIG, seed=1)
    predicted = head.logits(embeddings, structured).argmax(axis=1)
    assert (predicted == labels).mean() > 0.95


def test_training_is_deterministic_given_the_seed() -> None:
    embeddings, structured, labels = _toy()
    a = train_head(embeddings, structured, labels, 3, CONFIG, seed=2)
    b = train_head(embeddings, structured, labels, 3, CONFIG, seed=2)
    assert np.array_equal(a.logits(embeddings, structured), b.logits(embeddings, structured))


def test_progress_is_reported_per_epoch() -> None:
    embeddings, structured, labels = _toy()
    seen: list[int] = []
    train_head(embeddings, structured, labels, 3, CONFIG, 3, lambda e, _loss: seen.append(e))
    assert seen == list(range(1, CONFIG.epochs + 1))


def test_a_linear_head_has_no_second_layer(tmp_path: Path) -> None:
    embeddings, structured, labels = _toy()
    config = HeadConfig(hidden=0, epochs=2, batch_size=64)
    head = train_head(embeddings, structured, labels, 3, config, seed=4)
    assert head.w2 is None
    head.save(tmp_path / "h.npz")
    again = HeadWeights.load(tmp_path / "h.npz")
    assert np.allclose(again.logits(embeddings, structured), head.logits(embeddings, structured))


def test_weights_round_trip(tmp_path: Path) -> None:
    embeddings, structured, labels = _toy()
    head = train_head(embeddings, structured, labels, 3, CONFIG, seed=5)
    head.save(tmp_path / "head.npz")
    again = HeadWeights.load(tmp_path / "head.npz")
    assert np.allclose(again.logits(embeddings, structured), head.logits(embeddings, structured))
    assert (again.text_scale, again.text_size) == (CONFIG.text_scale, 4)


def test_inputs_scale_the_embedding_only() -> None:
    x = inputs(np.ones((1, 2), np.float32), np.ones((1, 1), np.float32), 3.0)
    assert x.tolist() == [[3.0, 3.0, 1.0]]


def test_one_patient_is_scored_as_in_a_batch() -> None:
    """One example takes a shortcut through the structured vector's nonzero entries."""
    embeddings, structured, labels = _toy()
    structured[5, 1] = 0.5  # not only ones
    structured[7] = 0.0  # nothing structured at all
    head = train_head(embeddings, structured, labels, 3, CONFIG, seed=3)
    batch = head.logits(embeddings, structured)
    for row in range(10):
        one = head.logits(embeddings[row : row + 1], structured[row : row + 1])
        assert one.shape == (1, 3)
        assert np.allclose(one[0], batch[row], rtol=1e-5, atol=1e-6)
