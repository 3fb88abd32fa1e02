"""Telegram updates into the pipeline, from the webhook route or from the poller.

:class:`TelegramIntake` does the same for both: a patient message is stored (encrypted,
de-duplicated on the update) and committed, the inbound worker is woken, and a button press
is answered (``answerCallbackQuery``) right after, in the background; a press on an old
keyboard is answered with a short notice and nothing is stored. Blocking and unblocking the
bot (``my_chat_member``) opt the conversation out and back in.

:class:`TelegramPoller` (``SYMCHECK_TELEGRAM_MODE=polling``, for local use) runs in the
gateway process: it removes any webhook, then long-polls ``getUpdates`` and hands each update
to the intake, confirming it (the next call's ``offset``) only once it is stored, so an update
is never lost: a crash before the confirmation redelivers it and the pipeline drops the
duplicate. An update that cannot be stored gets the safe advice by message at once and is
retried; after ``telegram_poll_max_attempts`` failures it is skipped (logged).

Why a task in the gateway rather than a separate command: the poller only replaces the
webhook's HTTP request, and everything after that (pipeline, workers, outbox) lives in the
gateway; ``make run`` then needs no extra process. Telegram allows one ``getUpdates`` caller
per bot, so polling is for a single gateway; production uses the webhook.

Logs carry update ids, fixed reasons and conversation references only: never chat ids,
names, text, file ids or URLs (which contain the token).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import Conflict, RetryAfter, TelegramError

from connectors.base import DeliveryError, OutboundPart
from connectors.telegram import (
    ALLOWED_UPDATES,
    Ignored,
    PatientMessage,
    Reachability,
    TelegramChannel,
    TelegramEvent,
)
from connectors.telegram._client import retry_after_seconds
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.logsafe import describe, ids
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.services.inbound import InboundWorker
from symcheck.gateway.services.pipeline import MessagePipeline, StaleChoice

log = logging.getLogger("symcheck.gateway.telegram")


@dataclass(frozen=True)
class Handled:
    """What became of one update."""

    stored: bool = False
    duplicate: bool = False
    stale: bool = False
    ignored: str | None = None


class TelegramIntake:
    def __init__(
        self,
        channel: TelegramChannel,
        pipeline: MessagePipeline,
        inbound: InboundWorker,
        copy: PatientCopy,
    ) -> None:
        self.channel = channel
        self._pipeline = pipeline
        self._inbound = inbound
        self._copy = copy
        self._background: set[asyncio.Task[None]] = set()

    async def handle(self, event: TelegramEvent) -> Handled:
        """Store what ``event`` carries. Raises when it could not be stored (database down):
        the caller then gives the patient the safe advice (:meth:`fallback_for`)."""
        if isinstance(event, Ignored):
            if event.callback_query_id:
                self._answer_soon(event.callback_query_id, None)
            return Handled(ignored=event.reason)
        if isinstance(event, Reachability):
            await self._pipeline.set_reachable(
                self.channel.name, event.sender, reachable=event.reachable
            )
            return Handled(ignored="reachability")
        return await self._message(event)

    async def _message(self, event: PatientMessage) -> Handled:
        try:
            accepted = await self._pipeline.accept(event.inbound)
        except StaleChoice:
            if event.callback_query_id:
                self._answer_soon(event.callback_query_id, self._copy.stale_button)
            log.info("telegram button press on an old keyboard: nothing stored")
            return Handled(stale=True)
        if not accepted.duplicate:
            self._inbound.wake()
        if event.callback_query_id:
            self._answer_soon(event.callback_query_id, None)
        log.debug(
            "telegram update stored %s", ids(accepted.conversation.id, duplicate=accepted.duplicate)
        )
        return Handled(stored=True, duplicate=accepted.duplicate)

    def fallback_for(self, event: TelegramEvent) -> tuple[str, str] | None:
        """``(chat id, safe advice)`` for a patient whose update could not be stored."""
        if isinstance(event, PatientMessage) and event.inbound.sender:
            return event.inbound.sender, self._copy.unavailable
        return None

    async def send_fallback(self, event: TelegramEvent) -> None:
        """Send the safe advice straight away (polling; the webhook answers with it)."""
        fallback = self.fallback_for(event)
        if fallback is None:
            return
        chat_id, text = fallback
        try:
            await self.channel.send(chat_id, OutboundPart(text))
        except Exception as exc:
            log.warning("telegram safe advice not delivered: %s", describe(exc))

    def _answer_soon(self, callback_query_id: str, text: str | None) -> None:
        self._spawn(self._answer(callback_query_id, text))

    async def _answer(self, callback_query_id: str, text: str | None) -> None:
        try:
            await self.channel.answer_callback(callback_query_id, text)
        except DeliveryError as exc:
            log.info("telegram button press not answered code=%s", exc.code)
        except Exception as exc:
            log.warning("telegram button press not answered: %s", describe(exc))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def aclose(self, drain_seconds: float = 5.0) -> None:
        """Let answers in flight finish (briefly)."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=drain_seconds)
        for task in list(self._background):
            task.cancel()


class TelegramPoller:
    """``getUpdates`` in a loop, each update through the intake (see the module docstring)."""

    def __init__(self, intake: TelegramIntake, options: GatewayOptions) -> None:
        self._intake = intake
        self._client = intake.channel.client
        self._timeout = options.telegram_poll_timeout_seconds
        self._pause = options.telegram_poll_retry_seconds
        self._max_attempts = options.telegram_poll_max_attempts
        self._task: asyncio.Task[None] | None = None
        self._failures: dict[int, int] = {}
        self.offset: int | None = None
        self.handled = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="symcheck-telegram-poller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await self._remove_webhook()
        log.info("telegram polling started")
        while True:
            try:
                updates = await self._client.get_updates(
                    self.offset, self._timeout, ALLOWED_UPDATES
                )
            except RetryAfter as exc:
                await asyncio.sleep(max(retry_after_seconds(exc), self._pause))
                continue
            except Conflict:
                log.warning("telegram polling conflict: another getUpdates caller or a webhook")
                await asyncio.sleep(self._pause)
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("telegram getUpdates failed: %s", describe(exc))
                await asyncio.sleep(self._pause)
                continue
            for update in updates:
                if not await self._handle(update.update_id, update):
                    await asyncio.sleep(self._pause)
                    break  # not confirmed: the next getUpdates returns it again

    async def _handle(self, update_id: int, update: Any) -> bool:
        """Hand one update over; ``True`` when it may be confirmed."""
        event: TelegramEvent | None = None
        try:
            event = self._intake.channel.read_update(update)
            await self._intake.handle(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempts = self._failures.get(update_id, 0) + 1
            self._failures[update_id] = attempts
            log.error(
                "telegram update not stored update_id=%d attempt=%d: %s",
                update_id,
                attempts,
                describe(exc),
            )
            if attempts == 1 and event is not None:
                await self._intake.send_fallback(event)
            if attempts < self._max_attempts:
                return False
            log.error("telegram update skipped after %d attempts update_id=%d", attempts, update_id)
        self._failures.pop(update_id, None)
        self.offset = update_id + 1
        self.handled += 1
        return True

    async def _remove_webhook(self) -> None:
        """``getUpdates`` is refused while a webhook is set."""
        while True:
            try:
                await self._client.delete_webhook()
                return
            except asyncio.CancelledError:
                raise
            except TelegramError as exc:
                log.warning("telegram deleteWebhook failed: %s", describe(exc))
                await asyncio.sleep(self._pause)
