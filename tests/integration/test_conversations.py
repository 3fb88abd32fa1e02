"""Whole conversations over HTTP through the real stack: gateway, Rasa and action server."""

from __future__ import annotations

import pytest

from symcheck.clinical.dispositions import Disposition
from tests.auxil.dashboard import Clinician
from tests.auxil.web_patient import WebPatient, interview, is_result, payloads, texts
from tests.conftest import CLINIC_NAME, EMERGENCY_NUMBER

pytestmark = pytest.mark.stack


def test_first_reply_is_the_consent_notice_with_the_configured_number(
    patient: WebPatient,
) -> None:
    said = texts(patient.say("hello"))
    assert "not a doctor" in said
    assert "not a diagnosis" in said
    assert EMERGENCY_NUMBER in said
    assert CLINIC_NAME in said


def test_a_whole_interview_ends_in_triage_conditions_and_an_offer(patient: WebPatient) -> None:
    result = interview(
        patient,
        "I have a sore throat and a fever since yesterday",
        facts={"hurt to swallow": True, "cough": False},
        age="34",
        sex="female",
    )
    said = texts(result)
    headlines = [d.headline.split(" now")[0].split(" within")[0] for d in Disposition]
    assert any(h.split(".")[0][:20] in said for h in headlines), said
    assert "What might be causing it:" in said
    ranked = [line for line in said.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert 1 <= len(ranked) <= 3
    assert "%" in ranked[0]
    assert "because you said" in said
    assert "If you get worse" in said  # safety-netting
    assert {"/affirm", "/deny"} <= set(payloads(result))  # the offer of a clinician
    questions = [m for m in patient.transcript if "/dont_know" in payloads([m])]
    assert questions, "the bot asked no follow-up questions"
    closing = texts(patient.say("/deny"))
    assert EMERGENCY_NUMBER in closing


def test_age_and_sex_given_up_front_are_not_asked_again(patient: WebPatient) -> None:
    first = patient.say("I'm a 34 year old woman with a headache since this morning")
    asked = texts(first).lower()
    assert "how old" not in asked
    follow = interview(patient, "/deny", age="99", sex="male")
    assert is_result(follow)
    assert "how old" not in texts(patient.transcript).lower()


def test_start_over_and_correction(patient: WebPatient) -> None:
    patient.say("I have a cough")
    patient.say("40")
    again = texts(patient.say("start over"))
    assert "start again" in again.lower() or "main problem" in again.lower()
    patient.say("I have a runny nose")
    corrected = texts(patient.say("actually I do have a fever"))
    assert "fever" in corrected.lower()


def test_unclear_and_out_of_scope_messages_get_a_helpful_reply(patient: WebPatient) -> None:
    patient.say("I have a rash on my arm")
    for text in ("what's the weather like tomorrow?", "asdkjh qwe zzz"):
        reply = patient.say(text)
        assert texts(reply).strip(), f"silence after {text!r}"


def test_red_flag_mid_interview_gives_emergency_advice_and_tops_the_queue(
    patient: WebPatient, clinician: Clinician
) -> None:
    patient.say("I've had a headache for two days")
    patient.say("58")
    reply = patient.say("now I have crushing chest pain and I'm sweating a lot")
    said = texts(reply)
    assert f"Call {EMERGENCY_NUMBER}" in said or f"call {EMERGENCY_NUMBER}" in said
    queue = clinician.queue()
    position = [c["conversation_id"] for c in queue].index(patient.conversation_id)
    top = queue[position]
    # Top of the queue: only other cases at least as urgent (older ones) may come first.
    assert all(c["urgency"] >= top["urgency"] for c in queue[:position])
    assert top["urgency"] == max(c["urgency"] for c in queue)
    assert top["disposition"] == Disposition.EMERGENCY_AMBULANCE.value
    assert top["reason"] == "red_flag"
    summary = clinician.case(top["id"])["summary"]
    assert summary["red_flags"], summary
    assert summary["age_years"] == 58
    # While the case is open the bot no longer interviews: the message goes to the case.
    after = patient.say("ok I'm calling now")
    assert all(m.get("author") != "bot" for m in after)
    transcript = clinician.transcript(top["id"])
    assert any(m["text"] == "ok I'm calling now" for m in transcript)


def test_handoff_on_request_clinician_reply_reaches_patient_then_bot_takes_back(
    patient: WebPatient, clinician: Clinician
) -> None:
    patient.say("I have had diarrhoea for 3 days")
    handoff = texts(patient.say("can I talk to a real doctor please"))
    assert "clinician" in handoff.lower()
    entry = clinician.case_for(patient.conversation_id or "")
    assert entry["reason"] == "patient_request"
    case_id = entry["id"]
    detail = clinician.case(case_id)
    assert detail["summary"]["chief_complaint"]
    assert any("diarrhoea" in m["text"] for m in clinician.transcript(case_id))
    clinician.claim(case_id)
    clinician.reply(case_id, "Hello, this is Dr Demo. Are you drinking enough fluids?")
    seen = patient.history()
    assert any(
        m["author"] == "clinician" and m["text"].startswith("Hello, this is Dr Demo") for m in seen
    )
    answer = patient.say("yes I am drinking water")
    assert all(m.get("author") != "bot" for m in answer)
    assert any(m["text"] == "yes I am drinking water" for m in clinician.transcript(case_id))
    clinician.resolve(case_id)
    closed = patient.history(after=seen[-1]["seq"])
    assert any(m["author"] == "system" for m in closed)
    back = patient.say("I also have a cough")
    assert any(m.get("author") == "bot" for m in back)
