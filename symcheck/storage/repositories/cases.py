"""Clinician cases: the queue, with at most one open case per conversation.

Urgency is :attr:`Disposition.urgency` (0-4) and is only ever raised, never lowered: a later,
milder assessment must not push an emergency down the queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from symcheck.clinical.dispositions import Disposition
from symcheck.crypto import Cipher
from symcheck.storage.models import OPEN_CASE_STATUSES, Case, CaseStatus, utcnow
from symcheck.storage.repositories.errors import ConflictError, NotFoundError
from symcheck.storage.repositories.records import CaseRecord


class CaseRepository:
    def __init__(self, session: Session, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def open_or_escalate(
        self,
        conversation_id: uuid.UUID,
        *,
        disposition: Disposition,
        reason: str,
        summary: Mapping[str, Any] | None = None,
    ) -> tuple[CaseRecord, bool]:
        """Open a case for the conversation, or raise the open one to ``disposition``.

        Returns the case and whether it was created. An existing case keeps its reason and
        its place in the queue (``waiting_since``); its urgency only goes up.
        """
        row = self._open_row(conversation_id)
        if row is None:
            now = utcnow()
            row = Case(
                id=uuid.uuid4(),
                conversation_id=conversation_id,
                status=CaseStatus.WAITING.value,
                urgency=disposition.urgency,
                disposition=disposition.value,
                reason=reason,
                summary_enc=self._cipher.encrypt_json(dict(summary)) if summary else None,
                created_at=now,
                waiting_since=now,
                updated_at=now,
            )
            self._session.add(row)
            self._session.flush()
            return self._record(row), True
        self._raise(row, disposition)
        if summary:
            row.summary_enc = self._cipher.encrypt_json(dict(summary))
        self._session.flush()
        return self._record(row), False

    def raise_urgency(
        self, conversation_id: uuid.UUID, disposition: Disposition
    ) -> CaseRecord | None:
        """Raise the open case of the conversation to ``disposition`` (never lower it)."""
        row = self._open_row(conversation_id)
        if row is None:
            return None
        self._raise(row, disposition)
        self._session.flush()
        return self._record(row)

    def update_summary(self, case_id: uuid.UUID, summary: Mapping[str, Any]) -> None:
        row = self._row(case_id)
        row.summary_enc = self._cipher.encrypt_json(dict(summary))
        row.updated_at = utcnow()
        self._session.flush()

    def get(self, case_id: uuid.UUID) -> CaseRecord | None:
        row = self._session.get(Case, case_id, populate_existing=True)
        return self._record(row) if row is not None else None

    def open_for_conversation(self, conversation_id: uuid.UUID) -> CaseRecord | None:
        row = self._open_row(conversation_id)
        return self._record(row) if row is not None else None

    def latest_for_conversation(self, conversation_id: uuid.UUID) -> CaseRecord | None:
        """The conversation's open case, or else its most recent one."""
        stmt = (
            select(Case)
            .where(Case.conversation_id == conversation_id)
            .order_by((Case.status != CaseStatus.RESOLVED.value).desc(), Case.created_at.desc())
            .limit(1)
        )
        row = self._session.scalars(stmt).one_or_none()
        return self._record(row) if row is not None else None

    def queue(self, limit: int = 200) -> list[CaseRecord]:
        """Open cases, most urgent first, then longest waiting first."""
        stmt = (
            select(Case)
            .where(Case.status.in_(OPEN_CASE_STATUSES))
            .order_by(Case.urgency.desc(), Case.waiting_since.asc(), Case.id)
            .limit(limit)
        )
        return [self._record(row) for row in self._session.scalars(stmt)]

    def claim(self, case_id: uuid.UUID, clinician_id: uuid.UUID) -> CaseRecord:
        """Take a waiting case (idempotent for the clinician who holds it)."""
        row = self._row(case_id, for_update=True)
        if row.status == CaseStatus.RESOLVED.value:
            raise ConflictError("the case is resolved")
        if row.status == CaseStatus.ACTIVE.value:
            if row.claimed_by == clinician_id:
                return self._record(row)
            raise ConflictError("another clinician holds the case")
        now = utcnow()
        row.status = CaseStatus.ACTIVE.value
        row.claimed_by = clinician_id
        row.claimed_at = now
        row.updated_at = now
        self._session.flush()
        return self._record(row)

    def resolve(self, case_id: uuid.UUID, clinician_id: uuid.UUID) -> CaseRecord:
        row = self._row(case_id, for_update=True)
        if row.status == CaseStatus.RESOLVED.value:
            raise ConflictError("the case is already resolved")
        now = utcnow()
        row.status = CaseStatus.RESOLVED.value
        row.resolved_by = clinician_id
        row.resolved_at = now
        row.updated_at = now
        self._session.flush()
        return self._record(row)

    def mark_waiting_notice(self, case_id: uuid.UUID, at: datetime | None = None) -> None:
        row = self._row(case_id)
        row.waiting_notice_at = at or utcnow()
        self._session.flush()

    @staticmethod
    def _raise(row: Case, disposition: Disposition) -> None:
        if disposition.urgency > row.urgency:
            row.urgency = disposition.urgency
            row.disposition = disposition.value
            row.updated_at = utcnow()

    def _open_row(self, conversation_id: uuid.UUID) -> Case | None:
        stmt = (
            select(Case)
            .where(Case.conversation_id == conversation_id, Case.status.in_(OPEN_CASE_STATUSES))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self._session.scalars(stmt).one_or_none()

    def _row(self, case_id: uuid.UUID, *, for_update: bool = False) -> Case:
        stmt = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
        if for_update:
            stmt = stmt.with_for_update()
        row = self._session.scalars(stmt).one_or_none()
        if row is None:
            raise NotFoundError(f"case {case_id} not found")
        return row

    def _record(self, row: Case) -> CaseRecord:
        return CaseRecord(
            id=row.id,
            conversation_id=row.conversation_id,
            status=row.status,
            urgency=row.urgency,
            disposition=row.disposition,
            reason=row.reason,
            summary=self._cipher.decrypt_json(row.summary_enc) if row.summary_enc else None,
            created_at=row.created_at,
            waiting_since=row.waiting_since,
            claimed_by=row.claimed_by,
            claimed_at=row.claimed_at,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
            waiting_notice_at=row.waiting_notice_at,
        )
