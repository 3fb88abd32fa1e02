"""Whom each finding is about: one sentence, one expected subject each."""

from __future__ import annotations

import pytest
from spacy.language import Language

from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.nlu.extraction import Subject
from symcheck.clinical.patient import Sex


def _subject(nlp: Language, text: str, finding: str) -> Subject | str:
    doc = nlp(text)  # spans need their Doc alive
    spans = [s for s in doc.spans["findings"] if s.label_ == finding]
    return spans[0]._.subject if spans else "unmatched"


@pytest.mark.parametrize(
    ("text", "finding", "subject"),
    [
        ("I have a cough", "cough", Subject.SELF),
        ("cough and a runny nose", "cough", Subject.SELF),
        ("my chest is tight", "chest_tightness", Subject.SELF),
        ("my son has a fever", "fever", Subject.OTHER),
        ("he's been vomiting since last night", "vomiting", Subject.OTHER),
        ("my 4 year old has a temperature", "fever", Subject.OTHER),
        ("my little boy has diarrhoea", "diarrhoea", Subject.OTHER),
        ("my dad fell", "fall", Subject.OTHER),
        ("My son. He has a fever.", "fever", Subject.OTHER),
        ("fever and cough, my son is 4", "fever", Subject.OTHER),
        ("no stiff neck and she isn't bothered by the light", "neck_stiffness", Subject.OTHER),
        ("bleeding after sex, new boyfriend", "bleeding_after_sex", Subject.SELF),
        ("my husband says I've been confused", "confusion", Subject.SELF),
        ("I have a cough and my son has a fever", "fever", Subject.OTHER),
        (
            "I've got chest pain, my dad had a heart attack at 52",
            "heart_disease_history",
            Subject.FAMILY,
        ),
        ("heart disease runs in my family", "heart_disease_history", Subject.FAMILY),
        ("family history of breast cancer", "cancer_history", Subject.FAMILY),
        (
            "my mum died of bowel cancer and I've had blood in my poo",
            "cancer_history",
            Subject.FAMILY,
        ),
        ("both my parents have type 2 diabetes", "diabetes", Subject.FAMILY),
        ("my brother has asthma, I get wheezy at night", "asthma_history", Subject.FAMILY),
        ("my dad has diabetes and his sugar is low", "diabetes", Subject.OTHER),
        ("I'm worried, my dad has diabetes", "diabetes", Subject.OTHER),
        (
            "my dad had a heart attack 2 years ago and now he has chest pain",
            "heart_disease_history",
            Subject.OTHER,
        ),
        ("my mum had a fall and I have a headache", "fall", Subject.OTHER),
    ],
)
def test_subject(nlp: Language, text: str, finding: str, subject: Subject) -> None:
    assert _subject(nlp, text, finding) is subject


def test_family_history_is_not_the_patients_finding(extractor: FindingExtractor) -> None:
    extraction = extractor.extract("I've got chest pain, my dad had a heart attack at 52")
    assert "heart_disease_history" not in extraction.observations


def test_family_history_is_listed_apart(extractor: FindingExtractor) -> None:
    extraction = extractor.extract("I've got chest pain, my dad had a heart attack at 52")
    assert [m.finding_id for m in extraction.family] == ["heart_disease_history"]


def test_a_relatives_condition_reports_its_family_history_finding(
    extractor: FindingExtractor,
) -> None:
    extraction = extractor.extract("my mum has diabetes and I've been really thirsty")
    assert extraction.observations["family_history_diabetes"].present is True


def test_a_relatives_sex_is_not_the_patients(extractor: FindingExtractor) -> None:
    extraction = extractor.extract("I've got chest pain, my dad had a heart attack at 52")
    assert extraction.demographics.sex is None


def test_relatives_named_in_a_message_about_the_writer_give_no_sex(
    extractor: FindingExtractor,
) -> None:
    extraction = extractor.extract("I'm 70 and my husband says I've been confused")
    assert extraction.demographics.sex is None


def test_the_writers_age_is_not_the_patients(extractor: FindingExtractor) -> None:
    extraction = extractor.extract("I'm 30 and my son is 2, he has a fever")
    assert extraction.demographics.age_years == 2


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("he's been vomiting all night", Sex.MALE),
        ("she has a rash on her tummy", Sex.FEMALE),
        ("my 2yo son has diarrhoea", Sex.MALE),
        ("my baby girl has a cough", Sex.FEMALE),
        ("my partner has a cough", None),
    ],
)
def test_the_patients_sex_from_the_words_for_them(
    extractor: FindingExtractor, text: str, sex: Sex | None
) -> None:
    assert extractor.extract(text).demographics.sex is sex


def test_a_partners_pregnancy_does_not_make_the_writer_female(
    extractor: FindingExtractor,
) -> None:
    extraction = extractor.extract("my girlfriend is pregnant and I have a rash")
    assert extraction.demographics.sex is None


@pytest.mark.parametrize(
    ("text", "finding", "subject"),
    [
        (
            "my husband nearly died of an asthma attack, he is wheezy",
            "asthma_history",
            Subject.OTHER,
        ),
        ("i lost my sister to bowel cancer, blood in my poo", "cancer_history", Subject.FAMILY),
    ],
)
def test_death_cues(nlp: Language, text: str, finding: str, subject: Subject) -> None:
    assert _subject(nlp, text, finding) is subject


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("family history of stroke and now my face is drooping", "face_droop"),
        ("my dad died of a stroke, now my face is drooping", "face_droop"),
        ("family history of migraine, I get bad headaches", "headache"),
    ],
)
def test_a_family_cue_does_not_reach_the_patients_symptoms(
    nlp: Language, text: str, finding: str
) -> None:
    assert _subject(nlp, text, finding) is not Subject.FAMILY
