"""Fixtures for the language-understanding tests: the extraction pipeline."""

from __future__ import annotations

import pytest
from spacy.language import Language

from symcheck.clinical.nlu import FindingExtractor


@pytest.fixture(scope="session")
def nlp(extractor: FindingExtractor) -> Language:
    """The spaCy pipeline of the shipped knowledge base's extractor."""
    return extractor.nlp
