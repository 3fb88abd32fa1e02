"""Reading a tracker into an engine turn, and the slot into a state."""

from __future__ import annotations

import logging

import pytest

from actions.base import act_for_intent, entities_of, load_state, safety_of, turn_from_message
from symcheck.actions_server import build_executor
from symcheck.clinical.interview import InterviewEngine
from symcheck.clinical.interview.protocol import INTENT_ACTS, Act
from symcheck.gateway.logsafe import ref
from tests.actions.conftest import tracker_dict


@pytest.mark.parametrize(("intent", "act"), sorted(INTENT_ACTS.items()))
def test_every_domain_intent_has_an_act(intent: str, act: Act) -> None:
    assert act_for_intent(intent) is act


@pytest.mark.parametrize("intent", [None, "", "restart", "something_new"])
def test_unknown_intents_are_unclear(intent: str | None) -> None:
    assert act_for_intent(intent) is Act.UNCLEAR


def test_turn_from_a_typed_message() -> None:
    message = tracker_dict(
        "i'm 34, female",
        "inform_age",
        confidence=0.81,
        entities=[
            {"entity": "age", "value": "34", "start": 4, "end": 6},
            {"entity": "sex", "value": "female", "start": 8, "end": 14},
            {"entity": "age", "value": "35"},
        ],
    )["latest_message"]
    turn = turn_from_message(message)
    assert turn.act is Act.INFORM
    assert turn.text == "i'm 34, female"
    assert turn.confidence == pytest.approx(0.81)
    assert turn.entities == {"age": "34", "sex": "female"}
    assert turn.safety_rule_ids == ()


def test_forced_act_wins_over_the_intent() -> None:
    message = tracker_dict("i need a person", "report_symptom")["latest_message"]
    assert turn_from_message(message, Act.REQUEST_HUMAN).act is Act.REQUEST_HUMAN


def test_gateway_safety_metadata_replaces_the_trigger_text() -> None:
    message = tracker_dict(
        "/report_emergency",
        "report_emergency",
        confidence=1.0,
        metadata={"safety": {"rule_ids": ["RF-CARD-001"], "text": "crushing chest pain"}},
    )["latest_message"]
    turn = turn_from_message(message)
    assert turn.act is Act.EMERGENCY
    assert turn.text == "crushing chest pain"
    assert turn.safety_rule_ids == ("RF-CARD-001",)


@pytest.mark.parametrize(
    "metadata",
    [{}, {"safety": None}, {"safety": "x"}, {"safety": {"rule_ids": None}}, {"other": 1}],
)
def test_missing_or_odd_safety_metadata(metadata: dict) -> None:
    assert safety_of({"metadata": metadata}) == ((), None)


def test_empty_message() -> None:
    turn = turn_from_message(None)
    assert turn.act is Act.UNCLEAR
    assert turn.text == ""
    assert turn.confidence == 1.0


def test_entities_ignore_malformed_items() -> None:
    assert entities_of({"entities": ["x", {"entity": "age"}, {"value": 3}]}) == {}


def test_load_state(engine: InterviewEngine) -> None:
    assert load_state(engine, None, "c") == engine.new_state()
    assert load_state(engine, {}, "c") == engine.new_state()
    assert load_state(engine, {"version": 999, "phase": "nonsense"}, "c") == engine.new_state()
    state = engine.new_state()
    assert load_state(engine, state.to_dict(), "c") == state


CONVERSATION_ID = "3d2c1b0a-9f8e-4d7c-a6b5-c4d3e2f1a0b9"


def _rendered(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        record.getMessage()
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )


async def test_logs_carry_a_reference_never_the_conversation_id(
    engine: InterviewEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """The sender id is the patient's conversation id, the only key to their transcript."""
    caplog.set_level(logging.DEBUG)
    executor = build_executor()
    slot = None
    for action, text, intent, metadata in [
        ("action_interview_turn", "hello", "greet", None),
        ("action_interview_turn", "i have a headache", "report_symptom", None),
        ("action_interview_turn", "no idea", "dont_know", None),
        (
            "action_check_red_flags",
            "/report_emergency",
            "report_emergency",
            {"safety": {"rule_ids": ["RF-CARD-001"], "text": "crushing chest pain"}},
        ),
        ("action_request_handoff", "a person please", "request_human", None),
        ("action_start_over", "start again", "restart_conversation", None),
    ]:
        call = {
            "next_action": action,
            "sender_id": CONVERSATION_ID,
            "tracker": tracker_dict(
                text, intent, metadata=metadata, interview=slot, sender_id=CONVERSATION_ID
            ),
            "domain": {},
            "version": "3.6.21",
        }
        result = await executor.run(call)
        assert result is not None
        slot = result.model_dump()["events"][0]["value"]
    # and an unreadable slot (logged as a warning)
    load_state(engine, {"version": 999, "phase": "nonsense"}, CONVERSATION_ID)

    rendered = _rendered(caplog)
    assert f"conversation_ref={ref(CONVERSATION_ID)}" in rendered
    assert "unreadable" in rendered
    assert CONVERSATION_ID not in rendered
    assert CONVERSATION_ID.replace("-", "") not in rendered
