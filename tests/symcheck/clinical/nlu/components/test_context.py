"""Negation and uncertainty (NegEx-style): one sentence, one expected status each."""

from __future__ import annotations

import pytest
from spacy.language import Language


def _status(nlp: Language, text: str, finding: str) -> bool | str | None:
    doc = nlp(text)  # spans need their Doc alive
    spans = [s for s in doc.spans["findings"] if s.label_ == finding]
    return spans[0]._.present if spans else "unmatched"


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        ("denies chest pain", "chest_pain", False),
        ("no fever or cough", "cough", False),
        ("I haven't got a fever", "fever", False),
        ("fever: no", "fever", False),
        ("not well and have crushing chest pain", "chest_pain_crushing", True),
        ("no he isn't breathing", "not_breathing", True),
        ("the cough won't go away", "persistent_cough", True),
        ("paracetamol didn't help the headache", "headache", True),
        ("no wet nappies today", "reduced_urine", True),
        ("never had a headache like this", "headache", True),
        ("not sure if I had a temperature", "fever", None),
        ("maybe a rash", "rash", None),
        ("not sure whether my neck is stiff", "neck_stiffness", None),
        ("I don't know whether she has a fever", "fever", None),
        ("I'm not sure if he's wheezing", "wheeze", None),
        ("I can't tell if my vision is blurry", "blurred_vision", None),
        ("maybe my family would be better off if i was dead", "suicidal_thoughts", True),
        ("can walk on it", "cant_bear_weight", False),
        ("not feeding well", "poor_feeding", True),
    ],
)
def test_status(nlp: Language, text: str, finding: str, status: bool | None) -> None:
    assert _status(nlp, text, finding) is status


def test_a_word_inside_a_matched_phrase_is_never_a_trigger(nlp: Language) -> None:
    assert [s.label_ for s in nlp("no wet nappies").spans["context"]] == []
