"""Channel adapters: how patient messages enter the gateway and replies leave it.

Each channel (web now; SMS and Telegram later) implements :class:`Channel`: it turns a raw
request into an :class:`InboundMessage` and delivers :class:`OutboundMessage` objects. The
gateway's message pipeline is the same for every channel.
"""

from connectors.base import (
    Channel,
    ChannelRegistry,
    InboundError,
    InboundMessage,
    OutboundMessage,
)
from connectors.web import WebChannel

__all__ = [
    "Channel",
    "ChannelRegistry",
    "InboundError",
    "InboundMessage",
    "OutboundMessage",
    "WebChannel",
]
