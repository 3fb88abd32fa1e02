"""Background workers in the gateway process: claim work from the database, handle it.

A worker claims items (rows other processes cannot take meanwhile: leases, and ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL), handles up to ``concurrency`` of them at once, and claims again
when woken (:meth:`Worker.wake`, after new work was committed in this process), when an item
is done, or every ``poll_seconds`` (work committed by another replica, retries falling due,
leases of a crashed process running out). Its first round at start-up is the recovery pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Generic, TypeVar

from symcheck.gateway.logsafe import describe

T = TypeVar("T")

log = logging.getLogger("symcheck.gateway.workers")


class Worker(ABC, Generic[T]):
    name: str = "worker"

    def __init__(self, *, concurrency: int, poll_seconds: float) -> None:
        self._concurrency = max(1, concurrency)
        self._poll = poll_seconds
        self._wakeup: asyncio.Event | None = None
        self._active: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self.rounds = 0

    @abstractmethod
    async def claim(self, limit: int) -> Sequence[T]:
        """Claim up to ``limit`` items to handle now."""

    @abstractmethod
    async def handle(self, item: T) -> None:
        """Handle one claimed item (exceptions are logged, never raised)."""

    def wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    def start(self) -> None:
        self._wakeup = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"symcheck-{self.name}")

    async def stop(self, drain_seconds: float = 5.0) -> None:
        """Stop claiming; let items in hand finish for up to ``drain_seconds`` (a send the
        provider accepted must be recorded, or it would be sent again), then cancel."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self._active:
            await asyncio.wait(set(self._active), timeout=drain_seconds)
        for task in list(self._active):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    @property
    def busy(self) -> int:
        return len(self._active)

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            free = self._concurrency - len(self._active)
            claimed: Sequence[T] = ()
            if free > 0:
                try:
                    claimed = await self.claim(free)
                except Exception as exc:
                    log.error("%s: claim failed: %s", self.name, describe(exc))
                self.rounds += 1
            for item in claimed:
                task = asyncio.create_task(self._handle(item))
                self._active.add(task)
            if claimed and len(claimed) == free:
                # Possibly more waiting: claim again as soon as a slot frees up.
                await self._wait(self._poll, any_task=True)
                continue
            await self._wait(self._poll, any_task=bool(self._active))

    async def _wait(self, seconds: float, *, any_task: bool) -> None:
        assert self._wakeup is not None
        waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(self._wakeup.wait())}
        if any_task and self._active:
            waiters |= set(self._active)  # type: ignore[arg-type]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                if waiter not in self._active:
                    waiter.cancel()

    async def _handle(self, item: T) -> None:
        try:
            await self.handle(item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("%s: handling failed: %s", self.name, describe(exc))
        finally:
            task = asyncio.current_task()
            if task is not None:
                self._active.discard(task)
            self.wake()
