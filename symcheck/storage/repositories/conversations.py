"""Conversations: status (bot / handoff) and the encrypted clinical state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from symcheck.crypto import Cipher
from symcheck.storage.models import Channel, Conversation, ConversationStatus, utcnow
from symcheck.storage.repositories.errors import NotFoundError
from symcheck.storage.repositories.records import ConversationRecord


class ConversationRepository:
    """Create, read and update conversations within one unit of work."""

    def __init__(self, session: Session, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def create(
        self,
        channel: Channel | str = Channel.WEB,
        *,
        channel_user_hash: str | None = None,
        channel_user: str | None = None,
    ) -> ConversationRecord:
        now = utcnow()
        row = Conversation(
            id=uuid.uuid4(),
            channel=str(channel),
            channel_user_hash=channel_user_hash,
            channel_user_enc=self._cipher.encrypt(channel_user) if channel_user else None,
            status=ConversationStatus.BOT.value,
            next_seq=1,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return self._record(row)

    def get(self, conversation_id: uuid.UUID) -> ConversationRecord | None:
        row = self._session.get(Conversation, conversation_id, populate_existing=True)
        return self._record(row) if row is not None else None

    def lock(self, conversation_id: uuid.UUID) -> ConversationRecord | None:
        """Read the conversation and lock its row until the unit of work ends.

        ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway.
        """
        stmt = (
            select(Conversation)
            .where(Conversation.id == conversation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = self._session.scalars(stmt).one_or_none()
        return self._record(row) if row is not None else None

    def find_by_channel_user(
        self, channel: str, channel_user_hash: str | Sequence[str]
    ) -> ConversationRecord | None:
        """The latest conversation of a channel user, by any of the given hashes (the hash
        under the current key and under older keys, so key rotation keeps conversations)."""
        hashes = [channel_user_hash] if isinstance(channel_user_hash, str) else channel_user_hash
        stmt = (
            select(Conversation)
            .where(
                Conversation.channel == channel,
                Conversation.channel_user_hash.in_(list(hashes)),
            )
            .order_by(Conversation.created_at.desc())
            .limit(1)
        )
        row = self._session.scalars(stmt).one_or_none()
        return self._record(row) if row is not None else None

    def set_channel_user_hash(self, conversation_id: uuid.UUID, channel_user_hash: str) -> None:
        row = self._row(conversation_id)
        row.channel_user_hash = channel_user_hash
        self._session.flush()

    def set_opted_out(self, conversation_id: uuid.UUID, opted_out: bool) -> None:
        """STOP (``True``) or START (``False``); the first STOP's time is kept."""
        row = self._row(conversation_id)
        if opted_out and row.opted_out_at is None:
            row.opted_out_at = utcnow()
        elif not opted_out:
            row.opted_out_at = None
        row.updated_at = utcnow()
        self._session.flush()

    def set_erase_requested(self, conversation_id: uuid.UUID, at: datetime | None) -> None:
        row = self._row(conversation_id)
        row.erase_requested_at = at
        self._session.flush()

    def channel_user(self, conversation_id: uuid.UUID) -> str | None:
        """The decrypted channel user id (phone number, chat id); ``None`` for web chats."""
        row = self._row(conversation_id)
        return self._cipher.decrypt(row.channel_user_enc) if row.channel_user_enc else None

    def set_status(self, conversation_id: uuid.UUID, status: ConversationStatus) -> None:
        row = self._row(conversation_id)
        row.status = status.value
        row.updated_at = utcnow()
        self._session.flush()

    def set_clinical_state(self, conversation_id: uuid.UUID, state: dict[str, Any] | None) -> None:
        """Store the clinical state (latest bridge update) encrypted; ``None`` clears it."""
        row = self._row(conversation_id)
        row.clinical_state_enc = self._cipher.encrypt_json(state) if state is not None else None
        row.updated_at = utcnow()
        self._session.flush()

    def _row(self, conversation_id: uuid.UUID) -> Conversation:
        row = self._session.get(Conversation, conversation_id, populate_existing=True)
        if row is None:
            raise NotFoundError(f"conversation {conversation_id} not found")
        return row

    def _record(self, row: Conversation) -> ConversationRecord:
        state = (
            self._cipher.decrypt_json(row.clinical_state_enc) if row.clinical_state_enc else None
        )
        return ConversationRecord(
            id=row.id,
            channel=row.channel,
            status=row.status,
            clinical_state=state,
            last_seq=row.next_seq - 1,
            created_at=row.created_at,
            updated_at=row.updated_at,
            opted_out_at=row.opted_out_at,
            erase_requested_at=row.erase_requested_at,
        )
