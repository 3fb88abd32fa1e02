"""A tiny classifier configuration: the real training code on the fixture knowledge base,
minutes shrunk to seconds."""

from __future__ import annotations

from symcheck.clinical.classifier.head import HeadConfig
from symcheck.clinical.classifier.train import TrainConfig

#: Small enough to train in seconds, big enough to learn the fixture's 13 conditions.
TINY = TrainConfig(
    seed=7,
    per_condition=40,
    unexplained=40,
    held_out=300,
    head=HeadConfig(hidden=64, epochs=15, batch_size=64),
)
