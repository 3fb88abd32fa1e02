"""Phrase matching as a pipeline component: spans, records and covered words."""

from __future__ import annotations

import pytest
from spacy.language import Language


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my knee has been swollen for a week", "joint_swelling"),
        ("periods have been heavy", "heavy_periods"),
        ("diarheoa", "diarrhoea"),
        ("pain in my back and tummy", "abdominal_pain"),
    ],
)
def test_finding_is_matched(nlp: Language, text: str, finding: str) -> None:
    doc = nlp(text)
    assert finding in [s.label_ for s in doc.spans["findings"]]


def test_an_ignored_phrase_is_a_span_apart(nlp: Language) -> None:
    doc = nlp("I'm fit and well")
    assert ([s.text for s in doc.spans["ignored"]], list(doc.spans["findings"])) == (
        ["fit and well"],
        [],
    )


def test_words_inside_phrases_are_covered(nlp: Language) -> None:
    assert nlp("no wet nappies")._.covered == frozenset({0, 1, 2})


def test_a_coordinated_word_shares_the_group_of_its_phrase(nlp: Language) -> None:
    doc = nlp("pain in my back and tummy")
    groups = {s.label_: s._.finding.group for s in doc.spans["findings"]}
    assert groups["abdominal_pain"] == groups["back_pain"]


def test_a_denial_is_marked(nlp: Language) -> None:
    doc = nlp("keeping fluids down")
    assert [s._.finding.denial for s in doc.spans["findings"]] == [True]
