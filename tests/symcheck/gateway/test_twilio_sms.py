"""``POST /webhooks/twilio/sms`` end to end with a fake Rasa and a fake Twilio API: signatures,
acknowledgement before processing, de-duplication, order, rendering, keywords, photos."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from symcheck.clinical.dispositions import Disposition
from symcheck.gateway.container import Gateway
from symcheck.settings import Settings
from symcheck.storage.repositories import AuditAction, Store
from tests.fakes.twilio import FakeTwilio, Reply, WebhookSigner
from tests.symcheck.gateway.fakes import FEVER_QUESTION, FakeRasa
from tests.symcheck.gateway.sms_helpers import SmsPatient, eventually, new_number

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@pytest.fixture
def app(sms_app: FastAPI) -> FastAPI:
    return sms_app


@pytest.fixture
def patient(
    client: httpx.AsyncClient, signer: WebhookSigner, fake_twilio: FakeTwilio
) -> SmsPatient:
    return SmsPatient(client, signer, fake_twilio, new_number())


def _conversation_id(store: Store, number: str, gateway: Gateway) -> uuid.UUID:
    hashes = gateway.pipeline._identity.candidates("sms", number)  # type: ignore[attr-defined]
    with store.unit_of_work() as uow:
        conv = uow.conversations.find_by_channel_user("sms", hashes)
        assert conv is not None
        return conv.id


async def test_a_signed_message_is_acknowledged_and_answered_by_sms(
    patient: SmsPatient, store: Store, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    response = await patient.text("I have a cough")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == EMPTY_TWIML
    [reply] = await patient.wait_for(1)
    assert reply == f"{FEVER_QUESTION}\nReply 1 for Yes, 2 for No, 3 for Talk to a clinician."
    conv_id = _conversation_id(store, patient.number, gateway)
    assert fake_rasa.requests[0]["metadata"] == {"channel": "sms"}
    await eventually(lambda: gateway.outbox.busy == 0)
    with store.unit_of_work() as uow:
        messages = uow.messages.list_after(conv_id)
        assert [(m.author, m.status) for m in messages] == [
            ("patient", "processed"),
            ("bot", "delivered"),
        ]
        [item] = uow.outbox.for_conversation(conv_id)
        assert item.status == "delivered"
        assert item.provider_message_id
        assert item.provider_message_id.startswith("SM")


async def test_the_number_is_stored_only_hashed_and_encrypted(
    patient: SmsPatient, store: Store, gateway: Gateway
) -> None:
    await patient.text("I have a cough")
    await patient.wait_for(1)
    digits = patient.number.lstrip("+")
    with store.unit_of_work() as uow:
        rows = uow.session.execute(
            text("SELECT channel_user_hash, channel_user_enc FROM conversations")
        ).all()
        outbox = uow.session.execute(text("SELECT * FROM outbox")).all()
    assert rows
    for row in [*rows, *outbox]:
        assert all(digits not in str(v) for v in row)


async def test_forged_unsigned_and_replayed_elsewhere_webhooks_are_refused(
    patient: SmsPatient,
    signer: WebhookSigner,
    fake_rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    params = signer.params(patient.number, "secret symptom text quokka")
    forged = await patient.post(params, signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    assert forged.status_code == 403
    unsigned = await patient.client.post(signer.path, data=params)
    assert unsigned.status_code == 403
    # Signed for another URL (a replay against this gateway of a request meant elsewhere).
    other = signer.sign(params, "https://attacker.example/webhooks/twilio/sms")
    assert (await patient.post(params, signature=other)).status_code == 403
    # A valid signature, but the body changed afterwards.
    tampered = {**params, "Body": "changed"}
    response = await patient.client.post(
        signer.path, data=tampered, headers={"X-Twilio-Signature": signer.sign(params)}
    )
    assert response.status_code == 403
    assert fake_rasa.requests == []
    logged = caplog.text
    assert "quokka" not in logged
    assert patient.number not in logged
    assert "reason=bad_signature" in logged
    assert "reason=missing_signature" in logged


async def test_another_accounts_signed_webhook_is_refused(patient: SmsPatient) -> None:
    params = patient.signer.params(patient.number, "hello")
    params["AccountSid"] = "AC" + "f" * 32
    assert (await patient.post(params)).status_code == 403


async def test_a_malformed_signed_webhook_is_refused_without_storing(
    patient: SmsPatient, store: Store
) -> None:
    params = patient.signer.params(patient.number, "hello")
    params["From"] = ""
    assert (await patient.post(params)).status_code == 400
    with store.unit_of_work() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM messages")).scalar() == 0


async def test_duplicate_deliveries_of_one_message_are_processed_once(
    patient: SmsPatient, fake_rasa: FakeRasa, store: Store, gateway: Gateway
) -> None:
    sid = "SM" + uuid.uuid4().hex
    responses = [await patient.text("I have a cough", message_sid=sid) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    await patient.wait_for(1)
    await eventually(lambda: gateway.inbound.busy == 0)
    assert len(fake_rasa.requests) == 1
    assert len(patient.received()) == 1
    conv_id = _conversation_id(store, patient.number, gateway)
    with store.unit_of_work() as uow:
        assert [m.author for m in uow.messages.list_after(conv_id)] == ["patient", "bot"]


async def test_concurrent_duplicate_deliveries_store_one_message(
    patient: SmsPatient, fake_rasa: FakeRasa
) -> None:
    sid = "SM" + uuid.uuid4().hex
    responses = await asyncio.gather(*(patient.text("hello", message_sid=sid) for _ in range(5)))
    assert {r.status_code for r in responses} == {200}
    await patient.wait_for(1)
    assert len(fake_rasa.requests) == 1


async def test_messages_of_a_conversation_are_processed_in_arrival_order(
    patient: SmsPatient, fake_rasa: FakeRasa
) -> None:
    for body in ("first I have a cough", "second it started yesterday", "third still there"):
        assert (await patient.text(body)).status_code == 200
    await patient.wait_for(3)
    assert [r["message"] for r in fake_rasa.requests] == [
        "first I have a cough",
        "second it started yesterday",
        "third still there",
    ]


async def test_a_digit_answers_the_numbered_options(
    patient: SmsPatient, fake_rasa: FakeRasa, store: Store, gateway: Gateway
) -> None:
    await patient.text("I have a cough")
    await patient.wait_for(1)
    await patient.text("1")
    await patient.wait_for(2)
    assert fake_rasa.requests[-1]["message"] == "/affirm"
    conv_id = _conversation_id(store, patient.number, gateway)
    with store.unit_of_work() as uow:
        answer = uow.messages.list_after(conv_id)[2]
    assert (answer.text, answer.payload) == ("Yes", "/affirm")
    # A number that is not an option is just text; a typed intent is not let through.
    await patient.text("7")
    await patient.wait_for(3)
    assert fake_rasa.requests[-1]["message"] == "7"
    await patient.text("/restart")
    await patient.wait_for(4)
    assert fake_rasa.requests[-1]["message"] == "restart"


async def test_long_replies_are_split_into_parts_in_order(
    patient: SmsPatient, client: httpx.AsyncClient, signed_in: str, store: Store, gateway: Gateway
) -> None:
    await patient.text("I want to talk to a clinician")
    await patient.wait_for(1)
    conv_id = _conversation_id(store, patient.number, gateway)
    with store.unit_of_work() as uow:
        case = uow.cases.open_for_conversation(conv_id)
    assert case is not None
    words = [f"word{i:03d}" for i in range(150)]
    long_reply = " ".join(words)  # 1199 characters
    response = await client.post(
        f"/dashboard/api/cases/{case.id}/reply",
        json={"text": long_reply},
        headers={"X-CSRF-Token": signed_in},
    )
    assert response.status_code == 200
    received = await patient.wait_for(1 + 4)
    parts = received[1:]
    assert all(len(p) <= 320 for p in parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == ["(1/4)", "(2/4)", "(3/4)", "(4/4)"]
    assert " ".join(p.rsplit(" ", 1)[0] for p in parts) == long_reply  # no word cut


async def test_retries_on_429_and_500_then_delivers_once(
    patient: SmsPatient, fake_twilio: FakeTwilio
) -> None:
    fake_twilio.fail_next(patient.number, Reply.too_many_requests(0.1), Reply.server_error(503))
    await patient.text("I have a cough")
    [reply] = await patient.wait_for(1)
    assert reply.startswith(FEVER_QUESTION)
    assert [a.status for a in fake_twilio.attempts_to(patient.number)] == [429, 503, 201]


async def test_retries_run_out_and_the_clinician_sees_it(
    patient: SmsPatient, fake_twilio: FakeTwilio, store: Store, gateway: Gateway
) -> None:
    fake_twilio.fail_next(patient.number, *[Reply.server_error()] * 10)
    await patient.text("I have a cough")
    conv_id = _conversation_id(store, patient.number, gateway)

    def undelivered() -> bool:
        with store.unit_of_work() as uow:
            return uow.messages.undelivered(conv_id) == [(2, "undelivered")]

    await eventually(undelivered)
    assert len(fake_twilio.attempts_to(patient.number)) == gateway.options.outbox_max_attempts
    with store.unit_of_work() as uow:
        [item] = uow.outbox.for_conversation(conv_id)
    assert (item.status, item.last_error) == ("failed", "20500")


async def test_a_permanent_error_is_not_retried(
    patient: SmsPatient, fake_twilio: FakeTwilio, store: Store, gateway: Gateway
) -> None:
    fake_twilio.fail_next(patient.number, Reply.invalid_number())
    await patient.text("I have a cough")
    conv_id = _conversation_id(store, patient.number, gateway)
    await eventually(lambda: fake_twilio.attempts_to(patient.number))
    await eventually(lambda: gateway.outbox.busy == 0)
    with store.unit_of_work() as uow:
        [item] = uow.outbox.for_conversation(conv_id)
        assert (item.status, item.last_error, item.attempts) == ("failed", "21211", 1)
        conv = uow.conversations.get(conv_id)
    assert conv is not None
    assert not conv.opted_out


async def test_21610_marks_the_conversation_opted_out(
    patient: SmsPatient,
    fake_twilio: FakeTwilio,
    store: Store,
    gateway: Gateway,
    fake_rasa: FakeRasa,
) -> None:
    fake_twilio.opt_out(patient.number)
    await patient.text("I have a cough")
    conv_id = _conversation_id(store, patient.number, gateway)

    def opted_out() -> bool:
        with store.unit_of_work() as uow:
            conv = uow.conversations.get(conv_id)
            return conv is not None and conv.opted_out

    await eventually(opted_out)
    assert len(fake_twilio.attempts_to(patient.number)) == 1
    # Later messages are stored but nothing is sent, and the bot is not asked.
    await patient.text("still coughing")
    await eventually(lambda: gateway.inbound.busy == 0)
    await eventually(lambda: gateway.outbox.busy == 0)
    assert len(fake_twilio.attempts_to(patient.number)) == 1
    assert len(fake_rasa.requests) == 1


async def test_stop_silences_start_resumes_and_help_answers(
    patient: SmsPatient,
    fake_twilio: FakeTwilio,
    fake_rasa: FakeRasa,
    store: Store,
    gateway: Gateway,
) -> None:
    await patient.text("I have a cough")
    await patient.wait_for(1)
    await patient.text("Stop")
    await patient.text("are you there?")
    conv_id = _conversation_id(store, patient.number, gateway)

    def settled() -> bool:
        with store.unit_of_work() as uow:
            return all(m.status != "received" for m in uow.messages.list_after(conv_id))

    await eventually(settled)
    await eventually(lambda: gateway.outbox.busy == 0)
    assert len(patient.received()) == 1  # no confirmation from us: Twilio sends its own
    assert len(fake_rasa.requests) == 1
    await patient.text("START")
    [_, welcome] = await patient.wait_for(2)
    assert "again" in welcome
    assert "call 112" in welcome
    await patient.text("help")
    [*_, help_text] = await patient.wait_for(3)
    assert "Test Clinic" in help_text
    assert "call 112" in help_text
    assert "STOP" in help_text
    # "YES" is an answer, not a keyword, while subscribed.
    await patient.text("yes")
    await patient.wait_for(4)
    assert fake_rasa.requests[-1]["message"] == "yes"


async def test_an_opted_out_patients_emergency_reaches_the_top_of_the_queue_silently(
    patient: SmsPatient, fake_twilio: FakeTwilio, store: Store, gateway: Gateway
) -> None:
    await patient.text("STOP")
    await patient.text("I have crushing chest pain and I am sweating")
    conv_id = None

    def case() -> object:
        nonlocal conv_id
        conv_id = _conversation_id(store, patient.number, gateway)
        with store.unit_of_work() as uow:
            return uow.cases.open_for_conversation(conv_id)

    found = await eventually(case)
    assert found.urgency == 4  # type: ignore[attr-defined]
    await eventually(lambda: gateway.outbox.busy == 0)
    assert fake_twilio.attempts_to(patient.number) == []
    with store.unit_of_work() as uow:
        statuses = {m.status for m in uow.messages.list_after(conv_id) if m.direction == "out"}  # type: ignore[arg-type]
    assert statuses == {"not_sent"}


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_a_photo_is_stored_encrypted_and_the_patient_is_told(
    patient: SmsPatient,
    fake_twilio: FakeTwilio,
    store: Store,
    gateway: Gateway,
    fake_rasa: FakeRasa,
) -> None:
    url = fake_twilio.add_media("image/png", PNG)
    await patient.text("", media=((url, "image/png"),))
    [reply] = await patient.wait_for(1)
    assert "describe in words" in reply
    assert fake_rasa.requests == []  # a photo alone is not sent to the bot
    conv_id = _conversation_id(store, patient.number, gateway)
    with store.unit_of_work() as uow:
        [message, _] = uow.messages.list_after(conv_id)
        [attachment] = message.attachments
        raw = uow.session.execute(text("SELECT data_enc FROM attachments")).scalar_one()
        found = uow.attachments.get(attachment.id)
    assert attachment.status == "stored"
    assert attachment.content_type == "image/png"
    assert PNG not in bytes(raw)
    assert found is not None
    assert found[1] == PNG
    # The token went to Twilio's API, never to the media store it redirected to.
    assert [r["authorised"] for r in fake_twilio.media_requests] == [True, False]


async def test_a_photo_in_an_open_case_reaches_the_clinician(
    app: FastAPI,
    patient: SmsPatient,
    fake_twilio: FakeTwilio,
    client: httpx.AsyncClient,
    signed_in: str,
    store: Store,
    gateway: Gateway,
) -> None:
    await patient.text("I want to talk to a clinician")
    await patient.wait_for(1)
    url = fake_twilio.add_media("image/png", PNG)
    await patient.text("this is the rash", media=((url, "image/png"),))
    received = await patient.wait_for(3)
    assert "a clinician will see it" in received[-1]
    conv_id = _conversation_id(store, patient.number, gateway)
    with store.unit_of_work() as uow:
        case = uow.cases.open_for_conversation(conv_id)
    assert case is not None
    transcript = (await client.get(f"/dashboard/api/cases/{case.id}/messages")).json()
    [photo] = [a for m in transcript["messages"] for a in m["attachments"]]
    image = await client.get(photo["url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert "no-store" in image.headers["cache-control"]
    assert image.content == PNG
    page = await client.get(f"/dashboard/cases/{case.id}")
    assert photo["url"] in page.text
    with store.unit_of_work() as uow:
        views = uow.audit.list(action=AuditAction.VIEW_ATTACHMENT)
    assert len(views) == 1
    assert views[0].case_id == case.id
    # Signed out: no photo.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        assert (await anonymous.get(photo["url"])).status_code == 401


async def test_a_photo_too_large_or_not_an_image_is_not_kept(
    patient: SmsPatient,
    fake_twilio: FakeTwilio,
    store: Store,
    gateway: Gateway,
    sms_settings: Settings,
) -> None:
    big = fake_twilio.add_media(
        "image/jpeg", b"\xff\xd8\xff" + b"\x00" * sms_settings.sms_max_media_bytes
    )
    fake = fake_twilio.add_media("image/png", b"<html>not a png</html>")
    await patient.text("", media=((big, "image/jpeg"), (fake, "image/png")))
    [reply] = await patient.wait_for(1)
    assert "couldn't keep your photo" in reply
    conv_id = _conversation_id(store, patient.number, gateway)
    with store.unit_of_work() as uow:
        [message, _] = uow.messages.list_after(conv_id)
    assert [(a.status, a.size_bytes) for a in message.attachments] == [
        ("too_large", None),
        ("unsupported_type", None),
    ]


async def test_the_sms_route_is_absent_without_twilio_credentials(
    settings: Settings, fake_rasa: FakeRasa, safety_runtime: object
) -> None:
    from symcheck.gateway.app import create_app

    plain = create_app(settings, rasa_transport=httpx.MockTransport(fake_rasa.handler))
    transport = httpx.ASGITransport(app=plain)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.post("/webhooks/twilio/sms", data={"Body": "x"})).status_code == 404


async def test_replies_to_a_channel_no_longer_configured_are_marked_undelivered(
    client: httpx.AsyncClient, signed_in: str, store: Store
) -> None:
    """SMS turned off after a patient texted: a clinician's reply shows as not delivered."""
    with store.unit_of_work() as uow:
        conv = uow.conversations.create("telegram", channel_user_hash="h", channel_user="42")
        uow.cases.open_or_escalate(conv.id, disposition=Disposition.CONSULTATION, reason="x")
        case = uow.cases.open_for_conversation(conv.id)
    assert case is not None
    response = await client.post(
        f"/dashboard/api/cases/{case.id}/reply",
        json={"text": "hello"},
        headers={"X-CSRF-Token": signed_in},
    )
    assert response.status_code == 200
    assert response.json()["message"]["status"] == "undelivered"
    assert response.json()["message"]["delivery_label"].startswith("Not delivered")


async def test_if_the_message_cannot_be_stored_twilio_gets_the_safe_advice(
    patient: SmsPatient, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def database_down(*args: object, **kwargs: object) -> None:
        raise OSError("database is down")

    monkeypatch.setattr(gateway.pipeline, "accept", database_down)
    response = await patient.text("I have chest pain")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert "<Message>" in response.text
    assert "call 112" in response.text


async def test_an_oversized_webhook_is_refused(patient: SmsPatient) -> None:
    params = patient.signer.params(patient.number, "x" * 70_000)
    assert (await patient.post(params)).status_code == 413
