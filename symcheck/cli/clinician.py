"""``symcheck clinician``: manage clinician accounts for the dashboard.

- ``create --email E --name N``: the password is read from ``--password-stdin`` or asked
  for twice at a prompt; it is never accepted on the command line (shell history, ``ps``).
- ``set-password --email E``: same rules.
- ``deactivate --email E``: the account can no longer sign in.
- ``ensure-demo``: development only; creates or updates ``demo@clinic.local`` with the
  password in ``SYMCHECK_DEMO_PASSWORD``. Idempotent. Prints the password only with
  ``--show-password``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher

from symcheck.settings import Environment, get_settings
from symcheck.storage.db import build_engine, session_factory, transaction
from symcheck.storage.repositories import ClinicianRepository, DuplicateError, SessionRepository

DEMO_EMAIL = "demo@clinic.local"
DEMO_NAME = "Demo Clinician"
DEMO_PASSWORD_ENV = "SYMCHECK_DEMO_PASSWORD"  # noqa: S105 - a variable name, not a secret
MIN_PASSWORD_CHARS = 12


class CommandError(Exception):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="create a clinician account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="name shown to colleagues")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    password = sub.add_parser("set-password", help="set a clinician's password")
    password.add_argument("--email", required=True)
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    deactivate = sub.add_parser("deactivate", help="stop a clinician from signing in")
    deactivate.add_argument("--email", required=True)
    demo = sub.add_parser("ensure-demo", help=f"create {DEMO_EMAIL} (development only)")
    demo.add_argument("--show-password", action="store_true", help="print the demo password")


def run(args: argparse.Namespace) -> int:
    try:
        return _ACTIONS[args.action](args)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _create(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    try:
        with _repos() as (clinicians, _):
            clinician = clinicians.create(args.email, args.name, password)
    except DuplicateError:
        raise CommandError(f"a clinician with email {args.email.strip().lower()} exists") from None
    print(f"created clinician {clinician.email} ({clinician.id})")
    return 0


def _set_password(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    with _repos() as (clinicians, sessions):
        clinician = clinicians.get_by_email(args.email)
        if clinician is None:
            raise CommandError("no clinician with this email")
        clinicians.set_password(clinician.id, password)
        sessions.delete_for_clinician(clinician.id)  # sign out everywhere
    print(f"password changed for {clinician.email}")
    return 0


def _deactivate(args: argparse.Namespace) -> int:
    with _repos() as (clinicians, sessions):
        clinician = clinicians.get_by_email(args.email)
        if clinician is None:
            raise CommandError("no clinician with this email")
        clinicians.set_active(clinician.id, False)
        sessions.delete_for_clinician(clinician.id)
    print(f"deactivated {clinician.email}")
    return 0


def _ensure_demo(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.env is Environment.PRODUCTION:
        raise CommandError("the demo clinician is for development only")
    password = os.environ.get(DEMO_PASSWORD_ENV, "")
    if len(password) < MIN_PASSWORD_CHARS:
        raise CommandError(f"set {DEMO_PASSWORD_ENV} (at least {MIN_PASSWORD_CHARS} characters)")
    with _repos() as (clinicians, _):
        existing = clinicians.get_by_email(DEMO_EMAIL)
        if existing is None:
            clinicians.create(DEMO_EMAIL, DEMO_NAME, password)
            state = "created"
        else:
            if not existing.is_active:
                clinicians.set_active(existing.id, True)
            if clinicians.authenticate(DEMO_EMAIL, password) is None:
                clinicians.set_password(existing.id, password)
                state = "updated"
            else:
                state = "ready"
    print(f"demo clinician {state}: {DEMO_EMAIL}")
    if args.show_password:
        print(f"password: {password}")
    return 0


_ACTIONS = {
    "create": _create,
    "set-password": _set_password,
    "deactivate": _deactivate,
    "ensure-demo": _ensure_demo,
}


@contextmanager
def _repos() -> Iterator[tuple[ClinicianRepository, SessionRepository]]:
    """Clinician and session repositories in one committed transaction."""
    engine = build_engine(get_settings().database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield ClinicianRepository(session, PasswordHasher()), SessionRepository(session)
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat the password: ") != password:
            raise CommandError("the passwords do not match")
    if len(password) < MIN_PASSWORD_CHARS:
        raise CommandError(f"the password must be at least {MIN_PASSWORD_CHARS} characters")
    return password
