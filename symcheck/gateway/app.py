"""The gateway application factory.

``create_app(settings)`` returns a FastAPI app whose lifespan builds everything (database
engine, cipher, Rasa client, red-flag rules): nothing happens at import or at
``create_app`` time that touches the network, the disk's data or the database.

Tests inject a fake Rasa with ``rasa_transport=httpx.MockTransport(...)``, a fake Twilio
with ``twilio_transport``, a fake Telegram Bot API with ``telegram_transport``, a preloaded
``safety`` runtime and cheap password hashing.

Channels: the web chat always; SMS when ``SYMCHECK_TWILIO_*`` are all set (its webhook route
is not even mounted otherwise); Telegram when ``SYMCHECK_TELEGRAM_BOT_TOKEN`` is set (its
webhook route only in webhook mode; in polling mode the lifespan runs the poller). The
lifespan also starts the inbound worker (processes push-channel messages after their
acknowledgement, and recovers messages a crash left unprocessed) and the outbox worker
(sends push-channel replies).
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
from connectors.telegram import TelegramChannel, TelegramConfig
from connectors.twilio_sms import TwilioConfig, TwilioSmsChannel
from connectors.web import WebChannel
from symcheck.clinical_runtime import SafetyRuntime, load_safety_runtime
from symcheck.crypto import Cipher
from symcheck.gateway import errors
from symcheck.gateway.container import Gateway
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.database import Database
from symcheck.gateway.deps import LoginRequired
from symcheck.gateway.events import Notifier
from symcheck.gateway.identity import ChannelIdentity
from symcheck.gateway.locks import ConversationLocks, InProcessConversationLocks
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.rasa import RasaClient
from symcheck.gateway.routes import (
    attachments,
    cases_api,
    chat_page,
    conversations,
    dashboard_auth,
    dashboard_pages,
    health,
    telegram,
    twilio_sms,
    web_messages,
    widget,
)
from symcheck.gateway.security import (
    ORIGIN_NOT_ALLOWED_MESSAGE,
    PatientOriginMiddleware,
    RequestLogMiddleware,
    SecurityHeadersMiddleware,
    allowed_origins,
)
from symcheck.gateway.services.auth import AuthService, LoginRateLimiter
from symcheck.gateway.services.cases import CaseService
from symcheck.gateway.services.inbound import InboundWorker
from symcheck.gateway.services.outbox import OutboxWorker
from symcheck.gateway.services.pipeline import MessagePipeline
from symcheck.gateway.services.replies import Delivery
from symcheck.gateway.services.telegram import TelegramIntake, TelegramPoller
from symcheck.settings import Settings, TelegramMode
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
    twilio_transport: httpx.AsyncBaseTransport | None = None,
    telegram_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the gateway app (see the module docstring for the injectable parts)."""
    opts = options or GatewayOptions()
    templates = Jinja2Templates(directory=HERE / "templates")
    sms_enabled = settings.sms_enabled or any(c.name == "sms" for c in channels or ())
    telegram_enabled = settings.telegram_enabled or any(
        c.name == "telegram" for c in channels or ()
    )
    telegram_polling = settings.telegram_mode is TelegramMode.POLLING

    def build_channels() -> list[Channel]:
        if channels is not None:
            return list(channels)
        built: list[Channel] = [WebChannel()]
        if settings.sms_enabled:
            built.append(TwilioSmsChannel(twilio_config(settings), transport=twilio_transport))
        if settings.telegram_enabled:
            built.append(TelegramChannel(telegram_config(settings), transport=telegram_transport))
        return built

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
        registry = ChannelRegistry(build_channels())
        delivery = Delivery(registry)
        copy = PatientCopy(settings.emergency_number, settings.clinic_name)
        conversation_locks: ConversationLocks = locks or InProcessConversationLocks()
        pipeline = MessagePipeline(
            db=db,
            rasa=rasa,
            safety=runtime,
            locks=conversation_locks,
            notifier=notifier,
            delivery=delivery,
            copy=copy,
            max_message_chars=settings.max_message_chars,
            channels=registry,
            identity=ChannelIdentity(settings.encryption_key_list),
            options=opts,
        )
        inbound = InboundWorker(db, pipeline, opts)
        outbox = OutboxWorker(db, registry, notifier, opts)
        delivery.on_enqueue(outbox.wake)
        app.state.gateway = Gateway(
            settings=settings,
            options=opts,
            db=db,
            notifier=notifier,
            channels=registry,
            pipeline=pipeline,
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
            delivery=delivery,
            inbound=inbound,
            outbox=outbox,
        )
        intake: TelegramIntake | None = None
        poller: TelegramPoller | None = None
        if "telegram" in registry:
            channel = registry.get("telegram")
            assert isinstance(channel, TelegramChannel)
            intake = TelegramIntake(channel, pipeline, inbound, copy)
            if telegram_polling:
                poller = TelegramPoller(intake, opts)
        app.state.telegram = intake
        app.state.telegram_poller = poller
        if opts.run_workers:
            inbound.start()
            outbox.start()
            if poller is not None:
                poller.start()
        log.info(
            "gateway ready (rules=%d, channels=%s)", len(runtime.rules), ",".join(registry.names())
        )
        try:
            yield
        finally:
            notifier.close()
            if poller is not None:
                await poller.stop()
            if intake is not None:
                await intake.aclose()
            await inbound.stop()
            await outbox.stop()
            await registry.aclose()
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
        widget,
        attachments,
    ):
        app.include_router(module.router)
    if sms_enabled:
        app.include_router(twilio_sms.router)
    if telegram_enabled and not telegram_polling:
        app.include_router(telegram.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    patient_copy = PatientCopy(settings.emergency_number, settings.clinic_name)
    origins = allowed_origins(settings.origins)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(
        PatientOriginMiddleware,
        allowed_origins=origins,
        public_url=settings.public_url,
        refusal_message=patient_copy.with_safe_advice(ORIGIN_NOT_ALLOWED_MESSAGE),
    )
    app.add_middleware(SecurityHeadersMiddleware, chat_frame_origins=settings.origins)
    app.add_middleware(RequestLogMiddleware, patient_error_message=patient_copy.unavailable)
    return app


def twilio_config(settings: Settings) -> TwilioConfig:
    """The SMS channel's configuration from ``SYMCHECK_TWILIO_*`` (all of them set)."""
    return TwilioConfig(
        account_sid=settings.require("twilio_account_sid"),
        auth_token=settings.require("twilio_auth_token"),
        sender=settings.require("twilio_from"),
        api_url=settings.twilio_api_url,
        max_media_bytes=settings.sms_max_media_bytes,
    )


def telegram_config(settings: Settings) -> TelegramConfig:
    """The Telegram channel's configuration from ``SYMCHECK_TELEGRAM_*`` (token set)."""
    secret = settings.telegram_webhook_secret
    return TelegramConfig(
        bot_token=settings.require("telegram_bot_token"),
        # Polling mode accepts no webhook, whatever is configured.
        webhook_secret=(
            secret.get_secret_value()
            if secret is not None and settings.telegram_mode is TelegramMode.WEBHOOK
            else None
        ),
        api_url=settings.telegram_api_url,
        max_media_bytes=settings.telegram_max_media_bytes,
    )
