"""Readings stated in numbers."""

from __future__ import annotations

import pytest

from symcheck.clinical.nlu.readings import stated_temperature


@pytest.mark.parametrize(
    ("text", "celsius"),
    [("temp 39.2", 39.2), ("102f", pytest.approx(38.9, abs=0.05)), ("fever for 3 days", None)],
)
def test_stated_temperature(text: str, celsius: object) -> None:
    assert stated_temperature(text) == celsius
