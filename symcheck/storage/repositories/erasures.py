"""Forget me: erase a conversation and everything hanging off it; keep only that it happened.

The erasure record holds a time and a channel, nothing that could link it back to the
patient or the conversation (no ids, no hashes, no counts).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from symcheck.storage.models import (
    Attachment,
    Case,
    Conversation,
    Erasure,
    Message,
    OutboxItem,
    RasaTracker,
    utcnow,
)
from symcheck.storage.repositories.errors import NotFoundError


class ErasureRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def erase_conversation(self, conversation_id: uuid.UUID, *, now: datetime | None = None) -> str:
        """Delete the conversation, its messages, attachments, outbox items, cases and Rasa's
        tracker row; record the erasure. Returns the channel.

        Raises:
            NotFoundError: no such conversation.
        """
        conv = self._session.get(Conversation, conversation_id)
        if conv is None:
            raise NotFoundError(f"conversation {conversation_id} not found")
        channel = conv.channel
        for model in (Attachment, OutboxItem, Message, Case):
            self._session.execute(
                delete(model)
                .where(model.conversation_id == conversation_id)
                .execution_options(synchronize_session=False)
            )
        self._session.execute(
            delete(RasaTracker)
            .where(RasaTracker.sender_id == str(conversation_id))
            .execution_options(synchronize_session=False)
        )
        self._session.execute(
            delete(Conversation)
            .where(Conversation.id == conversation_id)
            .execution_options(synchronize_session=False)
        )
        self._session.expunge_all()
        self._session.add(Erasure(id=uuid.uuid4(), at=now or utcnow(), channel=channel))
        self._session.flush()
        return channel

    def count(self, channel: str | None = None) -> int:
        stmt = select(func.count()).select_from(Erasure)
        if channel is not None:
            stmt = stmt.where(Erasure.channel == channel)
        return int(self._session.execute(stmt).scalar_one())
