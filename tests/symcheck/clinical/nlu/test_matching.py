"""Phrase matching on words: "has been" read as "is"."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.nlu.matching import match
from symcheck.clinical.nlu.phrase_index import PhraseIndex
from symcheck.clinical.nlu.text import tokenize


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> PhraseIndex:
    return PhraseIndex.from_kb(kb)


def _found(index: PhraseIndex, text: str) -> list[str]:
    return [hit.finding_id for hit in match(index, [t.text for t in tokenize(text)])]


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my eye has been red", "red_eye"),
        ("my knee has been swollen", "joint_swelling"),
        ("my periods have been heavy", "heavy_periods"),
    ],
)
def test_has_been_reads_as_is(index: PhraseIndex, text: str, finding: str) -> None:
    assert _found(index, text) == [finding]


def test_a_coordinated_word_carries_the_group_of_its_phrase(index: PhraseIndex) -> None:
    hits = match(index, [t.text for t in tokenize("pain in my back and tummy")])
    assert {h.finding_id: h.group_start for h in hits} == {"back_pain": 0, "abdominal_pain": 0}
