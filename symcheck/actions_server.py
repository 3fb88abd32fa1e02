"""The Rasa action server app: rasa-sdk's Sanic app behind a bearer token.

:func:`create_action_app` wraps ``rasa_sdk.endpoint.create_app`` with:

- a request middleware that requires ``Authorization: Bearer $SYMCHECK_ACTION_TOKEN``
  (compared in constant time) on every route except ``/health``;
- an error handler that answers ``{"error": "internal error"}`` and logs only the exception
  type (rasa-sdk's own handler echoes the request body, which holds the conversation, into the
  response and Rasa's logs);
- no CORS (only Rasa, on localhost, calls it).

``symcheck serve-actions`` (:mod:`symcheck.cli.serve_actions`) builds the engine, then the app,
and serves it on ``SYMCHECK_ACTION_HOST:SYMCHECK_ACTION_PORT`` (127.0.0.1:5055).
"""

from __future__ import annotations

import hmac
import logging

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, Sanic, response
from sanic.handlers import ErrorHandler
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
OPEN_PATHS = frozenset({"/health"})


class SafeErrorHandler(ErrorHandler):
    """JSON errors that never echo the request; server errors log only the exception type."""

    def default(self, request: Request, exception: BaseException) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if not isinstance(status, int) or status < 400:
            status = 500
        if status >= 500:
            logger.error("action server error on %s: %s", request.path, type(exception).__name__)
            return response.json({"error": "internal error"}, status=status)
        return response.json({"error": "bad request"}, status=status)


def build_executor(package: str = ACTIONS_PACKAGE) -> ActionExecutor:
    """An executor with every action of ``package`` registered."""
    executor = ActionExecutor()
    executor.register_package(package)
    return executor


def bearer_matches(header: str | None, token: str) -> bool:
    """Whether ``header`` is ``Bearer <token>`` (constant-time comparison)."""
    scheme, _, presented = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def create_action_app(token: str, executor: ActionExecutor | None = None) -> Sanic:
    """The action server app; every route but ``/health`` needs the bearer ``token``."""
    if not token:
        raise ValueError("the action server needs a token (SYMCHECK_ACTION_TOKEN)")
    app = create_app(executor or build_executor(), cors_origins="")

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if bearer_matches(request.headers.get("authorization"), token):
            return None
        return response.json(
            {"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"}
        )

    app.register_middleware(require_token, "request", priority=100)
    app.error_handler = SafeErrorHandler()  # replaces rasa-sdk's (it echoes the request)
    return app
