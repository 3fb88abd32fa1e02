"""The extraction pipeline: a blank English spaCy pipeline with the rule components."""

from __future__ import annotations

from spacy.language import Language

from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.nlu.pipeline import COMPONENTS, build_pipeline


def test_the_components_run_in_order(nlp: Language) -> None:
    assert nlp.pipe_names == list(COMPONENTS)


def test_the_pipeline_is_blank_english(nlp: Language) -> None:
    assert nlp.lang == "en"


def test_building_twice_gives_the_same_reading(nlp: Language, kb: KnowledgeBase) -> None:
    other = build_pipeline(kb)
    ours, theirs = nlp("no fever, bad cough"), other("no fever, bad cough")
    assert [s.label_ for s in theirs.spans["findings"]] == [
        s.label_ for s in ours.spans["findings"]
    ]


def test_findings_are_spans_labelled_with_their_finding(nlp: Language) -> None:
    doc = nlp("I've got a sore throat")
    assert [(s.text, s.label_) for s in doc.spans["findings"]] == [("sore throat", "sore_throat")]


def test_a_span_exposes_its_attributes(nlp: Language) -> None:
    doc = nlp("no cough")
    span = doc.spans["findings"][0]
    assert (span._.negated, span._.uncertain, span._.present) == (True, False, False)


def test_two_findings_on_the_same_words_keep_their_own_state(nlp: Language) -> None:
    doc = nlp("we all have headaches")
    assert {s.label_: s._.present for s in doc.spans["findings"]} == {
        "household_same_symptoms": True,
        "headache": True,
    }


def test_the_triggers_are_spans_by_kind(nlp: Language) -> None:
    doc = nlp("not sure if I have a fever")
    assert [(s.text, s.label_) for s in doc.spans["context"]] == [
        ("not sure if i have", "uncertain")
    ]


def test_body_sites_are_spans(nlp: Language) -> None:
    doc = nlp("rash on my left arm")
    assert [(s.text, s.label_) for s in doc.spans["locations"]] == [("arm", "arm")]


def test_the_doc_carries_the_observations(nlp: Language) -> None:
    assert nlp("no fever")._.observations["fever"].present is False
