"""Shared fixtures. ``live_stack`` starts the real stack (action server, Rasa, gateway) once
per test session, exactly as ``make run`` does, on free ports with a temporary database."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from symcheck.settings import REPO_ROOT
from symcheck.stack import RASA_MODEL, Ports, Stack, base_environment, new_secrets
from tests.auxil.static_site import StaticSite
from tests.fakes.telegram import BOT_TOKEN, WEBHOOK_SECRET, FakeTelegramServer
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, CLINIC_NUMBER, FakeTwilioServer

# tests/rasa_addons holds the tests of the Rasa plugins: they run in the Python 3.10 Rasa
# environment (scripts/test.sh), not here.
collect_ignore = ["rasa_addons"]

DEMO_EMAIL = "demo@clinic.local"
# Not the default, so tests prove the configured number reaches the patient.
EMERGENCY_NUMBER = "999"
CLINIC_NAME = "Riverside Clinic"
CLINIC_SITE = Path(__file__).resolve().parent / "browser" / "clinic_site"


@dataclass(frozen=True)
class LiveStack:
    """A running stack and what tests need to talk to it."""

    stack: Stack
    env: dict[str, str]
    database_url: str
    demo_email: str
    demo_password: str
    #: The fake Twilio API the stack's SMS channel talks to.
    twilio: FakeTwilioServer | None = None
    #: The fake Telegram Bot API the stack's Telegram channel (webhook mode) talks to.
    telegram: FakeTelegramServer | None = None

    @property
    def url(self) -> str:
        return self.stack.gateway_url

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.stack.ports.rasa}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.stack.ports.actions}"


@pytest.fixture(scope="session")
def clinic_site() -> Iterator[StaticSite]:
    """The sample clinic website of the widget tests, on its own port (another origin than the
    gateway's); ``live_stack`` lists it in ``SYMCHECK_ALLOWED_ORIGINS``."""
    with StaticSite(CLINIC_SITE) as site:
        yield site


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[FakeTwilioServer]:
    """Twilio's REST API, faked on a localhost port; ``live_stack`` sends its SMS there."""
    with FakeTwilioServer() as server:
        yield server


@pytest.fixture(scope="session")
def telegram_server() -> Iterator[FakeTelegramServer]:
    """Telegram's Bot API, faked on a localhost port; ``live_stack`` sends its Telegram
    messages there (webhook mode: tests deliver updates to the gateway themselves)."""
    with FakeTelegramServer() as server:
        yield server


@pytest.fixture(scope="session")
def live_stack(
    tmp_path_factory: pytest.TempPathFactory,
    clinic_site: StaticSite,
    twilio_server: FakeTwilioServer,
    telegram_server: FakeTelegramServer,
) -> Iterator[LiveStack]:
    """The real stack, started once per session (slow: Rasa loads its model)."""
    if not (REPO_ROOT / RASA_MODEL).exists():
        pytest.fail(f"no trained Rasa model at {RASA_MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("stack")
    database_url = f"sqlite:///{tmp / 'symcheck.db'}"
    secrets = new_secrets()
    env = base_environment(
        REPO_ROOT,
        {
            **secrets,
            "DATABASE_URL": database_url,
            "SYMCHECK_ENV": "test",
            "SYMCHECK_EMERGENCY_NUMBER": EMERGENCY_NUMBER,
            "SYMCHECK_CLINIC_NAME": CLINIC_NAME,
            "SYMCHECK_ALLOWED_ORIGINS": clinic_site.origin,
            "SYMCHECK_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "SYMCHECK_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "SYMCHECK_TWILIO_FROM": CLINIC_NUMBER,
            "SYMCHECK_TWILIO_API_URL": twilio_server.url,
            "SYMCHECK_TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "SYMCHECK_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SYMCHECK_TELEGRAM_API_URL": telegram_server.url,
        },
    )
    symcheck = str(REPO_ROOT / ".venv" / "bin" / "symcheck")
    for argv in ([symcheck, "db", "upgrade"], [symcheck, "clinician", "ensure-demo"]):
        subprocess.run(argv, env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    stack = Stack(REPO_ROOT, env, Ports.free(), Path(tmp / "logs"))
    stack.start()
    try:
        yield LiveStack(
            stack=stack,
            env=env,
            database_url=database_url,
            demo_email=DEMO_EMAIL,
            demo_password=secrets["SYMCHECK_DEMO_PASSWORD"],
            twilio=twilio_server,
            telegram=telegram_server,
        )
    finally:
        stack.stop()
