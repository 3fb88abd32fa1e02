"""What the running stack protects: tokens, loopback binding, encryption at rest, audit, logs."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from symcheck.storage.models import AuditEvent
from tests.auxil.dashboard import Clinician
from tests.auxil.web_patient import WebPatient
from tests.conftest import LiveStack

pytestmark = pytest.mark.stack

SENTINEL = "quokkasentinel"


def _rows(live_stack: LiveStack, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(live_stack.database_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_rasa_channel_requires_the_gateway_token(live_stack: LiveStack) -> None:
    url = f"{live_stack.rasa_url}/webhooks/gateway/webhook"
    body = {"sender": "x", "message": "hello"}
    assert httpx.post(url, json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert httpx.post(url, json=body, headers=wrong).status_code == 401


def test_rasa_http_api_is_not_enabled(live_stack: LiveStack) -> None:
    for path in ("/status", "/conversations/x/tracker", "/model/parse"):
        assert httpx.get(f"{live_stack.rasa_url}{path}").status_code in (404, 405)


def test_action_server_requires_its_token(live_stack: LiveStack) -> None:
    response = httpx.post(f"{live_stack.actions_url}/webhook", json={"next_action": "x"})
    assert response.status_code == 401
    assert httpx.get(f"{live_stack.actions_url}/actions").status_code == 401


def test_rasa_and_action_server_listen_on_loopback_only(live_stack: LiveStack) -> None:
    for name in ("rasa", "actions"):
        proc = psutil.Process(live_stack.stack.pids()[name])
        procs = [proc, *proc.children(recursive=True)]
        listening = [
            c.laddr
            for p in procs
            for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening, name
        assert all(addr.ip == "127.0.0.1" for addr in listening), (name, listening)


def test_message_bodies_state_and_trackers_are_encrypted_at_rest(
    live_stack: LiveStack, patient: WebPatient
) -> None:
    patient.say(f"I have a terrible headache {SENTINEL}")
    patient.say("45")
    for table, column in (
        ("messages", "body_enc"),
        ("rasa_trackers", "data_enc"),
        ("conversations", "clinical_state_enc"),
    ):
        values = [str(v) for (v,) in _rows(live_stack, f"SELECT {column} FROM {table}") if v]
        assert values, table
        assert not any(SENTINEL in v or "headache" in v for v in values), table


def _transcript_views(live_stack: LiveStack, case_id: str) -> int:
    engine = create_engine(live_stack.database_url)
    try:
        with Session(engine) as session:
            query = (
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "view_transcript")
                .where(AuditEvent.case_id == uuid.UUID(case_id))
            )
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()


def test_every_transcript_view_is_audited(
    live_stack: LiveStack, patient: WebPatient, clinician: Clinician
) -> None:
    patient.say("I want to speak to a human")
    case_id = clinician.case_for(patient.conversation_id or "")["id"]
    before = _transcript_views(live_stack, case_id)
    clinician.transcript(case_id)
    clinician.transcript(case_id)
    assert _transcript_views(live_stack, case_id) == before + 2
    clinician.resolve(case_id)


def test_dashboard_api_refuses_without_login_and_writes_without_csrf(
    live_stack: LiveStack, patient: WebPatient, clinician: Clinician
) -> None:
    assert httpx.get(f"{live_stack.url}/dashboard/api/queue").status_code == 401
    patient.say("please let me talk to a nurse")
    case_id = clinician.case_for(patient.conversation_id or "")["id"]
    claim = f"{live_stack.url}/dashboard/api/cases/{case_id}/claim"
    assert clinician.client.post(claim).status_code == 403
    forged = clinician.client.post(claim, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    assert clinician.post(f"/dashboard/api/cases/{case_id}/claim").status_code == 200
    clinician.resolve(case_id)


def test_no_message_text_in_any_log(live_stack: LiveStack, patient: WebPatient) -> None:
    patient.say(f"my knee hurts {SENTINEL} after football")
    patient.say("/deny")
    logs = list(Path(live_stack.stack.log_dir).glob("*.log"))
    assert {p.stem for p in logs} >= {"gateway", "rasa", "actions"}
    conversation_id = patient.conversation_id or ""
    for path in logs:
        content = path.read_text(errors="replace")
        assert SENTINEL not in content, path.name
        assert "knee hurts" not in content, path.name
        # The conversation id is the patient's key to the transcript: never logged.
        assert conversation_id not in content, path.name
        assert conversation_id.replace("-", "") not in content, path.name
