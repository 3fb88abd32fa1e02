"""Forget me on the web and by SMS: DELETE, then YES DELETE."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from symcheck.gateway.container import Gateway
from symcheck.storage.models import utcnow
from symcheck.storage.repositories import Store
from tests.fakes.twilio import FakeTwilio, WebhookSigner
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.helpers import send, stored
from tests.symcheck.gateway.sms_helpers import SmsPatient, eventually, new_number

TABLES = ("conversations", "messages", "cases", "outbox", "attachments", "rasa_trackers")


def _counts(store: Store) -> dict[str, int]:
    with store.unit_of_work() as uow:
        return {
            t: int(uow.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in (*TABLES, "erasures")
        }


def _tracker(store: Store, conversation_id: str) -> None:
    """What Rasa's tracker store keeps for the conversation."""
    with store.unit_of_work() as uow:
        uow.session.execute(
            text(
                "INSERT INTO rasa_trackers (sender_id, data_enc, updated_at) "
                "VALUES (:s, 'x', CURRENT_TIMESTAMP)"
            ),
            {"s": conversation_id},
        )


async def test_web_delete_asks_then_erases_everything(
    client: httpx.AsyncClient, signed_in: str, store: Store, fake_rasa: FakeRasa
) -> None:
    first = await send(client, "I want to talk to a clinician")  # opens a case
    conv_id = first["conversation_id"]
    _tracker(store, conv_id)
    asked = await send(client, "DELETE", conv_id)
    assert "reply YES DELETE" in asked["messages"][0]["text"]
    assert "call 112" in asked["messages"][0]["text"]
    erased = await send(client, "yes delete", conv_id)
    assert erased["erased"] is True
    assert erased["conversation_id"] is None
    assert "erased" in erased["messages"][0]["text"]
    assert "call 112" in erased["messages"][0]["text"]
    assert dict(_counts(store).items()) == {**dict.fromkeys(TABLES, 0), "erasures": 1}
    gone = await client.get(f"/api/web/conversations/{conv_id}/messages")
    assert gone.status_code == 404
    # The bot never saw any of it.
    assert "DELETE" not in fake_rasa.messages_sent()
    assert "yes delete" not in fake_rasa.messages_sent()


async def test_anything_else_after_delete_keeps_the_conversation(
    client: httpx.AsyncClient, store: Store, fake_rasa: FakeRasa
) -> None:
    conv_id = (await send(client, "I have a cough"))["conversation_id"]
    await send(client, "delete my data", conv_id)
    await send(client, "no wait, I have a fever too", conv_id)
    assert fake_rasa.messages_sent()[-1] == "no wait, I have a fever too"
    await send(client, "YES DELETE", conv_id)  # no longer a confirmation: goes to the bot
    assert fake_rasa.messages_sent()[-1] == "YES DELETE"
    assert len(stored(store, conv_id)) == 8


async def test_a_late_confirmation_does_not_erase(
    client: httpx.AsyncClient, store: Store, gateway: Gateway
) -> None:
    conv_id = (await send(client, "I have a cough"))["conversation_id"]
    await send(client, "DELETE", conv_id)
    with store.unit_of_work() as uow:
        uow.conversations.set_erase_requested(
            uuid.UUID(conv_id), utcnow() - gateway.options.erase_confirm_window - timedelta(1)
        )
    body = await send(client, "YES DELETE", conv_id)
    assert "erased" not in body
    assert _counts(store)["erasures"] == 0


@pytest.fixture
def sms_patient(sms_app: FastAPI, signer: WebhookSigner, fake_twilio: FakeTwilio) -> SmsPatient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=sms_app), base_url="http://t")
    return SmsPatient(client, signer, fake_twilio, new_number())


async def test_sms_delete_erases_and_confirms_from_memory(
    sms_patient: SmsPatient,
    sms_app: FastAPI,
    store: Store,
    fake_twilio: FakeTwilio,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gateway: Gateway = sms_app.state.gateway
    url = fake_twilio.add_media("image/png", b"\x89PNG\r\n\x1a\n....")
    await sms_patient.text("look at this rash", media=((url, "image/png"),))
    await sms_patient.wait_for(2)
    await sms_patient.text("Delete")
    prompt = (await sms_patient.wait_for(3))[-1]
    assert "YES DELETE" in prompt
    await sms_patient.text("YES DELETE")
    confirmation = (await sms_patient.wait_for(4))[-1]
    assert "erased" in confirmation
    assert "call 112" in confirmation
    await eventually(lambda: gateway.outbox.busy == 0 and gateway.inbound.busy == 0)
    assert _counts(store) == {**dict.fromkeys(TABLES, 0), "erasures": 1}
    with store.unit_of_work() as uow:
        assert uow.erasures.count("sms") == 1
    assert sms_patient.number not in caplog.text
    # Texting again starts afresh.
    await sms_patient.text("hello again")
    await sms_patient.wait_for(5)
    assert _counts(store)["conversations"] == 1
    await sms_patient.client.aclose()
