"""Fixtures for the clinical tests: the shipped knowledge base, rule set and extractor."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge import KnowledgeBase, load_knowledge_base
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.rules import RuleSet, load_rules


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def ruleset(kb: KnowledgeBase) -> RuleSet:
    return load_rules(kb=kb)


@pytest.fixture(scope="session")
def extractor(kb: KnowledgeBase) -> FindingExtractor:
    return FindingExtractor(kb)
