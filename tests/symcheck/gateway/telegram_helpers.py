"""A patient chatting with the gateway through (fake) Telegram, for the gateway tests, and
the fixtures that build a gateway with the Telegram channel."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.app import create_app
from symcheck.gateway.container import Gateway
from symcheck.gateway.identity import ChannelIdentity
from symcheck.gateway.options import GatewayOptions
from symcheck.settings import Settings
from symcheck.storage.repositories import Store
from tests.fakes.telegram import (
    BOT_TOKEN,
    WEBHOOK_SECRET,
    FakeTelegram,
    FakeUser,
    SentMessage,
    WebhookSender,
)
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.sms_helpers import eventually
from tests.symcheck.storage.conftest import FAST_HASHER

WEBHOOK_PATH = "/webhooks/telegram/updates"
TELEGRAM_API = "https://api.telegram.test"


def telegram_settings(settings: Settings, **overrides: Any) -> Settings:
    return Settings(
        **{
            **settings.model_dump(),
            "DATABASE_URL": settings.database_url,
            "telegram_bot_token": BOT_TOKEN,
            "telegram_webhook_secret": WEBHOOK_SECRET,
            "telegram_api_url": TELEGRAM_API,
            "telegram_max_media_bytes": 64 * 1024,
            **overrides,
        }
    )


def fast_options(**overrides: Any) -> GatewayOptions:
    """Fast polls and retries, so the workers' behaviour shows within a test."""
    values: dict[str, Any] = {
        "long_poll_max_seconds": 3.0,
        "long_poll_recheck_seconds": 0.1,
        "inbound_poll_seconds": 0.05,
        "inbound_lease_seconds": 1.5,
        "outbox_poll_seconds": 0.05,
        "outbox_backoff_base_seconds": 0.05,
        "outbox_backoff_cap_seconds": 0.2,
        "outbox_max_attempts": 4,
        "telegram_poll_timeout_seconds": 1,
        "telegram_poll_retry_seconds": 0.05,
        **overrides,
    }
    return GatewayOptions(**values)


@pytest.fixture
def fake_telegram() -> FakeTelegram:
    """Telegram's Bot API, answered in-process through an ASGI transport."""
    return FakeTelegram(base_url=TELEGRAM_API)


async def build_app(
    settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    options: GatewayOptions,
    fake_telegram: FakeTelegram,
) -> AsyncIterator[FastAPI]:
    app = create_app(
        settings,
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety_runtime,
        password_hasher=FAST_HASHER,
        options=options,
        telegram_transport=httpx.ASGITransport(app=fake_telegram.app),
    )
    async with app.router.lifespan_context(app):
        yield app


@dataclass
class TelegramChat:
    """One patient's private chat with the bot, delivered to the gateway's webhook."""

    client: httpx.AsyncClient
    telegram: FakeTelegram
    user: FakeUser

    @property
    def chat_id(self) -> int:
        return self.user.chat_id

    async def deliver(
        self, update: Mapping[str, Any], *, secret: str | None = WEBHOOK_SECRET
    ) -> httpx.Response:
        sender = WebhookSender(WEBHOOK_PATH, secret)
        headers = sender.headers() if secret is not None else {"Content-Type": "application/json"}
        return await self.client.post(WEBHOOK_PATH, content=sender.body(update), headers=headers)

    async def text(self, text: str, **kwargs: Any) -> httpx.Response:
        return await self.deliver(self.telegram.text_update(self.user, text), **kwargs)

    async def press(self, message: SentMessage, index: int) -> tuple[str, httpx.Response]:
        """Press a button; returns the callback query id and the acknowledgement."""
        update = self.telegram.press_update(self.user, message, index)
        return update["callback_query"]["id"], await self.deliver(update)

    def received(self) -> list[str]:
        return self.telegram.sent_to(self.chat_id)

    def messages(self) -> list[SentMessage]:
        return self.telegram.messages_to(self.chat_id)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:  # noqa: ASYNC109
        await eventually(lambda: len(self.received()) >= count, timeout)
        return self.received()


def conversation_id(store: Store, gateway: Gateway, chat_id: int) -> uuid.UUID | None:
    identity: ChannelIdentity = gateway.pipeline._identity  # type: ignore[attr-defined]
    with store.unit_of_work() as uow:
        conv = uow.conversations.find_by_channel_user(
            "telegram", identity.candidates("telegram", str(chat_id))
        )
    return conv.id if conv is not None else None
