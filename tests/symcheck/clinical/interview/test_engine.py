"""Whole interviews, turn by turn, on the small fixture knowledge base."""

from __future__ import annotations

from dataclasses import replace

import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.clinical.interview.protocol import Act, HandoffReason, SignalType, Turn
from symcheck.clinical.interview.state import Offer, Phase
from symcheck.clinical.patient import Sex
from symcheck.clinical.questions import DANGER_BUDGET
from tests.symcheck.clinical.interview.conftest import (
    CLINIC,
    NUMBER,
    Chat,
    last_reply,
    signals,
    texts,
)

YES_NO_PAYLOADS = ("/affirm", "/deny", "/dont_know")


def adult_man(chat: Chat, complaint: str) -> None:
    chat.describe(f"I'm a 30 year old man. {complaint}")


# -- consent and complaint ---------------------------------------------------------------------


def test_consent_is_shown_once_then_the_main_problem_is_asked(chat: Chat) -> None:
    first = chat.send(Act.GREET, "hi")
    assert "automated symptom checker" in first.replies[0].text
    assert CLINIC in first.replies[0].text
    assert NUMBER in first.replies[0].text
    assert "not a diagnosis" in first.replies[0].text
    assert "main problem" in last_reply(first).text
    assert chat.state.consent_shown
    assert chat.state.phase is Phase.COMPLAINT
    second = chat.describe("I have a cough")
    assert "automated symptom checker" not in texts(second)


def test_a_first_message_with_symptoms_goes_straight_on(chat: Chat) -> None:
    result = chat.describe("I have a cough and a runny nose")
    assert "automated symptom checker" in result.replies[0].text
    assert chat.state.chief_complaint == ("cough", "runny_nose")
    assert chat.state.phase is Phase.AGE
    assert "How old" in last_reply(result).text


def test_demographics_in_free_text_are_not_asked_again(chat: Chat) -> None:
    result = chat.describe("I'm a 30 year old man with tummy ache and diarrhoea")
    assert chat.state.facts.age_years == 30
    assert chat.state.facts.sex is Sex.MALE
    assert chat.state.phase is Phase.QUESTIONS
    reply = last_reply(result)
    assert reply.text == chat.engine.kb.findings[chat.state.current].question
    assert tuple(b.payload for b in reply.buttons) == YES_NO_PAYLOADS
    assert [b.title for b in reply.buttons] == ["Yes", "No", "Don't know"]


def test_unrecognised_complaints_reprompt_then_offer_a_clinician(chat: Chat) -> None:
    first = chat.describe("blah blah")
    assert "For example" in last_reply(first).text
    assert not first.signals
    second = chat.send(Act.UNCLEAR, "something is off")
    assert "clinician" in last_reply(second).text
    assert NUMBER in last_reply(second).text
    assert [b.payload for b in last_reply(second).buttons] == ["/affirm", "/deny"]
    assert not second.signals  # only if they accept
    accepted = chat.yes()
    [handoff] = signals(accepted, SignalType.HANDOFF)
    assert handoff.reason is HandoffReason.NOT_UNDERSTOOD
    # Unassessed: not at the bottom of the queue (at least consultation_24).
    assert handoff.disposition is Disposition.CONSULTATION_24
    assert chat.state.phase is Phase.HANDOFF
    assert NUMBER in texts(accepted)
    summary = chat.engine.summary(chat.state)
    assert summary.extra["assessed"] is False
    assert summary.assessed is False
    assert summary.disposition == "consultation_24"


@pytest.mark.parametrize(
    "messages",
    [
        ["I'm 40", "my husband"],
        ["it's my dad", "my dad, he is 70"],
        ["I'm pregnant", "I'm pregnant, please"],
    ],
)
def test_demographics_without_a_symptom_count_as_failed_attempts(
    chat: Chat, messages: list[str]
) -> None:
    """Saying who the patient is, without a recognised symptom, must not loop forever."""
    for text in messages[:-1]:
        result = chat.describe(text)
        assert NUMBER in last_reply(result).text  # every re-ask gives the emergency number
        assert chat.state.offer is None
        assert not result.signals
    result = chat.describe(messages[-1])
    assert chat.state.offer is Offer.CLINICIAN
    assert "clinician" in last_reply(result).text
    assert NUMBER in last_reply(result).text
    assert [b.payload for b in last_reply(result).buttons] == ["/affirm", "/deny"]
    accepted = chat.yes()
    [handoff] = signals(accepted, SignalType.HANDOFF)
    assert handoff.reason is HandoffReason.NOT_UNDERSTOOD
    assert handoff.disposition is Disposition.CONSULTATION_24


