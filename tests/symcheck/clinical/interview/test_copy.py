"""Patient-facing wording: clinic and emergency number injected, plain percentages."""

from __future__ import annotations

import inspect

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.copy import Copy, percent


def test_every_message_is_a_non_empty_string_naming_no_default_number() -> None:
    copy = Copy("Riverside Clinic", "911")
    for name, method in inspect.getmembers(copy, inspect.ismethod):
        if name.startswith("_"):
            continue
        params = inspect.signature(method).parameters
        if params:
            continue
        text = method()
        assert isinstance(text, str), name
        assert text.strip(), name
        assert "112" not in text, name


def test_consent_names_the_clinic_and_number() -> None:
    text = Copy("Riverside Clinic", "911").consent()
    assert "Riverside Clinic" in text
    assert "911" in text
    assert "not a doctor" in text
    assert "not a diagnosis" in text


def test_headline_fills_in_the_number() -> None:
    copy = Copy("c", "911")
    assert copy.headline(Disposition.EMERGENCY_AMBULANCE) == "Call the emergency number (911) now."
    assert copy.headline(Disposition.SELF_CARE) == Disposition.SELF_CARE.headline


def test_percent() -> None:
    assert percent(0.456) == "46%"
    assert percent(0.001) == "<1%"
    assert percent(1.0) == "100%"


def test_condition_line() -> None:
    line = Copy("c", "1").condition_line(1, "Flu", "40%", ["fever", "cough"])
    assert line == "1. Flu (40%) - because you said: fever and cough"


def test_failure_messages_mention_the_emergency_number() -> None:
    copy = Copy("c", "911")
    for text in (
        copy.ask_complaint_again(),
        copy.complaint_still_needed(),
        copy.complaint_not_understood(),
        copy.offer_clinician_not_understood(),
        copy.describe_again(),
        copy.age_not_understood(),
        copy.sex_not_understood(),
        copy.answer_not_understood(),
        copy.answer_still_not_understood(),
        copy.handoff_not_understood(),
        copy.handoff_requested(),
        copy.handoff_waiting(),
        copy.goodbye(),
        copy.goodbye_midway(),
    ):
        assert "911" in text
