"""Security headers on every response, and the request log (ids, never bodies)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from symcheck.gateway.errors import PATIENT_API_PREFIX, is_patient_path
from symcheck.gateway.logsafe import describe

log = logging.getLogger("symcheck.gateway.http")

INTERNAL_ERROR_MESSAGE = "something went wrong; please try again"
# Public, patient-independent files outside /static/ that may be cached (the chat widget).
PUBLIC_ASSET_PATHS = frozenset({"/widget.js"})


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
        is_static = path.startswith("/static/") or path in PUBLIC_ASSET_PATHS

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


ORIGIN_NOT_ALLOWED_MESSAGE = "This website is not allowed to use the symptom checker chat"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case without the default port, or ``None`` when
    ``value`` is not an http(s) origin (``null``, ``*``, a path, credentials...). A trailing
    ``/`` is tolerated, as admins often write one."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if (
        parts.scheme not in _DEFAULT_PORTS
        or not host
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
        or parts.password is not None
    ):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme}://{netloc}"


def allowed_origins(configured: Iterable[str]) -> list[str]:
    """The configured origins (``SYMCHECK_ALLOWED_ORIGINS``), normalized; entries that are not
    origins (``*`` included: health data is never open to every site) are logged and ignored."""
    origins: list[str] = []
    for value in configured:
        origin = normalize_origin(value)
        if origin is None:
            log.warning("ignoring %r in SYMCHECK_ALLOWED_ORIGINS: not an origin", value)
        elif origin not in origins:
            origins.append(origin)
    return origins


class PatientOriginMiddleware:
    """Refuses browser calls to the patient API (``/api/web/``) from other websites.

    A browser names the calling page's site in ``Origin``. Allowed: no ``Origin`` (not a
    browser page, or a same-origin GET), the gateway's own origin (``Sec-Fetch-Site:
    same-origin``, the ``Host`` header, or ``public_url``), and ``allowed_origins``. Any other
    origin - ``null`` included - gets 403 with ``refusal_message`` (safe advice), preflights too,
    so a foreign page cannot drive a conversation (not even with a "simple" request whose
    answer it cannot read). CORS headers for the allowed origins come from Starlette's
    ``CORSMiddleware`` inside this one; the widget script itself (``/widget.js``) is public.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_origins: Iterable[str],
        refusal_message: str,
        public_url: str | None = None,
    ) -> None:
        self.app = app
        self._allowed = frozenset(allowed_origins)
        self._public = normalize_origin(public_url) if public_url else None
        self._body = json.dumps(
            {"error": {"code": "origin_not_allowed", "message": refusal_message}}
        ).encode()

    def allows(self, origin: str, headers: Headers) -> bool:
        if headers.get("sec-fetch-site") == "same-origin":  # set by browsers, never by pages
            return True
        normalized = normalize_origin(origin)
        if normalized is None:
            return False
        if normalized in self._allowed or normalized == self._public:
            return True
        host = headers.get("host")
        scheme = normalized.split(":", 1)[0]
        return host is not None and normalize_origin(f"{scheme}://{host}") == normalized

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PATIENT_API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or self.allows(origin, headers):
            await self.app(scope, receive, send)
            return
        log.warning("refused a patient API call from origin %r (not allowed)", origin[:200])
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(self._body)).encode()),
                    (b"vary", b"Origin"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": self._body})
