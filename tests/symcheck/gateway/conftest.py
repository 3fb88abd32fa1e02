from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from symcheck.clinical_runtime import SafetyRuntime, load_safety_runtime
from symcheck.crypto import Cipher
from symcheck.gateway.app import create_app
from symcheck.gateway.container import Gateway
from symcheck.gateway.options import GatewayOptions
from symcheck.settings import Settings
from symcheck.storage.db import session_factory
from symcheck.storage.repositories import Store
from tests.fakes.twilio import CLINIC_NUMBER, FakeTwilio, WebhookSigner
from tests.symcheck.gateway.fakes import TOKEN, FakeRasa
from tests.symcheck.storage.conftest import FAST_HASHER
from tests.symcheck.storage.databases import empty_tables, engine_for, migrated_database

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb_small"
RULES_DIR = KB_DIR / "rules"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def safety_runtime() -> SafetyRuntime:
    return load_safety_runtime(KB_DIR, RULES_DIR)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite for gateway tests; ``test_pipeline_backends.py`` also runs on PostgreSQL."""
    with migrated_database("sqlite", tmp_path_factory.mktemp("gateway-db")) as url:
        yield url


@pytest.fixture(scope="session")
def encryption_key() -> str:
    return Cipher.generate_key()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    empty_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str, encryption_key: str, engine: Engine) -> Settings:
    return Settings(
        env="test",
        DATABASE_URL=database_url,
        encryption_keys=encryption_key,
        rasa_url="http://rasa.test",
        rasa_token=TOKEN,
        emergency_number="112",
        clinic_name="Test Clinic",
        max_message_chars=200,
        kb_dir=KB_DIR,
        rules_dir=RULES_DIR,
        cookie_secure=False,
    )


@pytest.fixture
def store(engine: Engine, encryption_key: str) -> Store:
    """Direct access to the gateway's database (to arrange and inspect)."""
    return Store(session_factory(engine), Cipher(encryption_key), FAST_HASHER)


@pytest.fixture
def fake_rasa(safety_runtime: SafetyRuntime) -> FakeRasa:
    return FakeRasa(extractor=safety_runtime.extractor)


@pytest.fixture
def options() -> GatewayOptions:
    return GatewayOptions(long_poll_max_seconds=3.0, long_poll_recheck_seconds=0.1)


@pytest.fixture
async def app(
    settings: Settings, fake_rasa: FakeRasa, safety_runtime: SafetyRuntime, options: GatewayOptions
) -> AsyncIterator[FastAPI]:
    app = create_app(
        settings,
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety_runtime,
        password_hasher=FAST_HASHER,
        options=options,
    )
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def gateway(app: FastAPI) -> Gateway:
    return app.state.gateway  # type: ignore[no-any-return]


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@dataclass
class Clinician:
    id: object
    email: str
    password: str


@pytest.fixture
def clinician(store: Store) -> Clinician:
    with store.unit_of_work() as uow:
        doc = uow.clinicians.create("doc@clinic.test", "Dr Doc", PASSWORD)
    return Clinician(doc.id, "doc@clinic.test", PASSWORD)


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    """Sign in through the real form (double-submit login CSRF token)."""
    page = await client.get("/dashboard/login")
    token = _hidden_csrf(page.text)
    return await client.post(
        "/dashboard/login", data={"email": email, "password": password, "csrf_token": token}
    )


def _hidden_csrf(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
async def signed_in(client: httpx.AsyncClient, clinician: Clinician) -> str:
    """Sign the client in; returns the session's CSRF token (from the dashboard page)."""
    response = await login(client, clinician.email, clinician.password)
    assert response.status_code == 303, response.text
    page = await client.get("/dashboard")
    marker = '<meta name="csrf-token" content="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


# -- SMS (Twilio) ----------------------------------------------------------------------------

PUBLIC_URL = "https://clinic.example.test"


@pytest.fixture
def fake_twilio() -> FakeTwilio:
    """Twilio's REST API, answered in-process through an ASGI transport."""
    return FakeTwilio(base_url="https://api.twilio.test")


@pytest.fixture
def sms_settings(settings: Settings, fake_twilio: FakeTwilio) -> Settings:
    return Settings(
        **{
            **settings.model_dump(),
            "DATABASE_URL": settings.database_url,
            "public_url": PUBLIC_URL,
            "twilio_account_sid": fake_twilio.account_sid,
            "twilio_auth_token": fake_twilio.auth_token,
            "twilio_from": CLINIC_NUMBER,
            "twilio_api_url": fake_twilio.base_url,
            "sms_max_media_bytes": 64 * 1024,
        }
    )


@pytest.fixture
def sms_options() -> GatewayOptions:
    """Fast polls and retries, so the workers' behaviour shows within a test."""
    return GatewayOptions(
        long_poll_max_seconds=3.0,
        long_poll_recheck_seconds=0.1,
        inbound_poll_seconds=0.05,
        inbound_lease_seconds=1.5,
        outbox_poll_seconds=0.05,
        outbox_backoff_base_seconds=0.05,
        outbox_backoff_cap_seconds=0.2,
        outbox_max_attempts=4,
    )


@pytest.fixture
async def sms_app(
    sms_settings: Settings,
    fake_rasa: FakeRasa,
    safety_runtime: SafetyRuntime,
    sms_options: GatewayOptions,
    fake_twilio: FakeTwilio,
) -> AsyncIterator[FastAPI]:
    app = create_app(
        sms_settings,
        rasa_transport=httpx.MockTransport(fake_rasa.handler),
        safety=safety_runtime,
        password_hasher=FAST_HASHER,
        options=sms_options,
        twilio_transport=httpx.ASGITransport(app=fake_twilio.app),
    )
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def signer() -> WebhookSigner:
    return WebhookSigner(PUBLIC_URL)
