"""``POST /api/web/messages``: a patient message from the web chat, answered in the response.

Request: ``{"conversation_id": str | null, "text": str}`` (null starts a conversation).
Response: ``{"conversation_id": str, "message_seq": int | null, "messages": [{"text",
"buttons": [{"title", "payload"}], "seq", "author"}]}`` - the replies to this message.

Forget me: "DELETE" gets a request to confirm; "YES DELETE" then erases the conversation and
answers ``{"conversation_id": null, "message_seq": null, "erased": true, "messages": [the
confirmation]}``: the page must forget the conversation id.

An empty or whitespace-only text is not stored: the answer is a hint (``seq`` null). If the
message cannot even be stored (database down) the answer is 503 with safe advice. A body over
the channel's limit (256 KB) is refused with 413 - with safe advice too - without reading past
the limit; long texts under it are cut and processed.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request

from connectors.web import MAX_BODY_BYTES, payload_too_large
from symcheck.gateway.deps import GatewayDep
from symcheck.gateway.errors import Unavailable, UnknownConversationError
from symcheck.gateway.logsafe import describe
from symcheck.gateway.presenters import reply_json
from symcheck.gateway.services.pipeline import UnknownConversation

log = logging.getLogger("symcheck.gateway.web")

router = APIRouter(prefix="/api/web", tags=["web chat"])


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or :func:`payload_too_large` as soon as it is over ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise payload_too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise payload_too_large()
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/messages")
async def post_message(request: Request, gateway: GatewayDep) -> dict[str, Any]:
    channel = gateway.channels.get("web")
    limit = getattr(channel, "max_body_bytes", MAX_BODY_BYTES)
    inbound = channel.parse(await read_body(request, limit), request.headers)
    try:
        result = await gateway.pipeline.receive(inbound)
    except UnknownConversation:
        raise UnknownConversationError("no conversation with this id; start a new one") from None
    except Exception as exc:
        log.error("message not stored: %s", describe(exc))
        raise Unavailable(gateway.copy.unavailable) from None
    body: dict[str, Any] = {
        "conversation_id": str(result.conversation_id) if result.conversation_id else None,
        "message_seq": result.message_seq,
        "messages": [reply_json(r) for r in result.replies],
    }
    if result.erased:
        body["erased"] = True
    return body
