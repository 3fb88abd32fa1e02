"""Messages: encrypted bodies, a gap-free ``seq`` per conversation, delivery status."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from symcheck.clinical.interview.protocol import Button
from symcheck.crypto import Cipher
from symcheck.storage.models import (
    Attachment,
    Author,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    utcnow,
)
from symcheck.storage.repositories.errors import NotFoundError
from symcheck.storage.repositories.records import (
    AttachmentInfo,
    ClaimedMessage,
    MediaRef,
    MessageRecord,
)


class MessageRepository:
    """Append and read messages within one unit of work.

    ``seq`` comes from an atomic ``UPDATE ... RETURNING`` on the conversation row, so the
    row stays locked until commit: messages of one conversation commit in ``seq`` order,
    and a reader polling "after seq N" never skips one.
    """

    def __init__(self, session: Session, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def append(
        self,
        conversation_id: uuid.UUID,
        *,
        author: Author,
        text: str,
        status: MessageStatus,
        buttons: Sequence[Button] = (),
        payload: str | None = None,
        channel: Channel | str = Channel.WEB,
        channel_message_id: str | None = None,
        clinician_id: uuid.UUID | None = None,
        media: Sequence[MediaRef] = (),
        lease_until: datetime | None = None,
    ) -> MessageRecord:
        """Append a message with the conversation's next ``seq``.

        ``media``: files the provider holds for an inbound message (fetched later).
        ``lease_until``: the caller processes this inbound message itself (the web request)
        and holds it until then, so no worker picks it up meanwhile.
        """
        seq = self._next_seq(conversation_id)
        body: dict[str, Any] = {"text": text, "buttons": [b.to_dict() for b in buttons]}
        if payload is not None:
            body["payload"] = payload
        if media:
            body["media"] = [{"url": m.url, "content_type": m.content_type} for m in media]
        direction = Direction.INBOUND if author is Author.PATIENT else Direction.OUTBOUND
        row = Message(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            seq=seq,
            direction=direction.value,
            author=author.value,
            clinician_id=clinician_id,
            body_enc=self._cipher.encrypt_json(body),
            status=status.value,
            channel=str(channel),
            channel_message_id=channel_message_id,
            created_at=utcnow(),
            lease_until=lease_until,
            attempts=1 if lease_until is not None else 0,
        )
        self._session.add(row)
        self._session.flush()
        return self._record(row)

    def complete(self, message_id: uuid.UUID, status: MessageStatus) -> bool:
        """Mark a ``received`` message ``processed`` or ``failed`` and release its lease.

        Returns ``False`` (changing nothing) when the message is gone or no longer
        ``received``: someone else handled it, and the caller must roll back its replies.
        On PostgreSQL a concurrent completer waits for this transaction, then finds 0 rows.
        """
        stmt = (
            update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.RECEIVED.value)
            .values(status=status.value, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        result = self._session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def claim_received(
        self,
        *,
        lease: timedelta,
        limit: int,
        channels: Iterable[str] | None = None,
        now: datetime | None = None,
    ) -> list[ClaimedMessage]:
        """Claim up to ``limit`` inbound messages to process, oldest first.

        Only the first ``received`` message of each conversation is eligible (messages of a
        conversation are processed in order), and only when nobody holds it (no lease, or
        the lease ran out: its holder crashed). Rows are locked with ``FOR UPDATE SKIP
        LOCKED`` on PostgreSQL, so several gateways never claim the same message.
        """
        now = now or utcnow()
        earlier = aliased(Message)
        head = ~exists().where(
            earlier.conversation_id == Message.conversation_id,
            earlier.status == MessageStatus.RECEIVED.value,
            earlier.seq < Message.seq,
        )
        stmt = (
            select(Message)
            .where(
                Message.status == MessageStatus.RECEIVED.value,
                or_(Message.lease_until.is_(None), Message.lease_until < now),
                head,
            )
            .order_by(Message.created_at, Message.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Message)
            .execution_options(populate_existing=True)
        )
        if channels is not None:
            stmt = stmt.where(Message.channel.in_(list(channels)))
        claimed = []
        for row in self._session.scalars(stmt).all():
            row.lease_until = now + lease
            row.attempts = (row.attempts or 0) + 1
            claimed.append(ClaimedMessage(row.id, row.conversation_id, row.seq, row.attempts))
        self._session.flush()
        return claimed

    def renew_lease(self, message_ids: Sequence[uuid.UUID], until: datetime) -> None:
        """Extend the lease of messages still being processed (a worker's heartbeat)."""
        if not message_ids:
            return
        self._session.execute(
            update(Message)
            .where(
                Message.id.in_(list(message_ids)),
                Message.status == MessageStatus.RECEIVED.value,
            )
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )

    def set_status(self, message_id: uuid.UUID, status: MessageStatus) -> None:
        row = self._session.get(Message, message_id)
        if row is None:
            raise NotFoundError(f"message {message_id} not found")
        row.status = status.value
        self._session.flush()

    def get(self, message_id: uuid.UUID) -> MessageRecord | None:
        row = self._session.get(Message, message_id, populate_existing=True)
        if row is None:
            return None
        return self._record(row, self._attachments([row.id]).get(row.id, ()))

    def list_after(
        self, conversation_id: uuid.UUID, after_seq: int = 0, limit: int = 500
    ) -> list[MessageRecord]:
        """Messages with ``seq > after_seq``, oldest first, with their attachments' details."""
        stmt = (
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
            .order_by(Message.seq)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        rows = list(self._session.scalars(stmt))
        attachments = self._attachments([r.id for r in rows if r.direction == "in"])
        return [self._record(row, attachments.get(row.id, ())) for row in rows]

    def undelivered(self, conversation_id: uuid.UUID) -> list[tuple[int, str]]:
        """``(seq, status)`` of outbound messages not (yet) delivered, oldest first."""
        stmt = (
            select(Message.seq, Message.status)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == Direction.OUTBOUND.value,
                Message.status != MessageStatus.DELIVERED.value,
            )
            .order_by(Message.seq)
        )
        return [(int(seq), str(status)) for seq, status in self._session.execute(stmt)]

    def latest_outbound(self, conversation_id: uuid.UUID) -> MessageRecord | None:
        """The last message the patient was sent (bot, clinician or system)."""
        stmt = (
            select(Message)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == Direction.OUTBOUND.value,
            )
            .order_by(Message.seq.desc())
            .limit(1)
        )
        row = self._session.scalars(stmt).one_or_none()
        return self._record(row) if row is not None else None

    def latest_by(self, conversation_id: uuid.UUID, author: Author) -> MessageRecord | None:
        stmt = (
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.author == author.value)
            .order_by(Message.seq.desc())
            .limit(1)
        )
        row = self._session.scalars(stmt).one_or_none()
        return self._record(row) if row is not None else None

    def find_by_channel_message_id(
        self, channel: str, channel_message_id: str
    ) -> MessageRecord | None:
        """The message a provider already delivered (webhook retries are de-duplicated)."""
        stmt = select(Message).where(
            Message.channel == channel, Message.channel_message_id == channel_message_id
        )
        row = self._session.scalars(stmt).one_or_none()
        return self._record(row) if row is not None else None

    def count(self, conversation_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(Message.conversation_id == conversation_id)
        return int(self._session.execute(stmt).scalar_one())

    def _next_seq(self, conversation_id: uuid.UUID) -> int:
        stmt = (
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(next_seq=Conversation.next_seq + 1, updated_at=utcnow())
            .returning(Conversation.next_seq)
            .execution_options(synchronize_session=False)
        )
        new_next = self._session.execute(stmt).scalar_one_or_none()
        if new_next is None:
            raise NotFoundError(f"conversation {conversation_id} not found")
        return int(new_next) - 1

    def _attachments(
        self, message_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[AttachmentInfo, ...]]:
        if not message_ids:
            return {}
        stmt = (
            select(
                Attachment.id,
                Attachment.conversation_id,
                Attachment.message_id,
                Attachment.position,
                Attachment.status,
                Attachment.content_type,
                Attachment.size_bytes,
                Attachment.created_at,
            )
            .where(Attachment.message_id.in_(list(message_ids)))
            .order_by(Attachment.message_id, Attachment.position)
        )
        out: dict[uuid.UUID, list[AttachmentInfo]] = {}
        for r in self._session.execute(stmt):
            out.setdefault(r.message_id, []).append(AttachmentInfo(*r))
        return {k: tuple(v) for k, v in out.items()}

    def _record(self, row: Message, attachments: tuple[AttachmentInfo, ...] = ()) -> MessageRecord:
        body = self._cipher.decrypt_json(row.body_enc)
        return MessageRecord(
            id=row.id,
            conversation_id=row.conversation_id,
            seq=row.seq,
            direction=row.direction,
            author=row.author,
            text=str(body.get("text", "")),
            buttons=tuple(
                Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                for b in body.get("buttons") or ()
            ),
            status=row.status,
            channel=row.channel,
            created_at=row.created_at,
            clinician_id=row.clinician_id,
            payload=body.get("payload"),
            media=tuple(
                MediaRef(url=str(m.get("url", "")), content_type=m.get("content_type"))
                for m in body.get("media") or ()
            ),
            attachments=attachments,
            attempts=row.attempts or 0,
        )
