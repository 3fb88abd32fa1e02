"""Age, sex and pregnancy from free text and from answers."""

from __future__ import annotations

import pytest

from symcheck.clinical.nlu import extract_demographics, parse_age_answer, parse_sex_answer
from symcheck.clinical.patient import Sex


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("I'm a 34 yo woman", 34),
        ("my baby is 6 weeks old", 0.115),
        ("my six week old has a fever", 0.115),
        ("34M", 34),
        ("F, 72", 72),
        ("my 3 month old", 0.25),
        ("my 18 month old", 1.5),
        ("my son is 4 months old", 0.333),
        ("my daughter (3) has a fever", 3),
        ("she is 80", 80),
        ("age 34", 34),
        ("I'm 34 and female", 34),
        ("newborn baby not feeding", 0.02),
        ("I'm 12 weeks pregnant and 28 years old", 28),
    ],
)
def test_age(text: str, age: float) -> None:
    assert extract_demographics(text).age_years == pytest.approx(age)


@pytest.mark.parametrize(
    "text",
    [
        "I'm 12 weeks pregnant",
        "chest pain for 30m",
        "I am 5 foot 2",
        "cough for 3 years",
        "took 2 tablets at 3pm",
        "temperature 38 for 2 days",
    ],
)
def test_no_age(text: str) -> None:
    assert extract_demographics(text).age_years is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("I'm a 34 yo woman", Sex.FEMALE),
        ("34M", Sex.MALE),
        ("34 f", Sex.FEMALE),
        ("I am a man", Sex.MALE),
        ("my husband's face has dropped", Sex.MALE),
        ("my daughter has a rash", Sex.FEMALE),
        ("I'm 34, male", Sex.MALE),
    ],
)
def test_sex(text: str, sex: Sex) -> None:
    assert extract_demographics(text).sex is sex


def test_no_sex_from_symptoms_alone() -> None:
    assert extract_demographics("I have a headache").sex is None


@pytest.mark.parametrize(
    ("text", "pregnant"),
    [
        ("I'm 12 weeks pregnant", True),
        ("my wife is pregnant and bleeding", True),
        ("pregnant and bleeding", True),
        ("I'm not pregnant", False),
        ("pregnancy test was negative", False),
        ("I might be pregnant", None),
        ("trying to get pregnant", None),
        ("when I was pregnant I had this too", None),
        ("I have a cough", None),
    ],
)
def test_pregnancy(text: str, pregnant: bool | None) -> None:
    assert extract_demographics(text).pregnant is pregnant


@pytest.mark.parametrize(
    ("answer", "age"),
    [
        ("34", 34),
        ("six", 6),
        ("34 years", 34),
        ("6 months", 0.5),
        ("I am 70", 70),
        ("about 40", 40),
    ],
)
def test_age_answer(answer: str, age: float) -> None:
    assert parse_age_answer(answer) == pytest.approx(age)


@pytest.mark.parametrize("answer", ["old enough", "200", "a"])
def test_age_answer_rejects_non_ages(answer: str) -> None:
    assert parse_age_answer(answer) is None


@pytest.mark.parametrize(
    ("answer", "sex"),
    [
        ("female", Sex.FEMALE),
        ("F", Sex.FEMALE),
        ("a woman", Sex.FEMALE),
        ("m", Sex.MALE),
        ("Male.", Sex.MALE),
        ("I'm a guy", Sex.MALE),
    ],
)
def test_sex_answer(answer: str, sex: Sex) -> None:
    assert parse_sex_answer(answer) is sex


def test_sex_answer_unknown() -> None:
    assert parse_sex_answer("prefer not to say") is None


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("my little one is 7 weeks and burning up", 0.134),
        ("he's 10 days", 0.027),
        ("she's 8 weeks and has a fever", 0.153),
        ("my baby is 3 months and has a cough", 0.25),
        ("my son is just 5 days", 0.014),
    ],
)
def test_age_without_old(text: str, age: float) -> None:
    assert extract_demographics(text).age_years == pytest.approx(age)


@pytest.mark.parametrize(
    "text",
    [
        "my son is 3 days post op",
        "he is 2 weeks into his antibiotics",
        "I'm 34 weeks and my waters have broken",
        "she's 30 weeks and bleeding",
        "my wife is 34+2 weeks",
    ],
)
def test_no_age_from_a_stage_of_pregnancy_or_recovery(text: str) -> None:
    assert extract_demographics(text).age_years is None


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("I'm 34 weeks and my waters have broken", 34),
        ("32 weeks pregnant with a headache", 32),
        ("my wife is 30+2 weeks", 30),
        ("she's 30 weeks and bleeding", 30),
        ("8 months pregnant", 34.8),
        ("34/40, contractions", 34),
        ("I'm 12 weeks pregnant and 28 years old", 12),
    ],
)
def test_gestation(text: str, weeks: float) -> None:
    assert extract_demographics(text).gestation_weeks == pytest.approx(weeks)


@pytest.mark.parametrize(
    "text",
    [
        "I'm 2 weeks late",
        "I'm 3 weeks post partum",
        "she's 8 weeks and has a fever",
        "I've had a cough for 34 weeks",
        "pain 8/10",
        "I'm not pregnant, I'm 12 weeks post op",
    ],
)
def test_no_gestation(text: str) -> None:
    assert extract_demographics(text).gestation_weeks is None


def test_a_stated_stage_of_pregnancy_means_pregnant() -> None:
    assert extract_demographics("I'm 34 weeks and my waters have broken").pregnant is True


def test_not_pregnant_wins_over_a_stage() -> None:
    assert extract_demographics("I'm not pregnant, I'm 34 weeks post op").pregnant is False


@pytest.mark.parametrize(
    "text",
    [
        "breastfeeding my 3 week old and my left breast is red and hot",
        "my 3 week old is fine but my stitches are sore since I gave birth",
    ],
)
def test_a_babys_age_in_a_mothers_message_is_not_her_age(text: str) -> None:
    assert extract_demographics(text).age_years is None


def test_a_babys_age_is_still_read_when_the_baby_is_the_patient() -> None:
    assert extract_demographics("my 3 week old has a fever").age_years == pytest.approx(0.058)


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("68 year old man, short of breath", Sex.MALE),
        ("18 female, pain when i pee", Sex.FEMALE),
        ("boy aged 8, earache", Sex.MALE),
        ("im a 25 year old lad with a rash", Sex.MALE),
        ("I'm a new mum", Sex.FEMALE),
        ("I'm 28 weeks pregnant", Sex.FEMALE),
        ("my partner is pregnant", None),
    ],
)
def test_sex_statements(text: str, sex: Sex | None) -> None:
    assert extract_demographics(text).sex is sex


@pytest.mark.parametrize(
    ("text", "age"),
    [("18 female, pain when i pee", 18), ("im 30 wks pregnant", None), ("my grandson is 5", 5)],
)
def test_age_statements(text: str, age: float | None) -> None:
    assert extract_demographics(text).age_years == age
