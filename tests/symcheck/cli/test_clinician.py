from __future__ import annotations

import io
from pathlib import Path

import pytest

from symcheck.cli import main
from symcheck.settings import get_settings
from symcheck.storage.db import build_engine, session_factory
from symcheck.storage.migrate import upgrade
from symcheck.storage.repositories import ClinicianRepository
from tests.symcheck.storage.conftest import FAST_HASHER

PASSWORD = "a long enough password"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SYMCHECK_ENV", "development")
    get_settings.cache_clear()
    yield url  # type: ignore[misc]
    get_settings.cache_clear()


def _authenticates(url: str, email: str, password: str) -> bool:
    engine = build_engine(url)
    try:
        with session_factory(engine)() as session:
            return (
                ClinicianRepository(session, FAST_HASHER).authenticate(email, password) is not None
            )
    finally:
        engine.dispose()


def test_create_reads_the_password_from_stdin(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            [
                "clinician",
                "create",
                "--email",
                "Ann@Clinic.test",
                "--name",
                "Dr Ann",
                "--password-stdin",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "created clinician ann@clinic.test" in out
    assert PASSWORD not in out
    assert _authenticates(database, "ann@clinic.test", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            ["clinician", "create", "--email", "ann@clinic.test", "--name", "X", "--password-stdin"]
        )
        == 1
    )
    assert "exists" in capsys.readouterr().err


def test_create_prompts_twice(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["clinician", "create", "--email", "b@clinic.test", "--name", "Dr B"]) == 0
    mismatch = iter([PASSWORD, "different password!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(mismatch))
    assert main(["clinician", "create", "--email", "c@clinic.test", "--name", "Dr C"]) == 1


def test_short_passwords_are_refused(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert (
        main(["clinician", "create", "--email", "d@clinic.test", "--name", "D", "--password-stdin"])
        == 1
    )


def test_no_password_option_on_the_command_line(database: str) -> None:
    with pytest.raises(SystemExit):
        main(
            [
                "clinician",
                "create",
                "--email",
                "e@clinic.test",
                "--name",
                "E",
                "--password",
                PASSWORD,
            ]
        )


def test_ensure_demo_is_idempotent_and_quiet(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SYMCHECK_DEMO_PASSWORD", "demo-password-0123")
    assert main(["clinician", "ensure-demo"]) == 0
    assert main(["clinician", "ensure-demo"]) == 0
    out = capsys.readouterr().out
    assert "demo clinician created: demo@clinic.local" in out
    assert "demo clinician ready: demo@clinic.local" in out
    assert "demo-password-0123" not in out
    assert _authenticates(database, "demo@clinic.local", "demo-password-0123")
    monkeypatch.setenv("SYMCHECK_DEMO_PASSWORD", "another-demo-password")
    assert main(["clinician", "ensure-demo", "--show-password"]) == 0
    out = capsys.readouterr().out
    assert "updated" in out
    assert "another-demo-password" in out
    assert _authenticates(database, "demo@clinic.local", "another-demo-password")


def test_ensure_demo_needs_the_password_and_refuses_production(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYMCHECK_DEMO_PASSWORD", raising=False)
    assert main(["clinician", "ensure-demo"]) == 1
    monkeypatch.setenv("SYMCHECK_DEMO_PASSWORD", "demo-password-0123")
    monkeypatch.setenv("SYMCHECK_ENV", "production")
    for name in ("SYMCHECK_ENCRYPTION_KEYS", "SYMCHECK_RASA_TOKEN", "SYMCHECK_ACTION_TOKEN"):
        monkeypatch.setenv(name, "x" * 32)
    get_settings.cache_clear()
    assert main(["clinician", "ensure-demo"]) == 1


def test_set_password_and_deactivate(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    main(["clinician", "create", "--email", "f@clinic.test", "--name", "F", "--password-stdin"])
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new password\n"))
    assert main(["clinician", "set-password", "--email", "f@clinic.test", "--password-stdin"]) == 0
    assert _authenticates(database, "f@clinic.test", "a brand new password")
    assert main(["clinician", "deactivate", "--email", "f@clinic.test"]) == 0
    assert not _authenticates(database, "f@clinic.test", "a brand new password")
    assert main(["clinician", "deactivate", "--email", "nobody@clinic.test"]) == 1
