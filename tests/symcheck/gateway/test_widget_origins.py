"""Which websites may use the patient API from a browser (``PatientOriginMiddleware``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.app import create_app
from symcheck.gateway.security import allowed_origins, normalize_origin
from symcheck.settings import Settings
from tests.symcheck.gateway.fakes import FakeRasa
from tests.symcheck.storage.conftest import FAST_HASHER

CLINIC = "https://clinic.example"
EVIL = "https://evil.example"
PUBLIC_URL = "https://chat.clinic.example/"
GATEWAY = "http://testserver"
ADVICE = "If this is an emergency, call 112 now."
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}
HELLO = {"conversation_id": None, "text": "I have a cough"}


@pytest.fixture
async def clinic_client(
    settings: Settings, safety_runtime: SafetyRuntime, fake_rasa: FakeRasa
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway that allows the clinic's site (written with a slash and odd case, next to
    entries that are not origins), behind a proxy at ``PUBLIC_URL``."""
    app = create_app(
        settings.model_copy(
            update={
                "allowed_origins": " HTTPS://Clinic.Example/ , *, clinic.example, null",
                "public_url": PUBLIC_URL,
            }
        ),
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety_runtime,
        password_hasher=FAST_HASHER,
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url=GATEWAY) as client,
    ):
        yield client


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "origin_not_allowed"
    assert error["message"].endswith(ADVICE)
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://clinic.example", "https://clinic.example"),
        ("https://clinic.example/", "https://clinic.example"),
        (" HTTPS://Clinic.EXAMPLE ", "https://clinic.example"),
        ("https://clinic.example:443", "https://clinic.example"),
        ("http://clinic.example:80", "http://clinic.example"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://clinic.example:8443", "https://clinic.example:8443"),
        ("null", None),
        ("*", None),
        ("clinic.example", None),
        ("ftp://clinic.example", None),
        ("https://clinic.example/chat", None),
        ("https://clinic.example?x=1", None),
        ("https://user@clinic.example", None),
        ("https://clinic.example:99999", None),
        ("", None),
    ],
)
def test_normalize_origin(value: str, expected: str | None) -> None:
    assert normalize_origin(value) == expected


def test_allowed_origins_ignores_and_logs_what_is_not_an_origin(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    assert allowed_origins([CLINIC, "*", f"{CLINIC}/", "http://127.0.0.1:9000"]) == [
        CLINIC,
        "http://127.0.0.1:9000",
    ]
    assert any("'*'" in r.getMessage() for r in caplog.records)


async def test_an_allowed_site_can_chat(
    clinic_client: httpx.AsyncClient, fake_rasa: FakeRasa
) -> None:
    preflight = await clinic_client.options(
        "/api/web/messages", headers={"Origin": CLINIC, **PREFLIGHT}
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == CLINIC
    sent = await clinic_client.post("/api/web/messages", json=HELLO, headers={"Origin": CLINIC})
    assert sent.status_code == 200
    assert sent.headers["access-control-allow-origin"] == CLINIC
    assert "access-control-allow-credentials" not in sent.headers
    conversation = sent.json()["conversation_id"]
    history = await clinic_client.get(
        f"/api/web/conversations/{conversation}/messages", headers={"Origin": CLINIC}
    )
    assert history.status_code == 200
    assert history.headers["access-control-allow-origin"] == CLINIC
    assert fake_rasa.messages_sent() == ["I have a cough"]


@pytest.mark.parametrize(
    "origin",
    [EVIL, "null", "https://clinic.example.evil.example", "http://clinic.example", "*", "x"],
)
async def test_other_sites_are_refused_before_anything_happens(
    clinic_client: httpx.AsyncClient, fake_rasa: FakeRasa, origin: str
) -> None:
    preflight = await clinic_client.options(
        "/api/web/messages", headers={"Origin": origin, **PREFLIGHT}
    )
    assert_refused(preflight)
    # a "simple" request (no preflight) whose answer the page could not read is refused too
    sent = await clinic_client.post(
        "/api/web/messages",
        content=b'{"conversation_id": null, "text": "hi"}',
        headers={"Origin": origin, "Content-Type": "text/plain"},
    )
    assert_refused(sent)
    history = await clinic_client.get(
        "/api/web/conversations/00000000-0000-4000-8000-000000000000/messages",
        headers={"Origin": origin},
    )
    assert_refused(history)
    assert fake_rasa.messages_sent() == []


async def test_a_refusal_is_not_bypassed_by_a_cross_site_fetch_metadata(
    clinic_client: httpx.AsyncClient,
) -> None:
    response = await clinic_client.post(
        "/api/web/messages", json=HELLO, headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
    )
    assert_refused(response)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-origin"),
        pytest.param({"Origin": GATEWAY}, id="same-host"),
        pytest.param({"Origin": "HTTP://TestServer"}, id="same-host-any-case"),
        pytest.param({"Origin": PUBLIC_URL.rstrip("/")}, id="public-url-behind-a-proxy"),
        pytest.param(
            {"Origin": "https://renamed-by-proxy.example", "Sec-Fetch-Site": "same-origin"},
            id="browser-says-same-origin",
        ),
    ],
)
async def test_the_gateway_own_page_and_non_browser_clients_keep_working(
    clinic_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await clinic_client.post("/api/web/messages", json=HELLO, headers=headers)
    assert response.status_code == 200, response.text


async def test_same_origin_works_without_any_allowed_origin(client: httpx.AsyncClient) -> None:
    """The default configuration: no other site, the gateway's own chat page still works."""
    own = await client.post("/api/web/messages", json=HELLO, headers={"Origin": GATEWAY})
    assert own.status_code == 200
    assert_refused(await client.post("/api/web/messages", json=HELLO, headers={"Origin": CLINIC}))


@pytest.mark.parametrize("path", ["/widget.js", "/healthz", "/", "/static/chat-core.js"])
async def test_only_the_patient_api_is_guarded(clinic_client: httpx.AsyncClient, path: str) -> None:
    response = await clinic_client.get(path, headers={"Origin": EVIL})
    assert response.status_code == 200
