"""Action calls recorded from a real Rasa 3.6.21 server (``fixtures/rasa36_call_*.json``), run
through the rasa-sdk 3.21.1 executor exactly as the action server runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from symcheck.actions_server import build_executor
from symcheck.bridge import decode
from symcheck.clinical.interview import InterviewEngine, InterviewState
from symcheck.clinical.interview.protocol import SignalType

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


async def execute(call: dict[str, Any]) -> dict[str, Any]:
    result = await build_executor().run(call)
    assert result is not None
    return result.model_dump()


async def test_recorded_gateway_emergency_trigger(engine: InterviewEngine) -> None:
    call = recorded("rasa36_call_check_red_flags.json")
    assert call["version"] == "3.6.21"
    assert call["tracker"]["latest_message"]["metadata"]["safety"]["rule_ids"] == ["RF-CARD-001"]

    body = await execute(call)
    bridges = [decode(r["custom"]) for r in body["responses"] if r.get("custom")]
    assert len(bridges) == 1
    bridge = bridges[0]
    assert bridge is not None
    assert "RF-CARD-001" in bridge.fired_rule_ids
    assert SignalType.HANDOFF in {s.type for s in bridge.signals}
    [slot] = body["events"]
    assert InterviewState.from_dict(slot["value"]).fired_rule_ids == ("RF-CARD-001",)


async def test_recorded_button_payload_with_entity(engine: InterviewEngine) -> None:
    call = recorded("rasa36_call_button_payload.json")
    assert call["tracker"]["latest_message"]["text"] == '/inform_sex{"sex": "female"}'
    body = await execute(call)
    bridges = [decode(r["custom"]) for r in body["responses"] if r.get("custom")]
    assert len(bridges) == 1
    assert bridges[0] is not None
    # the recorded slot holds the state Rasa had; the button's entity reaches the engine
    assert body["events"][0]["name"] == "interview"
