"""Duration, severity and onset phrases."""

from __future__ import annotations

from datetime import date

import pytest

from symcheck.clinical.nlu import attributes
from symcheck.clinical.patient import Onset


@pytest.mark.parametrize(
    ("clause", "hours"),
    [
        ("for 3 days", 72),
        ("for a couple of weeks", 336),
        ("since yesterday", 24),
        ("since the day before yesterday", 48),
        ("for 10 minutes", 10 / 60),
        ("for over a month", 730),
        ("started 2 hours ago", 2),
        ("for ages", 2190),
    ],
)
def test_duration(clause: str, hours: float) -> None:
    assert attributes.duration_hours(clause) == pytest.approx(hours)


def test_no_duration() -> None:
    assert attributes.duration_hours("a bad cough") is None


def test_ages_and_pregnancy_weeks_are_not_durations() -> None:
    assert attributes.duration_hours("my 6 week old, 12 weeks pregnant") is None


def test_since_weekday_counts_back_from_today() -> None:
    assert attributes.duration_hours("since monday", today=date(2026, 6, 4)) == 72


def test_since_weekday_without_today_is_mid_week() -> None:
    assert attributes.duration_hours("since monday") == 96


def test_durations_lists_every_span() -> None:
    spans = attributes.durations("cough for 3 weeks and a fever since yesterday")
    assert [value for _, _, value in spans] == [504, 24]


@pytest.mark.parametrize(
    ("clause", "value"),
    [
        ("8/10", 8),
        ("7 out of 10", 7),
        ("worst pain ever", 10),
        ("excruciating", 9),
        ("really bad", 8),
        ("it's killing me", 8),
        ("mild", 3),
    ],
)
def test_severity(clause: str, value: int) -> None:
    assert attributes.severity(clause) == value


def test_no_severity() -> None:
    assert attributes.severity("a cough") is None


@pytest.mark.parametrize(
    ("clause", "onset"),
    [
        ("came on suddenly", Onset.SUDDEN),
        ("out of nowhere", Onset.SUDDEN),
        ("like being hit on the head", Onset.SUDDEN),
        ("got worse gradually", Onset.GRADUAL),
    ],
)
def test_onset(clause: str, onset: Onset) -> None:
    assert attributes.onset(clause) is onset


@pytest.mark.parametrize(
    ("clause", "hours"),
    [
        ("this morning", 6),
        ("3 weeks postpartum", None),
        ("2 days post op", None),
        ("a week after my operation", None),
    ],
)
def test_more_durations(clause: str, hours: float | None) -> None:
    assert attributes.duration_hours(clause) == hours


@pytest.mark.parametrize(
    ("clause", "hours"),
    [("since the weekend", 120), ("started on monday", 72), ("came on over the weekend", 120)],
)
def test_days_of_the_week_count_back_from_today(clause: str, hours: float) -> None:
    assert attributes.duration_hours(clause, today=date(2025, 1, 16)) == hours


@pytest.mark.parametrize(
    ("clause", "value"),
    [
        ("it's about a 7", 7),
        ("the pain is a 4", 4),
        ("bad", 7),
        ("not too bad", 3),
        ("slightly", 3),
        ("splitting", 8),
        ("driving me crazy", 8),
    ],
)
def test_more_severities(clause: str, value: int) -> None:
    assert attributes.severity(clause) == value


@pytest.mark.parametrize("clause", ["my son is a 5 year old", "its a 2 day old rash", "at a 3 pm"])
def test_a_number_that_is_not_a_score(clause: str) -> None:
    assert attributes.severity(clause) is None
