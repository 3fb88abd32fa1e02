"""``POST /api/web/messages``: a patient message from the web chat, answered in the response.

Request: ``{"conversation_id": str | null, "text": str}`` (null starts a conversation).
Response: ``{"conversation_id": str, "message_seq": int | null, "messages": [{"text",
"buttons": [{"title", "payload"}], "seq", "author"}]}`` - the replies to this message.

An empty or whitespace-only text is not stored: the answer is a hint (``seq`` null). If the
message cannot even be stored (database down) the answer is 503 with safe advice.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request

from symcheck.gateway.deps import GatewayDep
from symcheck.gateway.errors import Unavailable, UnknownConversationError
from symcheck.gateway.logsafe import describe
from symcheck.gateway.presenters import reply_json
from symcheck.gateway.services.pipeline import UnknownConversation

log = logging.getLogger("symcheck.gateway.web")

router = APIRouter(prefix="/api/web", tags=["web chat"])


@router.post("/messages")
async def post_message(request: Request, gateway: GatewayDep) -> dict[str, Any]:
    channel = gateway.channels.get("web")
    inbound = channel.parse(await request.body(), request.headers)
    try:
        result = await gateway.pipeline.receive(inbound)
    except UnknownConversation:
        raise UnknownConversationError("no conversation with this id; start a new one") from None
    except Exception as exc:
        log.error("message not stored: %s", describe(exc))
        raise Unavailable(gateway.copy.unavailable) from None
    return {
        "conversation_id": str(result.conversation_id),
        "message_seq": result.message_seq,
        "messages": [reply_json(r) for r in result.replies],
    }
