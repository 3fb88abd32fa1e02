"""``POST /webhooks/telegram/updates`` end to end with a fake Rasa and a fake Telegram Bot API:
the secret token, acknowledgement before processing, de-duplication, inline keyboards and
button presses, commands, long replies, retries, blocking, photos, edits, forget me."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.container import Gateway
from symcheck.gateway.options import GatewayOptions
from symcheck.settings import Settings
from symcheck.storage.repositories import Store
from tests.fakes.telegram import BOT_TOKEN, WEBHOOK_SECRET, FakeTelegram, Reply
from tests.symcheck.gateway.fakes import FEVER_QUESTION, HANDOFF_TEXT, FakeRasa
from tests.symcheck.gateway.sms_helpers import eventually
from tests.symcheck.gateway.telegram_helpers import (
    WEBHOOK_PATH,
    TelegramChat,
    build_app,
    conversation_id,
    fake_telegram,  # noqa: F401 - fixture
    fast_options,
    telegram_settings,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8


@pytest.fixture
def tg_settings(settings: Settings) -> Settings:
    return telegram_settings(settings)


@pytest.fixture
def tg_options() -> GatewayOptions:
    return fast_options()


@pytest.fixture
async def app(
    tg_settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    tg_options: GatewayOptions,
    fake_telegram: FakeTelegram,  # noqa: F811
) -> AsyncIterator[FastAPI]:
    async for built in build_app(tg_settings, fake_rasa, safety_runtime, tg_options, fake_telegram):
        yield built


@pytest.fixture
def chat(client: httpx.AsyncClient, fake_telegram: FakeTelegram) -> TelegramChat:  # noqa: F811
    return TelegramChat(client, fake_telegram, fake_telegram.new_user())


def _conv(store: Store, gateway: Gateway, chat: TelegramChat):  # type: ignore[no-untyped-def]
    conv_id = conversation_id(store, gateway, chat.chat_id)
    assert conv_id is not None
    return conv_id


async def _settled(gateway: Gateway) -> None:
    await eventually(lambda: gateway.outbox.busy == 0 and gateway.inbound.busy == 0)


# -- the webhook ---------------------------------------------------------------------------


async def test_a_message_is_acknowledged_and_answered_with_an_inline_keyboard(
    chat: TelegramChat, store: Store, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    response = await chat.text("I have a cough")
    assert response.status_code == 200
    assert response.content == b""
    [reply] = await chat.wait_for(1)
    assert reply == FEVER_QUESTION
    [sent] = chat.messages()
    assert [b["text"] for b in sent.buttons] == ["Yes", "No", "Talk to a clinician"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in sent.buttons)
    assert fake_rasa.requests[0]["metadata"] == {"channel": "telegram"}
    await _settled(gateway)
    with store.unit_of_work() as uow:
        messages = uow.messages.list_after(_conv(store, gateway, chat))
    assert [(m.author, m.status) for m in messages] == [
        ("patient", "processed"),
        ("bot", "delivered"),
    ]


async def test_the_chat_id_is_stored_only_hashed_and_encrypted(
    chat: TelegramChat, store: Store, gateway: Gateway
) -> None:
    await chat.text("I have a cough")
    await chat.wait_for(1)
    with store.unit_of_work() as uow:
        rows = uow.session.execute(text("SELECT * FROM conversations")).all()
        messages = uow.session.execute(text("SELECT * FROM messages")).all()
        outbox = uow.session.execute(text("SELECT * FROM outbox")).all()
    dump = repr(rows) + repr(messages) + repr(outbox)
    assert str(chat.chat_id) not in dump
    assert "cough" not in dump


async def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_stored(
    chat: TelegramChat, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    update = chat.telegram.text_update(chat.user, "I have a cough quokkaforged")
    assert (await chat.deliver(update, secret=None)).status_code == 403
    assert (await chat.deliver(update, secret="x" * 40)).status_code == 403
    assert (await chat.deliver(update, secret=WEBHOOK_SECRET[:-1])).status_code == 403
    with store.unit_of_work() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM messages")).scalar_one() == 0
    assert "reason=missing_secret" in caplog.text
    assert "reason=bad_secret" in caplog.text
    assert "quokkaforged" not in caplog.text
    assert str(chat.chat_id) not in caplog.text


async def test_unreadable_updates_are_refused_and_unsupported_ones_acknowledged(
    chat: TelegramChat, client: httpx.AsyncClient, store: Store
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    assert (
        await client.post(WEBHOOK_PATH, content=b"not json", headers=headers)
    ).status_code == 400
    assert (
        await client.post(WEBHOOK_PATH, json={"message": {}}, headers=headers)
    ).status_code == 400
    # An inline query (not something we serve) and a group message are acknowledged, ignored.
    inline = {
        "update_id": 1,
        "inline_query": {"id": "1", "from": chat.user.as_user(), "query": "x", "offset": ""},
    }
    assert (await chat.deliver(inline)).status_code == 200
    group = chat.telegram.text_update(chat.user, "I have chest pain")
    group["message"]["chat"] = {"id": -100123, "title": "Family", "type": "supergroup"}
    assert (await chat.deliver(group)).status_code == 200
    with store.unit_of_work() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM messages")).scalar_one() == 0
    assert chat.telegram.sent == []


async def test_duplicate_deliveries_are_processed_once(
    chat: TelegramChat, store: Store, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    update = chat.telegram.text_update(chat.user, "I have a cough")
    assert [(await chat.deliver(update)).status_code for _ in range(3)] == [200] * 3
    results = await asyncio.gather(*(chat.deliver(update) for _ in range(4)))
    assert {r.status_code for r in results} == {200}
    await chat.wait_for(1)
    await _settled(gateway)
    with store.unit_of_work() as uow:
        messages = uow.messages.list_after(_conv(store, gateway, chat))
    assert [m.author for m in messages] == ["patient", "bot"]
    assert len(fake_rasa.requests) == 1
    assert len(chat.received()) == 1


async def test_out_of_order_deliveries_are_processed_in_arrival_order_once(
    chat: TelegramChat, store: Store, gateway: Gateway
) -> None:
    first = chat.telegram.text_update(chat.user, "I have a cough")
    second = chat.telegram.text_update(chat.user, "it started two days ago")
    for update in (second, first, second, first):
        assert (await chat.deliver(update)).status_code == 200
    await chat.wait_for(2)
    await _settled(gateway)
    with store.unit_of_work() as uow:
        patient = [
            m for m in uow.messages.list_after(_conv(store, gateway, chat)) if m.author == "patient"
        ]
    assert [m.text for m in patient] == ["it started two days ago", "I have a cough"]
    assert len(chat.received()) == 2


# -- buttons and commands ------------------------------------------------------------------


async def test_a_button_press_sends_its_payload_and_is_answered(
    chat: TelegramChat, store: Store, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    await chat.text("I have a cough")
    await chat.wait_for(1)
    query_id, response = await chat.press(chat.messages()[0], 1)
    assert response.status_code == 200
    await chat.wait_for(2)
    assert fake_rasa.requests[-1]["message"] == "/deny"
    await eventually(lambda: chat.telegram.answers_for(query_id))
    assert chat.telegram.answers_for(query_id)[0]["text"] is None
    with store.unit_of_work() as uow:
        patient = [
            m for m in uow.messages.list_after(_conv(store, gateway, chat)) if m.author == "patient"
        ]
    assert (patient[-1].text, patient[-1].payload) == ("No", "/deny")


async def test_a_press_on_an_old_keyboard_is_answered_with_a_notice_and_not_stored(
    chat: TelegramChat, store: Store, gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    await chat.text("I have a cough")
    await chat.wait_for(1)
    await chat.press(chat.messages()[0], 0)  # Yes -> a new question with Yes / No
    await chat.wait_for(2)
    await _settled(gateway)
    old = chat.messages()[0]
    asked = len(fake_rasa.requests)
    query_id, response = await chat.press(old, 1)  # No, on the first question
    assert response.status_code == 200
    await eventually(lambda: chat.telegram.answers_for(query_id))
    [answer] = chat.telegram.answers_for(query_id)
    assert "no longer active" in answer["text"]
    assert "call 112" in answer["text"]
    assert len(answer["text"]) <= 200
    assert len(fake_rasa.requests) == asked
    with store.unit_of_work() as uow:
        patient = [
            m for m in uow.messages.list_after(_conv(store, gateway, chat)) if m.author == "patient"
        ]
    assert len(patient) == 2


async def test_callback_data_naming_no_offered_button_picks_nothing(
    chat: TelegramChat, fake_rasa: FakeRasa, gateway: Gateway
) -> None:
    await chat.text("I have a cough")
    await chat.wait_for(1)
    asked = len(fake_rasa.requests)
    for data in ("/report_emergency", "b1:0:AAAAAAAAAAAA", "b1:9:" + "x" * 12):
        update = chat.telegram.press_update(chat.user, chat.messages()[0], 0)
        update["callback_query"]["data"] = data
        assert (await chat.deliver(update)).status_code == 200
    await _settled(gateway)
    assert len(fake_rasa.requests) == asked


async def test_the_bots_buttons_are_stale_while_a_clinician_has_the_conversation(
    chat: TelegramChat, fake_rasa: FakeRasa, gateway: Gateway
) -> None:
    await chat.text("I have a cough")
    await chat.wait_for(1)
    await chat.press(chat.messages()[0], 2)  # Talk to a clinician -> handoff
    await chat.wait_for(2)
    assert chat.received()[-1] == HANDOFF_TEXT
    asked = len(fake_rasa.requests)
    query_id, _ = await chat.press(chat.messages()[0], 0)
    await eventually(lambda: chat.telegram.answers_for(query_id))
    assert "no longer active" in chat.telegram.answers_for(query_id)[0]["text"]
    assert len(fake_rasa.requests) == asked


async def test_start_restart_and_help_commands(
    chat: TelegramChat, fake_rasa: FakeRasa, gateway: Gateway
) -> None:
    await chat.text("/start")
    await chat.wait_for(1)
    assert fake_rasa.requests[-1]["message"] == "/greet"
    await chat.text("/restart")
    await chat.wait_for(2)
    assert fake_rasa.requests[-1]["message"] == "/restart_conversation"
    asked = len(fake_rasa.requests)
    await chat.text("/help@SymcheckClinicBot")
    await chat.text("/stop")  # a command we do not have: the help text too
    received = await chat.wait_for(4)
    for help_text in received[2:]:
        assert "Test Clinic" in help_text
        assert "/restart" in help_text
        assert "DELETE" in help_text
        assert "call 112" in help_text
    assert len(fake_rasa.requests) == asked


# -- replies -------------------------------------------------------------------------------


async def test_long_clinician_replies_are_split_at_whitespace_within_4096(
    chat: TelegramChat, client: httpx.AsyncClient, signed_in: str, store: Store, gateway: Gateway
) -> None:
    await chat.text("I want to talk to a clinician")
    await chat.wait_for(1)
    with store.unit_of_work() as uow:
        case = uow.cases.open_for_conversation(_conv(store, gateway, chat))
    assert case is not None
    # Clinicians write at most 4,000 characters, but Telegram counts UTF-16 units: with an
    # two emoji (two units each) in every word this is 3,989 characters and 5,129 units.
    words = [f"d{i:03d}\U0001f48a\U0001f48a" for i in range(570)]
    long_reply = " ".join(words)
    response = await client.post(
        f"/dashboard/api/cases/{case.id}/reply",
        json={"text": long_reply},
        headers={"X-CSRF-Token": signed_in},
    )
    assert response.status_code == 200
    received = await chat.wait_for(1 + 2)
    parts = received[1:]
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert " ".join(parts) == long_reply  # in order, no word cut


async def test_retries_on_429_and_500_then_delivers_once(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
) -> None:
    fake_telegram.fail_next(chat.chat_id, Reply.too_many_requests(1), Reply.server_error())
    await chat.text("I have a cough")
    [reply] = await chat.wait_for(1, timeout=10)
    assert reply == FEVER_QUESTION
    attempts = fake_telegram.attempts_to(chat.chat_id)
    assert [a.status for a in attempts] == [429, 500, 200]
    assert attempts[1].at - attempts[0].at >= 0.95  # parameters.retry_after respected


async def test_a_blocked_bot_opts_out_without_retry_and_a_new_message_opts_back_in(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
) -> None:
    fake_telegram.block(chat.chat_id)
    await chat.text("I have a cough")
    await eventually(lambda: fake_telegram.attempts_to(chat.chat_id))
    await _settled(gateway)
    assert [a.status for a in fake_telegram.attempts_to(chat.chat_id)] == [403]
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(_conv(store, gateway, chat))
        assert conv is not None
        assert conv.opted_out
        [item] = uow.outbox.for_conversation(conv.id)
        assert (item.status, item.last_error) == ("failed", "http_403_blocked")
    fake_telegram.unblock(chat.chat_id)  # a blocked bot gets no messages: they unblocked it
    await chat.text("are you there")
    await chat.wait_for(1)
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(_conv(store, gateway, chat))
        assert conv is not None
        assert not conv.opted_out


async def test_blocking_and_unblocking_the_bot_opt_out_and_in(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
) -> None:
    await chat.text("I have a cough")
    await chat.wait_for(1)
    assert (await chat.deliver(fake_telegram.member_update(chat.user, "kicked"))).status_code == 200
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(_conv(store, gateway, chat))
        assert conv is not None
        assert conv.opted_out
    await chat.deliver(fake_telegram.member_update(chat.user, "member"))
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(_conv(store, gateway, chat))
        assert conv is not None
        assert not conv.opted_out
    # Someone who never wrote to us: nothing is created.
    stranger = fake_telegram.new_user()
    await chat.deliver(fake_telegram.member_update(stranger, "kicked"))
    assert conversation_id(store, gateway, stranger.chat_id) is None


# -- photos and what the bot cannot read ---------------------------------------------------


async def test_a_photo_is_downloaded_stored_encrypted_and_the_patient_is_told(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
    fake_rasa: FakeRasa,
) -> None:
    await chat.deliver(fake_telegram.photo_update(chat.user, JPEG))
    [reply] = await chat.wait_for(1)
    assert "describe in words" in reply
    assert fake_rasa.requests == []
    assert len(fake_telegram.downloads) == 1  # the largest size only
    with store.unit_of_work() as uow:
        [message, _] = uow.messages.list_after(_conv(store, gateway, chat))
        [attachment] = message.attachments
        raw = uow.session.execute(text("SELECT data_enc FROM attachments")).scalar_one()
        found = uow.attachments.get(attachment.id)
    assert attachment.status == "stored"
    assert attachment.content_type == "image/jpeg"
    assert JPEG[:64] not in bytes(raw)
    assert found is not None
    assert found[1] == JPEG


async def test_a_photo_in_an_open_case_reaches_the_clinician(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    client: httpx.AsyncClient,
    signed_in: str,
    store: Store,
    gateway: Gateway,
) -> None:
    await chat.text("I want to talk to a clinician")
    await chat.wait_for(1)
    await chat.deliver(fake_telegram.photo_update(chat.user, PNG, caption="this is the rash"))
    received = await chat.wait_for(3)
    assert "a clinician will see it" in received[-1]
    with store.unit_of_work() as uow:
        case = uow.cases.open_for_conversation(_conv(store, gateway, chat))
    assert case is not None
    transcript = (await client.get(f"/dashboard/api/cases/{case.id}/messages")).json()
    [photo] = [a for m in transcript["messages"] for a in m["attachments"]]
    image = await client.get(photo["url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content == PNG
    assert any(m["text"] == "this is the rash" for m in transcript["messages"])


async def test_a_photo_too_large_or_not_an_image_is_not_kept(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
    tg_settings: Settings,
) -> None:
    big = b"\xff\xd8\xff" + b"\x00" * tg_settings.telegram_max_media_bytes
    await chat.deliver(fake_telegram.photo_update(chat.user, big, sizes=1))
    await chat.deliver(fake_telegram.photo_update(chat.user, b"<html>no</html>" * 4, sizes=1))
    received = await chat.wait_for(2)
    assert all("couldn't keep your photo" in r for r in received)
    with store.unit_of_work() as uow:
        statuses = [
            a.status
            for m in uow.messages.list_after(_conv(store, gateway, chat))
            for a in m.attachments
        ]
    assert statuses == ["too_large", "unsupported_type"]


async def test_edits_and_voice_notes_get_a_polite_reply_with_the_safe_advice(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
    fake_rasa: FakeRasa,
) -> None:
    await chat.deliver(fake_telegram.content_update(chat.user, "voice"))
    await chat.deliver(fake_telegram.content_update(chat.user, "sticker"))
    await chat.deliver(fake_telegram.edited_update(chat.user, 1, "I have chest pain"))
    received = await chat.wait_for(3)
    assert "only read text messages and photos" in received[0]
    assert "only read text messages and photos" in received[1]
    assert "can't see changes" in received[2]
    assert all("call 112" in r for r in received)
    assert fake_rasa.requests == []
    with store.unit_of_work() as uow:
        patient = [
            m.text
            for m in uow.messages.list_after(_conv(store, gateway, chat))
            if m.author == "patient"
        ]
    assert patient == ["[voice message]", "[sticker]", "[edited message] I have chest pain"]


# -- forget me, failures, logs -------------------------------------------------------------


async def test_delete_then_confirm_erases_everything_and_confirms_on_telegram(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
) -> None:
    await chat.deliver(fake_telegram.photo_update(chat.user, PNG, caption="a rash"))
    await chat.wait_for(2)  # the bot's answer to the caption, the photo notice
    await chat.text("DELETE")
    received = await chat.wait_for(3)
    assert "YES DELETE" in received[-1]
    conv_id = _conv(store, gateway, chat)
    await chat.text("YES DELETE")
    received = await chat.wait_for(4)
    assert received[-1].startswith("Your conversation and everything you sent us have been erased")
    assert conversation_id(store, gateway, chat.chat_id) is None
    with store.unit_of_work() as uow:
        for table in ("messages", "attachments", "outbox", "cases"):
            count = uow.session.execute(
                text(f"SELECT count(*) FROM {table} WHERE conversation_id = :c"),
                {"c": conv_id.hex},
            ).scalar_one()
            assert count == 0, table
        assert uow.session.execute(text("SELECT channel FROM erasures")).scalars().all() == [
            "telegram"
        ]


async def test_a_message_that_cannot_be_stored_is_answered_with_the_safe_advice(
    chat: TelegramChat, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(gateway.pipeline, "accept", broken)
    response = await chat.text("I have chest pain")
    assert response.status_code == 200
    body = response.json()
    assert body["method"] == "sendMessage"
    assert body["chat_id"] == chat.chat_id
    assert "call 112" in body["text"]


async def test_logs_carry_no_chat_ids_names_text_or_token(
    chat: TelegramChat,
    fake_telegram: FakeTelegram,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="httpx")  # as serve-gateway sets it
    await chat.text("I have a cough quokkalog")
    await chat.wait_for(1)
    await chat.press(chat.messages()[0], 0)
    await chat.deliver(fake_telegram.photo_update(chat.user, PNG))
    await chat.wait_for(3)
    for secret in (str(chat.chat_id), "quokkalog", BOT_TOKEN, BOT_TOKEN.split(":")[1], "Pat"):
        assert secret not in caplog.text
    assert "file_" not in caplog.text


async def test_no_route_without_a_token(
    settings: Settings, fake_rasa: FakeRasa, safety_runtime: SafetyRuntime
) -> None:
    async for app in build_app(settings, fake_rasa, safety_runtime, fast_options(), FakeTelegram()):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(WEBHOOK_PATH, json={"update_id": 1})
        assert response.status_code == 404
        assert "telegram" not in app.state.gateway.channels
