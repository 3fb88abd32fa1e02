"""The clinician side: queue, case view with audit, claim, reply, resolve."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from symcheck.storage.repositories import AuditAction, Store
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.helpers import open_case, send, status, stored


async def _handoff(
    client: httpx.AsyncClient, text: str = "I want to talk to a clinician"
) -> tuple[str, str]:
    body = await send(client, text)
    queue = await client.get("/dashboard/api/queue")
    case = next(c for c in queue.json()["cases"] if c["conversation_id"] == body["conversation_id"])
    return body["conversation_id"], case["id"]


def _headers(csrf: str) -> dict[str, str]:
    return {"X-CSRF-Token": csrf}


async def test_queue_orders_by_urgency_then_waiting_time(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    await send(client, "I want to talk to a clinician")  # consultation (1)
    await send(client, "crushing chest pain")  # emergency ambulance (4)
    await send(client, "please get me a clinician")  # consultation (1), waiting less long
    body = (await client.get("/dashboard/api/queue")).json()
    cases = body["cases"]
    assert [c["urgency"] for c in cases] == [4, 1, 1]
    assert cases[0]["urgency_label"] == "Emergency - ambulance"
    assert cases[0]["reason_label"] == "Red flag"
    assert cases[0]["chief_complaint"] == "crushing chest pain"
    assert cases[1]["chief_complaint"] == "I want to talk to a clinician"
    assert cases[1]["waiting_since"] <= cases[2]["waiting_since"]
    assert body["version"]


async def test_queue_long_poll_returns_when_a_case_appears(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    first = (await client.get("/dashboard/api/queue")).json()
    assert first["cases"] == []
    waiting = asyncio.create_task(
        client.get(f"/dashboard/api/queue?since={first['version']}&wait=3")
    )
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await send(client, "crushing chest pain")
    response = await asyncio.wait_for(waiting, 3)
    assert len(response.json()["cases"]) == 1
    # with nothing new it answers after the wait, with the same version
    current = (await client.get("/dashboard/api/queue")).json()["version"]
    again = await client.get(f"/dashboard/api/queue?since={current}&wait=0.3")
    assert again.json()["version"] == current


async def test_case_api_and_transcript_views_are_audited_every_time(
    client: httpx.AsyncClient, signed_in: str, store: Store
) -> None:
    conv_id, case_id = await _handoff(client)
    detail = await client.get(f"/dashboard/api/cases/{case_id}")
    assert detail.status_code == 200
    assert detail.json()["summary"]["chief_complaint"] == "I want to talk to a clinician"
    for _ in range(2):
        transcript = await client.get(f"/dashboard/api/cases/{case_id}/messages")
        assert transcript.status_code == 200
    messages = transcript.json()["messages"]
    assert messages[0]["author"] == "patient"
    assert messages[0]["text"] == "I want to talk to a clinician"
    with store.unit_of_work() as uow:
        views = uow.audit.list(action=AuditAction.VIEW_TRANSCRIPT, case_id=uuid.UUID(case_id))
        case_views = uow.audit.list(action=AuditAction.VIEW_CASE, case_id=uuid.UUID(case_id))
    assert len(views) == 2
    assert len(case_views) == 1
    assert all(v.conversation_id == uuid.UUID(conv_id) for v in views)


async def test_case_page_shows_summary_and_escaped_transcript_and_is_audited(
    client: httpx.AsyncClient, signed_in: str, store: Store
) -> None:
    _, case_id = await _handoff(client, "<script>alert(1)</script> I need a clinician")
    page = await client.get(f"/dashboard/cases/{case_id}")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for expected in ("54 years", "male", "Angina", "42%", "Reflux", "Fever", "Routine appointment"):
        assert expected in html
    assert "<script src=" in html  # only the external script tag
    with store.unit_of_work() as uow:
        actions = [e.action for e in uow.audit.list(case_id=uuid.UUID(case_id))]
    assert actions == ["view_case", "view_transcript"]


async def test_transcript_long_poll_returns_new_patient_messages(
    client: httpx.AsyncClient, signed_in: str, store: Store
) -> None:
    conv_id, case_id = await _handoff(client)
    last = (await client.get(f"/dashboard/api/cases/{case_id}/messages")).json()["messages"][-1][
        "seq"
    ]
    waiting = asyncio.create_task(
        client.get(f"/dashboard/api/cases/{case_id}/messages?after={last}&wait=3")
    )
    await asyncio.sleep(0.2)
    await send(client, "it is getting worse", conv_id)
    response = await asyncio.wait_for(waiting, 3)
    texts = [m["text"] for m in response.json()["messages"]]
    assert "it is getting worse" in texts
    with store.unit_of_work() as uow:
        views = uow.audit.list(action=AuditAction.VIEW_TRANSCRIPT, case_id=uuid.UUID(case_id))
    assert len(views) == 2  # one per request, not one per re-read while waiting


async def test_state_changes_need_the_csrf_header(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    _, case_id = await _handoff(client)
    for path, body in (("claim", None), ("reply", {"text": "hi"}), ("resolve", None)):
        response = await client.post(f"/dashboard/api/cases/{case_id}/{path}", json=body)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "csrf_failed"
        forged = await client.post(
            f"/dashboard/api/cases/{case_id}/{path}", json=body, headers=_headers("x" * 43)
        )
        assert forged.status_code == 403


async def test_claim_reply_and_resolve(
    client: httpx.AsyncClient, signed_in: str, store: Store, fake_rasa: FakeRasa
) -> None:
    conv_id, case_id = await _handoff(client)
    claimed = await client.post(
        f"/dashboard/api/cases/{case_id}/claim", headers=_headers(signed_in)
    )
    assert claimed.status_code == 200
    assert claimed.json()["case"]["status"] == "active"
    assert claimed.json()["case"]["claimed_by"] == "Dr Doc"

    # the patient's page is waiting for news (long poll) when the clinician replies
    after = stored(store, conv_id)[-1].seq
    waiting = asyncio.create_task(
        client.get(f"/api/web/conversations/{conv_id}/messages?after={after}&wait=3")
    )
    await asyncio.sleep(0.2)
    reply = await client.post(
        f"/dashboard/api/cases/{case_id}/reply",
        json={"text": "Hello, I am Dr Doc."},
        headers=_headers(signed_in),
    )
    assert reply.status_code == 200
    live = (await asyncio.wait_for(waiting, 3)).json()["messages"]
    assert [(m["author"], m["text"]) for m in live] == [("clinician", "Hello, I am Dr Doc.")]

    resolved = await client.post(
        f"/dashboard/api/cases/{case_id}/resolve", headers=_headers(signed_in)
    )
    assert resolved.status_code == 200
    assert resolved.json()["case"]["status"] == "resolved"
    assert open_case(store, conv_id) is None
    assert status(store, conv_id) == "bot"
    assert fake_rasa.messages_sent()[-1] == "/restart"
    closing = stored(store, conv_id)[-1]
    assert closing.author == "system"
    assert "closed this chat" in closing.text
    with store.unit_of_work() as uow:
        conv = uow.conversations.get(uuid.UUID(conv_id))
        actions = [e.action for e in uow.audit.list(case_id=uuid.UUID(case_id))]
    assert conv is not None
    assert conv.clinical_state is None  # the episode is forgotten
    assert actions == ["claim", "reply", "resolve"]

    # the bot answers the next message again, with a fresh start
    again = await send(client, "I have a new problem: a cough", conv_id)
    assert again["messages"][0]["author"] == "bot"
    twice = await client.post(
        f"/dashboard/api/cases/{case_id}/resolve", headers=_headers(signed_in)
    )
    assert twice.status_code == 409


async def test_replying_to_a_waiting_case_claims_it(
    client: httpx.AsyncClient, signed_in: str, store: Store
) -> None:
    _, case_id = await _handoff(client)
    reply = await client.post(
        f"/dashboard/api/cases/{case_id}/reply", json={"text": "Hi"}, headers=_headers(signed_in)
    )
    assert reply.status_code == 200
    with store.unit_of_work() as uow:
        case = uow.cases.get(uuid.UUID(case_id))
    assert case is not None
    assert case.status == "active"


@pytest.mark.parametrize(
    ("body", "code"),
    [({"text": "   "}, "invalid_reply"), ({"text": 5}, "invalid_request"), ({}, "invalid_request")],
)
async def test_bad_replies(
    client: httpx.AsyncClient, signed_in: str, body: object, code: str
) -> None:
    _, case_id = await _handoff(client)
    response = await client.post(
        f"/dashboard/api/cases/{case_id}/reply", json=body, headers=_headers(signed_in)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


async def test_if_rasa_is_down_at_resolve_the_restart_happens_before_the_next_message(
    client: httpx.AsyncClient, signed_in: str, fake_rasa: FakeRasa
) -> None:
    conv_id, case_id = await _handoff(client)
    fake_rasa.mode = "down"
    resolved = await client.post(
        f"/dashboard/api/cases/{case_id}/resolve", headers=_headers(signed_in)
    )
    assert resolved.status_code == 200
    fake_rasa.mode = "ok"
    await send(client, "new problem: a cough", conv_id)
    assert fake_rasa.messages_sent()[-2:] == ["/restart", "new problem: a cough"]


async def test_unknown_cases(client: httpx.AsyncClient, signed_in: str) -> None:
    missing = uuid.uuid4()
    assert (await client.get(f"/dashboard/api/cases/{missing}")).status_code == 404
    assert (await client.get(f"/dashboard/api/cases/{missing}/messages")).status_code == 404
    assert (
        await client.post(f"/dashboard/api/cases/{missing}/claim", headers=_headers(signed_in))
    ).status_code == 404
    assert (await client.get("/dashboard/api/cases/not-a-uuid")).status_code == 422
