"""Headers, CORS, escaping and the rule that no message text ever reaches the logs."""

from __future__ import annotations

import logging
import re
import uuid

import httpx
import pytest

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.app import create_app
from symcheck.gateway.container import Gateway
from symcheck.gateway.logsafe import ref
from symcheck.settings import Settings
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.gateway.helpers import send
from tests.symcheck.storage.conftest import FAST_HASHER

SENTINEL = "zebra-sentinel-7731"


async def test_security_headers_on_pages_and_api(client: httpx.AsyncClient) -> None:
    for path in ("/", "/dashboard/login", "/healthz", "/api/web/conversations/x/messages"):
        response = await client.get(path)
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "object-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        if path != "/":
            assert "frame-ancestors 'none'" in csp
            assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"


async def test_pages_have_no_inline_scripts_or_handlers(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    await send(client, "I want to talk to a clinician")
    case_id = (await client.get("/dashboard/api/queue")).json()["cases"][0]["id"]
    for path in ("/", "/dashboard", f"/dashboard/cases/{case_id}"):
        html = (await client.get(path)).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert 'style="' not in html, path


async def test_static_files_are_served(client: httpx.AsyncClient) -> None:
    for name in ("chat.js", "chat.css", "dashboard.js", "dashboard.css"):
        response = await client.get(f"/static/{name}")
        assert response.status_code == 200
    js = (await client.get("/static/chat.js")).text + (
        await client.get("/static/dashboard.js")
    ).text
    assert "innerHTML" not in js
    assert "insertAdjacentHTML" not in js


async def test_no_cors_by_default(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/web/messages",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers


async def test_cors_only_for_configured_origins(
    settings: Settings, safety_runtime: SafetyRuntime, fake_rasa: FakeRasa
) -> None:
    app = create_app(
        settings.model_copy(update={"allowed_origins": "https://clinic.example"}),
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety_runtime,
        password_hasher=FAST_HASHER,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        allowed = await client.options(
            "/api/web/messages",
            headers={"Origin": "https://clinic.example", "Access-Control-Request-Method": "POST"},
        )
        denied = await client.options(
            "/api/web/messages",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        page = await client.get("/")
    assert allowed.headers["access-control-allow-origin"] == "https://clinic.example"
    assert "access-control-allow-origin" not in denied.headers
    assert (
        "frame-ancestors 'self' https://clinic.example" in page.headers["content-security-policy"]
    )


async def test_unexpected_errors_are_json_without_details(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _gateway_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every rendered log line, except the test client's own httpx lines (which name the URLs
    the test itself requested)."""
    lines = []
    for record in caplog.records:
        rendered = record.getMessage() + (record.exc_text or "")
        if record.exc_info:
            rendered += logging.Formatter().formatException(record.exc_info)
        if record.name.startswith("httpx") and "http://testserver/" in rendered:
            continue
        lines.append(f"{record.name}: {rendered}")
    return lines


async def test_no_message_text_and_no_conversation_id_in_logs(
    client: httpx.AsyncClient,
    signed_in: str,
    fake_rasa: FakeRasa,
    gateway: Gateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A whole flow, failures included: no message text and no conversation id is logged.

    The conversation id is the web patient's only credential (it opens the transcript), so
    logs carry a one-way reference (``conversation_ref``) instead.
    """
    caplog.set_level(logging.DEBUG)
    headers = {"X-CSRF-Token": signed_in}
    body = await send(client, f"I have a cough {SENTINEL}")
    conv_id = body["conversation_id"]
    await client.get(f"/api/web/conversations/{conv_id}/messages")
    await client.get(f"/api/web/conversations/{conv_id}/messages?after=99&wait=0.2")
    await send(client, "/ /restart", conv_id)
    await send(client, f"crushing chest pain {SENTINEL}", conv_id)  # emergency -> case
    await send(client, f"<b>{SENTINEL}</b> still there", conv_id)  # goes to the case
    await send(client, "fever for 6 days", conv_id)  # a new non-emergency rule
    case_id = (await client.get("/dashboard/api/queue")).json()["cases"][0]["id"]
    await client.get(f"/dashboard/cases/{case_id}")
    await client.get(f"/dashboard/api/cases/{case_id}")
    await client.get(f"/dashboard/api/cases/{case_id}/messages")
    await client.post(f"/dashboard/api/cases/{case_id}/claim", headers=headers)
    await client.post(
        f"/dashboard/api/cases/{case_id}/reply", json={"text": f"reply {SENTINEL}"}, headers=headers
    )
    await client.post(f"/dashboard/api/cases/{case_id}/resolve", headers=headers)
    fake_rasa.mode = "bad_bridge"
    await send(client, f"another {SENTINEL}", conv_id)
    fake_rasa.mode = "down"
    await send(client, f"and another {SENTINEL}", conv_id)
    fake_rasa.mode = "timeout"
    await send(client, f"and one more {SENTINEL}", conv_id)

    class BrokenSafety:
        def check(self, *args: object, **kwargs: object) -> object:
            raise ValueError(f"cannot parse {SENTINEL} in {conv_id}")

    fake_rasa.mode = "ok"
    # this app's pipeline only: the rules runtime itself is shared by the whole session
    gateway.pipeline._safety = BrokenSafety()  # type: ignore[attr-defined,assignment]
    await send(client, f"precheck breaks {SENTINEL}", conv_id)
    await client.post(
        "/api/web/messages", json={"conversation_id": conv_id, "text": 5, "x": SENTINEL}
    )
    await client.post("/api/web/messages", json={"conversation_id": conv_id, "text": "x" * 300_000})
    unknown = str(uuid.uuid4())
    await client.post("/api/web/messages", json={"conversation_id": unknown, "text": "hi"})
    await client.get(f"/api/web/conversations/{unknown}/messages")

    async def broken_run(work: object) -> object:
        raise RuntimeError(f"database is gone for {conv_id}")

    object.__setattr__(gateway.pipeline._db, "run", broken_run)  # type: ignore[attr-defined]
    await client.post("/api/web/messages", json={"conversation_id": conv_id, "text": "hi"})

    lines = _gateway_log(caplog)
    assert lines, "the flow should log something"
    secrets = (SENTINEL, conv_id, conv_id.replace("-", ""), unknown, unknown.replace("-", ""))
    for line in lines:
        for secret in secrets:
            assert secret not in line, line
    assert any(f"conversation_ref={ref(conv_id)}" in line for line in lines)


async def test_unhandled_errors_are_a_plain_500_and_logged_without_text(
    client: httpx.AsyncClient, signed_in: str, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> object:
        raise ValueError(f"boom {SENTINEL}")

    object.__setattr__(gateway.cases, "queue", broken)
    caplog.set_level(logging.DEBUG)
    response = await client.get("/dashboard/api/queue")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "something went wrong; please try again"}
    }
    assert SENTINEL not in response.text
    assert any("ValueError" in r.getMessage() for r in caplog.records)
    assert all(SENTINEL not in r.getMessage() for r in caplog.records)


async def test_storage_down_while_receiving_is_a_503_with_safe_advice(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    async def broken(work: object) -> object:
        raise RuntimeError("database is gone")

    object.__setattr__(gateway.pipeline._db, "run", broken)  # type: ignore[attr-defined]
    response = await client.post("/api/web/messages", json={"conversation_id": None, "text": "hi"})
    assert response.status_code == 503
    assert "call 112" in response.json()["error"]["message"]
