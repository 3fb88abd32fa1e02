"""Forget me: erase a conversation on the patient's confirmed request, on any channel.

The pipeline asks to confirm ("DELETE" -> "reply YES DELETE"); a confirmation within
``erase_confirm_window`` comes here. One transaction deletes the conversation, its messages,
attachments, outbox items, cases and Rasa's tracker row, and records only that an erasure
happened (time and channel). Then, for a push channel, a short confirmation is sent straight
to the destination read just before the deletion and kept in memory for that one message
(a few attempts on retryable errors; nothing is stored, so nothing can retry it later).
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from connectors.base import Channel, ChannelRegistry, DeliveryError
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.database import Database
from symcheck.gateway.events import QUEUE_TOPIC, Notifier, conversation_topic
from symcheck.gateway.logsafe import describe
from symcheck.gateway.options import GatewayOptions
from symcheck.storage.models import MessageStatus
from symcheck.storage.repositories import UnitOfWork

log = logging.getLogger("symcheck.gateway.erasure")


class AlreadyHandled(Exception):
    """The message is no longer ``received`` (another worker answered it): roll back."""


class ErasureService:
    def __init__(
        self,
        *,
        db: Database,
        channels: ChannelRegistry,
        notifier: Notifier,
        copy: PatientCopy,
        options: GatewayOptions,
    ) -> None:
        self._db = db
        self._channels = channels
        self._notifier = notifier
        self._copy = copy
        self._options = options

    async def erase(self, conversation_id: uuid.UUID, message_id: uuid.UUID) -> None:
        """Erase the conversation whose message ``message_id`` confirmed it, then confirm.

        Raises:
            AlreadyHandled: the confirming message was handled elsewhere (nothing erased).
        """

        def work(uow: UnitOfWork) -> tuple[str, str | None, bool]:
            if not uow.messages.complete(message_id, MessageStatus.PROCESSED):
                raise AlreadyHandled
            conv = uow.conversations.get(conversation_id)
            recipient = uow.conversations.channel_user(conversation_id)
            channel = uow.erasures.erase_conversation(conversation_id)
            return channel, recipient, bool(conv and conv.opted_out)

        channel_name, recipient, opted_out = await self._db.run(work)
        self._notifier.notify(conversation_topic(conversation_id), QUEUE_TOPIC)
        log.info("conversation erased channel=%s", channel_name)
        if channel_name not in self._channels or not recipient or opted_out:
            return
        channel = self._channels.get(channel_name)
        if not channel.pull_delivery:
            await self._confirm(channel, recipient)

    async def _confirm(self, channel: Channel, recipient: str) -> None:
        attempts = self._options.erase_confirmation_attempts
        for part in channel.render(self._copy.erased, ()):
            for attempt in range(1, attempts + 1):
                try:
                    await channel.send(recipient, part)
                    break
                except DeliveryError as exc:
                    if not exc.retryable or attempt == attempts:
                        log.warning("erasure confirmation not delivered code=%s", exc.code)
                        return
                    await asyncio.sleep(exc.retry_after or attempt)
                except Exception as exc:
                    log.warning("erasure confirmation not delivered: %s", describe(exc))
                    return
