"""The outbox worker: sends queued replies to push channels, in order, with retries.

Each claimed item is one provider message (an SMS part). Outcomes:

- accepted: ``delivered`` (the message is ``delivered`` once all its parts are);
- retryable error (429, 5xx, network): back to ``pending`` after :func:`backoff_delay`
  (exponential with jitter, never sooner than the provider's ``Retry-After``), until
  ``outbox_max_attempts`` attempts were made: then ``failed``;
- permanent error (invalid number...): ``failed`` at once; "opted out" (Twilio 21610) also
  marks the conversation opted out and cancels what else was queued for it.

A failed or cancelled message shows as not delivered on the clinician's case page. Only the
first open item of a conversation is ever claimed, so a retrying part holds back the rest.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from datetime import timedelta

from connectors.base import ChannelRegistry, DeliveryError, OutboundPart
from symcheck.gateway.database import Database
from symcheck.gateway.events import Notifier, conversation_topic
from symcheck.gateway.logsafe import describe, ids
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.workers import Worker
from symcheck.storage.models import utcnow
from symcheck.storage.repositories import ClaimedDelivery, UnitOfWork

log = logging.getLogger("symcheck.gateway.outbox")


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    "Equal jitter": half of ``min(cap, base * 2**(attempt-1))`` plus a random share of the
    other half, so retries of many messages spread out but never come back at once; at least
    ``retry_after`` when the provider asked for it.
    """
    ceiling = float(min(cap, base * (2 ** max(attempt - 1, 0))))
    delay = ceiling / 2 + float(rand()) * ceiling / 2
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


class OutboxWorker(Worker[ClaimedDelivery]):
    name = "outbox"

    def __init__(
        self,
        db: Database,
        channels: ChannelRegistry,
        notifier: Notifier,
        options: GatewayOptions,
        *,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(
            concurrency=options.outbox_concurrency, poll_seconds=options.outbox_poll_seconds
        )
        self._db = db
        self._channels = channels
        self._notifier = notifier
        self._options = options
        self._lease = timedelta(seconds=options.outbox_lease_seconds)
        self._rand = rand

    async def claim(self, limit: int) -> Sequence[ClaimedDelivery]:
        push = self._channels.push_names()
        if not push:
            return ()
        return await self._db.run(
            lambda uow: uow.outbox.claim_due(lease=self._lease, limit=limit, channels=push)
        )

    async def handle(self, item: ClaimedDelivery) -> None:
        record = item.item
        where = ids(
            record.conversation_id,
            seq=record.message_seq,
            part=f"{record.part}/{record.parts}",
            attempt=record.attempts,
        )
        channel = self._channels.get(record.channel)
        try:
            provider_id = await channel.send(
                item.recipient, OutboundPart(record.text, record.extra)
            )
        except DeliveryError as exc:
            await self._failed(item, exc, where)
        except Exception as exc:  # a bug or an unexpected reply: retry like a network error
            log.error("delivery error %s: %s", where, describe(exc))
            await self._failed(item, DeliveryError("error", retryable=True), where)
        else:
            await self._db.run(lambda uow: uow.outbox.mark_delivered(record.id, provider_id))
            log.info("delivered %s", where)
        self._notifier.notify(conversation_topic(record.conversation_id))

    async def _failed(self, item: ClaimedDelivery, exc: DeliveryError, where: str) -> None:
        record = item.item
        opts = self._options
        if exc.retryable and record.attempts < opts.outbox_max_attempts:
            delay = backoff_delay(
                record.attempts,
                base=opts.outbox_backoff_base_seconds,
                cap=opts.outbox_backoff_cap_seconds,
                retry_after=exc.retry_after,
                rand=self._rand,
            )
            at = utcnow() + timedelta(seconds=delay)
            await self._db.run(lambda uow: uow.outbox.retry_later(record.id, at, exc.code))
            log.warning("delivery retry %s code=%s in=%.1fs", where, exc.code, delay)
            return

        def fail(uow: UnitOfWork) -> None:
            if uow.outbox.fail(record.id, exc.code) and exc.opted_out:
                uow.conversations.set_opted_out(record.conversation_id, True)
                uow.outbox.cancel_open(record.conversation_id)

        await self._db.run(fail)
        log.warning(
            "delivery failed %s code=%s retryable=%s opted_out=%s",
            where,
            exc.code,
            exc.retryable,
            exc.opted_out,
        )
