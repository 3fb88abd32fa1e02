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

# tests/rasa_addons holds the tests of the Rasa plugins: they run in the Python 3.10 Rasa
# environment (scripts/test.sh), not here.
collect_ignore = ["rasa_addons"]

DEMO_EMAIL = "demo@clinic.local"
# Not the default, so tests prove the configured number reaches the patient.
EMERGENCY_NUMBER = "999"
CLINIC_NAME = "Riverside Clinic"


@dataclass(frozen=True)
class LiveStack:
    """A running stack and what tests need to talk to it."""

    stack: Stack
    env: dict[str, str]
    database_url: str
    demo_email: str
    demo_password: str

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
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
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
        )
    finally:
        stack.stop()
