"""Security headers on every response, and the request log (ids, never bodies)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from symcheck.gateway.errors import is_patient_path
from symcheck.gateway.logsafe import describe

log = logging.getLogger("symcheck.gateway.http")

INTERNAL_ERROR_MESSAGE = "something went wrong; please try again"


def _error_body(message: str) -> bytes:
    return json.dumps({"error": {"code": "internal_error", "message": message}}).encode()


async def _internal_error(send: Send, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds CSP (no inline scripts), nosniff, referrer policy and framing rules.

    The dashboard and APIs can never be framed; the patient chat page may be embedded by the
    clinic's own sites (``SYMCHECK_ALLOWED_ORIGINS``). Health data is never cached.
    """

    def __init__(self, app: ASGIApp, *, chat_frame_origins: Iterable[str] = ()) -> None:
        self.app = app
        chat_ancestors = " ".join(["'self'", *chat_frame_origins])
        self._strict_csp = content_security_policy("'none'")
        self._chat_csp = content_security_policy(chat_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_chat_page = path == "/"
        is_static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = (
                    self._chat_csp if is_chat_page else self._strict_csp
                )
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                if not is_chat_page:
                    headers["X-Frame-Options"] = "DENY"
                if not is_static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLogMiddleware:
    """One line per request: method, route template, status, duration. No query, no body.

    Also the last line of defence: an unhandled exception is logged by type and place only
    (its text could quote patient input) and answered with a generic JSON 500, so it never
    reaches the server's own traceback logging. On patient paths the 500 carries
    ``patient_error_message`` (safe advice with the emergency number) instead.
    """

    def __init__(self, app: ASGIApp, *, patient_error_message: str | None = None) -> None:
        self.app = app
        self._generic_body = _error_body(INTERNAL_ERROR_MESSAGE)
        self._patient_body = _error_body(patient_error_message or INTERNAL_ERROR_MESSAGE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = False

        async def capture_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await capture(message)

        try:
            await self.app(scope, receive, capture_start)
        except Exception as exc:
            status = 500
            log.error("unhandled error: %s", describe(exc))
            if not started:
                patient = is_patient_path(scope["path"])
                await _internal_error(send, self._patient_body if patient else self._generic_body)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "<unmatched>"
            log.info(
                "%s %s %d %.0fms",
                scope["method"],
                path,
                status,
                (time.perf_counter() - start) * 1000,
            )
