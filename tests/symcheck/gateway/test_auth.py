from __future__ import annotations

import pytest

from symcheck.gateway.services.auth import LoginRateLimiter, TooManyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_window_slides() -> None:
    clock = Clock()
    limiter = LoginRateLimiter(per_email=2, per_ip=10, window_seconds=60, clock=clock)
    limiter.failed("a@x", "1.1.1.1")
    limiter.failed("a@x", "1.1.1.1")
    with pytest.raises(TooManyAttempts) as info:
        limiter.check("a@x", "1.1.1.1")
    assert 0 < info.value.retry_after <= 61
    limiter.check("b@x", "1.1.1.1")  # other emails are fine
    clock.now += 61
    limiter.check("a@x", "1.1.1.1")


def test_success_clears_the_email_counter() -> None:
    limiter = LoginRateLimiter(per_email=2, per_ip=10)
    limiter.failed("a@x", "ip")
    limiter.succeeded("a@x")
    limiter.failed("a@x", "ip")
    limiter.check("a@x", "ip")
