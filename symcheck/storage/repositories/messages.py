"""Messages: encrypted bodies, a gap-free ``seq`` per conversation, delivery status."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from symcheck.clinical.interview.protocol import Button
from symcheck.crypto import Cipher
from symcheck.storage.models import (
    Author,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    utcnow,
)
from symcheck.storage.repositories.errors import NotFoundError
from symcheck.storage.repositories.records import MessageRecord


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
    ) -> MessageRecord:
        seq = self._next_seq(conversation_id)
        body: dict[str, Any] = {"text": text, "buttons": [b.to_dict() for b in buttons]}
        if payload is not None:
            body["payload"] = payload
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
        )
        self._session.add(row)
        self._session.flush()
        return self._record(row)

    def set_status(self, message_id: uuid.UUID, status: MessageStatus) -> None:
        row = self._session.get(Message, message_id)
        if row is None:
            raise NotFoundError(f"message {message_id} not found")
        row.status = status.value
        self._session.flush()

    def get(self, message_id: uuid.UUID) -> MessageRecord | None:
        row = self._session.get(Message, message_id)
        return self._record(row) if row is not None else None

    def list_after(
        self, conversation_id: uuid.UUID, after_seq: int = 0, limit: int = 500
    ) -> list[MessageRecord]:
        """Messages with ``seq > after_seq``, oldest first."""
        stmt = (
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
            .order_by(Message.seq)
            .limit(limit)
        )
        return [self._record(row) for row in self._session.scalars(stmt)]

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

    def _record(self, row: Message) -> MessageRecord:
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
        )
