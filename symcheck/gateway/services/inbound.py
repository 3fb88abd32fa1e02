"""The inbound worker: processes stored patient messages after the webhook acknowledged them.

It claims the first ``received`` message of each conversation (so a conversation's messages
are processed in order, one at a time) with a lease, renews the lease while processing, and
hands the message to :meth:`MessagePipeline.process`. At start-up (and on every poll) it also
picks up messages a crashed process left ``received`` once their lease has run out: a crash
between receiving and replying delays the reply, never loses it, and the pipeline's
conditional completion makes sure it is answered once. A message whose processing keeps
crashing the worker is given up after ``inbound_max_attempts`` claims (safe advice).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from symcheck.gateway.database import Database
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.services.leases import renewing
from symcheck.gateway.services.pipeline import MessagePipeline
from symcheck.gateway.workers import Worker
from symcheck.storage.repositories import ClaimedMessage

log = logging.getLogger("symcheck.gateway.inbound")


class InboundWorker(Worker[ClaimedMessage]):
    name = "inbound"

    def __init__(self, db: Database, pipeline: MessagePipeline, options: GatewayOptions) -> None:
        super().__init__(
            concurrency=options.inbound_concurrency, poll_seconds=options.inbound_poll_seconds
        )
        self._db = db
        self._pipeline = pipeline
        self._lease = timedelta(seconds=options.inbound_lease_seconds)
        self._max_attempts = options.inbound_max_attempts
        self.recovered = 0

    async def claim(self, limit: int) -> Sequence[ClaimedMessage]:
        claimed = await self._db.run(
            lambda uow: uow.messages.claim_received(lease=self._lease, limit=limit)
        )
        if claimed and self.rounds == 0:
            self.recovered += len(claimed)
            log.info("recovery: %d received message(s) to process", len(claimed))
        taken_over = sum(c.attempts > 1 for c in claimed)
        if taken_over:
            log.warning("took over %d message(s) whose holder stopped", taken_over)
        return claimed

    async def handle(self, item: ClaimedMessage) -> None:
        async with renewing(self._db, item.id, self._lease):
            if item.attempts > self._max_attempts:
                await self._pipeline.give_up(item.id)
            else:
                await self._pipeline.process(item.id)
