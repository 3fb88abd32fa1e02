"""The message pipeline end to end, with a fake Rasa (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from symcheck.gateway.container import Gateway
from symcheck.storage.repositories import Store
from tests.symcheck.gateway.fakes import EMERGENCY_TEXT, HANDOFF_TEXT, FakeRasa
from tests.symcheck.gateway.helpers import open_case, send, status, stored, use_rasa_transport


async def test_the_message_is_committed_as_received_before_rasa_is_called(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    seen: list[tuple[str, str]] = []
    fake_rasa.on_request = lambda body: seen.extend(
        (m.author, m.status) for m in stored(store, body["sender"])
    )
    await send(client, "I have a cough")
    assert seen == [("patient", "received")]


@pytest.mark.parametrize(
    "mode", ["down", "timeout", "error500", "not_json", "not_list", "empty", "bad_bridge"]
)
async def test_every_rasa_failure_ends_in_safe_advice_and_a_failed_inbound(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa, mode: str
) -> None:
    fake_rasa.mode = mode
    body = await send(client, "I have a cough")
    (reply,) = body["messages"]
    assert reply["author"] == "system"
    assert reply["text"].startswith("Sorry, I can't answer right now.")
    assert "call 112" in reply["text"]
    messages = stored(store, body["conversation_id"])
    assert [(m.author, m.status) for m in messages] == [
        ("patient", "failed"),
        ("system", "delivered"),
    ]
    # and the conversation carries on once Rasa is back
    fake_rasa.mode = "ok"
    again = await send(client, "still coughing", body["conversation_id"])
    assert again["messages"][0]["author"] == "bot"


async def test_a_new_emergency_opens_the_case_first_then_asks_rasa_for_the_advice(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    cases_at_call: list[object] = []
    fake_rasa.on_request = lambda body: cases_at_call.append(open_case(store, body["sender"]))
    body = await send(client, "I have crushing chest pain")
    request = fake_rasa.requests[-1]
    assert request["message"] == "/report_emergency"
    assert request["metadata"]["safety"] == {
        "rule_ids": ["RF-CARD-001"],
        "text": "I have crushing chest pain",
    }
    case_at_call = cases_at_call[0]
    assert case_at_call is not None
    assert case_at_call.urgency == 4
    assert body["messages"][0]["text"] == EMERGENCY_TEXT
    case = open_case(store, body["conversation_id"])
    assert case is not None
    assert case.reason == "red_flag"
    assert case.disposition == "emergency_ambulance"
    assert case.summary is not None
    assert case.summary["red_flags"][0]["rule_id"] == "RF-CARD-001"
    assert status(store, body["conversation_id"]) == "handoff"


async def test_the_precheck_uses_facts_from_earlier_messages(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have chest pain")
    assert fake_rasa.messages_sent() == ["I have chest pain"]
    await send(client, "and now I am sweating a lot", body["conversation_id"])
    assert fake_rasa.messages_sent()[-1] == "/report_emergency"


async def test_handoff_from_the_bot_opens_a_case_and_later_messages_go_to_it(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have a cough")
    conv_id = body["conversation_id"]
    handoff = await send(client, "/request_human", conv_id)
    assert handoff["messages"][0]["text"] == HANDOFF_TEXT
    case = open_case(store, conv_id)
    assert case is not None
    assert case.status == "waiting"
    assert case.reason == "patient_request"
    assert case.urgency == 1  # the bot's disposition in the summary: consultation
    assert status(store, conv_id) == "handoff"
    calls = len(fake_rasa.requests)

    first = await send(client, "are you there?", conv_id)
    second = await send(client, "hello?", conv_id)
    assert len(fake_rasa.requests) == calls  # the bot does not answer during a handoff
    assert "A clinician will reply here" in first["messages"][0]["text"]
    assert "112" in first["messages"][0]["text"]
    assert second["messages"] == []  # the notice is sent once
    assert [m.status for m in stored(store, conv_id) if m.author == "patient"][-2:] == [
        "processed"
    ] * 2


async def test_a_new_emergency_during_a_handoff_gets_advice_from_the_gateway(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I want to talk to a clinician")
    conv_id = body["conversation_id"]
    calls = len(fake_rasa.requests)
    reply = await send(client, "now I have crushing chest pain", conv_id)
    assert len(fake_rasa.requests) == calls
    text = reply["messages"][0]["text"]
    assert "Call 112 now" in text
    assert "While you wait" in text
    case = open_case(store, conv_id)
    assert case is not None
    assert case.urgency == 4
    assert case.reason == "patient_request"
    # the same rule does not fire twice
    again = await send(client, "the crushing chest pain is still there", conv_id)
    assert all("While you wait" not in m["text"] for m in again["messages"])


async def test_any_new_rule_during_a_handoff_raises_the_case(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I want to talk to a clinician")
    conv_id = body["conversation_id"]
    before = open_case(store, conv_id)
    assert before is not None
    assert (before.urgency, before.disposition) == (1, "consultation")
    calls = len(fake_rasa.requests)

    reply = await send(client, "I have had a fever for 6 days", conv_id)  # RF-GEN-001: 24 h
    case = open_case(store, conv_id)
    assert case is not None
    assert case.id == before.id
    assert (case.urgency, case.disposition) == (2, "consultation_24")
    assert case.reason == "patient_request"  # the case keeps its reason and its place
    assert case.waiting_since == before.waiting_since
    assert len(fake_rasa.requests) == calls  # still the clinician's conversation
    assert all("112" in m["text"] for m in reply["messages"])
    assert status(store, conv_id) == "handoff"


async def test_a_new_rule_never_lowers_the_case(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have crushing chest pain")
    conv_id = body["conversation_id"]
    case = open_case(store, conv_id)
    assert case is not None
    assert case.urgency == 4
    await send(client, "and a fever for 6 days", conv_id)
    after = open_case(store, conv_id)
    assert after is not None
    assert (after.urgency, after.disposition) == (4, "emergency_ambulance")


async def test_language_checks_do_not_block_messages_to_a_clinician(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = await send(client, "I want to talk to a clinician")
    reply = await send(client, "😷", body["conversation_id"])
    assert all("in a few words" not in m["text"] for m in reply["messages"])
    assert stored(store, body["conversation_id"])[-2].text == "😷"


async def test_emergency_words_in_another_language_message_still_trigger(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    await send(client, "tengo crushing chest pain y estoy muy mal por favor ayuda")
    assert fake_rasa.messages_sent()[-1] == "/report_emergency"


async def test_if_rasa_fails_on_an_emergency_the_gateway_gives_the_emergency_advice(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    fake_rasa.mode = "down"
    body = await send(client, "crushing chest pain")
    text = body["messages"][0]["text"]
    assert "Call 112 now" in text
    assert "Do not drive yourself" in text
    case = open_case(store, body["conversation_id"])
    assert case is not None
    assert case.urgency == 4


async def test_messages_of_one_conversation_are_processed_one_at_a_time(
    client: httpx.AsyncClient, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have a cough")
    conv_id = body["conversation_id"]
    active = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1
        return fake_rasa.handler(request)

    use_rasa_transport(gateway, httpx.MockTransport(slow))
    results = await asyncio.gather(*(send(client, f"message {i}", conv_id) for i in range(4)))
    assert peak == 1
    # every message was stored on arrival, then answered in turn
    assert sorted(r["message_seq"] for r in results) == [3, 4, 5, 6]
    assert all(len(r["messages"]) == 1 for r in results)


async def test_different_conversations_run_concurrently(
    client: httpx.AsyncClient, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    active = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.1)
        active -= 1
        return fake_rasa.handler(request)

    use_rasa_transport(gateway, httpx.MockTransport(slow))
    await asyncio.gather(*(send(client, "I have a cough") for _ in range(3)))
    assert peak > 1


async def test_rasa_gets_the_bearer_token(client: httpx.AsyncClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.token = "something-else"
    body = await send(client, "I have a cough")
    assert body["messages"][0]["author"] == "system"  # 401 from Rasa is a failure like any other


async def test_unknown_conversation_in_history_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/api/web/conversations/{uuid.uuid4()}/messages")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_conversation"
    bad = await client.get("/api/web/conversations/nope/messages")
    assert bad.status_code == 422
