from __future__ import annotations

import pytest

from connectors.telegram import (
    MAX_CALLBACK_DATA_BYTES,
    inline_keyboard,
    pick,
    reference,
    render_telegram,
    split_text,
    utf16_len,
)
from symcheck.clinical.interview.protocol import Button

YES_NO = (Button("Yes", "/affirm"), Button("No", "/deny"), Button("Don't know", "/dont_know"))
SEX = (
    Button("Female", '/inform_sex{"sex": "female"}'),
    Button("Male", '/inform_sex{"sex": "male"}'),
)


def test_short_text_is_one_part() -> None:
    assert split_text("Do you have a fever?") == ["Do you have a fever?"]


def test_long_text_is_split_at_whitespace_within_the_limit() -> None:
    words = [f"word{i}" for i in range(3000)]
    text = " ".join(words)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert " ".join(parts) == text


def test_paragraph_breaks_are_preferred() -> None:
    first = "a" * 60 + " " + "b" * 30
    text = first + "\n\n" + "c " * 30
    assert split_text(text, 100)[0] == first


def test_utf16_units_are_counted_like_telegram() -> None:
    assert utf16_len("\U0001f48a") == 2
    text = " ".join(["\U0001f48a" * 3] * 50)  # 199 characters, 349 units
    parts = split_text(text, 100)
    assert all(utf16_len(p) <= 100 for p in parts)
    assert " ".join(parts) == text


def test_a_word_longer_than_the_limit_is_the_only_hard_cut() -> None:
    assert split_text("x" * 250, 100) == ["x" * 100, "x" * 100, "x" * 50]


def test_buttons_ride_on_the_last_part_as_an_inline_keyboard() -> None:
    parts = render_telegram("word " * 1000, YES_NO)
    assert len(parts) == 2
    assert parts[0][1] == {}
    keyboard = parts[1][1]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Yes", "No", "Don't know"]


def test_callback_data_is_short_and_names_the_offering_message() -> None:
    for i in range(len(SEX)):
        data = reference(i, "What sex were you assigned at birth?", SEX)
        assert len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
        assert pick(data, "What sex were you assigned at birth?", SEX) == SEX[i]


@pytest.mark.parametrize(
    ("data", "prompt", "buttons"),
    [
        (reference(0, "Do you have a fever?", YES_NO), "Do you have a cough?", YES_NO),  # older
        (reference(0, "Q", YES_NO), "Q", YES_NO[:2]),  # other buttons
        (reference(2, "Q", YES_NO), "Q", YES_NO[:2]),  # out of range
        ("/report_emergency", "Q", YES_NO),
        ("b1:0:" + "A" * 12, "Q", YES_NO),
        ("", "Q", YES_NO),
    ],
)
def test_a_press_refers_only_to_the_message_that_offered_it(
    data: str, prompt: str, buttons: tuple[Button, ...]
) -> None:
    assert pick(data, prompt, buttons) is None


def test_buttons_without_text_still_get_a_message() -> None:
    [(text, extra)] = render_telegram("", YES_NO)
    assert text
    assert extra["reply_markup"] == inline_keyboard("", YES_NO)
