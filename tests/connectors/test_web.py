from __future__ import annotations

import json
import uuid

import pytest

from connectors.base import (
    AttachmentRef,
    AttachmentRejected,
    Channel,
    ChannelRegistry,
    InboundError,
    InboundMessage,
    OutboundPart,
)
from connectors.web import MAX_BODY_BYTES, WebChannel


def _parse(body: object) -> InboundMessage:
    return WebChannel().parse(json.dumps(body).encode())


def test_parses_a_message() -> None:
    conv = uuid.uuid4()
    message = _parse({"conversation_id": str(conv), "text": "hello"})
    assert message == InboundMessage(channel="web", text="hello", conversation_id=conv)
    assert _parse({"conversation_id": None, "text": "hi"}).conversation_id is None
    assert _parse({"text": "hi"}).conversation_id is None


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        (b"\xff\xfe", "invalid_encoding", 400),
        (b"{", "invalid_json", 400),
        (b"[]", "invalid_request", 422),
        (b'{"text": 1}', "invalid_request", 422),
        (b'{"text": "a", "extra": 1}', "invalid_request", 422),
        (b'{"conversation_id": "x", "text": "a"}', "invalid_conversation_id", 422),
        (b'{"conversation_id": 1, "text": "a"}', "invalid_request", 422),
    ],
)
def test_rejects_bad_requests(body: bytes, code: str, status: int) -> None:
    with pytest.raises(InboundError) as info:
        WebChannel().parse(body)
    assert info.value.code == code
    assert info.value.status == status


def test_errors_never_echo_the_input() -> None:
    with pytest.raises(InboundError) as info:
        WebChannel().parse(b'{"text": "secret-words", "bad": 1}')
    assert "secret-words" not in info.value.message


def test_body_size_limit() -> None:
    with pytest.raises(InboundError) as info:
        WebChannel(max_body_bytes=10).parse(b'{"text": "0123456789"}')
    assert info.value.status == 413
    assert info.value.code == "payload_too_large"


def test_the_default_limit_is_generous() -> None:
    """Long messages are cut and processed by the gateway, not refused by the channel."""
    assert MAX_BODY_BYTES == 256 * 1024
    text = "my chest hurts " * 15_000  # 225 KB
    assert WebChannel().parse(json.dumps({"text": text}).encode()).text == text
    with pytest.raises(InboundError):
        WebChannel().parse(json.dumps({"text": "x" * (MAX_BODY_BYTES + 1)}).encode())


async def test_web_delivery_is_pull_based() -> None:
    channel = WebChannel()
    assert channel.pull_delivery
    channel.verify("http://x/api/web/messages", b"{}", {})  # the conversation id is the key
    assert channel.render("hi", ()) == (OutboundPart("hi"),)
    with pytest.raises(NotImplementedError):
        await channel.send("nobody", OutboundPart("hi"))


class _Push(Channel):
    name = "push"

    def parse(self, body: bytes, headers: object = None) -> InboundMessage:  # type: ignore[override]
        return InboundMessage("push", body.decode())


async def test_push_channels_must_implement_verification_and_sending() -> None:
    with pytest.raises(NotImplementedError):
        _Push().verify("https://x/hook", b"", {})
    with pytest.raises(NotImplementedError):
        await _Push().send("+441", OutboundPart("hi"))
    with pytest.raises(AttachmentRejected):
        await _Push().fetch_attachment(AttachmentRef("https://x/photo"))
    assert _Push().choose("1", ()) is None
    assert _Push().control_keyword("STOP", opted_out=False) is None


def test_registry() -> None:
    registry = ChannelRegistry([WebChannel(), _Push()])
    assert registry.names() == ["push", "web"]
    assert registry.push_names() == ["push"]
    assert registry.is_push("push")
    assert not registry.is_push("web")
    assert not registry.is_push("sms")
    assert "web" in registry
    with pytest.raises(KeyError):
        registry.get("sms")
