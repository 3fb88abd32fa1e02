"""The core flows again on both databases (the rest of the gateway tests use SQLite)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from symcheck.storage.repositories import Store
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.helpers import open_case, send, status, stored
from tests.symcheck.storage.databases import BACKENDS, migrated_database


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with migrated_database(request.param, tmp_path_factory.mktemp("backend")) as url:
        yield url


async def test_message_flow_emergency_and_resolve(
    client: httpx.AsyncClient, signed_in: str, store: Store, fake_rasa: FakeRasa
) -> None:
    body = await send(client, "I have chest pain")
    conv_id = body["conversation_id"]
    await send(client, "and I am sweating", conv_id)
    assert fake_rasa.messages_sent()[-1] == "/report_emergency"
    case = open_case(store, conv_id)
    assert case is not None
    assert case.urgency == 4
    assert status(store, conv_id) == "handoff"
    headers = {"X-CSRF-Token": signed_in}
    reply = await client.post(
        f"/dashboard/api/cases/{case.id}/reply", json={"text": "Call now."}, headers=headers
    )
    assert reply.status_code == 200
    resolved = await client.post(f"/dashboard/api/cases/{case.id}/resolve", headers=headers)
    assert resolved.status_code == 200
    assert status(store, conv_id) == "bot"
    authors = [m.author for m in stored(store, conv_id)]
    assert authors == ["patient", "bot", "patient", "bot", "clinician", "system"]


async def test_concurrent_messages_get_distinct_seqs(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = await send(client, "I have a cough")
    conv_id = body["conversation_id"]
    await asyncio.gather(*(send(client, f"more {i}", conv_id) for i in range(5)))
    seqs = [m.seq for m in stored(store, conv_id)]
    assert seqs == list(range(1, 13))
    assert all(m.status == "processed" for m in stored(store, conv_id) if m.author == "patient")
