"""Tunables of the gateway that are not deployment settings (tests shorten them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class GatewayOptions:
    #: Longest a long-poll request waits for news before answering empty.
    long_poll_max_seconds: float = 25.0
    #: How often a waiting long poll re-reads the database (changes from other replicas).
    long_poll_recheck_seconds: float = 2.0
    session_ttl: timedelta = timedelta(hours=8)
    login_failures_per_email: int = 5
    login_failures_per_ip: int = 20
    login_window_seconds: float = 900.0
