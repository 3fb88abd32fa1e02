"""The tokenizer: a Doc over the normalised message whose words are the matching words."""

from __future__ import annotations

import pytest
from spacy.language import Language

from symcheck.clinical.nlu.text import normalise, tokenize


@pytest.mark.parametrize(
    "text",
    [
        "I can't breathe!!",
        "temp 39.5°C since   yesterday",
        "  leading spaces",
        "line one\nline two",
        "café & 🙂 pain",
        "",
        "self-harm",
    ],
)
def test_the_doc_text_is_the_normalised_message(nlp: Language, text: str) -> None:
    assert nlp.make_doc(text).text == normalise(text)


@pytest.mark.parametrize(
    "text",
    ["I can't breathe!!", "temp 39.5°C since   yesterday", "café & 🙂 pain", "Swolen ankles"],
)
def test_the_words_are_those_of_the_shared_tokenizer(nlp: Language, text: str) -> None:
    assert nlp.make_doc(text)._.words == [t.text for t in tokenize(text)]


def test_characters_that_are_not_words_are_tokens_but_not_words(nlp: Language) -> None:
    doc = nlp.make_doc("39.5°c")
    assert [t.text for t in doc] == ["39.5", "°", "c"]


def test_each_word_points_at_its_token(nlp: Language) -> None:
    doc = nlp.make_doc("fever & cough")
    assert [doc[i].text for i in doc._.word_index] == ["fever", "cough"]


def test_word_offsets_are_character_offsets_of_the_doc(nlp: Language) -> None:
    doc = nlp.make_doc("a  sore throat")
    word = doc._.norm_tokens[1]
    assert doc.text[word.start : word.end] == "sore"


def test_the_normalised_text_is_kept_on_the_doc(nlp: Language) -> None:
    doc = nlp.make_doc("I can't  breathe")
    assert doc._.norm_text == doc.text
