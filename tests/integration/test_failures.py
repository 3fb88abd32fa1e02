"""Failure paths with real processes: the patient always gets safe advice; nothing is lost."""

from __future__ import annotations

import pytest

from tests.auxil.web_patient import WebPatient, texts
from tests.conftest import EMERGENCY_NUMBER, LiveStack

pytestmark = pytest.mark.stack


def test_action_server_crash_gives_safe_advice_and_keeps_the_message(
    live_stack: LiveStack, patient: WebPatient
) -> None:
    patient.say("I have a sore throat")
    live_stack.stack.kill("actions")
    try:
        said = texts(patient.say("it started two days ago"))
        assert EMERGENCY_NUMBER in said
        assert "sorry" in said.lower()
        kept = [m["text"] for m in patient.history() if m["author"] == "patient"]
        assert "it started two days ago" in kept
    finally:
        live_stack.stack.restart("actions")
    assert any(m.get("author") == "bot" for m in patient.say("34"))


def test_rasa_down_gives_safe_advice_and_red_flags_still_work(
    live_stack: LiveStack, patient: WebPatient
) -> None:
    patient.say("hello")
    live_stack.stack.kill("rasa")
    try:
        said = texts(patient.say("I have a cough"))
        assert EMERGENCY_NUMBER in said
        emergency = texts(patient.say("I want to kill myself"))
        assert EMERGENCY_NUMBER in emergency
    finally:
        live_stack.stack.restart("rasa")
