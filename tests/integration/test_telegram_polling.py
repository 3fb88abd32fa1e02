"""Polling mode through the real bot: a second gateway (``SYMCHECK_TELEGRAM_MODE=polling``,
its own database and its own fake bot) in front of the stack's Rasa, reading ``getUpdates``
from the fake Telegram server; then killed before confirming and started again."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from symcheck.settings import REPO_ROOT
from symcheck.stack import free_port
from tests.conftest import LiveStack
from tests.fakes.telegram import FakeTelegram, FakeTelegramServer

pytestmark = pytest.mark.stack

POLLING_TOKEN = "7000000002:AAPollingBotToken_0123456789abcdefgh"


@dataclass
class PollingGateway:
    env: dict[str, str]
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(REPO_ROOT / ".venv/bin/symcheck"), "serve-gateway", "--port", str(self.port)],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text()[-3000:])
            time.sleep(0.2)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture(scope="module")
def bot() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(FakeTelegram(token=POLLING_TOKEN)) as server:
        yield server


@pytest.fixture(scope="module")
def polling_gateway(
    live_stack: LiveStack, bot: FakeTelegramServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PollingGateway]:
    tmp = tmp_path_factory.mktemp("polling")
    env = {
        **live_stack.env,
        "DATABASE_URL": f"sqlite:///{tmp / 'polling.db'}",
        "SYMCHECK_RASA_URL": live_stack.rasa_url,
        "SYMCHECK_TELEGRAM_BOT_TOKEN": POLLING_TOKEN,
        "SYMCHECK_TELEGRAM_MODE": "polling",
        "SYMCHECK_TELEGRAM_API_URL": bot.url,
    }
    env.pop("SYMCHECK_TELEGRAM_WEBHOOK_SECRET", None)
    for name in [k for k in env if k.startswith("SYMCHECK_TWILIO_")]:
        env.pop(name)
    symcheck = str(REPO_ROOT / ".venv" / "bin" / "symcheck")
    subprocess.run(
        [symcheck, "db", "upgrade"], env=env, cwd=REPO_ROOT, check=True, capture_output=True
    )
    gateway = PollingGateway(env, free_port(), tmp / "gateway.log")
    gateway.start()
    yield gateway
    gateway.kill()


def _wait(check, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_polling_answers_text_and_button_presses(
    polling_gateway: PollingGateway, bot: FakeTelegramServer
) -> None:
    fake = bot.fake
    user = fake.new_user()
    fake.enqueue(fake.text_update(user, "/start"))
    _wait(lambda: fake.sent_to(user.chat_id))
    assert "deleteWebhook" in fake.calls
    fake.enqueue(fake.text_update(user, "I have a sore throat"))
    _wait(lambda: len(fake.sent_to(user.chat_id)) >= 2)
    _wait(lambda: fake.pending_updates() == 0)
    time.sleep(1.0)  # every reply of the turn
    keyboard = next((m for m in reversed(fake.messages_to(user.chat_id)) if m.buttons), None)
    if keyboard is not None:
        before = len(fake.sent_to(user.chat_id))
        update = fake.press_update(user, keyboard, 0)
        fake.enqueue(update)
        _wait(lambda: fake.answers_for(update["callback_query"]["id"]))
        _wait(lambda: len(fake.sent_to(user.chat_id)) > before)
    log = polling_gateway.log.read_text()
    assert "telegram polling started" in log
    assert str(user.chat_id) not in log
    assert "sore throat" not in log


def test_an_update_stored_but_not_confirmed_before_a_crash_is_answered_once(
    polling_gateway: PollingGateway, bot: FakeTelegramServer
) -> None:
    fake = bot.fake
    user = fake.new_user()
    update = fake.text_update(user, "I have a headache")
    fake.enqueue(update)
    _wait(lambda: fake.sent_to(user.chat_id))
    time.sleep(1.0)
    answered = fake.sent_to(user.chat_id)
    polling_gateway.kill()
    fake.enqueue(update)  # as if it had never been confirmed: Telegram delivers it again
    polling_gateway.start()
    _wait(lambda: fake.pending_updates() == 0)
    time.sleep(2.0)
    assert fake.sent_to(user.chat_id) == answered  # stored once, answered once


def test_the_polling_gateway_has_no_webhook_route(polling_gateway: PollingGateway) -> None:
    response = httpx.post(
        f"http://127.0.0.1:{polling_gateway.port}/webhooks/telegram/updates", json={"update_id": 1}
    )
    assert response.status_code == 404
    assert os.environ.get("SYMCHECK_TELEGRAM_MODE") is None  # the stack itself is in webhook mode