def test_demographics_learned_while_not_understood_are_kept(chat: Chat) -> None:
    chat.describe("I'm 40")
    chat.describe("my husband")
    assert chat.state.facts.age_years == 40
    assert chat.state.facts.sex is Sex.MALE
    chat.no()  # no clinician, thanks
    chat.describe("I have a headache")
    assert chat.state.phase is Phase.QUESTIONS  # age and sex are not asked again


def test_repeated_unrecognised_messages_keep_offering_a_clinician(chat: Chat) -> None:
    texts_sent = [
        "my dad's face has gone droopy on one side",
        "my dad, his words are all slurred",
        "he is 70",
        "please it's my dad",
        "my dad",
    ]
    for number, text in enumerate(texts_sent, start=1):
        result = chat.describe(text)
        reply = last_reply(result)
        assert NUMBER in reply.text
        assert "main problem today" not in reply.text  # never just the bare prompt
        if number >= 2:
            assert chat.state.offer is Offer.CLINICIAN
            assert "clinician" in reply.text


@pytest.mark.parametrize(
    ("act", "text"),
    [(Act.HELP, "how does this work?"), (Act.OUT_OF_SCOPE, "opening hours?"), (Act.GREET, "hi")],
)
def test_help_and_chat_in_the_complaint_phase_count_too(chat: Chat, act: Act, text: str) -> None:
    chat.send(Act.GREET, "hello")  # answered by the consent notice: not counted
    assert chat.state.complaint_attempts == 0
    first = chat.send(act, text)
    assert NUMBER in last_reply(first).text
    assert chat.state.offer is None
    second = chat.send(act, text)
    assert chat.state.offer is Offer.CLINICIAN
    assert NUMBER in last_reply(second).text


def test_declining_the_clinician_lets_the_patient_describe_again(chat: Chat) -> None:
    chat.describe("blah")
    chat.describe("blah blah")
    declined = chat.no()
    assert not declined.signals
    assert "describe" in last_reply(declined).text
    chat.describe("I have a headache")
    assert chat.state.chief_complaint == ("headache",)


def test_describing_instead_of_answering_the_offer_still_works(chat: Chat) -> None:
    chat.describe("blah")
    chat.describe("blah blah")
    chat.describe("actually it's a sore throat")
    assert chat.state.chief_complaint == ("sore_throat",)
    assert chat.state.phase is Phase.AGE


def test_a_correction_before_any_complaint_is_a_complaint(chat: Chat) -> None:
    chat.send(Act.GREET, "hi")
    chat.send(Act.CORRECT, "sorry, I meant I have a sore throat")
    assert chat.state.chief_complaint == ("sore_throat",)


# -- demographics ------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "years"), [("34", 34), ("6 months", 0.5), ("80 years", 80)])
def test_age_answers(chat: Chat, answer: str, years: float) -> None:
    chat.describe("I have a cough")
    chat.send(Act.INFORM, answer)
    assert chat.state.facts.age_years == pytest.approx(years)
    assert chat.state.phase is Phase.SEX


def test_age_rather_not_say_moves_on(chat: Chat) -> None:
    chat.describe("I have a cough")
    result = chat.send(Act.DONT_KNOW, "I'd rather not say")
    assert chat.state.facts.age_years is None
    assert chat.state.phase is Phase.SEX
    assert [b.title for b in last_reply(result).buttons] == ["Female", "Male", "Prefer not to say"]


def test_age_rather_not_say_in_words(chat: Chat) -> None:
    chat.describe("I have a cough")
    chat.send(Act.UNCLEAR, "I'd rather not say")
    assert chat.state.phase is Phase.SEX
    assert chat.state.demographics_done == ("age",)


def test_unclear_age_is_asked_again(chat: Chat) -> None:
    chat.describe("I have a cough")
    result = chat.send(Act.UNCLEAR, "old enough")
    assert chat.state.phase is Phase.AGE
    assert "number" in result.replies[0].text
    assert "How old" in last_reply(result).text


def test_age_entity_from_rasa_is_used(chat: Chat) -> None:
    chat.describe("I have a cough")
    chat.send(Act.INFORM, "I turned 34 last week", entities={"age": "34"})
    assert chat.state.facts.age_years == 34


