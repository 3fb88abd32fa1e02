"""The body-site vocabulary and the written form of a location."""

from __future__ import annotations

import pytest

from symcheck.clinical.nlu.body import SITE_OF, Location
from symcheck.clinical.nlu.text import stem


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("knee", Location("knee")),
        ("left knee", Location("knee", side="left")),
        ("lower back", Location("back", part="lower")),
        ("right lower abdomen", Location("abdomen", side="right", part="lower")),
    ],
)
def test_parse(text: str, location: Location) -> None:
    assert Location.parse(text) == location


@pytest.mark.parametrize("text", ["right lower abdomen", "knee", "both foot"])
def test_written_form_round_trips(text: str) -> None:
    assert str(Location.parse(text)) == text


@pytest.mark.parametrize("text", ["tummy", "lower left", "left left knee", "", "upper"])
def test_unknown_forms_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="location"):
        Location.parse(text)


@pytest.mark.parametrize(
    ("word", "site"), [("tummy", "abdomen"), ("feet", "foot"), ("balls", "testicle")]
)
def test_lay_words_name_canonical_sites(word: str, site: str) -> None:
    assert SITE_OF[stem(word)] == site
