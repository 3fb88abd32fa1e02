"""The gateway's REST channel: bearer token, body validation, metadata, no text in logs."""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.run import create_http_input_channels
from rasa.shared.exceptions import RasaException
from sanic import Sanic

from rasa_addons.channels import GatewayChannelError, GatewayInput, parse_body
from rasa_addons.logsafe import ref
from tests.rasa_addons.conftest import serving

TOKEN = "test-token-0123456789abcdefghij"
SECRET_TEXT = "my very private headache"
_app_ids = itertools.count()


class FakeAgent:
    """Stands in for ``app.ctx.agent``: records messages and answers like a bot would."""

    def __init__(self, fail: bool = False, cancel: bool = False) -> None:
        self.received: list[UserMessage] = []
        self.fail = fail
        self.cancel = cancel

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.cancel:
            raise asyncio.CancelledError
        if self.fail:
            raise RuntimeError(f"boom for {message.sender_id}")
        await message.output_channel.send_text_message(message.sender_id, "reply one")
        await message.output_channel.send_custom_json(message.sender_id, {"symcheck_bridge": {}})


def make_app(agent: FakeAgent) -> Sanic:
    """A Sanic app with the channel registered the way ``rasa run`` registers it."""
    app = Sanic(f"gateway_channel_test_{next(_app_ids)}")
    app.ctx.agent = agent
    register([GatewayInput(TOKEN)], app, route="/webhooks/")
    return app


async def post(
    base: str, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None
) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as client:
        kwargs: dict[str, Any] = {"headers": headers or {}}
        if raw is not None:
            kwargs["data"] = raw
        else:
            kwargs["json"] = body
        async with client.post(f"{base}/webhooks/gateway/webhook", **kwargs) as resp:
            return resp.status, await resp.json(content_type=None)


AUTH = {"Authorization": f"Bearer {TOKEN}"}
BODY = {"sender": "conv-1", "message": SECRET_TEXT, "metadata": {"safety": {"rule_ids": ["RF-1"]}}}


def test_refuses_to_start_without_token() -> None:
    with pytest.raises(GatewayChannelError):
        GatewayInput.from_credentials(None)
    with pytest.raises(GatewayChannelError):
        GatewayInput.from_credentials({"token": "  "})
    with pytest.raises(GatewayChannelError):  # an unexpanded (quoted) ${VAR}
        GatewayInput.from_credentials({"token": "${SYMCHECK_RASA_TOKEN}"})


def test_name_gives_the_webhook_path() -> None:
    channel = GatewayInput(TOKEN)
    assert channel.name() == "gateway"
    assert channel.url_prefix() == "gateway"


def test_credentials_file_builds_the_channel(monkeypatch: pytest.MonkeyPatch, repo_root) -> None:
    monkeypatch.setenv("SYMCHECK_RASA_TOKEN", TOKEN)
    channels = create_http_input_channels(None, str(repo_root / "bot" / "credentials.yml"))
    assert len(channels) == 1
    assert isinstance(channels[0], GatewayInput)


def test_credentials_file_without_token_env_fails(
    monkeypatch: pytest.MonkeyPatch, repo_root
) -> None:
    monkeypatch.delenv("SYMCHECK_RASA_TOKEN", raising=False)
    with pytest.raises(RasaException):
        create_http_input_channels(None, str(repo_root / "bot" / "credentials.yml"))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
    ],
    ids=["missing", "wrong", "no-scheme", "basic", "empty"],
)
async def test_rejects_requests_without_the_token(headers: dict[str, str]) -> None:
    agent = FakeAgent()
    async with serving(make_app(agent)) as base:
        status, body = await post(base, BODY, headers)
    assert status == 401
    assert body == {"error": "unauthorized"}
    assert agent.received == []


