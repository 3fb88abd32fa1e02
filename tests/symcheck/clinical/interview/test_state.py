"""The interview state round-trips through JSON and rejects what it cannot read."""

from __future__ import annotations

import json

import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.protocol import HandoffReason
from symcheck.clinical.interview.state import (
    MAX_TEXT_CHARS,
    MAX_TEXTS,
    AnswerRecord,
    ConditionResult,
    InterviewState,
    Offer,
    Phase,
    ResultRecord,
    StateError,
)
from symcheck.clinical.patient import Observation, Onset, PatientFacts, Sex


def full_state() -> InterviewState:
    facts = PatientFacts(age_years=0.5, sex=Sex.FEMALE, pregnant=None).with_observations(
        {
            "fever": Observation(True, duration_hours=72, severity=8, onset=Onset.SUDDEN),
            "cough": Observation(False),
            "rash": Observation(None),
        }
    )
    return InterviewState(
        phase=Phase.HANDOFF,
        consent_shown=True,
        facts=facts,
        chief_complaint=("fever",),
        asked=("cough", "rash"),
        current=None,
        answers=(
            AnswerRecord("cough", {"cough": None}),
            AnswerRecord(None, {"rash": Observation(True)}),
        ),
        questions_asked=2,
        danger_asked=1,
        fired_rule_ids=("RF-PAED-001",),
        result=ResultRecord(
            Disposition.EMERGENCY,
            (ConditionResult("influenza", 0.5, ("fever",)),),
            unexplained=0.1,
            low_confidence=True,
            decided_by=("RF-PAED-001",),
        ),
        complaint_attempts=1,
        unclear_attempts=1,
        offer=Offer.CLINICIAN,
        demographics_done=("age",),
        handoff_reason=HandoffReason.RED_FLAG,
        handoff_disposition=Disposition.EMERGENCY,
        texts=("my baby has a fever",),
    )


@pytest.mark.parametrize("state", [InterviewState(), full_state()])
def test_json_round_trip(state: InterviewState) -> None:
    stored = json.dumps(state.to_dict())
    assert InterviewState.from_dict(json.loads(stored)) == state


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"version": 99},
        {"version": 1, "phase": "nonsense"},
        {"version": 1, "result": {"disposition": "later"}},
        {"version": 1, "facts": {"sex": "other"}},
    ],
)
def test_unreadable_states_raise(data: dict[str, object]) -> None:
    with pytest.raises(StateError):
        InterviewState.from_dict(data)


def test_texts_are_capped() -> None:
    state = InterviewState()
    for i in range(MAX_TEXTS + 3):
        state = state.with_text(f"message {i} " + "x" * 1000)
    assert len(state.texts) == MAX_TEXTS
    assert state.texts[-1].startswith(f"message {MAX_TEXTS + 2}")
    assert all(len(t) <= MAX_TEXT_CHARS for t in state.texts)
    assert state.with_text("   ") == state


def test_states_stored_before_the_danger_budget_still_load() -> None:
    data = full_state().to_dict()
    del data["danger_asked"]
    assert InterviewState.from_dict(data).danger_asked == 0
