"""Compact phrase lists: ``(a|b)`` alternatives."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge.phrases import (
    MAX_EXPANSIONS,
    PhraseSyntaxError,
    expand,
    expand_all,
)


def test_a_plain_phrase_is_itself() -> None:
    assert expand("chest pain") == ("chest pain",)


def test_alternatives_expand_in_order() -> None:
    assert expand("(sore|painful) throat") == ("sore throat", "painful throat")


def test_groups_combine() -> None:
    assert len(expand("(a|b) and (c|d|e)")) == 6


def test_an_empty_alternative_makes_the_group_optional() -> None:
    assert expand("mouth (is|) droopy") == ("mouth is droopy", "mouth droopy")


def test_spaces_are_normalised() -> None:
    assert expand("pain ( in | ) my chest") == ("pain in my chest", "pain my chest")


def test_unbalanced_parentheses_are_rejected() -> None:
    with pytest.raises(PhraseSyntaxError, match="unbalanced"):
        expand("(a|b chest")


def test_a_bare_bar_is_rejected() -> None:
    with pytest.raises(PhraseSyntaxError, match="unbalanced"):
        expand("a|b")


def test_too_many_combinations_are_rejected() -> None:
    group = "(" + "|".join(f"w{i}" for i in range(30)) + ")"
    with pytest.raises(PhraseSyntaxError, match=f"max {MAX_EXPANSIONS}"):
        expand(f"{group} {group}")


def test_expand_all_keeps_the_first_of_duplicates() -> None:
    assert expand_all(["sore throat", "(sore|painful) throat"]) == ("sore throat", "painful throat")
