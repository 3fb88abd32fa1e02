"""The durable outbox: every message for a push channel (SMS, Telegram), part by part.

State machine of an item (one provider message)::

    pending --claim--> sending --accepted--> delivered
       ^                  |--retryable error--> pending (next_attempt_at = now + backoff)
       |                  |--permanent error / attempts used up--> failed
       |                  '--lease ran out (worker crashed)--> claimable again
    pending/sending --patient opted out--> cancelled

Items of one conversation go out strictly in (``message_seq``, ``part``) order: only the
first open item of a conversation can be claimed. The stored message's status follows its
items: ``delivered`` when all are, ``undelivered`` when one failed, ``not_sent`` when they
were cancelled.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from symcheck.crypto import Cipher
from symcheck.storage.models import (
    OUTBOX_OPEN_STATUSES,
    Conversation,
    Message,
    MessageStatus,
    OutboxItem,
    OutboxStatus,
    utcnow,
)
from symcheck.storage.repositories.records import ClaimedDelivery, MessageRecord, OutboxRecord


class OutboxRepository:
    def __init__(self, session: Session, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def enqueue(
        self,
        message: MessageRecord,
        parts: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        now: datetime | None = None,
    ) -> list[OutboxRecord]:
        """Queue the rendered ``parts`` (text, channel extras) of a stored outbound message."""
        now = now or utcnow()
        rows = []
        for index, (text, extra) in enumerate(parts, start=1):
            row = OutboxItem(
                id=uuid.uuid4(),
                conversation_id=message.conversation_id,
                message_id=message.id,
                channel=message.channel,
                message_seq=message.seq,
                part=index,
                parts=len(parts),
                body_enc=self._cipher.encrypt_json({"text": text, "extra": dict(extra)}),
                status=OutboxStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            self._session.add(row)
            rows.append(row)
        self._session.flush()
        return [self._record(r) for r in rows]

    def claim_due(
        self,
        *,
        lease: timedelta,
        limit: int,
        channels: Iterable[str],
        now: datetime | None = None,
    ) -> list[ClaimedDelivery]:
        """Claim up to ``limit`` items to send now: the first open item of each conversation,
        if it is due (``pending`` and ``next_attempt_at`` passed, or ``sending`` with an
        expired lease). ``FOR UPDATE SKIP LOCKED`` on PostgreSQL keeps replicas apart.

        Items of opted-out conversations are cancelled here instead of claimed.
        """
        now = now or utcnow()
        earlier = aliased(OutboxItem)
        head = ~exists().where(
            earlier.conversation_id == OutboxItem.conversation_id,
            earlier.status.in_(OUTBOX_OPEN_STATUSES),
            or_(
                earlier.message_seq < OutboxItem.message_seq,
                and_(
                    earlier.message_seq == OutboxItem.message_seq,
                    earlier.part < OutboxItem.part,
                ),
            ),
        )
        due = or_(
            and_(
                OutboxItem.status == OutboxStatus.PENDING.value,
                OutboxItem.next_attempt_at <= now,
            ),
            and_(
                OutboxItem.status == OutboxStatus.SENDING.value,
                or_(OutboxItem.lease_until.is_(None), OutboxItem.lease_until < now),
            ),
        )
        stmt = (
            select(OutboxItem)
            .where(OutboxItem.channel.in_(list(channels)), due, head)
            .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=OutboxItem)
            .execution_options(populate_existing=True)
        )
        claimed: list[ClaimedDelivery] = []
        for row in self._session.scalars(stmt).all():
            conv = self._session.get(Conversation, row.conversation_id)
            if conv is None:  # pragma: no cover - erased (cascade removes the items)
                continue
            if conv.opted_out_at is not None or conv.channel_user_enc is None:
                self.cancel_open(row.conversation_id, now=now)
                continue
            row.status = OutboxStatus.SENDING.value
            row.lease_until = now + lease
            row.attempts = (row.attempts or 0) + 1
            row.updated_at = now
            recipient = self._cipher.decrypt(conv.channel_user_enc)
            claimed.append(ClaimedDelivery(self._record(row), recipient))
        self._session.flush()
        return claimed

    def mark_delivered(
        self, item_id: uuid.UUID, provider_message_id: str | None, *, now: datetime | None = None
    ) -> bool:
        """The provider accepted the item. ``False`` if it is gone (the patient erased it)."""
        now = now or utcnow()
        row = self._claimed_row(item_id)
        if row is None:
            return False
        row.status = OutboxStatus.DELIVERED.value
        row.provider_message_id = (provider_message_id or "")[:64] or None
        row.lease_until = None
        row.delivered_at = now
        row.updated_at = now
        self._session.flush()
        self._settle_message(row.message_id)
        return True

    def retry_later(
        self, item_id: uuid.UUID, at: datetime, error: str, *, now: datetime | None = None
    ) -> bool:
        row = self._claimed_row(item_id)
        if row is None:
            return False
        row.status = OutboxStatus.PENDING.value
        row.next_attempt_at = at
        row.lease_until = None
        row.last_error = error[:64]
        row.updated_at = now or utcnow()
        self._session.flush()
        return True

    def fail(self, item_id: uuid.UUID, error: str, *, now: datetime | None = None) -> bool:
        """A permanent error, or the last attempt failed: the message is ``undelivered``."""
        row = self._claimed_row(item_id)
        if row is None:
            return False
        row.status = OutboxStatus.FAILED.value
        row.lease_until = None
        row.last_error = error[:64]
        row.updated_at = now or utcnow()
        self._session.flush()
        self._settle_message(row.message_id)
        return True

    def cancel_open(
        self, conversation_id: uuid.UUID, error: str = "opted_out", *, now: datetime | None = None
    ) -> int:
        """Cancel every open item of the conversation (the patient opted out)."""
        now = now or utcnow()
        rows = list(
            self._session.scalars(
                select(OutboxItem)
                .where(
                    OutboxItem.conversation_id == conversation_id,
                    OutboxItem.status.in_(OUTBOX_OPEN_STATUSES),
                )
                .execution_options(populate_existing=True)
            )
        )
        for row in rows:
            row.status = OutboxStatus.CANCELLED.value
            row.lease_until = None
            row.last_error = error
            row.updated_at = now
        self._session.flush()
        for message_id in {r.message_id for r in rows}:
            self._settle_message(message_id)
        return len(rows)

    def for_conversation(self, conversation_id: uuid.UUID) -> list[OutboxRecord]:
        """Every item of a conversation, in delivery order."""
        stmt = (
            select(OutboxItem)
            .where(OutboxItem.conversation_id == conversation_id)
            .order_by(OutboxItem.message_seq, OutboxItem.part)
            .execution_options(populate_existing=True)
        )
        return [self._record(r) for r in self._session.scalars(stmt)]

    def get(self, item_id: uuid.UUID) -> OutboxRecord | None:
        row = self._session.get(OutboxItem, item_id, populate_existing=True)
        return self._record(row) if row is not None else None

    def count_open(self) -> int:
        stmt = select(func.count()).where(OutboxItem.status.in_(OUTBOX_OPEN_STATUSES))
        return int(self._session.execute(stmt).scalar_one())

    def _claimed_row(self, item_id: uuid.UUID) -> OutboxItem | None:
        row = self._session.scalars(
            select(OutboxItem)
            .where(OutboxItem.id == item_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if row is None or row.status != OutboxStatus.SENDING.value:
            return None  # erased, or cancelled (opted out) while it was being sent
        return row

    def _settle_message(self, message_id: uuid.UUID) -> None:
        """Derive the stored message's status from its items once none is open."""
        statuses = set(
            self._session.scalars(
                select(OutboxItem.status).where(OutboxItem.message_id == message_id)
            )
        )
        if not statuses or statuses & set(OUTBOX_OPEN_STATUSES):
            return
        if OutboxStatus.FAILED.value in statuses:
            status = MessageStatus.UNDELIVERED
        elif OutboxStatus.CANCELLED.value in statuses:
            status = MessageStatus.NOT_SENT
        else:
            status = MessageStatus.DELIVERED
        self._session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(status=status.value)
            .execution_options(synchronize_session=False)
        )

    def _record(self, row: OutboxItem) -> OutboxRecord:
        body = self._cipher.decrypt_json(row.body_enc)
        return OutboxRecord(
            id=row.id,
            conversation_id=row.conversation_id,
            message_id=row.message_id,
            channel=row.channel,
            message_seq=row.message_seq,
            part=row.part,
            parts=row.parts,
            text=str(body.get("text", "")),
            extra=dict(body.get("extra") or {}),
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            provider_message_id=row.provider_message_id,
            last_error=row.last_error,
        )
