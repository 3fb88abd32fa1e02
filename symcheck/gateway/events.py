"""In-process change notifications that wake long-polling clients.

Clients never depend on a notification for correctness: a long poll re-reads the database
every few seconds anyway, so several gateway replicas stay correct (only slower to notice a
change made by another replica). A PostgreSQL ``LISTEN/NOTIFY`` implementation of the same
two methods can replace this one for faster cross-replica updates.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref

QUEUE_TOPIC = "queue"


def conversation_topic(conversation_id: uuid.UUID) -> str:
    return f"conversation:{conversation_id}"


class Notifier:
    """Topic -> waiters. ``listen`` before reading, then ``wait``: no change is missed."""

    def __init__(self) -> None:
        self._events: weakref.WeakValueDictionary[str, asyncio.Event] = (
            weakref.WeakValueDictionary()
        )
        self._closed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def listen(self, topic: str) -> asyncio.Event:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        event = self._events.get(topic)
        if event is None:
            event = asyncio.Event()
            self._events[topic] = event
        return event

    def notify(self, *topics: str) -> None:
        for topic in topics:
            event = self._events.pop(topic, None)
            if event is not None:
                event.set()

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        """Wait at most ``seconds`` for ``event`` (from :meth:`listen`); False if it timed out."""
        if self._closed.is_set():
            return False
        closed = asyncio.ensure_future(self._closed.wait())
        changed = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait(
                {closed, changed}, timeout=max(seconds, 0), return_when="FIRST_COMPLETED"
            )
        finally:
            closed.cancel()
            changed.cancel()
        return event.is_set()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Wake every waiter (the app is shutting down). Safe to call from any thread."""
        loop = self._loop
        if loop is not None and loop.is_running():
            try:
                current = asyncio.get_running_loop()
            except RuntimeError:
                current = None
            if current is not loop:
                loop.call_soon_threadsafe(self._closed.set)
                return
        self._closed.set()
