"""The gateway application factory.

``create_app(settings)`` returns a FastAPI app whose lifespan builds everything (database
engine, cipher, Rasa client, red-flag rules): nothing happens at import or at
``create_app`` time that touches the network, the disk's data or the database.

Tests inject a fake Rasa with ``rasa_transport=httpx.MockTransport(...)``, a preloaded
``safety`` runtime and cheap password hashing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import httpx
from argon2 import PasswordHasher
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from connectors.base import Channel, ChannelRegistry
from connectors.web import WebChannel
from symcheck.clinical_runtime import SafetyRuntime, load_safety_runtime
from symcheck.crypto import Cipher
from symcheck.gateway import errors
from symcheck.gateway.container import Gateway
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.database import Database
from symcheck.gateway.deps import LoginRequired
from symcheck.gateway.events import Notifier
from symcheck.gateway.locks import ConversationLocks, InProcessConversationLocks
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.rasa import RasaClient
from symcheck.gateway.routes import (
    cases_api,
    chat_page,
    conversations,
    dashboard_auth,
    dashboard_pages,
    health,
    web_messages,
)
from symcheck.gateway.security import RequestLogMiddleware, SecurityHeadersMiddleware
from symcheck.gateway.services.auth import AuthService, LoginRateLimiter
from symcheck.gateway.services.cases import CaseService
from symcheck.gateway.services.pipeline import MessagePipeline
from symcheck.gateway.services.replies import Delivery
from symcheck.settings import Settings
from symcheck.storage.db import build_engine, session_factory
from symcheck.storage.repositories import Store

log = logging.getLogger("symcheck.gateway")

HERE = Path(__file__).resolve().parent


def create_app(
    settings: Settings,
    *,
    rasa_transport: httpx.AsyncBaseTransport | None = None,
    safety: SafetyRuntime | None = None,
    password_hasher: PasswordHasher | None = None,
    locks: ConversationLocks | None = None,
    channels: list[Channel] | None = None,
    options: GatewayOptions | None = None,
) -> FastAPI:
    """Build the gateway app (see the module docstring for the injectable parts)."""
    opts = options or GatewayOptions()
    templates = Jinja2Templates(directory=HERE / "templates")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cipher = Cipher(settings.require("encryption_keys"))
        engine = build_engine(settings.database_url)
        store = Store(session_factory(engine), cipher, password_hasher)
        db = Database(store)
        if safety is not None:
            runtime = safety
        else:
            runtime = await anyio.to_thread.run_sync(
                load_safety_runtime, settings.kb_dir, settings.rules_dir
            )
        token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
        rasa = RasaClient(
            settings.rasa_url, token, settings.rasa_timeout_seconds, transport=rasa_transport
        )
        notifier = Notifier()
        registry = ChannelRegistry(channels or [WebChannel()])
        delivery = Delivery(db, registry)
        copy = PatientCopy(settings.emergency_number, settings.clinic_name)
        conversation_locks: ConversationLocks = locks or InProcessConversationLocks()
        app.state.gateway = Gateway(
            settings=settings,
            options=opts,
            db=db,
            notifier=notifier,
            channels=registry,
            pipeline=MessagePipeline(
                db=db,
                rasa=rasa,
                safety=runtime,
                locks=conversation_locks,
                notifier=notifier,
                delivery=delivery,
                copy=copy,
                max_message_chars=settings.max_message_chars,
            ),
            cases=CaseService(
                db=db,
                rasa=rasa,
                locks=conversation_locks,
                notifier=notifier,
                delivery=delivery,
                copy=copy,
            ),
            auth=AuthService(
                db,
                LoginRateLimiter(
                    per_email=opts.login_failures_per_email,
                    per_ip=opts.login_failures_per_ip,
                    window_seconds=opts.login_window_seconds,
                ),
                opts.session_ttl,
            ),
            copy=copy,
            templates=templates,
        )
        log.info(
            "gateway ready (rules=%d, channels=%s)", len(runtime.rules), ",".join(registry.names())
        )
        try:
            yield
        finally:
            notifier.close()
            await rasa.aclose()
            engine.dispose()
            log.info("gateway stopped")

    app = FastAPI(
        title="symcheck gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    errors.install(app)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/dashboard/login", status_code=303)

    for module in (
        health,
        chat_page,
        web_messages,
        conversations,
        dashboard_auth,
        dashboard_pages,
        cases_api,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    if settings.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware, chat_frame_origins=settings.origins)
    patient_copy = PatientCopy(settings.emergency_number, settings.clinic_name)
    app.add_middleware(RequestLogMiddleware, patient_error_message=patient_copy.unavailable)
    return app
