"""One message at a time per conversation.

Processing a patient message (precheck, Rasa, applying the bridge update) must not
interleave with another message of the same conversation, or with a clinician resolving
its case. :class:`InProcessConversationLocks` does this for a single gateway process. For
several replicas, implement :class:`ConversationLocks` with a PostgreSQL advisory lock
(``pg_advisory_lock(hashtextextended(conversation_id, 0))`` on a dedicated connection held
for the duration of ``hold``); callers do not change.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class ConversationLocks(Protocol):
    def hold(self, conversation_id: uuid.UUID) -> AbstractAsyncContextManager[None]:
        """Hold the conversation's lock for the duration of the ``async with`` block."""
        ...


class InProcessConversationLocks:
    """An ``asyncio.Lock`` per conversation, created on demand and dropped when free."""

    def __init__(self) -> None:
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}
        self._users: dict[uuid.UUID, int] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: uuid.UUID) -> AsyncIterator[None]:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._users[conversation_id] = self._users.get(conversation_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[conversation_id] -= 1
            if self._users[conversation_id] == 0:
                del self._users[conversation_id]
                del self._locks[conversation_id]

    def __len__(self) -> int:
        return len(self._locks)
