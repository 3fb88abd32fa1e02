"""Dashboard logins: argon2id passwords, hashed session tokens, CSRF tokens, rate limits."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from symcheck.gateway.database import Database
from symcheck.storage.repositories import (
    AuditAction,
    ClinicianRecord,
    SessionRecord,
    UnitOfWork,
    normalise_email,
)

log = logging.getLogger("symcheck.gateway.auth")

SESSION_TTL = timedelta(hours=8)


class LoginFailed(Exception):
    """Wrong email or password (deliberately not saying which)."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Login:
    """A signed-in clinician and their session."""

    clinician: ClinicianRecord
    session: SessionRecord


class LoginRateLimiter:
    """Failed attempts per email and per IP in a sliding window (per process).

    Modest on purpose: a clinician who mistypes a few times is not locked out for long,
    but password guessing is slowed to a crawl.
    """

    def __init__(
        self,
        *,
        per_email: int = 5,
        per_ip: int = 20,
        window_seconds: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_email = per_email
        self.per_ip = per_ip
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def check(self, email: str, ip: str) -> None:
        """Raise :class:`TooManyAttempts` when either key is over its limit."""
        now = self._clock()
        for key, limit in ((f"email:{email}", self.per_email), (f"ip:{ip}", self.per_ip)):
            hits = self._prune(key, now)
            if len(hits) >= limit:
                raise TooManyAttempts(int(hits[0] + self.window - now) + 1)

    def failed(self, email: str, ip: str) -> None:
        now = self._clock()
        for key in (f"email:{email}", f"ip:{ip}"):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, email: str) -> None:
        self._failures.pop(f"email:{email}", None)

    def _prune(self, key: str, now: float) -> deque[float]:
        hits = self._failures.get(key)
        if hits is None:
            return deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._failures[key]  # forget quiet keys
        return hits


class AuthService:
    def __init__(
        self, db: Database, limiter: LoginRateLimiter, ttl: timedelta = SESSION_TTL
    ) -> None:
        self._db = db
        self._limiter = limiter
        self.ttl = ttl

    async def login(self, email: str, password: str, client_ip: str) -> tuple[str, Login]:
        """Check the credentials; returns the cookie token and the login.

        Raises:
            TooManyAttempts: too many recent failures for this email or address.
            LoginFailed: unknown email, wrong password or inactive account.
        """
        email = normalise_email(email)
        self._limiter.check(email, client_ip)

        def work(uow: UnitOfWork) -> tuple[str, Login] | None:
            clinician = uow.clinicians.authenticate(email, password)
            if clinician is None:
                uow.audit.record(AuditAction.LOGIN_FAILED, client_ip=client_ip)
                return None
            uow.sessions.delete_expired()
            token, session = uow.sessions.create(clinician.id, self.ttl)
            uow.audit.record(AuditAction.LOGIN, clinician_id=clinician.id, client_ip=client_ip)
            return token, Login(clinician, session)

        result = await self._db.run(work)
        if result is None:
            self._limiter.failed(email, client_ip)
            log.info("login failed")
            raise LoginFailed
        self._limiter.succeeded(email)
        log.info("login clinician=%s", result[1].clinician.id)
        return result

    async def current(self, token: str | None) -> Login | None:
        """The login for a session cookie, if valid and the clinician is still active."""
        if not token:
            return None

        def work(uow: UnitOfWork) -> Login | None:
            session = uow.sessions.get_valid(token)
            if session is None:
                return None
            clinician = uow.clinicians.get(session.clinician_id)
            if clinician is None or not clinician.is_active:
                return None
            return Login(clinician, session)

        return await self._db.run(work)

    async def logout(self, token: str, login: Login, client_ip: str | None) -> None:
        def work(uow: UnitOfWork) -> None:
            uow.sessions.delete(token)
            uow.audit.record(
                AuditAction.LOGOUT, clinician_id=login.clinician.id, client_ip=client_ip
            )

        await self._db.run(work)
        log.info("logout clinician=%s", login.clinician.id)
