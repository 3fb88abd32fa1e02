from __future__ import annotations

import pytest

from symcheck.clinical.rules.models import RedFlagRule
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.text.validation import CheckedText, InputProblem

COPY = PatientCopy("999", "Riverside Clinic")


EVERY_TEXT = [
    COPY.empty,
    COPY.no_words,
    COPY.other_language,
    COPY.truncated(1000),
    COPY.unavailable,
    COPY.waiting_for_clinician,
    COPY.case_closed,
    COPY.safe_advice,
    COPY.erase_prompt,
    COPY.erased,
    COPY.sms_help,
    COPY.opted_in,
    COPY.photo_in_case,
    COPY.photo_no_case,
    COPY.photo_not_kept,
    COPY.telegram_help,
    COPY.help("telegram"),
    COPY.help("sms"),
    COPY.unsupported("edit"),
    COPY.unsupported("voice"),
    COPY.stale_button,
]


@pytest.mark.parametrize("text", EVERY_TEXT)
def test_every_patient_text_names_the_emergency_number(text: str) -> None:
    assert "call 999" in text


def test_nothing_is_left_out_of_the_list_above() -> None:
    names = {
        name
        for name, value in vars(PatientCopy).items()
        if isinstance(value, property) or (callable(value) and not name.startswith("_"))
    }
    assert names == {
        "empty",
        "no_words",
        "other_language",
        "truncated",
        "unavailable",
        "waiting_for_clinician",
        "case_closed",
        "safe_advice",
        "with_safe_advice",
        "emergency",
        "for_problem",
        "erase_prompt",
        "erased",
        "sms_help",
        "opted_in",
        "photo_in_case",
        "photo_no_case",
        "photo_not_kept",
        "telegram_help",
        "help",
        "unsupported",
        "stale_button",
    }, "a new patient text: add it to EVERY_TEXT"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the request body must be UTF-8", "the request body must be UTF-8. "),
        ("Try again later.", "Try again later. "),
        ("", ""),
    ],
)
def test_with_safe_advice_appends_the_advice(text: str, expected: str) -> None:
    assert COPY.with_safe_advice(text) == expected + "If this is an emergency, call 999 now."


def test_with_safe_advice_does_not_repeat_it() -> None:
    assert COPY.with_safe_advice(COPY.unavailable) == COPY.unavailable


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


def _rule(advice: str) -> RedFlagRule:
    return RedFlagRule.model_validate(
        {
            "id": "RF-TEST-001",
            "title": "A test rule",
            "when": "fever",
            "disposition": "emergency",
            "advice": advice,
            "rationale": "for the test only",
            "source": "test suite",
            "cases": {"fire": [{"text": "fever"}], "near_miss": [{"text": "cough"}]},
        }
    )


def test_emergency_advice_always_names_the_number() -> None:
    go = _rule("Go to the emergency department now: this needs a doctor today.")
    text = COPY.emergency([go])
    assert text.startswith("Go to the emergency department now")
    assert text.endswith("If you cannot get there safely, or you get worse, call 999 now.")


def test_emergency_advice_that_names_the_number_is_unchanged() -> None:
    call = _rule("Call {emergency_number} now. Do not drive yourself.")
    assert COPY.emergency([call]) == "Call 999 now. Do not drive yourself."


def test_the_stale_button_notice_fits_a_telegram_callback_answer() -> None:
    assert len(PatientCopy("999", "A" * 80).stale_button) <= 200
