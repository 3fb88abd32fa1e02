"""An inbound SMS/MMS webhook (Twilio's form POST) as an :class:`InboundMessage`.

Fields used: ``MessageSid`` (de-duplication), ``AccountSid`` (must be ours), ``From`` (the
patient; never logged), ``Body``, ``NumMedia`` and ``MediaUrl<N>`` / ``MediaContentType<N>``.
"""

from __future__ import annotations

import re

from connectors.base import AttachmentRef, InboundError, InboundMessage
from connectors.twilio_sms._signature import FormParams

CHANNEL = "sms"
MAX_MEDIA = 10  # Twilio's limit per message
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
_SENDER = re.compile(r"^\+?[0-9A-Za-z]{2,20}$")  # E.164, a short code or an alphanumeric id


def parse_webhook(params: FormParams) -> InboundMessage:
    """The message, or :class:`InboundError` (400) naming what is wrong (never the values)."""
    sid = params.get("MessageSid") or params.get("SmsMessageSid") or params.get("SmsSid") or ""
    if not _SID.match(sid):
        raise InboundError("invalid_request", "MessageSid is missing or malformed")
    sender = (params.get("From") or "").strip()
    if not _SENDER.match(sender):
        raise InboundError("invalid_request", "From is missing or not a phone number")
    body = params.get("Body") or ""
    return InboundMessage(
        channel=CHANNEL,
        text=body,
        sender=sender,
        provider_message_id=sid,
        attachments=_media(params),
    )


def _media(params: FormParams) -> tuple[AttachmentRef, ...]:
    raw = params.get("NumMedia") or "0"
    count = int(raw) if raw.isdigit() else 0
    refs = []
    for index in range(min(count, MAX_MEDIA)):
        url = params.get(f"MediaUrl{index}")
        if url:
            refs.append(AttachmentRef(url=url, content_type=params.get(f"MediaContentType{index}")))
    return tuple(refs)
