from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.request import BaseRequest

from connectors.telegram import TelegramChannel, TelegramConfig
from tests.fakes.telegram import BOT_TOKEN, WEBHOOK_SECRET, FakeTelegram

API = "https://api.telegram.test"


class OfflineRequest(BaseRequest):
    """A request object that fails any test touching the network (python-telegram-bot's own
    tests do the same)."""

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(self, *args: object, **kwargs: object) -> tuple[int, bytes]:
        raise AssertionError("this test must not reach the Bot API")


def config(**overrides: object) -> TelegramConfig:
    values: dict[str, object] = {
        "bot_token": BOT_TOKEN,
        "webhook_secret": WEBHOOK_SECRET,
        "api_url": API,
        "max_media_bytes": 64 * 1024,
        **overrides,
    }
    return TelegramConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def offline_channel() -> TelegramChannel:
    """The channel for reading and rendering: any API call fails the test."""
    return TelegramChannel(config(), request=OfflineRequest(), get_updates_request=OfflineRequest())


@pytest.fixture
def fake() -> FakeTelegram:
    return FakeTelegram(base_url=API)


@pytest.fixture
async def channel(fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    """The channel talking to the fake Bot API in process."""
    built = TelegramChannel(config(), transport=httpx.ASGITransport(app=fake.app))
    yield built
    await built.aclose()
