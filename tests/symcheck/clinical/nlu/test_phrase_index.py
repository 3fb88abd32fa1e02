"""The phrase index of the knowledge base."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.nlu.phrase_index import IGNORED, PhraseIndex
from symcheck.clinical.nlu.text import phrase_key


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> PhraseIndex:
    return PhraseIndex.from_kb(kb)


def test_a_synonym_names_its_finding(index: PhraseIndex) -> None:
    assert index.phrases[phrase_key("sore throat")] == "sore_throat"


def test_an_ignored_phrase_names_nothing(index: PhraseIndex) -> None:
    assert index.phrases[phrase_key("fit and well")] == IGNORED


def test_denials_are_marked(index: PhraseIndex) -> None:
    assert phrase_key("can walk on it") in index.denials


def test_every_prefix_is_indexed(index: PhraseIndex) -> None:
    assert phrase_key("sore") in index.prefixes


def test_context_findings_are_left_out_of_the_inner_index(index: PhraseIndex) -> None:
    assert not set(index.inner_phrases.values()) & index.reports_inner
