"""action_request_handoff: the patient asks for a person at any point."""

from __future__ import annotations

from actions.handoff import ActionRequestHandoff
from actions.interview import ActionInterviewTurn
from symcheck.clinical.interview import InterviewEngine, InterviewState, Phase
from symcheck.clinical.interview.protocol import HandoffReason, SignalType
from tests.actions.conftest import run_action, tracker_dict


async def test_handoff_at_the_start(engine: InterviewEngine) -> None:
    run = await run_action(
        ActionRequestHandoff(), tracker_dict("can i talk to a doctor", "request_human")
    )
    assert run.texts
    [signal] = [s for s in run.bridge.signals if s.type is SignalType.HANDOFF]
    assert signal.reason is HandoffReason.PATIENT_REQUEST
    assert signal.disposition is not None
    assert InterviewState.from_dict(run.interview).phase is Phase.HANDOFF


async def test_handoff_mid_interview_keeps_what_was_said(engine: InterviewEngine) -> None:
    run = await run_action(
        ActionInterviewTurn(), tracker_dict("headache and fever", "report_symptom")
    )
    run = await run_action(
        ActionRequestHandoff(),
        tracker_dict("human please", "request_human", interview=run.interview),
    )
    assert run.bridge.facts.is_present("headache")
    assert any(s.type is SignalType.HANDOFF for s in run.bridge.signals)


async def test_asking_again_while_waiting_sends_no_second_handoff(
    engine: InterviewEngine,
) -> None:
    first = await run_action(ActionRequestHandoff(), tracker_dict("human", "request_human"))
    again = await run_action(
        ActionRequestHandoff(), tracker_dict("human!!", "request_human", interview=first.interview)
    )
    assert again.texts
    assert not any(s.type is SignalType.HANDOFF for s in again.bridge.signals)
