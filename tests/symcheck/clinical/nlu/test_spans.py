"""Span helpers: blanking, distances, sentences and the expression that belongs to a mention."""

from __future__ import annotations

from symcheck.clinical.nlu import attributes
from symcheck.clinical.nlu.spans import blank, gap, nearest, sentence_span
from symcheck.clinical.nlu.text import normalise, tokenize


def test_blank_keeps_offsets() -> None:
    assert blank("my son is 7 weeks", [(10, 17)]) == "my son is        "


def test_gap_of_overlapping_spans_is_zero() -> None:
    assert gap(0, 5, 3, 8) == 0


def test_and_now_starts_a_new_sentence() -> None:
    tokens = tokenize("went to spain last week and now have a fever")
    assert sentence_span(tokens, 9, 10) == (7, 10)  # after "and now"


def _durations(text: str, mentions: list[tuple[int, int]], groups: list[int] | None = None):
    tokens = tokenize(text)
    sentences = [sentence_span(tokens, s, e) for s, e in mentions]
    return nearest(
        normalise(text),
        tokens,
        mentions,
        sentences,
        attributes.durations,
        groups,
        modifies_after=False,
    )


def test_an_expression_right_after_a_mention_is_not_taken_by_the_next() -> None:
    # "diarrhoea for 3 weeks and weight loss": words 0 and 5-6
    assert _durations("diarrhoea for 3 weeks and weight loss", [(0, 1), (5, 7)]) == [504, None]


def test_an_expression_right_after_a_mention_is_shared_with_those_before() -> None:
    # "headache and stiff neck for 2 days": words 0 and 2-3
    assert _durations("headache and stiff neck for 2 days", [(0, 1), (2, 4)]) == [48, 48]


def test_a_group_shares_its_expressions() -> None:
    # "cough for 3 weeks and wheeze": the same group, so the wheeze shares the duration
    assert _durations("cough for 3 weeks and wheeze", [(0, 1), (5, 6)], [0, 0]) == [504, 504]
