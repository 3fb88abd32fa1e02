"""``symcheck telegram`` against the fake Bot API on localhost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from symcheck.cli import main
from symcheck.settings import get_settings
from tests.fakes.telegram import BOT_TOKEN, WEBHOOK_SECRET, FakeTelegramServer


@pytest.fixture
def bot(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as server:
        monkeypatch.setenv("SYMCHECK_ENV", "test")
        monkeypatch.setenv("SYMCHECK_TELEGRAM_BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("SYMCHECK_TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("SYMCHECK_TELEGRAM_API_URL", server.url)
        monkeypatch.setenv("SYMCHECK_PUBLIC_URL", "https://clinic.example.org")
        get_settings.cache_clear()
        yield server
        get_settings.cache_clear()


def test_set_webhook_info_and_delete(
    bot: FakeTelegramServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["telegram", "set-webhook", "--max-connections", "10"]) == 0
    hook = bot.fake.webhook
    assert hook is not None
    assert hook["url"] == "https://clinic.example.org/webhooks/telegram/updates"
    assert hook["secret_token"] == WEBHOOK_SECRET
    assert hook["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    ]
    assert [c["command"] for c in bot.fake.commands] == ["start", "restart", "help"]
    assert main(["telegram", "info"]) == 0
    assert main(["telegram", "delete-webhook"]) == 0
    assert bot.fake.webhook is None
    out = capsys.readouterr().out
    assert "@SymcheckClinicBot" in out
    assert "clinic.example.org/webhooks/telegram/updates" in out
    assert BOT_TOKEN.split(":")[1] not in out
    assert WEBHOOK_SECRET not in out


def test_set_webhook_needs_an_https_public_url(
    bot: FakeTelegramServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYMCHECK_PUBLIC_URL")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="SYMCHECK_PUBLIC_URL"):
        main(["telegram", "set-webhook"])
    with pytest.raises(ValueError, match="https"):
        main(["telegram", "set-webhook", "--url", "http://clinic.example.org/hook"])
    assert bot.fake.webhook is None
