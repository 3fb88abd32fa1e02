"""Processing after the acknowledgement: recovery after a crash, leases, exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.app import create_app
from symcheck.gateway.container import Gateway
from symcheck.gateway.options import GatewayOptions
from symcheck.settings import Settings
from symcheck.storage.models import utcnow
from symcheck.storage.repositories import Store
from tests.fakes.twilio import FakeTwilio, WebhookSigner
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.helpers import send, use_rasa_transport
from tests.symcheck.gateway.sms_helpers import SmsPatient, eventually, new_number
from tests.symcheck.storage.conftest import FAST_HASHER


@asynccontextmanager
async def running(
    settings: Settings,
    fake_rasa: FakeRasa,
    safety: SafetyRuntime,
    options: GatewayOptions,
    fake_twilio: FakeTwilio,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """One gateway process's lifetime."""
    app = create_app(
        settings,
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety,
        password_hasher=FAST_HASHER,
        options=options,
        twilio_transport=httpx.ASGITransport(app=fake_twilio.app),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield app, client


def _statuses(store: Store) -> list[tuple[str, str]]:
    with store.unit_of_work() as uow:
        rows = uow.session.execute(text("SELECT author, status FROM messages ORDER BY seq"))
        return [(str(a), str(s)) for a, s in rows]


async def test_a_message_left_received_by_a_crash_is_processed_once_after_restart(
    sms_settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    sms_options: GatewayOptions,
    fake_twilio: FakeTwilio,
    signer: WebhookSigner,
    store: Store,
) -> None:
    number = new_number()
    stopped = replace(sms_options, run_workers=False)  # dies right after acknowledging
    args = (sms_settings, fake_rasa, safety_runtime)
    async with running(*args, stopped, fake_twilio) as (_, client):
        patient = SmsPatient(client, signer, fake_twilio, number)
        assert (await patient.text("I have a cough")).status_code == 200
    assert _statuses(store) == [("patient", "received")]
    assert fake_rasa.requests == []
    async with running(*args, sms_options, fake_twilio) as (app, _):
        gateway: Gateway = app.state.gateway
        await eventually(lambda: len(fake_twilio.sent_to(number)) == 1)
        await eventually(lambda: gateway.outbox.busy == 0 and gateway.inbound.busy == 0)
        assert gateway.inbound.recovered == 1
    assert _statuses(store) == [("patient", "processed"), ("bot", "delivered")]
    # A further restart finds nothing left to do.
    async with running(*args, sms_options, fake_twilio) as (app, _):
        await asyncio.sleep(0.3)
        assert app.state.gateway.inbound.recovered == 0
    assert len(fake_rasa.requests) == 1
    assert len(fake_twilio.sent_to(number)) == 1


async def test_a_message_held_by_a_dead_worker_is_taken_over_after_its_lease(
    sms_settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    sms_options: GatewayOptions,
    fake_twilio: FakeTwilio,
    signer: WebhookSigner,
    store: Store,
) -> None:
    number = new_number()
    args = (sms_settings, fake_rasa, safety_runtime)
    async with running(*args, replace(sms_options, run_workers=False), fake_twilio) as (_, c):
        await SmsPatient(c, signer, fake_twilio, number).text("I have a cough")
    with store.unit_of_work() as uow:  # a worker of another replica claimed it, then died
        [claimed] = uow.messages.claim_received(lease=timedelta(seconds=1), limit=5)
    async with running(*args, sms_options, fake_twilio):
        await asyncio.sleep(0.5)
        assert fake_rasa.requests == []  # still held
        await eventually(lambda: len(fake_twilio.sent_to(number)) == 1, timeout=5)
    with store.unit_of_work() as uow:
        message = uow.messages.get(claimed.id)
    assert message is not None
    assert (message.status, message.attempts) == ("processed", 2)


async def test_when_another_worker_answered_first_nothing_is_stored_twice(
    sms_app: FastAPI,
    fake_rasa: FakeRasa,
    fake_twilio: FakeTwilio,
    signer: WebhookSigner,
    store: Store,
) -> None:
    """The completion only commits if the message is still ``received``."""

    def finished_elsewhere(body: dict[str, Any]) -> None:
        with store.unit_of_work() as uow:
            uow.session.execute(text("UPDATE messages SET status = 'processed'"))

    fake_rasa.on_request = finished_elsewhere
    transport = httpx.ASGITransport(app=sms_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        patient = SmsPatient(client, signer, fake_twilio, new_number())
        await patient.text("I have a cough")
        await eventually(lambda: fake_rasa.requests)
        await asyncio.sleep(0.3)
    assert _statuses(store) == [("patient", "processed")]
    assert fake_twilio.attempts == []


async def test_a_message_that_keeps_failing_is_given_up_with_safe_advice(
    sms_settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    sms_options: GatewayOptions,
    fake_twilio: FakeTwilio,
    signer: WebhookSigner,
    store: Store,
) -> None:
    number = new_number()
    args = (sms_settings, fake_rasa, safety_runtime)
    async with running(*args, replace(sms_options, run_workers=False), fake_twilio) as (_, c):
        await SmsPatient(c, signer, fake_twilio, number).text("I have a cough")
    with store.unit_of_work() as uow:  # it crashed the gateway three times already
        uow.session.execute(text("UPDATE messages SET attempts = 3"))
    async with running(*args, sms_options, fake_twilio):
        [advice] = await _wait(lambda: fake_twilio.sent_to(number))
    assert "call 112" in advice
    assert fake_rasa.requests == []
    assert _statuses(store) == [("patient", "failed"), ("system", "delivered")]


async def test_a_web_request_holds_its_message_so_no_worker_takes_it(
    client: httpx.AsyncClient, fake_rasa: FakeRasa, gateway: Gateway, store: Store
) -> None:
    seen: list[str | None] = []

    def look(body: dict[str, Any]) -> None:
        with store.unit_of_work() as uow:
            seen.append(uow.session.execute(text("SELECT lease_until FROM messages")).scalar_one())

    fake_rasa.on_request = look
    response = await client.post("/api/web/messages", json={"conversation_id": None, "text": "hi"})
    assert response.status_code == 200
    assert seen[0] is not None
    with store.unit_of_work() as uow:
        assert uow.messages.claim_received(lease=timedelta(seconds=5), limit=5, now=utcnow()) == []


async def _wait(check: Callable[[], list[str]]) -> list[str]:
    await eventually(check)
    return check()


async def test_a_slow_web_turn_keeps_its_message_from_the_worker(
    sms_app: FastAPI, fake_rasa: FakeRasa, store: Store, sms_options: GatewayOptions
) -> None:
    """The request renews its lease while Rasa takes longer than the lease itself."""

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(sms_options.inbound_lease_seconds * 1.7)
        return fake_rasa.handler(request)

    use_rasa_transport(sms_app.state.gateway, httpx.MockTransport(slow))
    transport = httpx.ASGITransport(app=sms_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        body = await send(client, "I have a cough")
    assert len(fake_rasa.requests) == 1
    with store.unit_of_work() as uow:
        [message, _] = uow.messages.list_after(uuid.UUID(body["conversation_id"]))
    assert (message.status, message.attempts) == ("processed", 1)
