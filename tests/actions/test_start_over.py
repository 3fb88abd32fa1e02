"""action_start_over: a new assessment clears what was known."""

from __future__ import annotations

from actions.interview import ActionInterviewTurn
from actions.start_over import ActionStartOver
from symcheck.clinical.interview import InterviewEngine, InterviewState, Phase
from tests.actions.conftest import run_action, tracker_dict


async def test_start_over_clears_the_interview(engine: InterviewEngine) -> None:
    run = await run_action(
        ActionInterviewTurn(), tracker_dict("headache and fever", "report_symptom")
    )
    run = await run_action(
        ActionInterviewTurn(), tracker_dict("34", "inform_age", interview=run.interview)
    )
    assert run.bridge.facts.age_years == 34

    run = await run_action(
        ActionStartOver(),
        tracker_dict("start over", "restart_conversation", interview=run.interview),
    )
    assert run.texts
    state = InterviewState.from_dict(run.interview)
    assert state.phase is Phase.COMPLAINT
    assert state.facts.findings == {}
    assert run.bridge.facts.age_years is None
    assert run.bridge.signals == ()
