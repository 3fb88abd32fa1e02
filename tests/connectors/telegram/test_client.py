"""The channel's Bot API calls against the fake server (in process)."""

from __future__ import annotations

import pytest

from connectors.base import AttachmentRef, AttachmentRejected, DeliveryError, OutboundPart
from connectors.telegram import TelegramChannel
from symcheck.clinical.interview.protocol import Button
from tests.fakes.telegram import FakeTelegram, Reply

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64


async def test_send_with_an_inline_keyboard(channel: TelegramChannel, fake: FakeTelegram) -> None:
    user = fake.new_user()
    [part] = channel.render("Fever?", (Button("Yes", "/affirm"), Button("No", "/deny")))
    message_id = await channel.send(str(user.chat_id), part)
    [sent] = fake.messages_to(user.chat_id)
    assert message_id == str(sent.message_id)
    assert sent.text == "Fever?"
    assert [b["text"] for b in sent.buttons] == ["Yes", "No"]
    assert fake.calls == ["sendMessage"]


@pytest.mark.parametrize(
    ("reply", "code", "retryable", "opted_out"),
    [
        (Reply.too_many_requests(7), "http_429", True, False),
        (Reply.server_error(), "http_500", True, False),
        (Reply.bad_gateway(), "http_502", True, False),
        (Reply.blocked(), "http_403_blocked", False, True),
        (Reply(403, "Forbidden: user is deactivated"), "http_403_deactivated", False, True),
        (Reply.chat_not_found(), "http_400", False, False),
    ],
)
async def test_errors_say_whether_to_retry(
    channel: TelegramChannel,
    fake: FakeTelegram,
    reply: Reply,
    code: str,
    retryable: bool,
    opted_out: bool,
) -> None:
    user = fake.new_user()
    fake.fail_next(user.chat_id, reply)
    with pytest.raises(DeliveryError) as failed:
        await channel.send(str(user.chat_id), OutboundPart("hello"))
    assert (failed.value.code, failed.value.retryable, failed.value.opted_out) == (
        code,
        retryable,
        opted_out,
    )
    if reply.retry_after:
        assert failed.value.retry_after == reply.retry_after
    assert "hello" not in failed.value.code


async def test_a_too_long_message_is_refused_by_telegram(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    user = fake.new_user()
    with pytest.raises(DeliveryError) as failed:
        await channel.send(str(user.chat_id), OutboundPart("x" * 4097))
    assert not failed.value.retryable
    # Rendering never produces one.
    assert all(len(p.text) <= 4096 for p in channel.render("word " * 2000, ()))


async def test_a_wrong_token_is_retryable_and_never_quoted(fake: FakeTelegram) -> None:
    import httpx
    from telegram.error import InvalidToken

    from tests.connectors.telegram.conftest import config

    wrong = TelegramChannel(
        config(bot_token="7000000001:AAWrongTokenWrongTokenWrongToken_123"),
        transport=httpx.ASGITransport(app=fake.app),
    )
    try:
        with pytest.raises(DeliveryError) as failed:
            await wrong.send("1", OutboundPart("hello"))
        assert (failed.value.code, failed.value.retryable) == ("invalid_token", True)
        with pytest.raises(InvalidToken) as refused:
            await wrong.client.get_me()
        assert "AAWrong" not in str(refused.value)
    finally:
        await wrong.aclose()


async def test_answer_a_button_press(channel: TelegramChannel, fake: FakeTelegram) -> None:
    user = fake.new_user()
    [part] = channel.render("Fever?", (Button("Yes", "/affirm"),))
    await channel.send(str(user.chat_id), part)
    update = fake.press_update(user, fake.messages_to(user.chat_id)[0], 0)
    query_id = update["callback_query"]["id"]
    await channel.answer_callback(query_id, "This button is no longer active.")
    assert fake.answers_for(query_id)[0]["text"] == "This button is no longer active."
    with pytest.raises(DeliveryError):  # answered twice: Telegram refuses
        await channel.answer_callback(query_id)


async def test_fetch_a_photo(channel: TelegramChannel, fake: FakeTelegram) -> None:
    file_id, _ = fake.add_file(JPEG)
    fetched = await channel.fetch_attachment(AttachmentRef(file_id, "image/jpeg"))
    assert (fetched.content_type, fetched.data) == ("image/jpeg", JPEG)
    assert fake.calls == ["getFile"]
    assert len(fake.downloads) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xd8\xff" + b"\x00" * (64 * 1024), "too_large"),
        (b"%PDF-1.7 not an image", "unsupported_type"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "unsupported_type"),
    ],
)
async def test_photos_too_large_or_not_images_are_rejected(
    channel: TelegramChannel, fake: FakeTelegram, data: bytes, reason: str
) -> None:
    file_id, _ = fake.add_file(data)
    with pytest.raises(AttachmentRejected) as rejected:
        await channel.fetch_attachment(AttachmentRef(file_id, "image/jpeg"))
    assert rejected.value.reason == reason


async def test_an_unknown_file_is_unavailable(channel: TelegramChannel) -> None:
    with pytest.raises(AttachmentRejected) as rejected:
        await channel.fetch_attachment(AttachmentRef("nope", "image/jpeg"))
    assert rejected.value.reason == "unavailable"


async def test_webhook_set_up_and_polling_calls(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    client = channel.client
    me = await client.get_me()
    assert me.username == fake.username
    assert await client.set_webhook(
        "https://clinic.example.org/webhooks/telegram/updates",
        "s" * 40,
        ["message", "callback_query"],
    )
    assert fake.webhook is not None
    assert fake.webhook["secret_token"] == "s" * 40
    info = await client.get_webhook_info()
    assert info.url.endswith("/webhooks/telegram/updates")
    from telegram.error import Conflict

    with pytest.raises(Conflict):
        await client.get_updates(None, 0, ["message"])
    assert await client.delete_webhook()
    user = fake.new_user()
    fake.enqueue(fake.text_update(user, "hello"), fake.text_update(user, "again"))
    first = await client.get_updates(None, 0, ["message"])
    assert [u.message.text for u in first if u.message] == ["hello", "again"]
    assert await client.get_updates(first[-1].update_id + 1, 0, ["message"]) == ()
    assert await client.set_commands([("help", "Help")])
    assert fake.commands == [{"command": "help", "description": "Help"}]
