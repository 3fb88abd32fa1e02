"""Fixtures shared by the ``symcheck`` package tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.auxil.classifier import TINY
from tests.fixtures.kb_small import KB_DIR


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classifier trained for real on the fixture knowledge base (once per session)."""
    from symcheck.clinical.classifier.train import train

    out = tmp_path_factory.mktemp("models") / "classifier"
    train(KB_DIR, out, TINY, show_progress=False)
    return out
