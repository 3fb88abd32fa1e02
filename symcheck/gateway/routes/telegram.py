"""``POST /webhooks/telegram/updates``: Telegram's webhook (one ``Update`` per request).

Mounted only when ``SYMCHECK_TELEGRAM_BOT_TOKEN`` is set and the mode is ``webhook`` (404
otherwise). The request must carry ``X-Telegram-Bot-Api-Secret-Token`` equal to
``SYMCHECK_TELEGRAM_WEBHOOK_SECRET`` (compared in constant time): otherwise 403, logged with
a request id and the reason only (never the body, the chat or the header). A patient message
is stored (encrypted, de-duplicated on the update) and committed, then acknowledged at once
with an empty 200; the inbound worker processes it and the outbox sends the replies. Updates
the gateway does not act on are acknowledged too (so Telegram does not retry them). If a
message cannot even be stored (database down), the 200 carries a ``sendMessage`` for Telegram
to perform with the safe advice ("If this is an emergency, call N"), as the Bot API allows.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from connectors.base import InboundError, WebhookRejected
from connectors.telegram import MAX_WEBHOOK_BYTES
from symcheck.gateway.deps import GatewayDep
from symcheck.gateway.logsafe import describe
from symcheck.gateway.routes.web_messages import read_body
from symcheck.gateway.services.telegram import TelegramIntake

log = logging.getLogger("symcheck.gateway.telegram")

router = APIRouter(prefix="/webhooks/telegram", tags=["telegram"])


@router.post("/updates")
async def telegram_update(request: Request, gateway: GatewayDep) -> Response:
    ref = secrets.token_hex(6)
    intake: TelegramIntake = request.app.state.telegram
    try:
        body = await read_body(request, MAX_WEBHOOK_BYTES)
    except InboundError:
        log.warning("telegram webhook refused request_id=%s reason=too_large", ref)
        return Response(status_code=413)
    try:
        intake.channel.verify(str(request.url), body, request.headers)
    except WebhookRejected as exc:
        log.warning("telegram webhook refused request_id=%s reason=%s", ref, exc.reason)
        return Response(status_code=403)
    try:
        event = intake.channel.read(body)
    except InboundError as exc:
        log.warning("telegram webhook unreadable request_id=%s code=%s", ref, exc.code)
        return Response(status_code=400)
    try:
        handled = await intake.handle(event)
    except Exception as exc:
        log.error("telegram update not stored request_id=%s: %s", ref, describe(exc))
        fallback = intake.fallback_for(event)
        if fallback is None:
            return Response(status_code=503)  # nothing to tell a patient: Telegram retries
        chat_id, text = fallback
        return JSONResponse({"method": "sendMessage", "chat_id": int(chat_id), "text": text})
    if handled.ignored:
        log.debug("telegram update ignored request_id=%s reason=%s", ref, handled.ignored)
    return Response(status_code=200)
