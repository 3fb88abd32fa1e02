"""action_interview_turn with the real engine: replies, one bridge message, the slot."""

from __future__ import annotations

from typing import Any

from actions.handoff import ActionRequestHandoff
from actions.interview import ActionInterviewTurn
from symcheck.clinical.interview import InterviewEngine, InterviewState, Phase
from symcheck.clinical.interview.protocol import HandoffReason, SignalType
from tests.actions.conftest import ActionRun, run_action, tracker_dict


async def say(
    text: str, intent: str | None, interview: dict[str, Any] | None, **kwargs: Any
) -> ActionRun:
    return await run_action(
        ActionInterviewTurn(), tracker_dict(text, intent, interview=interview, **kwargs)
    )


async def test_first_message_shows_consent_and_asks_for_the_complaint(
    engine: InterviewEngine,
) -> None:
    run = await say("hello", "greet", None)
    assert len(run.texts) >= 1
    assert "symptom checker" in run.texts[0]
    assert run.bridge.summary.phase == Phase.COMPLAINT.value
    assert run.bridge.signals == ()
    state = InterviewState.from_dict(run.interview)
    assert state.consent_shown
    assert state.phase is Phase.COMPLAINT
    # bridge message last, after every visible reply
    assert run.messages[-1].get("custom")
    assert all(m["text"] for m in run.messages[:-1])


async def test_a_whole_interview_to_the_result(engine: InterviewEngine) -> None:
    run = await say("hi", "greet", None)
    slot = run.interview
    run = await say("i have a headache and a fever since yesterday", "report_symptom", slot)
    assert InterviewState.from_dict(run.interview).phase is Phase.AGE
    assert run.bridge.facts.is_present("headache")
    run = await say(
        "i'm 34", "inform_age", run.interview, entities=[{"entity": "age", "value": "34"}]
    )
    assert run.bridge.facts.age_years == 34
    # sex is asked with buttons whose payloads carry the entity
    payloads = [b["payload"] for m in run.visible for b in m.get("buttons") or ()]
    assert '/inform_sex{"sex": "male"}' in payloads
    run = await say(
        '/inform_sex{"sex": "male"}',
        "inform_sex",
        run.interview,
        entities=[{"entity": "sex", "value": "male"}],
    )
    assert run.bridge.facts.sex is not None
    assert run.bridge.facts.sex.value == "male"

    slot = run.interview
    for _ in range(20):  # answer "no" until the result
        state = InterviewState.from_dict(slot)
        if state.phase is not Phase.QUESTIONS:
            break
        buttons = [b["payload"] for m in run.visible for b in m.get("buttons") or ()]
        assert "/deny" in buttons
        run = await say("/deny", "deny", slot)
        slot = run.interview
    state = InterviewState.from_dict(slot)
    assert state.phase is Phase.RESULT
    assert state.result is not None
    assert run.bridge.summary.disposition == state.result.disposition.value
    assert SignalType.RESULT in {s.type for s in run.bridge.signals}

    # offer accepted: the patient asks for a clinician
    run = await run_action(
        ActionRequestHandoff(), tracker_dict("/request_human", "request_human", interview=slot)
    )
    [handoff] = [s for s in run.bridge.signals if s.type is SignalType.HANDOFF]
    assert handoff.reason is HandoffReason.PATIENT_REQUEST


async def test_unclear_input_still_gets_an_answer(engine: InterviewEngine) -> None:
    run = await say("hi", "greet", None)
    run = await say("blorp wibble", "nlu_fallback", run.interview, confidence=0.2)
    assert run.texts
    assert run.bridge is not None


async def test_out_of_scope_and_help_keep_the_phase(engine: InterviewEngine) -> None:
    run = await say("hi", "greet", None)
    slot = run.interview
    for text, intent in (("tell me a joke", "out_of_scope"), ("how does this work", "ask_help")):
        run = await say(text, intent, slot)
        assert run.texts
        assert InterviewState.from_dict(run.interview).phase is Phase.COMPLAINT


async def test_a_correction_undoes_the_last_answer(engine: InterviewEngine) -> None:
    run = await say("i have a headache and a fever", "report_symptom", None)
    run = await say("34", "inform_age", run.interview)
    run = await say("female", "inform_sex", run.interview)
    run = await say("no", "deny", run.interview)  # pregnancy, or the first question
    before = InterviewState.from_dict(run.interview)
    run = await say("i made a mistake", "correct_answer", run.interview)
    assert run.texts
    after = InterviewState.from_dict(run.interview)
    assert after != before


async def test_an_unreadable_slot_starts_afresh(engine: InterviewEngine) -> None:
    run = await say("hello", "greet", {"version": 999})
    assert "symptom checker" in run.texts[0]
