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

    #: Start the inbound and outbox workers with the app (tests may drive them by hand).
    run_workers: bool = True

    # Inbound worker: processes push-channel messages after the webhook's acknowledgement,
    # and (at start-up and every poll) any message a crashed process left ``received``.
    inbound_concurrency: int = 4
    inbound_poll_seconds: float = 1.0
    #: A claimed message is held this long, renewed every third of it while processing; a
    #: crashed holder's messages are taken over once it runs out.
    inbound_lease_seconds: float = 15.0
    #: Claims of one message before it is given up (safe advice, marked ``failed``).
    inbound_max_attempts: int = 3

    # Outbox worker: sends push-channel replies in order per conversation.
    outbox_concurrency: int = 4
    outbox_poll_seconds: float = 1.0
    outbox_lease_seconds: float = 60.0
    outbox_max_attempts: int = 8
    outbox_backoff_base_seconds: float = 1.0
    outbox_backoff_cap_seconds: float = 600.0

    # Telegram polling (SYMCHECK_TELEGRAM_MODE=polling): getUpdates long-poll timeout, the
    # pause after a failed call, and the attempts at storing one update before skipping it.
    telegram_poll_timeout_seconds: int = 25
    telegram_poll_retry_seconds: float = 2.0
    telegram_poll_max_attempts: int = 3

    #: How long "YES DELETE" confirms a "DELETE".
    erase_confirm_window: timedelta = timedelta(minutes=15)
    #: Attempts at the erasure confirmation (sent from memory: the data is already gone).
    erase_confirmation_attempts: int = 3
