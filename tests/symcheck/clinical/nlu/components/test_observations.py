"""The patient's observations: merging mentions, readings and implications."""

from __future__ import annotations

from spacy.language import Language


def test_present_wins_over_absent_in_one_message(nlp: Language) -> None:
    assert nlp("no cough... actually yes a cough")._.observations["cough"].present is True


def test_a_reading_reports_its_finding(nlp: Language) -> None:
    assert nlp("temp 39.2")._.observations["high_fever"].present is True


def test_implied_findings_are_listed(nlp: Language) -> None:
    assert nlp("crushing chest pain")._.implied == frozenset({"chest_pain"})


def test_a_family_mention_is_left_out(nlp: Language) -> None:
    doc = nlp("I've got chest pain, my dad had a heart attack at 52")
    assert "heart_disease_history" not in doc._.observations


def test_family_history_of_a_finding_without_its_own_finding_adds_nothing(
    nlp: Language,
) -> None:
    doc = nlp("heart disease runs in my family and my chest feels tight")
    assert set(doc._.observations) == {"chest_tightness"}
