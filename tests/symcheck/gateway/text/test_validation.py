from __future__ import annotations

import pytest

from symcheck.gateway.text.validation import InputProblem, check_text, clean


def test_clean_keeps_newlines_and_emoji_sequences() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean("  line one\r\nline two\x00\x1b \u202e ") == "line one\nline two"
    assert clean(f"{family} ok") == f"{family} ok"
    assert clean("cafe\u0301") == "café"  # NFC


@pytest.mark.parametrize("text", ["", " ", "\n\t", "\x00\x01"])
def test_empty(text: str) -> None:
    assert check_text(text, 100).problem is InputProblem.EMPTY


def test_long_text_is_cut_at_the_limit() -> None:
    checked = check_text("a" * 150, 100)
    assert checked.truncated
    assert checked.text == "a" * 100
    assert checked.problem is None


@pytest.mark.parametrize(
    ("text", "emoji"), [("👍", True), ("😷🤒", True), ("?!", False), ("...", False)]
)
def test_no_words(text: str, emoji: bool) -> None:
    checked = check_text(text, 100)
    assert checked.problem is InputProblem.NO_WORDS
    assert checked.emoji is emoji


@pytest.mark.parametrize("text", ["34", "I'm 34 👍", "chest pain!!"])
def test_numbers_and_words_are_fine(text: str) -> None:
    assert check_text(text, 100).problem is None


def test_other_language() -> None:
    assert check_text("tengo dolor de cabeza", 100).problem is InputProblem.OTHER_LANGUAGE
