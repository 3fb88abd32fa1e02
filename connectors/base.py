"""The small interface every channel adapter implements.

A channel adapter knows its provider's wire format and nothing about triage:

- :meth:`Channel.parse` turns a raw request body into an :class:`InboundMessage` (or raises
  :class:`InboundError` with a stable error code and HTTP status);
- :meth:`Channel.deliver` sends replies to the patient. Pull channels (the web chat, whose
  page fetches new messages itself) deliver by storing; push channels (SMS, Telegram) call
  their provider with an injected ``httpx.AsyncClient``.

SMS and Telegram adapters will also map their sender (phone number, chat id) to a
conversation: they set :attr:`InboundMessage.sender` and leave ``conversation_id`` empty.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from symcheck.clinical.interview.protocol import Button


class InboundError(ValueError):
    """A request the channel cannot turn into a message.

    Attributes:
        code: stable machine-readable code (``invalid_json``, ``invalid_encoding``...).
        message: a clear explanation for the API client (never echoes the input).
        status: the HTTP status to answer with.
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class InboundMessage:
    """A patient message as the channel received it.

    Attributes:
        channel: the channel name (``web``, ``sms``, ``telegram``).
        text: the message text as sent (not yet validated or capped).
        conversation_id: the conversation the client names (web); ``None`` to start one.
        sender: the provider's user id (phone number, chat id) for channels that have one.
        provider_message_id: the provider's id of this message, used to drop retries.
    """

    channel: str
    text: str
    conversation_id: uuid.UUID | None = None
    sender: str | None = None
    provider_message_id: str | None = None


@dataclass(frozen=True)
class OutboundMessage:
    """A stored reply (bot, clinician or system) on its way to the patient."""

    conversation_id: uuid.UUID
    seq: int
    author: str
    text: str
    buttons: tuple[Button, ...] = ()


class Channel(ABC):
    """A way patients reach the clinic."""

    name: ClassVar[str]
    #: True when clients fetch stored messages themselves (no provider call to deliver).
    pull_delivery: ClassVar[bool] = False

    @abstractmethod
    def parse(self, body: bytes, headers: Mapping[str, str]) -> InboundMessage:
        """Turn a raw request into a message, or raise :class:`InboundError`."""

    async def deliver(self, recipient: str | None, messages: Sequence[OutboundMessage]) -> None:
        """Send ``messages`` to the patient; pull channels have nothing to do."""
        if not self.pull_delivery:
            raise NotImplementedError(f"{self.name} must implement deliver()")


class ChannelRegistry:
    """The channels the gateway serves, by name."""

    def __init__(self, channels: Iterable[Channel]) -> None:
        self._channels = {c.name: c for c in channels}

    def get(self, name: str) -> Channel:
        try:
            return self._channels[name]
        except KeyError:
            raise KeyError(f"no channel named {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._channels

    def names(self) -> list[str]:
        return sorted(self._channels)
