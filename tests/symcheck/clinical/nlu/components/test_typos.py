"""The typo component: corrected words for matching, words as written for the rest."""

from __future__ import annotations

from spacy.language import Language


def test_long_one_letter_typos_are_corrected_for_matching(nlp: Language) -> None:
    assert nlp("constipaton")._.match_words == ["constipation"]


def test_the_words_themselves_are_kept(nlp: Language) -> None:
    assert nlp("constipaton")._.words == ["constipaton"]


def test_everyday_words_are_not_corrected(nlp: Language) -> None:
    assert nlp("painting")._.match_words == ["painting"]
