"""Bad input through the real stack: a clear reply or error, never a crash, nothing lost."""

from __future__ import annotations

import httpx
import pytest

from tests.auxil.web_patient import WebPatient, texts
from tests.conftest import EMERGENCY_NUMBER

pytestmark = pytest.mark.stack


def test_empty_message_gets_a_hint(patient: WebPatient) -> None:
    reply = patient.say("   ")
    assert texts(reply).strip()
    assert patient.conversation_id


def test_very_long_message_is_capped_and_the_patient_is_told(patient: WebPatient) -> None:
    reply = patient.say("I have a headache and " + "it really hurts " * 400)
    said = texts(reply).lower()
    assert "cut" in said or "shorten" in said or "long" in said, said
    stored = patient.history()
    assert max(len(m["text"]) for m in stored if m["author"] == "patient") <= 1000


def test_non_utf8_body_is_a_clear_400(http: httpx.Client) -> None:
    response = http.post(
        "/api/web/messages",
        content=b'{"conversation_id": null, "text": "\\xff\xfe\xfa"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_invalid_json_and_wrong_types_are_clear_errors(http: httpx.Client) -> None:
    assert http.post("/api/web/messages", content=b"{nope").status_code == 400
    wrong = http.post("/api/web/messages", json={"conversation_id": None, "text": 42})
    assert wrong.status_code in (400, 422)
    assert wrong.json()["error"]["message"]


def test_emoji_only_asks_for_words(patient: WebPatient) -> None:
    said = texts(patient.say("🤒😷🤕"))
    assert "words" in said.lower()


def test_another_language_says_english_only(patient: WebPatient) -> None:
    said = texts(patient.say("me duele mucho la cabeza desde ayer"))
    assert "english" in said.lower()


def test_another_language_still_goes_through_the_red_flag_rules(patient: WebPatient) -> None:
    said = texts(patient.say("ayuda, crushing chest pain and sweating"))
    assert EMERGENCY_NUMBER in said


def test_html_is_kept_as_text(patient: WebPatient) -> None:
    patient.say("<script>alert('x')</script> I have a headache")
    stored = [m["text"] for m in patient.history() if m["author"] == "patient"]
    assert stored == ["<script>alert('x')</script> I have a headache"]


def test_unknown_and_malformed_conversation_ids(http: httpx.Client) -> None:
    unknown = http.post(
        "/api/web/messages",
        json={"conversation_id": "8d6a3f0e-2b1c-4c9a-9e0f-1a2b3c4d5e6f", "text": "hi"},
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_conversation"
    malformed = http.post("/api/web/messages", json={"conversation_id": "../etc", "text": "hi"})
    assert malformed.status_code in (404, 422)
