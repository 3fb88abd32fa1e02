"""Keep a claimed inbound message's lease alive while it is being processed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

from symcheck.gateway.database import Database
from symcheck.gateway.logsafe import describe
from symcheck.storage.models import utcnow

log = logging.getLogger("symcheck.gateway.leases")


@contextlib.asynccontextmanager
async def renewing(db: Database, message_id: uuid.UUID, lease: timedelta) -> AsyncIterator[None]:
    """Renew the message's lease every third of ``lease`` until the block ends, so a slow
    turn (Rasa can take its whole timeout) is never mistaken for a crashed holder."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            try:
                await db.run(lambda uow: uow.messages.renew_lease([message_id], utcnow() + lease))
            except Exception as exc:
                log.warning("lease renewal failed message=%s: %s", message_id, describe(exc))

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
