"""What the gateway answers a client with, and how stored messages are delivered."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from connectors.base import ChannelRegistry, OutboundMessage
from symcheck.clinical.interview.protocol import Button
from symcheck.gateway.database import Database
from symcheck.gateway.logsafe import describe, ids
from symcheck.storage.models import MessageStatus
from symcheck.storage.repositories import MessageRecord, UnitOfWork

log = logging.getLogger("symcheck.gateway.delivery")


@dataclass(frozen=True)
class Reply:
    """A message for the patient. ``seq`` is ``None`` for hints that are not stored."""

    text: str
    author: str
    buttons: tuple[Button, ...] = ()
    seq: int | None = None
    created_at: datetime | None = None

    @classmethod
    def from_record(cls, record: MessageRecord) -> Reply:
        return cls(
            text=record.text,
            author=record.author,
            buttons=record.buttons,
            seq=record.seq,
            created_at=record.created_at,
        )


class Delivery:
    """Hands stored outbound messages to push channels (pull channels need nothing)."""

    def __init__(self, db: Database, channels: ChannelRegistry) -> None:
        self._db = db
        self._channels = channels

    def initial_status(self, channel: str) -> MessageStatus:
        pull = channel not in self._channels or self._channels.get(channel).pull_delivery
        return MessageStatus.DELIVERED if pull else MessageStatus.PENDING

    async def deliver(
        self, conversation_id: uuid.UUID, channel_name: str, records: Sequence[MessageRecord]
    ) -> None:
        if not records or channel_name not in self._channels:
            return
        channel = self._channels.get(channel_name)
        if channel.pull_delivery:
            return
        recipient = await self._db.run(lambda uow: uow.conversations.channel_user(conversation_id))
        outbound = [
            OutboundMessage(r.conversation_id, r.seq, r.author, r.text, r.buttons) for r in records
        ]
        try:
            await channel.deliver(recipient, outbound)
        except Exception as exc:
            log.error(
                "delivery failed %s: %s", ids(conversation_id, count=len(records)), describe(exc)
            )
            return

        def mark(uow: UnitOfWork) -> None:
            for r in records:
                uow.messages.set_status(r.id, MessageStatus.DELIVERED)

        await self._db.run(mark)
