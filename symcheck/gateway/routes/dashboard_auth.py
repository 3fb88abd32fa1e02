"""Dashboard sign-in and sign-out (``/dashboard/login``, ``/dashboard/logout``).

The login form is protected against login CSRF with a double-submit token (a cookie and a
hidden field); the session cookie is HttpOnly, SameSite=Strict, scoped to ``/dashboard``
and Secure when ``settings.secure_cookies``.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from symcheck.gateway.deps import (
    DASHBOARD_PATH,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ClientIP,
    CsrfPageLogin,
    GatewayDep,
    optional_login,
)
from symcheck.gateway.services.auth import LoginFailed, TooManyAttempts

router = APIRouter(prefix=DASHBOARD_PATH, tags=["dashboard"])

LOGIN_PATH = f"{DASHBOARD_PATH}/login"


def _login_page(
    request: Request,
    gateway: GatewayDep,
    *,
    error: str | None = None,
    status: int = 200,
    email: str = "",
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = gateway.templates.TemplateResponse(
        request,
        "login.html",
        {
            "csrf_token": token,
            "error": error,
            "email": email,
            "clinic_name": gateway.settings.clinic_name,
        },
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path=LOGIN_PATH,
        httponly=True,
        samesite="strict",
        secure=gateway.settings.secure_cookies,
    )
    return response


@router.get("/login", response_class=HTMLResponse, response_model=None)
async def login_form(request: Request, gateway: GatewayDep) -> Response:
    if await optional_login(request, gateway) is not None:
        return RedirectResponse(DASHBOARD_PATH, status_code=303)
    return _login_page(request, gateway)


@router.post("/login", response_model=None)
async def login(
    request: Request,
    gateway: GatewayDep,
    ip: ClientIP,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_page(
            request,
            gateway,
            status=403,
            email=email,
            error="Your sign-in form expired. Please try again.",
        )
    try:
        token, _ = await gateway.auth.login(email, password, ip)
    except TooManyAttempts as exc:
        minutes = max(1, exc.retry_after // 60)
        response = _login_page(
            request,
            gateway,
            status=429,
            email=email,
            error=f"Too many failed attempts. Try again in {minutes} minutes.",
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except LoginFailed:
        return _login_page(
            request, gateway, status=401, email=email, error="Wrong email or password."
        )
    redirect = RedirectResponse(DASHBOARD_PATH, status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(gateway.auth.ttl.total_seconds()),
        path=DASHBOARD_PATH,
        httponly=True,
        samesite="strict",
        secure=gateway.settings.secure_cookies,
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return redirect


@router.post("/logout")
async def logout(
    request: Request, gateway: GatewayDep, login: CsrfPageLogin, ip: ClientIP
) -> Response:
    await gateway.auth.logout(request.cookies.get(SESSION_COOKIE, ""), login, ip)
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path=DASHBOARD_PATH,
        httponly=True,
        samesite="strict",
        secure=gateway.settings.secure_cookies,
    )
    return response
