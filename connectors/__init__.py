"""Channel adapters: how patient messages enter the gateway and replies leave it.

Each channel (web, SMS through Twilio; Telegram next) implements :class:`Channel`: it
verifies and parses webhooks into :class:`InboundMessage` objects, renders replies into
:class:`OutboundPart` objects and sends them. The gateway's message pipeline, its durable
outbox and its workers are the same for every channel (see ``connectors/base.py``).
"""

from connectors.base import (
    AttachmentRef,
    AttachmentRejected,
    Channel,
    ChannelRegistry,
    ControlKeyword,
    DeliveryError,
    FetchedAttachment,
    InboundError,
    InboundMessage,
    OutboundMessage,
    OutboundPart,
    WebhookRejected,
)
from connectors.web import WebChannel

__all__ = [
    "AttachmentRef",
    "AttachmentRejected",
    "Channel",
    "ChannelRegistry",
    "ControlKeyword",
    "DeliveryError",
    "FetchedAttachment",
    "InboundError",
    "InboundMessage",
    "OutboundMessage",
    "OutboundPart",
    "WebChannel",
    "WebhookRejected",
]