async def test_accepts_the_token_and_returns_the_replies() -> None:
    agent = FakeAgent()
    async with serving(make_app(agent)) as base:
        status, body = await post(base, BODY, AUTH)
    assert status == 200
    assert body == [
        {"recipient_id": "conv-1", "text": "reply one"},
        {"recipient_id": "conv-1", "custom": {"symcheck_bridge": {}}},
    ]
    [message] = agent.received
    assert message.text == SECRET_TEXT
    assert message.sender_id == "conv-1"
    assert message.input_channel == "gateway"
    assert message.metadata == {"safety": {"rule_ids": ["RF-1"]}}


async def test_missing_metadata_is_an_empty_dict() -> None:
    agent = FakeAgent()
    async with serving(make_app(agent)) as base:
        status, _ = await post(base, {"sender": "c", "message": "hi"}, AUTH)
    assert status == 200
    assert agent.received[0].metadata == {}


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": 3, "message": "hi"},
        {"sender": "c"},
        {"sender": "c", "message": 5},
        {"sender": "c", "message": "hi", "metadata": "x"},
        {"sender": "c" * 300, "message": "hi"},
        {"sender": "c", "message": "x" * 20_001},
    ],
)
async def test_rejects_bad_bodies(body: Any) -> None:
    agent = FakeAgent()
    async with serving(make_app(agent)) as base:
        status, answer = await post(base, body, AUTH)
    assert status == 400
    assert "error" in answer
    assert agent.received == []


async def test_rejects_invalid_json() -> None:
    async with serving(make_app(FakeAgent())) as base:
        status, answer = await post(
            base, None, {**AUTH, "Content-Type": "application/json"}, raw=b"{not json"
        )
    assert status == 400
    assert answer == {"error": "body must be JSON"}


async def test_failure_is_500_and_never_logs_the_text(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with serving(make_app(FakeAgent(fail=True))) as base:
        status, answer = await post(base, BODY, AUTH)
    assert status == 500
    assert answer == {"error": "processing failed"}
    assert "RuntimeError" in caplog.text
    assert SECRET_TEXT not in caplog.text


CONVERSATION_ID = "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"


@pytest.mark.parametrize("agent", [FakeAgent(), FakeAgent(fail=True), FakeAgent(cancel=True)])
async def test_logs_never_carry_the_sender_id(
    agent: FakeAgent, caplog: pytest.LogCaptureFixture
) -> None:
    """The sender id is the patient's conversation id, their only credential."""
    caplog.set_level(logging.DEBUG)
    body = {**BODY, "sender": CONVERSATION_ID}
    async with serving(make_app(agent)) as base:
        status, _ = await post(base, body, AUTH)
    assert status in (200, 500, 503)
    rendered = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert CONVERSATION_ID not in rendered
    assert CONVERSATION_ID.replace("-", "") not in rendered
    if status != 200:
        assert f"conversation_ref={ref(CONVERSATION_ID)}" in caplog.text


def test_ref_is_short_stable_and_one_way() -> None:
    assert ref(CONVERSATION_ID) == ref(CONVERSATION_ID)
    assert len(ref(CONVERSATION_ID)) == 12
    assert all(c in "0123456789abcdef" for c in ref(CONVERSATION_ID))
    assert ref(CONVERSATION_ID) not in CONVERSATION_ID
    assert ref("another") != ref(CONVERSATION_ID)
    assert ref(None) == ref("") == "-"
    # the same value symcheck.gateway.logsafe.ref computes (pinned here: no symcheck on 3.10)
    assert ref("00000000-0000-0000-0000-000000000000") == "12b9377cbe7e"


async def test_health_is_open() -> None:
    async with (
        serving(make_app(FakeAgent())) as base,
        aiohttp.ClientSession() as client,
        client.get(f"{base}/webhooks/gateway/") as resp,
    ):
        assert resp.status == 200


def test_parse_body_returns_fields() -> None:
    assert parse_body({"sender": "s", "message": "m", "metadata": {"a": 1}}) == (
        "s",
        "m",
        {"a": 1},
    )
