"""action_check_red_flags: gateway-fired rules and NLU-detected emergencies."""

from __future__ import annotations

from actions.interview import ActionInterviewTurn
from actions.red_flags import ActionCheckRedFlags
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview import InterviewEngine, InterviewState, Phase
from symcheck.clinical.interview.protocol import HandoffReason, SignalType
from tests.actions.conftest import run_action, tracker_dict

SAFETY = {"safety": {"rule_ids": ["RF-CARD-001"], "text": "crushing chest pain"}}


async def test_gateway_trigger_mid_interview_gives_emergency_advice(
    engine: InterviewEngine,
) -> None:
    run = await run_action(
        ActionInterviewTurn(), tracker_dict("i have a headache", "report_symptom")
    )
    run = await run_action(
        ActionCheckRedFlags(),
        tracker_dict(
            "/report_emergency",
            "report_emergency",
            confidence=1.0,
            metadata=SAFETY,
            interview=run.interview,
        ),
    )
    assert any("112" in text for text in run.texts)
    bridge = run.bridge
    assert "RF-CARD-001" in bridge.fired_rule_ids
    types = {s.type for s in bridge.signals}
    assert {SignalType.RED_FLAG, SignalType.HANDOFF} <= types
    [handoff] = [s for s in bridge.signals if s.type is SignalType.HANDOFF]
    assert handoff.reason is HandoffReason.RED_FLAG
    assert handoff.disposition is Disposition.EMERGENCY_AMBULANCE
    assert InterviewState.from_dict(run.interview).phase is Phase.HANDOFF
    assert bridge.facts.is_present("crushing_chest_pain")


async def test_nlu_emergency_on_the_first_message(engine: InterviewEngine) -> None:
    run = await run_action(
        ActionCheckRedFlags(),
        tracker_dict("crushing chest pain right now", "report_emergency", confidence=0.9),
    )
    assert run.texts
    assert "RF-CARD-001" in run.bridge.fired_rule_ids


async def test_nlu_emergency_that_no_rule_confirms_still_answers(
    engine: InterviewEngine,
) -> None:
    run = await run_action(
        ActionCheckRedFlags(), tracker_dict("this is an emergency", "report_emergency")
    )
    assert run.texts
    assert run.bridge.fired_rule_ids == ()
