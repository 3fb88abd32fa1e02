"""The diagnosis-matching rule: ICD-10 codes and condition names."""

from __future__ import annotations

import pytest

from symcheck.evaluation.matching import (
    condition_matches,
    icd10_matches,
    name_aliases,
    names_match,
    normalise_icd10,
)


def test_identical_codes_match() -> None:
    assert icd10_matches("J18.9", "J18.9")


def test_codes_are_normalised_before_comparing() -> None:
    assert normalise_icd10(" j45. ") == "J45"
    assert icd10_matches("j18.9", "J18.9 ")


def test_a_category_matches_a_code_inside_it() -> None:
    assert icd10_matches("J45", "J45.9")


def test_a_code_matches_its_category_on_the_other_side() -> None:
    assert icd10_matches("N10.1", "N10")


def test_two_subcodes_of_one_category_do_not_match() -> None:
    assert not icd10_matches("J02.0", "J02.9")


def test_a_category_does_not_match_another_category() -> None:
    assert not icd10_matches("J45", "J46")


def test_an_empty_code_matches_nothing() -> None:
    assert not icd10_matches("", "")


def test_aliases_cover_parentheses_and_or() -> None:
    assert name_aliases("Retinal tear or detachment (eye)") == {
        "retinal tear or detachment eye",
        "retinal tear or detachment",
        "retinal tear",
        "detachment",
        "eye",
    }


def test_names_match_through_a_parenthesised_alias() -> None:
    assert names_match(
        "Acute coronary syndrome (heart attack)",
        "Heart attack or unstable angina (acute coronary syndrome)",
    )


def test_names_match_ignoring_case_and_punctuation() -> None:
    assert names_match("Bell's palsy", "bell s PALSY")


def test_a_shared_word_is_not_a_name_match() -> None:
    assert not names_match("Stroke", "Mini-stroke (transient ischaemic attack)")


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        (("Appendicitis", "K35.8"), ("Appendicitis", "K35.3"), True),  # by name
        (("Pneumonia with confusion", "J18.9"), ("Pneumonia", "J18.9"), True),  # by code
        (("Viral sore throat", "J02.9"), ("Strep throat", "J02.0"), False),
    ],
)
def test_a_condition_matches_by_code_or_name(
    gold: tuple[str, str], predicted: tuple[str, str], expected: bool
) -> None:
    assert condition_matches(*gold, *predicted) is expected
