"""The core flows again on both databases (the rest of the gateway tests use SQLite)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from symcheck.storage.repositories import Store
from tests.fakes.twilio import FakeTwilio, Reply, WebhookSigner
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.helpers import open_case, send, status, stored
from tests.symcheck.gateway.sms_helpers import SmsPatient, eventually, new_number
from tests.symcheck.storage.databases import BACKENDS, migrated_database


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(request.param, tmp_path_factory.mktemp("backend")) as url:
        yield url


async def test_message_flow_emergency_and_resolve(
    client: httpx.AsyncClient, signed_in: str, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have chest pain")
    conv_id = body["conversation_id"]
    await send(client, "and I am sweating", conv_id)
    assert fake_rasa.messages_sent()[-1] == "/report_emergency"
    case = open_case(store, conv_id)
    assert case is not None
    assert case.urgency == 4
    assert status(store, conv_id) == "handoff"
    headers = {"X-CSRF-Token": signed_in}
    reply = await client.post(
        f"/dashboard/api/cases/{case.id}/reply", json={"text": "Call now."}, headers=headers
    )
    assert reply.status_code == 200
    resolved = await client.post(f"/dashboard/api/cases/{case.id}/resolve", headers=headers)
    assert resolved.status_code == 200
    assert status(store, conv_id) == "bot"
    authors = [m.author for m in stored(store, conv_id)]
    assert authors == ["patient", "bot", "patient", "bot", "clinician", "system"]


async def test_concurrent_messages_get_distinct_seqs(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = await send(client, "I have a cough")
    conv_id = body["conversation_id"]
    await asyncio.gather(*(send(client, f"more {i}", conv_id) for i in range(5)))
    seqs = [m.seq for m in stored(store, conv_id)]
    assert seqs == list(range(1, 13))
    assert all(m.status == "processed" for m in stored(store, conv_id) if m.author == "patient")


async def test_sms_flow_with_retries_duplicates_and_a_crash_free_restart(
    sms_app: FastAPI, signer: WebhookSigner, fake_twilio: FakeTwilio, store: Store
) -> None:
    transport = httpx.ASGITransport(app=sms_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        patient = SmsPatient(client, signer, fake_twilio, new_number())
        fake_twilio.fail_next(patient.number, Reply.server_error(), Reply.too_many_requests(0.1))
        sid = "SM" + uuid.uuid4().hex
        for _ in range(3):
            assert (await patient.text("I have a cough", message_sid=sid)).status_code == 200
        await patient.wait_for(1)
        await patient.text("2")
        received = await patient.wait_for(2)
    assert received[1].startswith("Thanks. Is it worse when you breathe in?")
    statuses = [a.status for a in fake_twilio.attempts_to(patient.number)]
    assert statuses == [500, 429, 201, 201]
    gateway = sms_app.state.gateway
    await eventually(lambda: gateway.outbox.busy == 0)
    with store.unit_of_work() as uow:
        conv = uow.conversations.find_by_channel_user(
            "sms", gateway.pipeline._identity.candidates("sms", patient.number)
        )
        assert conv is not None
        messages = uow.messages.list_after(conv.id)
    assert [(m.author, m.status) for m in messages] == [
        ("patient", "processed"),
        ("bot", "delivered"),
        ("patient", "processed"),
        ("bot", "delivered"),
    ]
