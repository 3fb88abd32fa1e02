"""Yes / no / don't-know replies."""

from __future__ import annotations

import pytest

from symcheck.clinical.nlu import Answer, parse_answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", Answer.YES),
        ("Yeah I do", Answer.YES),
        ("yep!", Answer.YES),
        ("a little", Answer.YES),
        ("no", Answer.NO),
        ("Nope.", Answer.NO),
        ("not really", Answer.NO),
        ("I don't", Answer.NO),
        ("I don't know", Answer.DONT_KNOW),
        ("not sure", Answer.DONT_KNOW),
        ("idk", Answer.DONT_KNOW),
        ("maybe", Answer.DONT_KNOW),
    ],
)
def test_parse_answer(text: str, answer: Answer) -> None:
    assert parse_answer(text) is answer


@pytest.mark.parametrize("text", ["", "???", "my cat is called Bob"])
def test_not_an_answer(text: str) -> None:
    assert parse_answer(text) is None
