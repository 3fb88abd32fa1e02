"""Long polling: answer as soon as there is news, or after a while with nothing."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from symcheck.gateway.events import Notifier

T = TypeVar("T")


async def long_poll(
    notifier: Notifier,
    topic: str,
    fetch: Callable[[], Awaitable[T]],
    ready: Callable[[T], bool],
    *,
    wait_seconds: float,
    recheck_seconds: float,
) -> T:
    """``fetch()`` until ``ready(result)`` or ``wait_seconds`` pass; returns the last result.

    Wakes on a notification for ``topic`` and re-reads every ``recheck_seconds`` regardless,
    so changes made by another process are seen too.
    """
    deadline = time.monotonic() + max(wait_seconds, 0.0)
    while True:
        event = notifier.listen(topic)
        result = await fetch()
        remaining = deadline - time.monotonic()
        if ready(result) or remaining <= 0 or notifier.closed:
            return result
        await notifier.wait(event, min(remaining, recheck_seconds))
