"""Normalisation, stemming and phrase keys."""

from __future__ import annotations

import pytest

from symcheck.clinical.nlu.text import normalise, phrase_key, stem, tokenize


def test_normalise_removes_apostrophes_inside_words() -> None:
    assert normalise("Can’t BREATHE") == "cant breathe"


def test_normalise_splits_hyphenated_words() -> None:
    assert normalise("self-harm") == "self harm"


def test_stem_meets_plural_and_final_e() -> None:
    assert stem("headaches") == stem("headache")


def test_stem_ies() -> None:
    assert stem("pennies") == "penny"


def test_stem_keeps_short_and_protected_words() -> None:
    assert (stem("has"), stem("weeks"), stem("pee")) == ("has", "weeks", "pee")


def test_tokenize_keeps_punctuation_for_scoping() -> None:
    assert [t.text for t in tokenize("no fever, cough")] == ["no", "fever", ",", "cough"]


def test_tokens_record_offsets() -> None:
    (token,) = tokenize("  fever")
    assert (token.start, token.end) == (2, 7)


def test_phrase_key_drops_fillers_and_punctuation() -> None:
    assert phrase_key("pain in my chest!") == phrase_key("pain in the chest")


def test_phrase_key_drops_forms_of_to_be() -> None:
    assert phrase_key("my chest is tight") == phrase_key("chest tight")


def test_her_is_kept_in_phrase_keys() -> None:
    assert phrase_key("want to kill her") != phrase_key("want to kill")


def test_his_is_still_a_filler() -> None:
    assert phrase_key("pain in his chest") == phrase_key("pain in chest")


@pytest.mark.parametrize(
    ("word", "fixed"), [("swolen", "swollen"), ("nite", "night"), ("realy", "really")]
)
def test_everyday_misspellings_are_respelt_before_stemming(word: str, fixed: str) -> None:
    assert [t.text for t in tokenize(word)] == [t.text for t in tokenize(fixed)]
