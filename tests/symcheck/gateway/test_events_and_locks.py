from __future__ import annotations

import asyncio
import uuid

from symcheck.gateway.events import Notifier
from symcheck.gateway.locks import InProcessConversationLocks
from symcheck.gateway.longpoll import long_poll


async def test_notify_wakes_listeners_of_the_topic_only() -> None:
    notifier = Notifier()
    a, b = notifier.listen("a"), notifier.listen("b")
    notifier.notify("a")
    assert await notifier.wait(a, 1)
    assert not await notifier.wait(b, 0.01)


async def test_a_notification_before_waiting_is_not_lost() -> None:
    notifier = Notifier()
    event = notifier.listen("t")
    notifier.notify("t")
    assert await notifier.wait(event, 0.01)


async def test_close_wakes_everyone() -> None:
    notifier = Notifier()
    event = notifier.listen("t")
    waiter = asyncio.create_task(notifier.wait(event, 5))
    await asyncio.sleep(0.01)
    notifier.close()
    assert await asyncio.wait_for(waiter, 1) is False


async def test_long_poll_rechecks_without_notifications() -> None:
    notifier = Notifier()
    values = iter([[], [], [1]])

    async def fetch() -> list[int]:
        return next(values)

    assert await long_poll(notifier, "t", fetch, bool, wait_seconds=2, recheck_seconds=0.01) == [1]


async def test_locks_serialise_per_conversation_and_are_dropped_when_free() -> None:
    locks = InProcessConversationLocks()
    conv, other = uuid.uuid4(), uuid.uuid4()
    order: list[str] = []

    async def work(key: uuid.UUID, name: str) -> None:
        async with locks.hold(key):
            order.append(f"{name}-start")
            await asyncio.sleep(0.02)
            order.append(f"{name}-end")

    await asyncio.gather(work(conv, "a"), work(conv, "b"), work(other, "c"))
    assert order.index("a-end") < order.index("b-start")
    assert order.index("c-start") < order.index("a-end")
    assert len(locks) == 0
