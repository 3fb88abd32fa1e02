"""The one-letter typo corrector."""

from __future__ import annotations

import pytest

from symcheck.clinical.nlu.typos import TypoCorrector, _one_edit_apart


@pytest.fixture
def corrector() -> TypoCorrector:
    singles = {"vomiting": "vomiting", "vomitting": "vomiting", "panting": "rapid_breathing"}
    words = {word: {fid} for word, fid in singles.items()} | {"chest": {"chest_pain"}}
    return TypoCorrector(words, singles)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("vomitng", "vomiting", True),  # deletion
        ("vomitiing", "vomiting", True),  # insertion
        ("vomiteng", "vomiting", True),  # substitution
        ("vomitnig", "vomiting", True),  # swap
        ("vomiting", "vomiting", False),  # same word
        ("vmitng", "vomiting", False),  # two edits
    ],
)
def test_one_edit_apart(a: str, b: str, expected: bool) -> None:
    assert _one_edit_apart(a, b) is expected


def test_candidates_of_one_finding_are_accepted(corrector: TypoCorrector) -> None:
    assert corrector.correct("vomitng") in {"vomiting", "vomitting"}


def test_short_words_are_left_alone(corrector: TypoCorrector) -> None:
    assert corrector.correct("chst") == "chst"


def test_everyday_words_are_left_alone(corrector: TypoCorrector) -> None:
    assert corrector.correct("painting") == "painting"


def test_first_letter_must_match(corrector: TypoCorrector) -> None:
    assert corrector.correct("womiting") == "womiting"