def test_sex_button_payload_and_pregnancy_question(chat: Chat) -> None:
    chat.describe("I have tummy ache")
    chat.send(Act.INFORM, "30")
    result = chat.send(Act.INFORM, '/inform_sex{"sex": "female"}')
    assert chat.state.facts.sex is Sex.FEMALE
    assert chat.state.phase is Phase.PREGNANCY
    assert [b.title for b in last_reply(result).buttons] == ["Yes", "No", "Not sure"]
    chat.no()
    assert chat.state.facts.pregnant is False
    assert chat.state.phase is Phase.QUESTIONS


@pytest.mark.parametrize("opening", ["I'm a 60 year old woman", "I'm a 30 year old man"])
def test_no_pregnancy_question_outside_12_to_55_or_for_men(chat: Chat, opening: str) -> None:
    chat.describe(f"{opening} with tummy ache")
    assert chat.state.phase is Phase.QUESTIONS


def test_pregnancy_stated_in_text_is_not_asked(chat: Chat) -> None:
    chat.describe("I'm pregnant, aged 28, with tummy ache")
    assert chat.state.facts.pregnant is True
    assert chat.state.facts.sex is Sex.FEMALE
    assert chat.state.phase is Phase.QUESTIONS


# -- questions ---------------------------------------------------------------------------------


