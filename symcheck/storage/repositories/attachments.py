"""Attachments (MMS photos): encrypted bytes linked to the patient's message."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from symcheck.crypto import Cipher
from symcheck.storage.models import Attachment, AttachmentStatus, utcnow
from symcheck.storage.repositories.records import AttachmentInfo


class AttachmentRepository:
    def __init__(self, session: Session, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def add(
        self,
        *,
        conversation_id: uuid.UUID,
        message_id: uuid.UUID,
        position: int,
        status: AttachmentStatus,
        content_type: str | None = None,
        data: bytes | None = None,
    ) -> AttachmentInfo:
        """Store one attachment; ``data`` (only for ``stored``) is encrypted first."""
        row = Attachment(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            message_id=message_id,
            position=position,
            status=status.value,
            content_type=content_type[:64] if content_type else None,
            size_bytes=len(data) if data is not None else None,
            data_enc=self._cipher.encrypt_bytes(data) if data is not None else None,
            created_at=utcnow(),
        )
        self._session.add(row)
        self._session.flush()
        return _info(row)

    def positions(self, message_id: uuid.UUID) -> set[int]:
        """Positions already stored for a message (a retried fetch skips them)."""
        stmt = select(Attachment.position).where(Attachment.message_id == message_id)
        return set(self._session.scalars(stmt))

    def get(self, attachment_id: uuid.UUID) -> tuple[AttachmentInfo, bytes | None] | None:
        """The attachment and its decrypted bytes (``None`` when it was not stored)."""
        row = self._session.get(Attachment, attachment_id)
        if row is None:
            return None
        data = self._cipher.decrypt_bytes(row.data_enc) if row.data_enc is not None else None
        return _info(row), data


def _info(row: Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        id=row.id,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        position=row.position,
        status=row.status,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
    )
