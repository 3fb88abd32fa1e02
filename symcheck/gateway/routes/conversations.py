"""``GET /api/web/conversations/{id}/messages?after=<seq>&wait=<seconds>``.

History (``after=0``) and live updates: with ``wait`` > 0 the request is held until a message
after ``after`` exists (a clinician reply, say) or ``wait`` seconds pass (long poll).
Response: ``{"conversation_id", "status", "messages": [{"seq", "author", "text", "buttons",
"created_at"}]}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from connectors.web import parse_conversation_id
from symcheck.gateway.deps import GatewayDep
from symcheck.gateway.errors import UnknownConversationError
from symcheck.gateway.events import conversation_topic
from symcheck.gateway.longpoll import long_poll
from symcheck.gateway.presenters import message_json
from symcheck.storage.repositories import ConversationRecord, MessageRecord, UnitOfWork

router = APIRouter(prefix="/api/web/conversations", tags=["web chat"])


@router.get("/{conversation_id}/messages")
async def list_messages(
    conversation_id: str,
    gateway: GatewayDep,
    after: Annotated[int, Query(ge=0)] = 0,
    wait: Annotated[float, Query(ge=0, le=60)] = 0,
) -> dict[str, Any]:
    conv_id = parse_conversation_id(conversation_id)
    assert conv_id is not None

    def fetch_now(uow: UnitOfWork) -> tuple[ConversationRecord, list[MessageRecord]]:
        conv = uow.conversations.get(conv_id)
        if conv is None or conv.channel != "web":
            raise UnknownConversationError("no conversation with this id")
        return conv, uow.messages.list_after(conv_id, after)

    async def fetch() -> tuple[ConversationRecord, list[MessageRecord]]:
        return await gateway.db.run(fetch_now)

    conv, messages = await long_poll(
        gateway.notifier,
        conversation_topic(conv_id),
        fetch,
        lambda result: bool(result[1]),
        wait_seconds=min(wait, gateway.options.long_poll_max_seconds),
        recheck_seconds=gateway.options.long_poll_recheck_seconds,
    )
    return {
        "conversation_id": str(conv.id),
        "status": conv.status,
        "messages": [message_json(m) for m in messages],
    }