def test_free_text_answer_with_explicit_mentions(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    asked = chat.state.current
    assert asked is not None
    name = chat.engine.kb.findings[asked].synonyms[0]
    other = "sore throat" if asked != "sore_throat" else "runny nose"
    chat.send(Act.DENY, f"no {name} but a {other}")
    facts = chat.state.facts
    assert facts.is_absent(asked)
    assert facts.is_present(chat.engine.extractor.extract(other).present_ids[0])
    assert chat.state.questions_asked == 1
    assert chat.state.asked == (asked,)


def test_explicit_mention_beats_the_act(chat: Chat) -> None:
    adult_man(chat, "I have a cough")
    asked = chat.state.current
    assert asked is not None
    phrase = chat.engine.kb.findings[asked].synonyms[0]
    chat.send(Act.AFFIRM, f"yes but no {phrase}")
    assert chat.state.facts.is_absent(asked)


def test_yes_with_a_duration_is_recorded(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    asked = chat.state.current
    chat.send(Act.AFFIRM, "yes, for 3 days")
    assert chat.state.facts.findings[asked].duration_hours == 72


def test_unclear_answers_are_asked_again_with_buttons(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    asked = chat.state.current
    first = chat.send(Act.UNCLEAR, "purple")
    assert "didn't understand" in first.replies[0].text
    assert chat.state.current == asked
    assert tuple(b.payload for b in last_reply(first).buttons) == YES_NO_PAYLOADS
    second = chat.send(Act.UNCLEAR, "banana")
    assert "clinician" in second.replies[0].text
    assert chat.state.current == asked
    assert chat.state.questions_asked == 0


def test_help_and_greetings_mid_interview_repeat_the_question(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    question = chat.engine.kb.findings[chat.state.current].question
    helped = chat.send(Act.HELP, "what is this?")
    assert "start over" in helped.replies[0].text
    assert last_reply(helped).text == question
    greeted = chat.send(Act.GREET, "hello")
    assert last_reply(greeted).text == question
    off_topic = chat.send(Act.OUT_OF_SCOPE, "what's the weather")
    assert CLINIC in off_topic.replies[0].text
    assert last_reply(off_topic).text == question


def test_goodbye_mid_interview_keeps_the_state(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    before = chat.state
    result = chat.send(Act.GOODBYE, "bye")
    assert NUMBER in texts(result)
    assert chat.state.phase is before.phase
    assert chat.state.current == before.current
    chat.yes()
    assert chat.state.questions_asked == 1


# -- red flags ---------------------------------------------------------------------------------


def test_a_red_flag_interrupts_mid_interview(chat: Chat) -> None:
    chat.describe("I'm a 55 year old man. I have chest pain")
    assert chat.state.current in ("sweating", "crushing_chest_pain")  # danger signs first
    result = chat.send(Act.DESCRIBE, "I'm sweating and the chest feels heavy")
    assert len(result.replies) == 1
    text = result.replies[0].text
    assert f"Call {NUMBER} now" in text
    assert "I have alerted a clinician" in text
    assert "While you wait" in text
    [flag] = signals(result, SignalType.RED_FLAG)
    [handoff] = signals(result, SignalType.HANDOFF)
    assert flag.rule_ids == ("RF-CARD-001",)
    assert flag.disposition is Disposition.EMERGENCY_AMBULANCE
    assert handoff.reason is HandoffReason.RED_FLAG
    assert handoff.disposition is Disposition.EMERGENCY_AMBULANCE
    assert chat.state.phase is Phase.HANDOFF
    assert chat.state.fired_rule_ids == ("RF-CARD-001",)
    assert chat.state.result is not None
    assert chat.state.result.disposition is Disposition.EMERGENCY_AMBULANCE
    assert chat.state.result.conditions  # scored so far


def test_a_red_flag_interrupt_gives_the_rules_disposition(chat: Chat) -> None:
    # The meningitis rule says the emergency department. The conditions scored on this first
    # message (meningitis, in pregnancy) would say an ambulance, but a first message is too
    # thin to overrule the agreed response to the pattern: the rules decide an interrupt.
    result = chat.describe("I'm 30 and pregnant, I have a headache, a fever and a stiff neck")
    estimate = chat.engine.estimate(chat.state).decision
    assert estimate.disposition is Disposition.EMERGENCY_AMBULANCE
    [flag] = signals(result, SignalType.RED_FLAG)
    assert flag.rule_ids == ("RF-NEURO-001",)
    assert flag.disposition is Disposition.EMERGENCY
    assert chat.state.result is not None
    assert chat.state.result.disposition is Disposition.EMERGENCY
    assert chat.state.result.decided_by == ("RF-NEURO-001",)
    assert "emergency department" in last_reply(result).text


def test_a_red_flag_in_the_first_message_keeps_the_consent(chat: Chat) -> None:
    result = chat.describe("crushing chest pain")
    assert "automated symptom checker" in result.replies[0].text
    assert f"Call {NUMBER}" in result.replies[1].text
    assert len(result.replies) == 2


def test_red_flags_fire_on_demographic_answers(chat: Chat) -> None:
    chat.describe("my baby has a fever")
    result = chat.send(Act.INFORM, "6 weeks")
    assert signals(result, SignalType.RED_FLAG)[0].rule_ids == ("RF-PAED-001",)
    assert chat.state.phase is Phase.HANDOFF


def test_the_emergency_act_with_gateway_rules(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    result = chat.send(Act.EMERGENCY, "stiff neck and a fever", safety_rule_ids=("RF-NEURO-001",))
    assert signals(result, SignalType.RED_FLAG)[0].rule_ids == ("RF-NEURO-001",)
    assert "emergency department" in result.replies[0].text
    assert chat.state.phase is Phase.HANDOFF


def test_gateway_rules_are_honoured_even_if_the_engine_does_not_reproduce_them(
    chat: Chat,
) -> None:
    adult_man(chat, "I have a headache")
    result = chat.send(Act.EMERGENCY, "help", safety_rule_ids=("RF-CARD-001", "RF-NOPE-999"))
    assert signals(result, SignalType.RED_FLAG)[0].rule_ids == ("RF-CARD-001",)
    assert chat.state.phase is Phase.HANDOFF


def test_an_emergency_guess_without_rules_continues_the_interview(chat: Chat) -> None:
    result = chat.send(Act.EMERGENCY, "I think it's an emergency, my throat hurts")
    assert not result.signals
    assert f"If you think this could be an emergency, call {NUMBER} now" in texts(result)
    assert chat.state.chief_complaint == ("sore_throat",)
    assert chat.state.phase is Phase.AGE


def test_a_non_emergency_rule_sets_a_floor_without_interrupting(chat: Chat) -> None:
    adult_man(chat, "I've had a fever for 6 days")
    assert chat.state.fired_rule_ids == ("RF-GEN-001",)
    assert chat.state.phase is Phase.QUESTIONS
    result = chat.answer_until_done({}, default=False)
    assert chat.state.result is not None
    assert chat.state.result.disposition.urgency >= Disposition.CONSULTATION_24.urgency
    assert "RF-GEN-001" in chat.state.result.decided_by or signals(result, SignalType.RESULT)


# -- corrections, start over, request human ----------------------------------------------------


def test_correction_with_findings_applies_them(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    chat.no()
    result = chat.send(Act.CORRECT, "sorry, I do have a sore throat")
    assert "updated" in result.replies[0].text
    assert "sore throat: yes" in result.replies[0].text
    assert chat.state.facts.is_present("sore_throat")
    assert chat.state.phase is Phase.QUESTIONS


def test_correction_without_findings_undoes_the_last_answer(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    first = chat.state.current
    assert first is not None
    chat.yes()
    assert chat.state.facts.is_present(first)
    assert chat.state.questions_asked == 1
    result = chat.send(Act.CORRECT, "I made a mistake")
    assert chat.state.current == first
    assert first not in chat.state.facts.findings
    assert chat.state.questions_asked == 0
    assert chat.state.asked == ()
    assert last_reply(result).text == chat.engine.kb.findings[first].question
    chat.no()
    assert chat.state.facts.is_absent(first)


def test_undo_restores_implied_findings_too(chat: Chat) -> None:
    chat.describe("I'm 40, male, with vomiting")
    before = dict(chat.state.facts.findings)
    chat.send(Act.CORRECT, "actually no tummy ache")
    assert chat.state.facts.is_absent("abdominal_pain")
    assert chat.state.facts.is_absent("right_lower_abdominal_pain")
    chat.send(Act.CORRECT, "I made a mistake")
    assert dict(chat.state.facts.findings) == before


def test_correction_with_nothing_to_undo(chat: Chat) -> None:
    chat.describe("I have a cough")
    result = chat.send(Act.CORRECT, "oops")
    assert "no earlier answer" in result.replies[0].text
    assert "How old" in last_reply(result).text


@pytest.mark.parametrize(
    ("text", "present"), [("no idea sorry", None), ("nope", False), ("yes", True)]
)
def test_a_plain_answer_read_as_a_correction_answers_the_question(
    chat: Chat, text: str, present: bool | None
) -> None:
    """The NLU sometimes labels plain answers correct_answer; they must not undo anything."""
    adult_man(chat, "I have a headache")
    first = chat.state.current
    assert first is not None
    chat.yes()
    pending = chat.state.current
    assert pending is not None
    result = chat.send(Act.CORRECT, text)
    assert chat.state.facts.is_present(first)  # the earlier answer stands
    assert chat.state.facts.findings[pending].present is present
    assert chat.state.questions_asked == 2
    assert "go back" not in texts(result)


def test_an_answer_with_a_correction_cue_is_still_a_correction(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    first = chat.state.current
    chat.yes()
    chat.send(Act.CORRECT, "no, I made a mistake")
    assert chat.state.current == first
    assert first not in chat.state.facts.findings  # undone


def test_a_plain_answer_read_as_a_correction_answers_the_pregnancy_question(chat: Chat) -> None:
    chat.describe("I have tummy ache")
    chat.send(Act.INFORM, "30")
    chat.send(Act.INFORM, '/inform_sex{"sex": "female"}')
    assert chat.state.phase is Phase.PREGNANCY
    chat.send(Act.CORRECT, "nope")
    assert chat.state.facts.pregnant is False
    assert chat.state.phase is Phase.QUESTIONS


def test_a_plain_no_read_as_a_correction_after_the_result_closes(chat: Chat) -> None:
    finish_cold(chat)
    result = chat.state.result
    chat.send(Act.CORRECT, "nope")
    assert chat.state.phase is Phase.CLOSED
    assert chat.state.result == result


def test_a_statement_about_another_finding_does_not_answer_the_question(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    pending = chat.state.current
    assert pending is not None
    assert pending != "sore_throat"
    result = chat.send(Act.DENY, "I don't have a sore throat")
    assert chat.state.facts.is_absent("sore_throat")
    assert "noted: sore throat: no" in result.replies[0].text
    assert pending not in chat.state.facts.findings
    assert chat.state.current == pending
    assert last_reply(result).text == chat.engine.kb.findings[pending].question
    chat.send(Act.DENY, "no, but I do have a sore throat")
    assert chat.state.facts.is_absent(pending)
    assert chat.state.facts.is_present("sore_throat")


def test_correcting_the_age(chat: Chat) -> None:
    adult_man(chat, "I have a cough")
    result = chat.send(Act.CORRECT, "sorry, I'm 45 years old")
    assert chat.state.facts.age_years == 45
    assert "age: 45" in result.replies[0].text


def test_start_over(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    chat.yes()
    result = chat.send(Act.START_OVER, "start again")
    assert "automated symptom checker" not in texts(result)
    assert "main problem" in last_reply(result).text
    assert chat.state.consent_shown
    assert chat.state.phase is Phase.COMPLAINT
    assert not chat.state.facts.findings
    assert chat.state.questions_asked == 0


def test_start_over_with_a_new_problem_in_the_same_message(chat: Chat) -> None:
    adult_man(chat, "I have a headache")
    chat.send(Act.START_OVER, "let's start again, I have diarrhoea")
    assert chat.state.chief_complaint == ("diarrhoea",)
    assert chat.state.phase is Phase.AGE


def test_request_human_mid_interview(chat: Chat) -> None:
    adult_man(chat, "I have a cough")
    result = chat.send(Act.REQUEST_HUMAN, "can I talk to a real person")
    [handoff] = signals(result, SignalType.HANDOFF)
    assert handoff.reason is HandoffReason.PATIENT_REQUEST
    assert handoff.disposition is not None
    assert handoff.disposition.urgency >= Disposition.CONSULTATION.urgency
    assert NUMBER in texts(result)
    assert "clinician" in texts(result)
    assert chat.state.phase is Phase.HANDOFF
    again = chat.send(Act.REQUEST_HUMAN, "hello??")
    assert not again.signals
    assert "clinician" in texts(again)


def test_request_human_before_a_result_is_at_least_consultation_24(chat: Chat) -> None:
    adult_man(chat, "I have tummy ache and diarrhoea")
    assert chat.state.phase is Phase.QUESTIONS  # no result yet
    assert chat.engine.estimate(chat.state).decision.disposition is Disposition.SELF_CARE
    result = chat.send(Act.REQUEST_HUMAN, "can I talk to a real person")
    [handoff] = signals(result, SignalType.HANDOFF)
    assert handoff.disposition is Disposition.CONSULTATION_24
    summary = chat.engine.summary(chat.state)
    assert summary.extra["assessed"] is False
    assert summary.disposition == "consultation_24"


def test_request_human_before_a_result_keeps_a_more_urgent_estimate(chat: Chat) -> None:
    adult_man(chat, "I have tummy ache, pain in the lower right side and I am throwing up")
    estimate = chat.engine.estimate(chat.state).decision.disposition
    assert estimate.is_emergency
    result = chat.send(Act.REQUEST_HUMAN, "I want a doctor")
    assert signals(result, SignalType.HANDOFF)[0].disposition is estimate


def test_request_human_as_the_first_message(chat: Chat) -> None:
    result = chat.send(Act.REQUEST_HUMAN, "I want a doctor")
    assert "automated symptom checker" in result.replies[0].text
    # Nobody has assessed this patient: at least consultation_24.
    assert signals(result, SignalType.HANDOFF)[0].disposition is Disposition.CONSULTATION_24
    assert chat.engine.summary(chat.state).extra["assessed"] is False


# -- result ------------------------------------------------------------------------------------


def finish_cold(chat: Chat) -> None:
    adult_man(chat, "I have a cough, a runny nose and a sore throat")
    chat.answer_until_done({}, default=False)


def test_result_with_top_conditions_and_supporting_findings(chat: Chat) -> None:
    finish_cold(chat)
    result = chat.last
    assert result is not None
    assert chat.state.phase is Phase.RESULT
    [signal] = signals(result, SignalType.RESULT)
    assert signal.disposition is Disposition.SELF_CARE
    all_text = texts(result)
    headline, conditions, closing = result.replies[-3:]
    assert headline.text.startswith("You can look after this at home.")
    assert "Rest" in headline.text  # the condition's advice
    assert conditions.text.startswith("What might be causing it:")
    assert "If you get worse" in closing.text
    assert "1. Common cold (" in all_text
    assert "%) - because you said: runny nose" in all_text
    assert "not a diagnosis" in all_text
    assert "If you get worse" in all_text
    assert NUMBER in all_text
    assert [b.payload for b in last_reply(result).buttons] == ["/affirm", "/deny"]
    assert chat.state.result is not None
    assert chat.state.result.conditions[0].condition_id == "common_cold"
    assert not signals(result, SignalType.HANDOFF)


def test_an_emergency_result_goes_to_the_clinician_queue(chat: Chat) -> None:
    adult_man(chat, "I have tummy ache, pain in the lower right side and I am throwing up")
    result = chat.answer_until_done({"vomiting": True, "fever": True}, default=False)
    [outcome] = signals(result, SignalType.RESULT)
    assert outcome.disposition is not None
    assert outcome.disposition.is_emergency
    [handoff] = signals(result, SignalType.HANDOFF)
    assert handoff.reason is HandoffReason.EMERGENCY_RESULT
    assert handoff.disposition is outcome.disposition
    assert chat.state.phase is Phase.HANDOFF
    assert "alerted a clinician" in texts(result)


def test_after_the_result_yes_hands_off(chat: Chat) -> None:
    finish_cold(chat)
    result = chat.yes()
    [handoff] = signals(result, SignalType.HANDOFF)
    assert handoff.reason is HandoffReason.PATIENT_REQUEST
    assert handoff.disposition is Disposition.CONSULTATION  # at least consultation
    assert chat.state.phase is Phase.HANDOFF


def test_after_the_result_no_closes_politely(chat: Chat) -> None:
    finish_cold(chat)
    result = chat.no()
    assert not result.signals
    assert chat.state.phase is Phase.CLOSED
    assert NUMBER in texts(result)
    later = chat.send(Act.GREET, "hello again")
    assert {b.payload for b in last_reply(later).buttons} == {
        "/restart_conversation",
        "/request_human",
    }


def test_new_symptoms_after_the_result_offer_to_start_over(chat: Chat) -> None:
    finish_cold(chat)
    result = chat.describe("now I also have diarrhoea")
    assert "start a new check" in texts(result)
    assert "/restart_conversation" in [b.payload for b in last_reply(result).buttons]
    assert chat.state.facts.is_present("diarrhoea")


def test_correcting_after_the_result_gives_a_new_result(chat: Chat) -> None:
    finish_cold(chat)
    chat.send(Act.CORRECT, "actually I also have had a fever for 6 days")
    assert chat.state.facts.is_present("fever")
    chat.answer_until_done({}, default=False)
    assert chat.state.result is not None
    assert chat.state.result.disposition.urgency >= Disposition.CONSULTATION_24.urgency


def test_low_confidence_hands_off(engine: InterviewEngine) -> None:
    chat = Chat(engine)
    chat.describe("I'm a 30 year old man with a rash")
    result = chat.answer_until_done({}, default=None)  # "don't know" to everything
    assert chat.state.result is not None
    assert chat.state.result.low_confidence
    [handoff] = signals(result, SignalType.HANDOFF)
    assert handoff.reason is HandoffReason.LOW_CONFIDENCE
    assert signals(result, SignalType.RESULT)
    assert "clinician will review" in texts(result)
    assert chat.state.phase is Phase.HANDOFF


def test_modifiers_are_explained(chat: Chat) -> None:
    chat.describe("Male, 80, with a cough, a runny nose and a sore throat")
    result = chat.answer_until_done({}, default=False)
    assert "more urgent because of: over 75" in result.replies[-3].text


def test_the_question_cap(engine: InterviewEngine) -> None:
    from symcheck.clinical.interview.engine import EngineConfig

    capped = InterviewEngine(engine.kb, engine.rules, config=EngineConfig(max_questions=2))
    chat = Chat(capped)
    adult_man(chat, "I have a headache")
    chat.answer_until_done({}, default=None)
    assert chat.state.questions_asked == 2


# -- danger signs ------------------------------------------------------------------------------


def test_a_toddler_with_a_rash_is_asked_the_glass_test_first(chat: Chat) -> None:
    chat.describe("my 2 year old has a rash")
    chat.send(Act.INFORM, '/inform_sex{"sex": "male"}')
    assert chat.state.current == "non_blanching_rash"
    assert chat.state.danger_asked == 1
    result = chat.yes()
    assert signals(result, SignalType.RED_FLAG)[0].rule_ids == ("RF-PAED-002",)


def test_blood_in_the_stool_with_dizziness_is_asked_about_black_stools(chat: Chat) -> None:
    chat.describe("I'm a 67 year old man, I'm dizzy and there's blood in my poo")
    assert chat.state.current == "melaena"
    result = chat.yes()
    assert signals(result, SignalType.RED_FLAG)[0].rule_ids == ("RF-GI-001",)


def test_unlikely_danger_signs_have_a_budget(engine: InterviewEngine) -> None:
    chat = Chat(engine)
    chat.describe("my 2 year old has a rash")
    chat.send(Act.INFORM, '/inform_sex{"sex": "male"}')
    assert chat.state.current == "non_blanching_rash"
    spent = replace(chat.state, current=None, danger_asked=DANGER_BUDGET)
    chosen = engine.step(spent, Turn(Act.GREET, "hello")).state.current
    assert chosen != "non_blanching_rash"


# -- properties --------------------------------------------------------------------------------


SCRIPTS = [
    [(Act.GREET, "hi"), (Act.DESCRIBE, "headache"), (Act.INFORM, "30"), (Act.DONT_KNOW, "")],
    [(Act.DESCRIBE, "blah"), (Act.UNCLEAR, "blah"), (Act.DENY, ""), (Act.THANK, "thanks")],
    [(Act.DESCRIBE, "I'm a 30 year old man with a cough"), (Act.UNCLEAR, "?"), (Act.HELP, "")],
    [(Act.DESCRIBE, "tummy ache"), (Act.CORRECT, ""), (Act.GOODBYE, "bye"), (Act.AFFIRM, "")],
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_reply_ends_with_something_to_do(engine: InterviewEngine, script: list) -> None:  # type: ignore[type-arg]
    chat = Chat(engine)
    for act, text in script:
        result = chat.send(act, text)
        last = last_reply(result)
        assert last.buttons or "?" in last.text or NUMBER in last.text


def test_same_turns_give_the_same_interview(engine: InterviewEngine) -> None:
    def run() -> list[object]:
        chat = Chat(engine)
        out: list[object] = [chat.describe("I'm 30, female, with headache and vomiting")]
        for _ in range(6):
            out.append(chat.no())
        return out

    assert run() == run()


def test_disposition_never_below_the_floor(engine: InterviewEngine) -> None:
    chat = Chat(engine)
    chat.describe("I'm a 30 year old man, fever for a week and a runny nose")
    chat.answer_until_done({}, default=False)
    assert chat.state.result is not None
    assert chat.state.result.disposition.urgency >= Disposition.CONSULTATION_24.urgency


# -- summary -----------------------------------------------------------------------------------


def test_summary(chat: Chat) -> None:
    chat.describe("I'm a 30 year old man with a headache and a runny nose")
    asked = chat.state.current
    assert asked is not None
    chat.no()
    summary = chat.engine.summary(chat.state)
    assert summary.age_years == 30
    assert summary.sex == "male"
    assert summary.chief_complaint == "Headache, Runny nose"
    assert summary.findings_present == ("Headache", "Runny nose")
    assert summary.findings_absent[0] == chat.engine.kb.findings[asked].name
    assert summary.questions_asked == 1
    assert summary.phase == chat.state.phase.value
    assert summary.kb_version == "0.0.1"
    assert summary.disposition is not None
    top = summary.top_conditions[0]
    assert (top.name, top.icd10) == ("Common cold", "J00")
    assert top.supporting == ("Runny nose", "Headache")
    assert summary.to_dict()["top_conditions"][0]["name"] == "Common cold"


def test_summary_after_a_red_flag(chat: Chat) -> None:
    chat.describe("crushing chest pain, I'm 60")
    summary = chat.engine.summary(chat.state)
    assert summary.disposition == "emergency_ambulance"
    assert [r.rule_id for r in summary.red_flags] == ["RF-CARD-001"]
    assert summary.red_flags[0].disposition == "emergency_ambulance"
    assert summary.extra["handoff_reason"] == "red_flag"


def test_summary_after_a_red_flag_ranks_on_what_is_known_now(chat: Chat) -> None:
    # Interrupted on the first message, before the age was asked: the patient gives it while
    # waiting, and the clinician sees conditions ranked with it.
    chat.describe("crushing chest pain")
    before = chat.engine.summary(chat.state)
    assert before.age_years is None
    chat.send(Act.INFORM, "I'm 60, male")
    after = chat.engine.summary(chat.state)
    assert (after.age_years, after.sex) == (60, "male")
    assert after.disposition == "emergency_ambulance"
    assert after.top_conditions[0].condition_id == "acute_coronary_syndrome"
    assert after.top_conditions[0].score > before.top_conditions[0].score


def test_a_correction_after_a_red_flag_keeps_the_rule(chat: Chat) -> None:
    # Documented weakness, kept on purpose: a fired rule stays fired (the floor is sticky).
    chat.describe("crushing chest pain, I'm 60")
    chat.send(Act.CORRECT, "sorry, I don't have crushing chest pain")
    assert chat.state.facts.is_absent("crushing_chest_pain")
    summary = chat.engine.summary(chat.state)
    assert [r.rule_id for r in summary.red_flags] == ["RF-CARD-001"]
    assert summary.disposition == "emergency_ambulance"
    assert summary.extra["assessed"] is True


def test_summary_says_whether_the_interview_assessed_the_patient(chat: Chat) -> None:
    adult_man(chat, "I have a cough")
    assert chat.engine.summary(chat.state).extra["assessed"] is False
    chat.answer_until_done({}, default=False)
    assert chat.engine.summary(chat.state).extra["assessed"] is True


def test_summary_of_a_new_state(engine: InterviewEngine) -> None:
    summary = engine.summary(engine.new_state())
    assert summary.disposition is None
    assert summary.top_conditions == ()
    assert summary.phase == "start"
