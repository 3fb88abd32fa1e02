"""The web chat channel: JSON over HTTP, replies fetched by the page itself."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from connectors.base import Channel, InboundError, InboundMessage

# Generous on purpose: a long message is cut to ``SYMCHECK_MAX_MESSAGE_CHARS`` and processed
# (the patient is told), not refused. Only bodies no chat could produce are refused.
MAX_BODY_BYTES = 256 * 1024


class WebChannel(Channel):
    """Parses ``{"conversation_id": str | null, "text": str}`` request bodies.

    Errors name the problem without echoing the input: ``invalid_encoding`` (400, body is
    not UTF-8), ``invalid_json`` (400), ``invalid_request`` (422, wrong shape or types),
    ``invalid_conversation_id`` (422, not a UUID), ``payload_too_large`` (413).
    """

    name: ClassVar[str] = "web"
    pull_delivery: ClassVar[bool] = True

    def __init__(self, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.max_body_bytes = max_body_bytes

    def parse(self, body: bytes, headers: Mapping[str, str] | None = None) -> InboundMessage:
        if len(body) > self.max_body_bytes:
            raise payload_too_large()
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InboundError("invalid_encoding", "the request body must be UTF-8") from None
        try:
            data: Any = json.loads(decoded)
        except ValueError:
            raise InboundError("invalid_json", "the request body must be valid JSON") from None
        if not isinstance(data, dict):
            raise InboundError(
                "invalid_request",
                'expected a JSON object like {"conversation_id": null, "text": "..."}',
                422,
            )
        unknown = sorted(set(data) - {"conversation_id", "text"})
        if unknown:
            raise InboundError("invalid_request", f"unknown fields: {', '.join(unknown)}", 422)
        text = data.get("text")
        if not isinstance(text, str):
            raise InboundError("invalid_request", '"text" is required and must be a string', 422)
        return InboundMessage(
            channel=self.name,
            text=text,
            conversation_id=parse_conversation_id(data.get("conversation_id")),
        )


def payload_too_large() -> InboundError:
    return InboundError(
        "payload_too_large",
        "Your message is far too long to send. Please send a shorter message.",
        413,
    )


def parse_conversation_id(value: Any) -> uuid.UUID | None:
    """A conversation id from a client: ``None`` or a UUID string; anything else is a 422."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InboundError("invalid_request", '"conversation_id" must be a string or null', 422)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InboundError(
            "invalid_conversation_id", "the conversation id is not a valid id", 422
        ) from None
