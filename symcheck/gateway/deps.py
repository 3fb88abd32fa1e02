"""FastAPI dependencies as named aliases: the gateway, the signed-in clinician, CSRF."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from symcheck.gateway.container import Gateway
from symcheck.gateway.errors import CsrfFailed, NotAuthenticated
from symcheck.gateway.services.auth import Login
from symcheck.gateway.services.cases import Actor

SESSION_COOKIE = "symcheck_session"
LOGIN_CSRF_COOKIE = "symcheck_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
DASHBOARD_PATH = "/dashboard"


class LoginRequired(Exception):
    """A dashboard page was requested without a valid session: redirect to the login page."""


def get_gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ClientIP = Annotated[str, Depends(client_ip)]


async def optional_login(request: Request, gateway: GatewayDep) -> Login | None:
    return await gateway.auth.current(request.cookies.get(SESSION_COOKIE))


async def api_login(login: Annotated[Login | None, Depends(optional_login)]) -> Login:
    if login is None:
        raise NotAuthenticated("sign in to the dashboard first")
    return login


async def page_login(login: Annotated[Login | None, Depends(optional_login)]) -> Login:
    if login is None:
        raise LoginRequired
    return login


ApiLogin = Annotated[Login, Depends(api_login)]
PageLogin = Annotated[Login, Depends(page_login)]


async def _submitted_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def csrf_api_login(request: Request, login: ApiLogin) -> Login:
    """A signed-in clinician whose request carries the session's CSRF token (403 if not)."""
    if not hmac.compare_digest(
        (await _submitted_csrf(request)).encode(), login.session.csrf_token.encode()
    ):
        raise CsrfFailed("missing or wrong CSRF token")
    return login


async def csrf_page_login(request: Request, login: PageLogin) -> Login:
    if not hmac.compare_digest(
        (await _submitted_csrf(request)).encode(), login.session.csrf_token.encode()
    ):
        raise CsrfFailed("missing or wrong CSRF token")
    return login


CsrfApiLogin = Annotated[Login, Depends(csrf_api_login)]
CsrfPageLogin = Annotated[Login, Depends(csrf_page_login)]


def actor(login: Login, ip: str) -> Actor:
    return Actor(login.clinician, ip)
