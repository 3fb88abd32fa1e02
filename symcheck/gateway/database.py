"""Run blocking units of work off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import text

from symcheck.storage.repositories import Store, UnitOfWork

T = TypeVar("T")


class Database:
    """The gateway's access to storage: ``await db.run(lambda uow: ...)``.

    Each call is one unit of work (one session, one transaction) in a worker thread, so
    SQLAlchemy's blocking I/O never stalls other requests.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    async def run(self, work: Callable[[UnitOfWork], T]) -> T:
        return await anyio.to_thread.run_sync(self.store.run, work)

    async def ping(self) -> None:
        await self.run(lambda uow: uow.session.execute(text("SELECT 1")).scalar_one())
