"""Fixtures for the extraction evaluation tests: the shipped knowledge base."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge import KnowledgeBase, load_knowledge_base


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()
