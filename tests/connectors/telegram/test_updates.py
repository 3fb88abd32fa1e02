from __future__ import annotations

import json

import pytest

from connectors.base import InboundError, WebhookRejected
from connectors.telegram import Ignored, PatientMessage, Reachability, TelegramChannel
from connectors.telegram._render import render_telegram
from symcheck.clinical.interview.protocol import Button
from tests.connectors.telegram.conftest import config
from tests.fakes.telegram import BOT_ID, SECRET_HEADER, WEBHOOK_SECRET, FakeTelegram, SentMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _read(channel: TelegramChannel, update: dict[str, object]):  # type: ignore[no-untyped-def]
    return channel.read(json.dumps(update).encode())


# -- the secret token --------------------------------------------------------------------


def test_the_secret_token_is_required_and_compared(offline_channel: TelegramChannel) -> None:
    offline_channel.verify("", b"{}", {SECRET_HEADER: WEBHOOK_SECRET})
    offline_channel.verify("", b"{}", {SECRET_HEADER.lower(): WEBHOOK_SECRET})
    for headers, reason in (
        ({}, "missing_secret"),
        ({SECRET_HEADER: ""}, "missing_secret"),
        ({SECRET_HEADER: WEBHOOK_SECRET + "x"}, "bad_secret"),
        ({SECRET_HEADER: "é" * 10}, "bad_secret"),
    ):
        with pytest.raises(WebhookRejected) as refused:
            offline_channel.verify("", b"{}", headers)
        assert refused.value.reason == reason


def test_polling_mode_accepts_no_webhook() -> None:
    from tests.connectors.telegram.conftest import OfflineRequest

    channel = TelegramChannel(config(webhook_secret=None), request=OfflineRequest())
    with pytest.raises(WebhookRejected) as refused:
        channel.verify("", b"{}", {SECRET_HEADER: WEBHOOK_SECRET})
    assert refused.value.reason == "webhook_disabled"


# -- reading updates -----------------------------------------------------------------------


def test_a_text_message(offline_channel: TelegramChannel, fake: FakeTelegram) -> None:
    user = fake.new_user(username="pat_private")
    update = fake.text_update(user, "I have a sore throat")
    event = _read(offline_channel, update)
    assert isinstance(event, PatientMessage)
    inbound = event.inbound
    assert (inbound.channel, inbound.text, inbound.sender) == (
        "telegram",
        "I have a sore throat",
        str(user.chat_id),
    )
    assert inbound.provider_message_id == f"{BOT_ID}:{update['update_id']}:1"
    assert "pat_private" not in repr(event)
    assert offline_channel.parse(json.dumps(update).encode(), {}) == inbound


def test_the_largest_photo_within_the_limit(
    offline_channel: TelegramChannel, fake: FakeTelegram
) -> None:
    user = fake.new_user()
    update = fake.photo_update(user, PNG * 10, caption="my rash")
    event = _read(offline_channel, update)
    assert isinstance(event, PatientMessage)
    [ref] = event.inbound.attachments
    sizes = update["message"]["photo"]
    assert ref.url == sizes[-1]["file_id"]
    assert event.inbound.text == "my rash"
    sizes[-1]["file_size"] = 10**9  # too large to keep: the next size down
    event = _read(offline_channel, update)
    assert isinstance(event, PatientMessage)
    assert event.inbound.attachments[0].url == sizes[-2]["file_id"]


def test_a_button_press(offline_channel: TelegramChannel, fake: FakeTelegram) -> None:
    user = fake.new_user()
    [(text, extra)] = render_telegram("Fever?", (Button("Yes", "/affirm"),))
    sent = SentMessage(9, user.chat_id, text, extra["reply_markup"], 0.0)
    update = fake.press_update(user, sent, 0)
    event = _read(offline_channel, update)
    assert isinstance(event, PatientMessage)
    assert event.callback_query_id == update["callback_query"]["id"]
    assert event.inbound.choice == extra["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert event.inbound.sender == str(user.chat_id)


def test_blocking_and_unblocking(offline_channel: TelegramChannel, fake: FakeTelegram) -> None:
    user = fake.new_user()
    assert _read(offline_channel, fake.member_update(user, "kicked")) == Reachability(
        str(user.chat_id), reachable=False
    )
    assert _read(offline_channel, fake.member_update(user, "member")) == Reachability(
        str(user.chat_id), reachable=True
    )


@pytest.mark.parametrize(
    ("kind", "words"),
    [("voice", "[voice message]"), ("sticker", "[sticker]"), ("location", "[location]")],
)
def test_what_the_bot_cannot_read_is_marked(
    offline_channel: TelegramChannel, fake: FakeTelegram, kind: str, words: str
) -> None:
    event = _read(offline_channel, fake.content_update(fake.new_user(), kind))
    assert isinstance(event, PatientMessage)
    assert (event.inbound.unsupported, event.inbound.text) == (kind, words)


def test_an_edit_is_marked(offline_channel: TelegramChannel, fake: FakeTelegram) -> None:
    event = _read(offline_channel, fake.edited_update(fake.new_user(), 3, "chest pain"))
    assert isinstance(event, PatientMessage)
    assert event.inbound.unsupported == "edit"
    assert event.inbound.text == "[edited message] chest pain"


def test_groups_bots_and_other_updates_are_ignored(
    offline_channel: TelegramChannel, fake: FakeTelegram
) -> None:
    user = fake.new_user()
    group = fake.text_update(user, "hello")
    group["message"]["chat"] = {"id": -1001, "title": "Family", "type": "group"}
    assert _read(offline_channel, group) == Ignored("not_private")
    bot = fake.text_update(user, "hello")
    bot["message"]["from"]["is_bot"] = True
    assert _read(offline_channel, bot) == Ignored("not_private")
    timer = {
        "update_id": 5,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": user.as_chat(),
            "from": user.as_user(),
            "message_auto_delete_timer_changed": {"message_auto_delete_time": 86400},
        },
    }
    assert _read(offline_channel, timer) == Ignored("service_message")
    poll_answer = {
        "update_id": 6,
        "poll_answer": {
            "poll_id": "1",
            "user": user.as_user(),
            "option_ids": [0],
            "option_persistent_ids": ["a"],
        },
    }
    assert _read(offline_channel, poll_answer) == Ignored("update_type")


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"message": {}}', b'{"update_id": "1"}', b"\xff\xfe"]
)
def test_unreadable_bodies(offline_channel: TelegramChannel, body: bytes) -> None:
    with pytest.raises(InboundError):
        offline_channel.read(body)
