"""Sign-in, sessions, CSRF and rate limiting of the clinician dashboard."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from sqlalchemy import text

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.app import create_app
from symcheck.gateway.options import GatewayOptions
from symcheck.settings import Settings
from symcheck.storage.repositories import AuditAction, Store
from tests.symcheck.gateway.conftest import Clinician, login
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.storage.conftest import FAST_HASHER


async def test_pages_and_api_require_a_login(client: httpx.AsyncClient) -> None:
    page = await client.get("/dashboard")
    assert page.status_code == 303
    assert page.headers["location"] == "/dashboard/login"
    api = await client.get("/dashboard/api/queue")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "not_authenticated"
    case = await client.get("/dashboard/cases/00000000-0000-0000-0000-000000000000")
    assert case.status_code == 303


async def test_login_sets_a_strict_http_only_cookie_holding_a_hashed_token(
    client: httpx.AsyncClient, clinician: Clinician, store: Store
) -> None:
    response = await login(client, clinician.email, clinician.password)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("symcheck_session=")
    )
    flags = cookie.lower()
    assert "httponly" in flags
    assert "samesite=strict" in flags
    assert "path=/dashboard" in flags
    assert "secure" not in flags  # cookie_secure=False in these tests
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    with store.unit_of_work() as uow:
        stored = (
            uow.session.execute(text("SELECT token_hash FROM clinician_sessions")).scalars().all()
        )
        events = uow.audit.list(action=AuditAction.LOGIN)
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert len(events) == 1
    assert events[0].clinician_id == clinician.id
    assert events[0].client_ip == "10.1.2.3"
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Dr Doc" in page.text


async def test_secure_cookies_when_configured(
    settings: Settings, clinician: Clinician, safety_runtime: SafetyRuntime, fake_rasa: FakeRasa
) -> None:
    secure = settings.model_copy(update={"cookie_secure": True})
    app = create_app(
        secure,
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety_runtime,
        password_hasher=FAST_HASHER,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver"
        ) as client,
    ):
        response = await login(client, clinician.email, clinician.password)
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    session = next(h for h in cookies if h.startswith("symcheck_session="))
    assert "secure" in session.lower()


async def test_wrong_password_and_unknown_email_look_the_same(
    client: httpx.AsyncClient, clinician: Clinician, store: Store
) -> None:
    wrong = await login(client, clinician.email, "not the password")
    unknown = await login(client, "nobody@clinic.test", clinician.password)
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.text
    assert "Wrong email or password." in unknown.text
    assert "symcheck_session" not in wrong.headers.get("set-cookie", "")
    with store.unit_of_work() as uow:
        assert len(uow.audit.list(action=AuditAction.LOGIN_FAILED)) == 2


async def test_login_form_needs_its_csrf_token(
    client: httpx.AsyncClient, clinician: Clinician
) -> None:
    await client.get("/dashboard/login")
    response = await client.post(
        "/dashboard/login",
        data={"email": clinician.email, "password": clinician.password, "csrf_token": "forged"},
    )
    assert response.status_code == 403
    assert "symcheck_session" not in response.headers.get("set-cookie", "")


async def test_login_is_rate_limited_per_email(
    client: httpx.AsyncClient, clinician: Clinician, options: GatewayOptions
) -> None:
    for _ in range(options.login_failures_per_email):
        assert (await login(client, clinician.email, "wrong")).status_code == 401
    blocked = await login(client, clinician.email, clinician.password)  # even the right one
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many failed attempts" in blocked.text


@pytest.mark.parametrize("options", [GatewayOptions(login_failures_per_ip=3)])
async def test_login_is_rate_limited_per_address(
    client: httpx.AsyncClient, clinician: Clinician
) -> None:
    for i in range(3):
        assert (await login(client, f"someone{i}@clinic.test", "wrong")).status_code == 401
    assert (await login(client, clinician.email, clinician.password)).status_code == 429


async def test_logout_needs_csrf_and_ends_the_session(
    client: httpx.AsyncClient, signed_in: str, store: Store
) -> None:
    refused = await client.post("/dashboard/logout")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    done = await client.post("/dashboard/logout", data={"csrf_token": signed_in})
    assert done.status_code == 303
    assert done.headers["location"] == "/dashboard/login"
    with store.unit_of_work() as uow:
        assert (
            uow.session.execute(text("SELECT count(*) FROM clinician_sessions")).scalar_one() == 0
        )
        assert len(uow.audit.list(action=AuditAction.LOGOUT)) == 1
    assert (await client.get("/dashboard/api/queue")).status_code == 401


async def test_a_forged_session_cookie_is_rejected(client: httpx.AsyncClient) -> None:
    client.cookies.set("symcheck_session", "forged-token", path="/dashboard")
    assert (await client.get("/dashboard/api/queue")).status_code == 401


async def test_deactivated_clinicians_lose_access(
    client: httpx.AsyncClient, signed_in: str, clinician: Clinician, store: Store
) -> None:
    with store.unit_of_work() as uow:
        uow.clinicians.set_active(clinician.id, False)  # type: ignore[arg-type]
    assert (await client.get("/dashboard/api/queue")).status_code == 401


async def test_signed_in_visitors_skip_the_login_form(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    response = await client.get("/dashboard/login")
    assert response.status_code == 303
