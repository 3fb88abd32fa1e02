"""``GET /api/web/conversations/{id}/messages``: history and long polling."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.symcheck.gateway.helpers import send


async def test_history_lists_every_message_in_order(client: httpx.AsyncClient) -> None:
    body = await send(client, "I have a cough")
    await send(client, "/affirm", body["conversation_id"])
    response = await client.get(f"/api/web/conversations/{body['conversation_id']}/messages")
    data = response.json()
    assert data["conversation_id"] == body["conversation_id"]
    assert data["status"] == "bot"
    assert [(m["seq"], m["author"]) for m in data["messages"]] == [
        (1, "patient"),
        (2, "bot"),
        (3, "patient"),
        (4, "bot"),
    ]
    assert data["messages"][2]["text"] == "Yes"
    assert data["messages"][1]["buttons"][0] == {"title": "Yes", "payload": "/affirm"}
    assert data["messages"][0]["created_at"].endswith("+00:00")
    after = await client.get(f"/api/web/conversations/{body['conversation_id']}/messages?after=2")
    assert [m["seq"] for m in after.json()["messages"]] == [3, 4]


async def test_long_poll_waits_then_answers_empty(client: httpx.AsyncClient) -> None:
    body = await send(client, "I have a cough")
    started = time.monotonic()
    response = await client.get(
        f"/api/web/conversations/{body['conversation_id']}/messages?after=2&wait=0.4"
    )
    assert response.json()["messages"] == []
    assert time.monotonic() - started >= 0.35


async def test_long_poll_returns_as_soon_as_a_message_arrives(client: httpx.AsyncClient) -> None:
    body = await send(client, "I have a cough")
    conv_id = body["conversation_id"]
    waiting = asyncio.create_task(
        client.get(f"/api/web/conversations/{conv_id}/messages?after=2&wait=3")
    )
    await asyncio.sleep(0.2)
    assert not waiting.done()
    started = time.monotonic()
    await send(client, "more", conv_id)
    response = await asyncio.wait_for(waiting, 3)
    assert time.monotonic() - started < 2
    assert response.json()["messages"][0]["seq"] == 3


async def test_bad_query_parameters(client: httpx.AsyncClient) -> None:
    body = await send(client, "I have a cough")
    base = f"/api/web/conversations/{body['conversation_id']}/messages"
    for query in ("?after=-1", "?after=x", "?wait=999", "?wait=-1"):
        response = await client.get(base + query)
        assert response.status_code == 422, query
        assert response.json()["error"]["code"] == "invalid_request"
