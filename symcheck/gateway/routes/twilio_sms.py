"""``POST /webhooks/twilio/sms``: Twilio's webhook for inbound SMS and MMS.

Mounted only when ``SYMCHECK_TWILIO_*`` are set (404 otherwise). The request must carry a
valid ``X-Twilio-Signature`` for the public URL (``SYMCHECK_PUBLIC_URL`` + path + query):
otherwise 403, logged with a request id and the reason only (never the body, the number or
the signature). A valid message is stored (encrypted, de-duplicated on ``MessageSid``) and
committed, then acknowledged at once with empty TwiML; the inbound worker processes it and
the outbox sends the replies. If it cannot even be stored (database down), the TwiML answer
carries the safe advice ("If this is an emergency, call N").
"""

from __future__ import annotations

import logging
import re
import secrets
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

from connectors.base import InboundError, WebhookRejected
from connectors.twilio_sms import MAX_WEBHOOK_BYTES
from symcheck.gateway.deps import GatewayDep
from symcheck.gateway.logsafe import describe, ids
from symcheck.gateway.routes.web_messages import read_body

log = logging.getLogger("symcheck.gateway.sms")

router = APIRouter(prefix="/webhooks/twilio", tags=["sms"])

TWIML = "text/xml"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_TOKEN = re.compile(r"[^A-Za-z0-9_-]")


def twiml_message(text: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{escape(text)}</Message></Response>"
    )
    return Response(body, media_type=TWIML)


def public_url(request: Request, configured: str | None) -> str:
    """The URL Twilio called, as it signed it: the public base plus path and query."""
    if not configured:
        return str(request.url)
    query = request.url.query
    return configured.rstrip("/") + request.url.path + (f"?{query}" if query else "")


def request_ref(request: Request) -> str:
    """A reference for the log: ours, plus Twilio's idempotency token when it sent one."""
    ours = secrets.token_hex(6)
    theirs = _TOKEN.sub("", request.headers.get("i-twilio-idempotency-token", ""))[:64]
    return f"{ours} twilio_request={theirs}" if theirs else ours


@router.post("/sms")
async def inbound_sms(request: Request, gateway: GatewayDep) -> Response:
    ref = request_ref(request)
    channel = gateway.channels.get("sms")
    try:
        body = await read_body(request, MAX_WEBHOOK_BYTES)
    except InboundError:
        log.warning("sms webhook refused request_id=%s reason=too_large", ref)
        return Response(status_code=413)
    try:
        channel.verify(public_url(request, gateway.settings.public_url), body, request.headers)
    except WebhookRejected as exc:
        log.warning("sms webhook refused request_id=%s reason=%s", ref, exc.reason)
        return Response(status_code=403)
    try:
        inbound = channel.parse(body, request.headers)
    except InboundError as exc:
        log.warning("sms webhook unreadable request_id=%s code=%s", ref, exc.code)
        return Response(status_code=400)
    try:
        accepted = await gateway.pipeline.accept(inbound)
    except Exception as exc:
        log.error("sms not stored request_id=%s: %s", ref, describe(exc))
        return twiml_message(gateway.copy.unavailable)
    if not accepted.duplicate:
        gateway.inbound.wake()
    log.debug(
        "sms acknowledged request_id=%s %s",
        ref,
        ids(accepted.conversation.id, duplicate=accepted.duplicate),
    )
    return Response(EMPTY_TWIML, media_type=TWIML)
