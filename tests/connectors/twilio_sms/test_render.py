from __future__ import annotations

import pytest

from connectors.twilio_sms import (
    MAX_PART_CHARS,
    choose_option,
    numbered_options,
    plain,
    render_sms,
    split_text,
)
from symcheck.clinical.interview.protocol import Button

YES_NO_DK = (Button("Yes", "/affirm"), Button("No", "/deny"), Button("Don't know", "/dont_know"))
SKIP = Button("Prefer not to say", "/dont_know")


def test_short_text_is_one_part() -> None:
    assert split_text("Hello there.") == ["Hello there."]
    assert split_text("   ") == []


def test_long_text_is_cut_at_whitespace_never_mid_word() -> None:
    words = [f"w{i}" * (1 + i % 7) for i in range(400)]
    text = " ".join(words)
    parts = split_text(text, 320)
    assert all(len(p) <= 320 for p in parts)
    assert " ".join(parts).split() == words


def test_a_part_may_use_the_whole_limit() -> None:
    text = "a" * 320 + " b"
    assert split_text(text, 320) == ["a" * 320, "b"]


def test_only_a_word_longer_than_the_limit_is_cut() -> None:
    link = "https://example.org/" + "x" * 700
    parts = split_text(f"See {link} today", 320)
    assert parts[0] == "See"
    assert "".join(parts[1:-1]) + parts[-1].removesuffix(" today") == link
    assert all(len(p) <= 320 for p in parts)


def test_paragraph_and_sentence_breaks_are_preferred() -> None:
    first = "First sentence is here. " * 8  # 192 characters
    text = first + "\n\n" + "second paragraph words " * 10
    parts = split_text(text, 320)
    assert parts[0] == first.strip()
    sentences = "One two three. " * 30
    assert all(p.endswith(".") for p in split_text(sentences, 100))


def test_numbered_options() -> None:
    assert numbered_options(YES_NO_DK) == "Reply 1 for Yes, 2 for No, 3 for Don't know."
    assert numbered_options(()) == ""
    assert numbered_options((SKIP,)) == 'Or reply "Prefer not to say".'


def test_a_single_option_is_picked_by_its_words_never_by_a_digit() -> None:
    """The age question offers only "Prefer not to say": "1" there is a one-year-old."""
    assert choose_option("1", (SKIP,)) is None
    assert choose_option("prefer not to say", (SKIP,)) == SKIP
    assert choose_option("Prefer not to say.", (SKIP,)) == SKIP


def test_options_are_also_picked_by_their_words() -> None:
    assert choose_option("dont know", YES_NO_DK) == YES_NO_DK[2]
    assert choose_option("Don’t know!", YES_NO_DK) == YES_NO_DK[2]
    assert choose_option("NO", YES_NO_DK) == YES_NO_DK[1]
    assert choose_option("no, I don't", YES_NO_DK) is None


def test_options_stay_with_the_last_part() -> None:
    assert render_sms("Do you have a fever?", YES_NO_DK) == [
        "Do you have a fever?\nReply 1 for Yes, 2 for No, 3 for Don't know."
    ]
    parts = render_sms("word " * 80, YES_NO_DK)
    assert parts[-1].endswith("Reply 1 for Yes, 2 for No, 3 for Don't know. (2/2)")
    assert all(len(p) <= MAX_PART_CHARS for p in parts)
    # When the last part has no room left, the options get a part of their own, whole.
    parts = render_sms("word " * 120, YES_NO_DK)
    assert parts[-1] == "Reply 1 for Yes, 2 for No, 3 for Don't know. (3/3)"


def test_buttons_without_text_are_just_the_options() -> None:
    assert render_sms("", YES_NO_DK) == ["Reply 1 for Yes, 2 for No, 3 for Don't know."]


def test_multi_part_replies_are_numbered_within_the_limit() -> None:
    text = " ".join(f"word{i:04d}" for i in range(400))  # 3999 characters
    parts = render_sms(text)
    total = len(parts)
    assert total > 9
    for i, part in enumerate(parts, start=1):
        assert len(part) <= MAX_PART_CHARS
        assert part.endswith(f" ({i}/{total})")
    assert " ".join(p.rsplit(" ", 1)[0] for p in parts) == text


@pytest.mark.parametrize("limit", [40, 160, 320])
def test_any_limit_holds(limit: int) -> None:
    text = "The quick brown fox jumps over the lazy dog. " * 40
    assert all(len(p) <= limit for p in render_sms(text, YES_NO_DK, limit))


def test_typographic_punctuation_becomes_plain() -> None:
    assert plain("Don’t – wait… “now”") == 'Don\'t - wait... "now"'
    assert render_sms("It’s fine") == ["It's fine"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", "/affirm"), (" 2 ", "/deny"), ("3.", "/dont_know"), ("#1", "/affirm"), ("2)", "/deny")],
)
def test_a_digit_picks_an_option(text: str, expected: str) -> None:
    button = choose_option(text, YES_NO_DK)
    assert button is not None
    assert button.payload == expected


@pytest.mark.parametrize("text", ["0", "4", "12", "1 2", "one", "yes please", "34 years", ""])
def test_anything_else_picks_nothing(text: str) -> None:
    assert choose_option(text, YES_NO_DK) is None


def test_no_buttons_no_choice() -> None:
    assert choose_option("1", ()) is None
