"""``POST /api/web/messages``: the contract, and every kind of bad input."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from symcheck.gateway.container import Gateway
from symcheck.storage.repositories import Store
from tests.symcheck.gateway.fakes import FEVER_QUESTION, FakeRasa
from tests.symcheck.gateway.helpers import send, stored


async def test_first_message_creates_a_conversation_and_returns_the_replies(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have a cough")
    conv_id = body["conversation_id"]
    uuid.UUID(conv_id)
    assert body["message_seq"] == 1
    assert body["messages"] == [
        {
            "text": FEVER_QUESTION,
            "buttons": [
                {"title": "Yes", "payload": "/affirm"},
                {"title": "No", "payload": "/deny"},
                {"title": "Talk to a clinician", "payload": "/request_human"},
            ],
            "seq": 2,
            "author": "bot",
        }
    ]
    assert fake_rasa.requests[0]["sender"] == conv_id
    assert fake_rasa.requests[0]["message"] == "I have a cough"
    assert fake_rasa.requests[0]["metadata"] == {"channel": "web"}
    messages = stored(store, conv_id)
    assert [(m.author, m.status) for m in messages] == [
        ("patient", "processed"),
        ("bot", "delivered"),
    ]
    # the bridge update never reaches the patient
    assert all("symcheck_bridge" not in m.text for m in messages)


async def test_follow_up_messages_use_the_same_conversation(client: httpx.AsyncClient) -> None:
    first = await send(client, "I have a cough")
    second = await send(client, "it started yesterday", first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    assert second["message_seq"] == 3


async def test_the_bridge_update_is_stored_encrypted_on_the_conversation(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = await send(client, "I have a cough")
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(uuid.UUID(body["conversation_id"]))
    assert conv is not None
    assert conv.clinical_state is not None
    assert conv.clinical_state["summary"]["chief_complaint"] == "I have a cough"
    assert conv.clinical_state["facts"]["findings"]["cough"]["present"] is True


async def test_unknown_conversation_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/web/messages", json={"conversation_id": str(uuid.uuid4()), "text": "hello"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_conversation"
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "'; drop table messages; --"])
async def test_malformed_conversation_id_is_422(client: httpx.AsyncClient, bad_id: str) -> None:
    response = await client.post(
        "/api/web/messages", json={"conversation_id": bad_id, "text": "hi"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_conversation_id"


async def test_non_utf8_body_is_400(client: httpx.AsyncClient) -> None:
    body = b'{"conversation_id": null, "text": "caf\xe9"}'  # latin-1, not UTF-8
    response = await client.post(
        "/api/web/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_encoding"


@pytest.mark.parametrize("body", [b"", b"{", b"not json", b'{"text": "a",}'])
async def test_invalid_json_is_400(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/api/web/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "text",
        {"conversation_id": None},
        {"conversation_id": None, "text": 42},
        {"conversation_id": None, "text": None},
        {"conversation_id": None, "text": ["a"]},
        {"conversation_id": 7, "text": "hi"},
        {"conversation_id": None, "text": "hi", "admin": True},
    ],
)
async def test_wrong_shape_or_types_are_422(client: httpx.AsyncClient, payload: object) -> None:
    response = await client.post("/api/web/messages", json=payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"]


async def test_long_bodies_are_capped_and_processed_not_refused(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    text = "I have crushing chest pain " + "and more " * 20_000  # 180 KB
    response = await client.post("/api/web/messages", json={"conversation_id": None, "text": text})
    assert response.status_code == 200
    body = response.json()
    assert any("first 200 characters" in m["text"] for m in body["messages"])
    assert fake_rasa.messages_sent() == ["/report_emergency"]  # and the emergency is caught
    assert len(stored(store, body["conversation_id"])[0].text) <= 200


async def test_oversized_body_is_413_with_safe_advice(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/web/messages", json={"conversation_id": None, "text": "a" * 300_000}
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "If this is an emergency, call 112 now." in error["message"]


async def test_oversized_body_is_refused_from_its_declared_length(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    """The body is not read past the limit: the declared length is enough to refuse it."""
    read = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(100):
            read += 1
            yield b"x" * 64 * 1024

    response = await client.post(
        "/api/web/messages",
        content=stream(),
        headers={"Content-Type": "application/json", "Content-Length": str(100 * 64 * 1024)},
    )
    assert response.status_code == 413
    assert "call 112" in response.json()["error"]["message"]
    assert read <= 1


async def test_oversized_chunked_body_stops_being_read_at_the_limit(
    client: httpx.AsyncClient,
) -> None:
    read = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(100):
            read += 1
            yield b"x" * 64 * 1024

    response = await client.post(
        "/api/web/messages", content=stream(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "call 112" in response.json()["error"]["message"]
    assert read <= 6


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/api/web/messages", {"content": b"\xff\xfe"}, 400),
        ("POST", "/api/web/messages", {"content": b"{not json"}, 400),
        ("POST", "/api/web/messages", {"json": {"conversation_id": None, "text": 5}}, 422),
        ("POST", "/api/web/messages", {"json": {"conversation_id": "nope", "text": "hi"}}, 422),
        (
            "POST",
            "/api/web/messages",
            {"json": {"conversation_id": "00000000-0000-4000-8000-000000000000", "text": "hi"}},
            404,
        ),
        ("GET", "/api/web/messages", {}, 405),
        ("GET", "/api/web/conversations/00000000-0000-4000-8000-000000000000/messages", {}, 404),
        ("GET", "/api/web/conversations/nope/messages", {}, 422),
        ("GET", "/api/web/conversations/x/messages?after=-1", {}, 422),
        ("GET", "/api/web/nothing-here", {}, 404),
    ],
)
async def test_every_patient_api_error_carries_safe_advice(
    client: httpx.AsyncClient, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    response = await client.request(method, path, **kwargs)
    assert response.status_code == status
    message = response.json()["error"]["message"]
    assert "If this is an emergency, call 112 now." in message
    assert message.count("112") == 1


async def test_clinician_api_errors_do_not_carry_patient_advice(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    response = await client.get("/dashboard/api/cases/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert "112" not in response.json()["error"]["message"]


async def test_an_unhandled_error_on_the_patient_api_carries_safe_advice(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    body = await send(client, "I have a cough")

    async def broken(work: object) -> object:
        raise RuntimeError("a bug")  # nothing on this route handles it

    object.__setattr__(gateway.db, "run", broken)
    response = await client.get(f"/api/web/conversations/{body['conversation_id']}/messages")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert error["message"].startswith("Sorry, I can't answer right now.")
    assert "If this is an emergency, call 112 now." in error["message"]
    assert "a bug" not in response.text


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
async def test_empty_messages_get_a_hint_and_nothing_is_stored(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa, text: str
) -> None:
    body = await send(client, text)
    assert body["message_seq"] is None
    assert body["messages"][0]["seq"] is None
    assert "type a message" in body["messages"][0]["text"]
    assert "If this is an emergency, call 112 now." in body["messages"][0]["text"]
    assert stored(store, body["conversation_id"]) == []
    assert fake_rasa.requests == []


async def test_too_long_messages_are_cut_processed_and_the_patient_is_told(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    text = "I have a cough " * 40  # 600 characters; the limit in these tests is 200
    body = await send(client, text)
    sent = fake_rasa.requests[0]["message"]
    assert len(sent) <= 200
    assert text.startswith(sent)
    notice, reply = body["messages"]
    assert notice["author"] == "system"
    assert "first 200 characters" in notice["text"]
    assert "If this is an emergency, call 112 now." in notice["text"]
    assert reply["text"] == FEVER_QUESTION
    assert stored(store, body["conversation_id"])[0].text == sent


@pytest.mark.parametrize("text", ["👍", "😷🤒🤕", "???", "🙂 !!", "🚑", "🚑🚑🚑 !!!", "💔"])
async def test_emoji_only_messages_are_answered_without_the_bot(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa, text: str
) -> None:
    body = await send(client, text)
    assert "in a few words" in body["messages"][0]["text"]
    assert "If this is an emergency, call 112 now." in body["messages"][0]["text"]
    assert body["messages"][0]["author"] == "system"
    assert fake_rasa.requests == []
    messages = stored(store, body["conversation_id"])
    assert [(m.author, m.status) for m in messages] == [
        ("patient", "processed"),
        ("system", "delivered"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "tengo dolor de cabeza desde ayer",
        "j'ai mal à la tête",
        "Ich habe Kopfschmerzen seit gestern",
        "у меня болит голова",
        "我头疼",
        "hola",
    ],
)
async def test_other_languages_are_told_only_english_is_supported(
    client: httpx.AsyncClient, fake_rasa: FakeRasa, text: str
) -> None:
    body = await send(client, text)
    reply = body["messages"][0]["text"]
    assert "only understand English" in reply
    assert "112" in reply
    assert fake_rasa.requests == []


async def test_html_is_stored_and_returned_as_plain_text(
    client: httpx.AsyncClient, store: Store
) -> None:
    text = "<script>alert('x')</script> <b>chest</b> & cough"
    body = await send(client, text)
    assert stored(store, body["conversation_id"])[0].text == text
    history = await client.get(f"/api/web/conversations/{body['conversation_id']}/messages")
    assert history.json()["messages"][0]["text"] == text  # JSON carries text; pages escape it


async def test_control_characters_are_removed(
    client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    await send(client, "cough\x00 and\x07 fever\u202e")
    assert fake_rasa.requests[0]["message"] == "cough and fever"


class TestIntentInjection:
    async def test_slash_commands_that_were_not_offered_lose_their_slashes(
        self, client: httpx.AsyncClient, fake_rasa: FakeRasa
    ) -> None:
        body = await send(client, "/restart")
        await send(client, '//report_emergency{"x": 1}', body["conversation_id"])
        assert fake_rasa.messages_sent() == ["restart", 'report_emergency{"x": 1}']

    async def test_offered_button_payloads_pass_and_are_stored_by_title(
        self, client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
    ) -> None:
        body = await send(client, "I have a cough")
        await send(client, "/affirm", body["conversation_id"])
        assert fake_rasa.messages_sent()[-1] == "/affirm"
        pressed = stored(store, body["conversation_id"])[2]
        assert (pressed.text, pressed.payload) == ("Yes", "/affirm")

    async def test_only_the_latest_bot_message_counts(
        self, client: httpx.AsyncClient, fake_rasa: FakeRasa
    ) -> None:
        body = await send(client, "I have a cough")  # offers /request_human
        await send(client, "/affirm", body["conversation_id"])  # next question offers Yes/No only
        await send(client, "/request_human", body["conversation_id"])
        assert fake_rasa.messages_sent()[-1] == "request_human"

    async def test_payloads_of_other_conversations_do_not_count(
        self, client: httpx.AsyncClient, fake_rasa: FakeRasa
    ) -> None:
        await send(client, "I have a cough")
        await send(client, "/affirm")  # a brand-new conversation was offered nothing
        assert fake_rasa.messages_sent()[-1] == "affirm"

    @pytest.mark.parametrize(
        ("text", "sent"),
        [
            ("/ /restart", "restart"),
            ("/\n/report_emergency", "report_emergency"),
            ("/ \t /request_human", "request_human"),
            ("\u200b/restart", "restart"),
            ("\ufeff/ /report_emergency", "report_emergency"),
            ("\uff0f/restart", "restart"),
            ("\u2044 /restart", "restart"),
        ],
    )
    async def test_no_disguised_command_reaches_rasa(
        self, client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa, text: str, sent: str
    ) -> None:
        body = await send(client, "I have a cough")  # offers /affirm, /deny, /request_human
        await send(client, text, body["conversation_id"])
        assert fake_rasa.messages_sent()[-1] == sent
        patient = [m for m in stored(store, body["conversation_id"]) if m.author == "patient"]
        assert patient[-1].payload is None  # stored as typed text, not as a button press

    @pytest.mark.parametrize("text", ["/", "/ / /", "\u200b/\u200b", "／"])
    async def test_slashes_alone_are_an_empty_message(
        self, client: httpx.AsyncClient, fake_rasa: FakeRasa, text: str
    ) -> None:
        body = await send(client, text)
        assert body["message_seq"] is None
        assert "If this is an emergency, call 112 now." in body["messages"][0]["text"]
        assert fake_rasa.requests == []
