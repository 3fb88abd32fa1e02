"""The context rules: every list expands, and no phrase is listed twice in one category."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge.phrases import expand_all
from symcheck.clinical.nlu import triggers

CATEGORIES = {
    "pre-negation": triggers.PRE_NEGATION,
    "post-negation": triggers.POST_NEGATION,
    "uncertainty": triggers.UNCERTAIN,
    "pseudo": triggers.PSEUDO,
}


@pytest.mark.parametrize("name", sorted(CATEGORIES))
def test_no_duplicate_phrases(name: str) -> None:
    phrases = expand_all(CATEGORIES[name])
    assert len(phrases) == len(set(phrases))


@pytest.mark.parametrize("name", sorted(CATEGORIES))
def test_every_phrase_becomes_words(name: str) -> None:
    table = triggers.phrase_table(CATEGORIES[name])
    assert all(len(key) == length for length, keys in table.items() for key in keys)


def test_uncertainty_and_pseudo_triggers_do_not_overlap() -> None:
    uncertain = set(expand_all(triggers.UNCERTAIN))
    assert uncertain.isdisjoint(expand_all(triggers.PSEUDO))
