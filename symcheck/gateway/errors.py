"""The gateway's error tree and its JSON shape: ``{"error": {"code", "message"}}``.

Routes raise :class:`ApiError` subclasses; handlers installed by :func:`install` turn them
(and FastAPI's validation errors and HTTP exceptions) into JSON. Messages never echo input.

The web chat shows the message of a patient-API error to the patient, so on patient paths
(:func:`is_patient_path`) every error message ends with the emergency advice.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from connectors.base import InboundError
from symcheck.gateway.copy import PatientCopy

log = logging.getLogger("symcheck.gateway.errors")


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class NotFound(ApiError):
    status = 404
    code = "not_found"


class UnknownConversationError(NotFound):
    code = "unknown_conversation"


class NotAuthenticated(ApiError):
    status = 401
    code = "not_authenticated"


class CsrfFailed(ApiError):
    status = 403
    code = "csrf_failed"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class Unavailable(ApiError):
    status = 503
    code = "unavailable"


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


PATIENT_API_PREFIX = "/api/web/"


def is_patient_path(path: str) -> bool:
    """Whether a patient may read the answer to this path (the chat page and its API)."""
    return path == "/" or path.startswith(PATIENT_API_PREFIX)


def _message_for(request: Request, message: str) -> str:
    if not is_patient_path(request.url.path):
        return message
    gateway = getattr(request.app.state, "gateway", None)
    copy: PatientCopy | None = getattr(gateway, "copy", None)
    return copy.with_safe_advice(message) if copy is not None else message


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, _message_for(request, exc.message)), status_code=exc.status
        )

    @app.exception_handler(InboundError)
    async def _inbound_error(request: Request, exc: InboundError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, _message_for(request, exc.message)), status_code=exc.status
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "problem": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        return JSONResponse(
            error_body(
                "invalid_request",
                _message_for(request, "the request is not valid"),
                details=details,
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return JSONResponse(
            error_body(code, _message_for(request, message)),
            status_code=exc.status_code,
            headers=exc.headers,
        )
