"""``SYMCHECK_TELEGRAM_MODE=polling``: the gateway's poller against the fake's ``getUpdates``,
and the Telegram settings."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.container import Gateway
from symcheck.settings import Settings
from symcheck.storage.repositories import Store
from tests.fakes.telegram import BOT_TOKEN, WEBHOOK_SECRET, FakeTelegram
from tests.symcheck.gateway.fakes import FEVER_QUESTION, FakeRasa
from tests.symcheck.gateway.sms_helpers import eventually
from tests.symcheck.gateway.telegram_helpers import (
    WEBHOOK_PATH,
    build_app,
    conversation_id,
    fake_telegram,  # noqa: F401 - fixture
    fast_options,
    telegram_settings,
)


@pytest.fixture
async def app(
    settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    fake_telegram: FakeTelegram,  # noqa: F811
) -> AsyncIterator[FastAPI]:
    fake_telegram.webhook = {"url": "https://old.example/hook"}  # a webhook left behind
    polling = telegram_settings(settings, telegram_mode="polling", telegram_webhook_secret=None)
    async for built in build_app(polling, fake_rasa, safety_runtime, fast_options(), fake_telegram):
        yield built


async def test_polling_removes_the_webhook_and_answers_updates(
    app: FastAPI,
    fake_telegram: FakeTelegram,  # noqa: F811
    client: httpx.AsyncClient,
    store: Store,
    gateway: Gateway,
    fake_rasa: FakeRasa,
) -> None:
    user = fake_telegram.new_user()
    fake_telegram.enqueue(fake_telegram.text_update(user, "I have a cough"))
    await eventually(lambda: fake_telegram.sent_to(user.chat_id), timeout=10)
    assert fake_telegram.sent_to(user.chat_id) == [FEVER_QUESTION]
    assert fake_telegram.webhook is None
    assert "deleteWebhook" in fake_telegram.calls
    # A button press, through getUpdates too, is answered.
    update = fake_telegram.press_update(user, fake_telegram.messages_to(user.chat_id)[0], 0)
    fake_telegram.enqueue(update)
    await eventually(lambda: len(fake_telegram.sent_to(user.chat_id)) == 2, timeout=10)
    await eventually(lambda: fake_telegram.answers_for(update["callback_query"]["id"]))
    assert fake_rasa.requests[-1]["message"] == "/affirm"
    # Confirmed updates are gone from Telegram's queue; no webhook route in polling mode.
    await eventually(lambda: fake_telegram.pending_updates() == 0, timeout=5)
    assert (await client.post(WEBHOOK_PATH, json={"update_id": 1})).status_code == 404


async def test_a_redelivered_update_is_processed_once(
    app: FastAPI,
    fake_telegram: FakeTelegram,  # noqa: F811
    store: Store,
    gateway: Gateway,
    fake_rasa: FakeRasa,
) -> None:
    """As after a crash between storing an update and confirming it."""
    user = fake_telegram.new_user()
    update = fake_telegram.text_update(user, "I have a cough")
    fake_telegram.enqueue(update)
    await eventually(lambda: fake_telegram.sent_to(user.chat_id), timeout=10)
    fake_telegram.enqueue(update)  # Telegram sends it again
    await eventually(lambda: fake_telegram.pending_updates() == 0, timeout=5)
    await eventually(lambda: gateway.inbound.busy == 0 and gateway.outbox.busy == 0)
    conv_id = conversation_id(store, gateway, user.chat_id)
    assert conv_id is not None
    with store.unit_of_work() as uow:
        assert [m.author for m in uow.messages.list_after(conv_id)] == ["patient", "bot"]
    assert len(fake_rasa.requests) == 1


async def test_an_update_that_cannot_be_stored_gets_the_safe_advice_and_is_retried(
    app: FastAPI,
    fake_telegram: FakeTelegram,  # noqa: F811
    gateway: Gateway,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_accept = gateway.pipeline.accept
    failures = {"left": 1}

    async def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("database down")
        return await real_accept(*args, **kwargs)

    monkeypatch.setattr(gateway.pipeline, "accept", flaky)
    user = fake_telegram.new_user()
    fake_telegram.enqueue(fake_telegram.text_update(user, "I have chest pain"))
    await eventually(lambda: len(fake_telegram.sent_to(user.chat_id)) >= 2, timeout=10)
    advice, answer = fake_telegram.sent_to(user.chat_id)[:2]
    assert "call 112" in advice
    assert answer  # then stored on the next attempt, and answered


# -- settings ----------------------------------------------------------------------------


def _settings(**values: object) -> Settings:
    return Settings(env="test", **values)  # type: ignore[arg-type]


def test_telegram_is_off_without_a_token() -> None:
    assert not _settings().telegram_enabled


def test_webhook_mode_needs_a_good_secret() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        _settings(telegram_bot_token=BOT_TOKEN)
    with pytest.raises(ValueError, match="32-256"):
        _settings(telegram_bot_token=BOT_TOKEN, telegram_webhook_secret="short")
    with pytest.raises(ValueError, match="32-256"):
        _settings(telegram_bot_token=BOT_TOKEN, telegram_webhook_secret="=" * 40)
    good = _settings(telegram_bot_token=BOT_TOKEN, telegram_webhook_secret=WEBHOOK_SECRET)
    assert good.telegram_enabled


def test_polling_mode_needs_no_secret_and_a_secret_needs_a_token() -> None:
    assert _settings(telegram_bot_token=BOT_TOKEN, telegram_mode="polling").telegram_enabled
    with pytest.raises(ValueError, match="BOT_TOKEN"):
        _settings(telegram_webhook_secret=WEBHOOK_SECRET)


def test_a_malformed_token_or_a_plain_http_api_is_refused() -> None:
    with pytest.raises(ValueError, match="not a bot token"):
        _settings(telegram_bot_token="nope", telegram_mode="polling")
    with pytest.raises(ValueError, match="https"):
        _settings(
            telegram_bot_token=BOT_TOKEN,
            telegram_mode="polling",
            telegram_api_url="http://api.example.org",
        )
    local = _settings(
        telegram_bot_token=BOT_TOKEN,
        telegram_mode="polling",
        telegram_api_url="http://127.0.0.1:9999",
    )
    assert local.telegram_api_url == "http://127.0.0.1:9999"
    assert BOT_TOKEN not in repr(local)
