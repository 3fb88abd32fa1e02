"""Small helpers shared by the gateway tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from symcheck.gateway.container import Gateway
from symcheck.storage.repositories import CaseRecord, MessageRecord, Store


async def send(
    client: httpx.AsyncClient, text: str, conversation_id: str | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/api/web/messages", json={"conversation_id": conversation_id, "text": text}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def stored(store: Store, conversation_id: str) -> list[MessageRecord]:
    with store.unit_of_work() as uow:
        return uow.messages.list_after(uuid.UUID(conversation_id))


def open_case(store: Store, conversation_id: str) -> CaseRecord | None:
    with store.unit_of_work() as uow:
        return uow.cases.open_for_conversation(uuid.UUID(conversation_id))


def status(store: Store, conversation_id: str) -> str:
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(uuid.UUID(conversation_id))
        assert conv is not None
        return conv.status


def use_rasa_transport(gateway: Gateway, transport: httpx.AsyncBaseTransport) -> None:
    """Swap the running gateway's Rasa transport (e.g. for a deliberately slow fake)."""
    gateway.pipeline._rasa._client._transport = transport  # type: ignore[attr-defined]
