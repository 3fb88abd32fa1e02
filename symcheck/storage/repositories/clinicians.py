"""Clinician accounts with argon2id password hashes (argon2-cffi)."""

from __future__ import annotations

import contextlib
import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from symcheck.storage.models import Clinician, utcnow
from symcheck.storage.repositories.errors import DuplicateError, NotFoundError
from symcheck.storage.repositories.records import ClinicianRecord


def normalise_email(email: str) -> str:
    return email.strip().lower()


class ClinicianRepository:
    """Create clinicians and check their passwords.

    ``hasher`` is argon2-cffi's :class:`PasswordHasher` (argon2id with its default, RFC 9106
    low-memory parameters); tests inject cheaper parameters.
    """

    def __init__(self, session: Session, hasher: PasswordHasher) -> None:
        self._session = session
        self._hasher = hasher

    def create(self, email: str, display_name: str, password: str) -> ClinicianRecord:
        email = normalise_email(email)
        if self._by_email(email) is not None:
            raise DuplicateError("a clinician with this email exists")
        row = Clinician(
            id=uuid.uuid4(),
            email=email,
            display_name=display_name.strip(),
            password_hash=self._hasher.hash(password),
            is_active=True,
            created_at=utcnow(),
        )
        self._session.add(row)
        try:
            self._session.flush()
        except IntegrityError as exc:  # a concurrent create won the race
            raise DuplicateError("a clinician with this email exists") from exc
        return _record(row)

    def get(self, clinician_id: uuid.UUID) -> ClinicianRecord | None:
        row = self._session.get(Clinician, clinician_id)
        return _record(row) if row is not None else None

    def get_by_email(self, email: str) -> ClinicianRecord | None:
        row = self._by_email(normalise_email(email))
        return _record(row) if row is not None else None

    def authenticate(self, email: str, password: str) -> ClinicianRecord | None:
        """The active clinician with these credentials, or ``None``.

        Spends the same hashing work whether or not the email exists, upgrades the stored
        hash when the hasher's parameters changed, and records the login time.
        """
        row = self._by_email(normalise_email(email))
        if row is None or not row.is_active:
            self._waste_time(password)
            return None
        try:
            self._hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if self._hasher.check_needs_rehash(row.password_hash):
            row.password_hash = self._hasher.hash(password)
        row.last_login_at = utcnow()
        self._session.flush()
        return _record(row)

    def set_password(self, clinician_id: uuid.UUID, password: str) -> None:
        row = self._session.get(Clinician, clinician_id)
        if row is None:
            raise NotFoundError(f"clinician {clinician_id} not found")
        row.password_hash = self._hasher.hash(password)
        self._session.flush()

    def set_active(self, clinician_id: uuid.UUID, active: bool) -> None:
        row = self._session.get(Clinician, clinician_id)
        if row is None:
            raise NotFoundError(f"clinician {clinician_id} not found")
        row.is_active = active
        self._session.flush()

    def password_hash(self, clinician_id: uuid.UUID) -> str:
        """The stored hash (for tests and audits of the hashing scheme)."""
        row = self._session.get(Clinician, clinician_id)
        if row is None:
            raise NotFoundError(f"clinician {clinician_id} not found")
        return row.password_hash

    def _by_email(self, email: str) -> Clinician | None:
        return self._session.scalars(
            select(Clinician).where(Clinician.email == email)
        ).one_or_none()

    def _waste_time(self, password: str) -> None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            self._hasher.verify(self._dummy_hash(), password)

    def _dummy_hash(self) -> str:
        h = self._hasher
        key = (h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len, h.type)
        if key not in _DUMMY_HASHES:
            _DUMMY_HASHES[key] = h.hash(secrets.token_urlsafe(16))
        return _DUMMY_HASHES[key]


# One throw-away hash per parameter set, so unknown emails cost as much as known ones.
_DUMMY_HASHES: dict[tuple[object, ...], str] = {}


def _record(row: Clinician) -> ClinicianRecord:
    return ClinicianRecord(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        is_active=row.is_active,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )
