"""Fetch the files a patient sent (MMS photos) from the channel and store them encrypted.

Runs in the inbound worker, after the webhook's acknowledgement: a photo can take seconds to
download. Each file is checked by the channel (images only, size limit) and stored with its
outcome, so the clinician sees "photo too large" rather than nothing. A fetch interrupted by
a crash is resumed: files already stored are skipped. Never logs URLs or bytes.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

from sqlalchemy.exc import IntegrityError

from connectors.base import AttachmentRef, AttachmentRejected, ChannelRegistry
from symcheck.gateway.database import Database
from symcheck.gateway.logsafe import describe, ids
from symcheck.storage.models import AttachmentStatus
from symcheck.storage.repositories import MessageRecord, UnitOfWork

log = logging.getLogger("symcheck.gateway.attachments")


class AttachmentFetcher:
    def __init__(self, db: Database, channels: ChannelRegistry) -> None:
        self._db = db
        self._channels = channels

    async def fetch(self, message: MessageRecord) -> tuple[AttachmentStatus, ...]:
        """Fetch and store every file of ``message``; returns each one's status, in order."""
        channel = self._channels.get(message.channel) if message.channel in self._channels else None
        done = await self._db.run(lambda uow: uow.attachments.positions(message.id))
        statuses: list[AttachmentStatus] = []
        for position, ref in enumerate(message.media):
            where = ids(message.conversation_id, message=message.id, position=position)
            if position in done:
                statuses.append(AttachmentStatus.STORED)
                continue
            status, content_type, data = AttachmentStatus.UNAVAILABLE, None, None
            try:
                if channel is None:
                    raise AttachmentRejected("unavailable")
                fetched = await channel.fetch_attachment(AttachmentRef(ref.url, ref.content_type))
                status = AttachmentStatus.STORED
                content_type, data = fetched.content_type, fetched.data
            except AttachmentRejected as exc:
                status = _status(exc.reason)
            except Exception as exc:
                log.warning("attachment fetch failed %s: %s", where, describe(exc))
            await self._store(message, position, status, content_type, data)
            statuses.append(status)
            log.info("attachment %s %s", status.value, where)
        return tuple(statuses)

    async def _store(
        self,
        message: MessageRecord,
        position: int,
        status: AttachmentStatus,
        content_type: str | None,
        data: bytes | None,
    ) -> None:
        conversation_id: uuid.UUID = message.conversation_id

        def store(uow: UnitOfWork) -> None:
            uow.attachments.add(
                conversation_id=conversation_id,
                message_id=message.id,
                position=position,
                status=status,
                content_type=content_type,
                data=data,
            )

        with contextlib.suppress(IntegrityError):  # stored by an earlier, interrupted attempt
            await self._db.run(store)


def _status(reason: str) -> AttachmentStatus:
    try:
        return AttachmentStatus(reason)
    except ValueError:
        return AttachmentStatus.UNAVAILABLE
