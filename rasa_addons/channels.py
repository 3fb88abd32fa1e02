"""The gateway's input channel: Rasa's REST channel behind a bearer token.

``POST /webhooks/gateway/webhook`` with ``Authorization: Bearer $SYMCHECK_RASA_TOKEN`` and a
JSON body ``{"sender": str, "message": str, "metadata": {...}}``; the reply is the list of bot
messages (``text``/``buttons``, and ``custom`` for the bridge update). Configured in
``bot/credentials.yml``::

    rasa_addons.channels.GatewayInput:
      token: "${SYMCHECK_RASA_TOKEN}"

Unlike the stock ``RestInput`` this channel never logs message text nor the sender id (the
patient's credential; logs carry :func:`rasa_addons.logsafe.ref`), rejects malformed bodies
with 400, and answers 500/503 (instead of an empty 200) when Rasa fails, so the gateway gives
its safe fallback reply.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.logsafe import ref

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 20_000  # the gateway caps far lower; this only bounds abuse
MAX_SENDER_CHARS = 255  # rasa_trackers.sender_id


class GatewayChannelError(RasaException):
    """The channel is misconfigured (no token)."""


class BadRequest(ValueError):
    """The request body is not a valid gateway message."""


def _json_error(status: int, error: str, **headers: str) -> HTTPResponse:
    return response.json({"error": error}, status=status, headers=headers or None)


def parse_body(body: Any) -> tuple[str, str, dict[str, Any]]:
    """``(sender, message, metadata)`` from a request body, or :class:`BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("'sender' must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"'sender' is longer than {MAX_SENDER_CHARS} characters")
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    if len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(f"'message' is longer than {MAX_MESSAGE_CHARS} characters")
    metadata = body.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object")
    return sender, message, metadata


class GatewayInput(RestInput):
    """REST input for the gateway only, authenticated with a shared bearer token.

    Args:
        token: the shared secret (``SYMCHECK_RASA_TOKEN``); required.
    """

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip() or token.strip().startswith("${"):
            raise GatewayChannelError(
                "the gateway channel needs a token: set SYMCHECK_RASA_TOKEN "
                "(bot/credentials.yml reads it)"
            )
        self._token = token.strip().encode("utf-8")

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        token = (credentials or {}).get("token")
        return cls(token if isinstance(token, str) else "")

    def is_authorised(self, request: Request) -> bool:
        """Whether the request carries ``Authorization: Bearer <token>`` (constant time)."""
        header = request.headers.get("Authorization") or ""
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(presented.strip().encode("utf-8"), self._token)

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """The ``metadata`` object of the body (passed to the tracker as-is)."""
        try:
            return parse_body(request.json)[2]
        except Exception:
            return {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.is_authorised(request):
                return _json_error(401, "unauthorized", **{"WWW-Authenticate": "Bearer"})
            try:
                body = request.json
            except Exception:  # sanic raises on invalid JSON
                return _json_error(400, "body must be JSON")
            try:
                sender, text, metadata = parse_body(body)
            except BadRequest as exc:
                return _json_error(400, str(exc))

            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            try:
                await on_new_message(message)
            except asyncio.CancelledError:
                logger.error("gateway message timed out (conversation_ref=%s)", ref(sender))
                return _json_error(503, "timeout")
            except Exception as exc:  # never log the text, only what failed
                logger.error(
                    "gateway message failed (conversation_ref=%s): %s",
                    ref(sender),
                    type(exc).__name__,
                )
                return _json_error(500, "processing failed")
            return response.json(collector.messages)

        return bp
