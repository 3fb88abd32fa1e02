"""What the gateway answers a client with, and how stored replies reach the patient.

Every reply (bot, clinician, system) is stored through :meth:`Delivery.store`, in the same
unit of work as whatever produced it. For a push channel (SMS, Telegram) the reply is also
rendered for the channel and queued in the durable outbox in that same transaction, so a
stored reply is always on its way: the outbox worker sends it after the commit
(:meth:`Delivery.wake`). Pull channels (the web chat) fetch stored messages themselves.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from connectors.base import ChannelRegistry
from symcheck.clinical.interview.protocol import Button
from symcheck.storage.models import Author, MessageStatus
from symcheck.storage.repositories import ConversationRecord, MessageRecord, UnitOfWork

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
    """Stores replies and queues them for push channels."""

    def __init__(self, channels: ChannelRegistry) -> None:
        self._channels = channels
        self._wakers: list[Callable[[], None]] = []

    def on_enqueue(self, waker: Callable[[], None]) -> None:
        """Call ``waker`` from :meth:`wake` (the outbox worker registers itself)."""
        self._wakers.append(waker)

    def store(
        self,
        uow: UnitOfWork,
        conversation: ConversationRecord | uuid.UUID,
        *,
        author: Author,
        text: str,
        buttons: Sequence[Button] = (),
        clinician_id: uuid.UUID | None = None,
    ) -> MessageRecord:
        """Append an outbound message and, for a push channel, queue its parts.

        Status: ``delivered`` for pull channels (and for nothing to send), ``not_sent`` when
        the patient opted out, ``undelivered`` when the channel is no longer configured,
        otherwise ``pending`` until the outbox has sent every part.
        """
        conv_id = conversation if isinstance(conversation, uuid.UUID) else conversation.id
        conv = uow.conversations.get(conv_id)  # fresh: opt-out can change at any time
        if conv is None:
            raise LookupError("conversation not found")
        push = self._channels.is_push(conv.channel)
        parts = self._channels.get(conv.channel).render(text, buttons) if push else ()
        if conv.channel not in self._channels:
            # The conversation's channel is no longer configured: nothing can send it.
            log.warning("reply not sendable: channel %s is not configured", conv.channel)
            status = MessageStatus.UNDELIVERED
        elif not push or not parts:
            status = MessageStatus.DELIVERED
        elif conv.opted_out:
            status = MessageStatus.NOT_SENT
        else:
            status = MessageStatus.PENDING
        message = uow.messages.append(
            conv.id,
            author=author,
            text=text,
            buttons=buttons,
            status=status,
            channel=conv.channel,
            clinician_id=clinician_id,
        )
        if status is MessageStatus.PENDING:
            uow.outbox.enqueue(message, [(p.text, p.extra) for p in parts])
        return message

    def wake(self) -> None:
        """Tell the outbox worker there is something to send (after the commit)."""
        for waker in self._wakers:
            waker()
