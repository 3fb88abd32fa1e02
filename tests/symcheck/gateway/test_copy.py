from __future__ import annotations

import pytest

from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.text.validation import CheckedText, InputProblem

COPY = PatientCopy("999", "Riverside Clinic")


@pytest.mark.parametrize(
    "text",
    [COPY.unavailable, COPY.other_language, COPY.waiting_for_clinician, COPY.case_closed],
)
def test_messages_that_leave_a_patient_waiting_name_the_emergency_number(text: str) -> None:
    assert "999" in text


def test_unavailable_starts_with_the_agreed_words() -> None:
    assert COPY.unavailable.startswith(
        "Sorry, I can't answer right now. If this is an emergency, call 999"
    )
    assert "Riverside Clinic" in COPY.unavailable


def test_for_problem() -> None:
    assert COPY.for_problem(CheckedText("", problem=InputProblem.EMPTY)) == COPY.empty
    assert COPY.for_problem(CheckedText("👍", problem=InputProblem.NO_WORDS)) == COPY.no_words
    with pytest.raises(ValueError, match="no problem"):
        COPY.for_problem(CheckedText("fine"))
