"""The audit log: who did what to which case or transcript. Append-only, never message text."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from symcheck.storage.models import AuditEvent, utcnow
from symcheck.storage.repositories.records import AuditRecord


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    VIEW_CASE = "view_case"
    VIEW_TRANSCRIPT = "view_transcript"
    VIEW_ATTACHMENT = "view_attachment"
    CLAIM = "claim"
    REPLY = "reply"
    RESOLVE = "resolve"


class AuditRepository:
    """Appends events; there is deliberately no update or delete."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        action: AuditAction,
        *,
        clinician_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
        conversation_id: uuid.UUID | None = None,
        client_ip: str | None = None,
    ) -> AuditRecord:
        row = AuditEvent(
            id=uuid.uuid4(),
            at=utcnow(),
            clinician_id=clinician_id,
            action=action.value,
            case_id=case_id,
            conversation_id=conversation_id,
            client_ip=client_ip[:64] if client_ip else None,
        )
        self._session.add(row)
        self._session.flush()
        return _record(row)

    def list(
        self,
        *,
        action: AuditAction | None = None,
        case_id: uuid.UUID | None = None,
        clinician_id: uuid.UUID | None = None,
        limit: int = 1000,
    ) -> list[AuditRecord]:
        """Events, oldest first, optionally filtered."""
        stmt = select(AuditEvent)
        if action is not None:
            stmt = stmt.where(AuditEvent.action == action.value)
        if case_id is not None:
            stmt = stmt.where(AuditEvent.case_id == case_id)
        if clinician_id is not None:
            stmt = stmt.where(AuditEvent.clinician_id == clinician_id)
        stmt = stmt.order_by(AuditEvent.at, AuditEvent.id).limit(limit)
        return [_record(row) for row in self._session.scalars(stmt)]


def _record(row: AuditEvent) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=row.at,
        action=row.action,
        clinician_id=row.clinician_id,
        case_id=row.case_id,
        conversation_id=row.conversation_id,
        client_ip=row.client_ip,
    )
