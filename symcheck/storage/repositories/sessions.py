"""Dashboard sessions: a random token in the cookie, only its SHA-256 in the database."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from symcheck.storage.models import ClinicianSession, utcnow
from symcheck.storage.repositories.records import SessionRecord


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def create(
        self, clinician_id: uuid.UUID, ttl: timedelta, now: datetime | None = None
    ) -> tuple[str, SessionRecord]:
        """A new session; returns the cookie token (never stored) and the record."""
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        row = ClinicianSession(
            token_hash=hash_token(token),
            clinician_id=clinician_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + ttl,
        )
        self._session.add(row)
        self._session.flush()
        return token, _record(row)

    def get_valid(self, token: str, now: datetime | None = None) -> SessionRecord | None:
        """The unexpired session for a cookie token, or ``None``."""
        if not token:
            return None
        row = self._session.get(ClinicianSession, hash_token(token))
        if row is None or row.expires_at <= (now or utcnow()):
            return None
        return _record(row)

    def delete(self, token: str) -> None:
        self._session.execute(
            delete(ClinicianSession).where(ClinicianSession.token_hash == hash_token(token))
        )

    def delete_for_clinician(self, clinician_id: uuid.UUID) -> None:
        self._session.execute(
            delete(ClinicianSession).where(ClinicianSession.clinician_id == clinician_id)
        )

    def delete_expired(self, now: datetime | None = None) -> int:
        result = self._session.execute(
            delete(ClinicianSession).where(ClinicianSession.expires_at <= (now or utcnow()))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def count_for(self, clinician_id: uuid.UUID) -> int:
        stmt = select(ClinicianSession.token_hash).where(
            ClinicianSession.clinician_id == clinician_id
        )
        return len(self._session.scalars(stmt).all())


def _record(row: ClinicianSession) -> SessionRecord:
    return SessionRecord(
        token_hash=row.token_hash,
        clinician_id=row.clinician_id,
        csrf_token=row.csrf_token,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )
