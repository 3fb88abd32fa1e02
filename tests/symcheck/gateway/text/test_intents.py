from __future__ import annotations

from symcheck.clinical.interview.protocol import Button
from symcheck.gateway.text.intents import guard_intent

OFFERED = (Button("Yes", "/affirm"), Button("No", "/deny"))


def test_plain_text_passes() -> None:
    guarded = guard_intent("I have a cough", OFFERED)
    assert guarded.text == "I have a cough"
    assert not guarded.is_button


def test_offered_payload_passes_as_a_button() -> None:
    guarded = guard_intent("/affirm", OFFERED)
    assert guarded.text == "/affirm"
    assert guarded.button == Button("Yes", "/affirm")


def test_other_intents_lose_their_slashes() -> None:
    assert guard_intent("/report_emergency", OFFERED).text == "report_emergency"
    assert guard_intent("///restart", OFFERED).text == "restart"
    assert guard_intent('/affirm{"x":1}', OFFERED).text == 'affirm{"x":1}'
    assert guard_intent("/ hello", ()).text == "hello"
    assert guard_intent("/", ()).text == ""


def test_nothing_offered() -> None:
    assert guard_intent("/affirm", ()).text == "affirm"
