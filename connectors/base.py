"""The small interface every channel adapter implements.

A channel adapter knows its provider's wire format and nothing about triage. The gateway owns
every stored message and decides what to say; the adapter translates:

- inbound: :meth:`Channel.verify` checks that a webhook really comes from the provider
  (raises :class:`WebhookRejected`), :meth:`Channel.parse` turns the raw body into an
  :class:`InboundMessage` (or raises :class:`InboundError`);
- interpretation: :meth:`Channel.choose` maps a reply to an offered option ("1" -> the first
  button on SMS), :meth:`Channel.pick` maps a button press to an offered option (Telegram's
  callback data), :meth:`Channel.command` maps a channel command to a bot intent (Telegram
  ``/restart``), :meth:`Channel.control_keyword` recognises the commands the gateway answers
  itself (STOP / START / HELP on SMS, ``/help`` on Telegram);
- outbound: :meth:`Channel.render` turns a stored reply into provider messages
  (:class:`OutboundPart`, e.g. SMS parts of at most 320 characters with numbered options),
  which the gateway queues in its durable outbox; the outbox worker hands each part to
  :meth:`Channel.send`, which raises :class:`DeliveryError` saying whether to retry;
- attachments: :meth:`Channel.fetch_attachment` downloads a file the patient sent.

Pull channels (the web chat, whose page fetches new messages itself) implement only
``parse``: their replies are stored and never sent. Push channels (SMS, Telegram) map their
sender (phone number, chat id) to a conversation: they set :attr:`InboundMessage.sender` and
leave ``conversation_id`` empty.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

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


class WebhookRejected(Exception):
    """A webhook that does not prove it comes from the provider (answer 403).

    Attributes:
        reason: a short fixed code for the log (``missing_signature``, ``bad_signature``...);
            never any part of the request.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeliveryError(Exception):
    """The provider did not accept a message.

    Attributes:
        code: the provider's error code or one of ours (``http_503``, ``network``); logged
            and stored, so never message text.
        retryable: a later attempt may succeed (429, 5xx, network); ``False`` for
            permanent errors (invalid number, opted out).
        retry_after: seconds the provider asked us to wait (``Retry-After``), if any.
        opted_out: the recipient has unsubscribed (Twilio 21610, Telegram "blocked").
    """

    def __init__(
        self,
        code: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        opted_out: bool = False,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after
        self.opted_out = opted_out


class AttachmentRejected(Exception):
    """An attachment we will not keep. ``reason``: ``too_large``, ``unsupported_type`` or
    ``unavailable`` (the provider would not give it to us)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ControlKeyword(StrEnum):
    """Channel-level commands the gateway honours before anything else."""

    OPT_OUT = "opt_out"  # SMS STOP: send nothing more
    OPT_IN = "opt_in"  # SMS START: messages again
    HELP = "help"  # SMS HELP, Telegram /help: who we are and the emergency number


@dataclass(frozen=True)
class AttachmentRef:
    """A file the patient sent, as the provider exposes it (fetched after the ack)."""

    url: str
    content_type: str | None = None


@dataclass(frozen=True)
class FetchedAttachment:
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMessage:
    """A patient message as the channel received it.

    Attributes:
        channel: the channel name (``web``, ``sms``, ``telegram``).
        text: the message text as sent (not yet validated or capped).
        conversation_id: the conversation the client names (web); ``None`` to start one.
        sender: the provider's user id (phone number, chat id) for channels that have one.
        provider_message_id: the provider's id of this message, used to drop retries.
        attachments: files sent with the message (MMS photos, Telegram photos).
        choice: a button press (Telegram callback data): a reference the channel resolves
            with :meth:`Channel.pick` against the bot's latest message; ``text`` is unused.
        unsupported: what the patient sent that the channel cannot carry to the bot (an
            edited message, a voice note, a sticker...): the gateway stores ``text`` (a short
            description) for the clinician and answers with a polite notice and the safe
            advice, without asking the bot.
    """

    channel: str
    text: str
    conversation_id: uuid.UUID | None = None
    sender: str | None = None
    provider_message_id: str | None = None
    attachments: tuple[AttachmentRef, ...] = ()
    choice: str | None = None
    unsupported: str | None = None


@dataclass(frozen=True)
class OutboundMessage:
    """A stored reply (bot, clinician or system) on its way to the patient."""

    conversation_id: uuid.UUID
    seq: int
    author: str
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class OutboundPart:
    """One provider message, ready to send (stored encrypted in the outbox).

    Attributes:
        text: what the patient reads.
        extra: channel-specific, JSON-serialisable fields (a Telegram ``reply_markup``...).
    """

    text: str
    extra: Mapping[str, Any] = field(default_factory=dict)


class Channel(ABC):
    """A way patients reach the clinic."""

    name: ClassVar[str]
    #: True when clients fetch stored messages themselves (no provider call to deliver).
    pull_delivery: ClassVar[bool] = False
    #: True when any inbound message proves the patient can be messaged again (Telegram: a
    #: patient who blocked the bot cannot write to it), so it ends an opt-out. False for SMS,
    #: where only START does.
    inbound_opts_in: ClassVar[bool] = False

    def verify(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """Check that a webhook comes from the provider, or raise :class:`WebhookRejected`.

        ``url`` is the public URL the provider called (query string included). Pull channels
        have no provider: the conversation id is the client's credential.
        """
        if not self.pull_delivery:
            raise NotImplementedError(f"{self.name} must implement verify()")

    @abstractmethod
    def parse(self, body: bytes, headers: Mapping[str, str]) -> InboundMessage:
        """Turn a raw request into a message, or raise :class:`InboundError`."""

    def choose(self, text: str, buttons: Sequence[Button]) -> Button | None:
        """The offered option this reply picks (SMS: "2" -> the second button), if any."""
        return None

    def pick(self, reference: str, prompt: str, buttons: Sequence[Button]) -> Button | None:
        """The button a press refers to (:attr:`InboundMessage.choice`), if it was offered by
        the message with text ``prompt`` and ``buttons``; ``None`` for anything else (a
        button of an older message)."""
        return None

    def command(self, text: str) -> Button | None:
        """The bot intent a channel command stands for (Telegram ``/restart`` -> the start
        over intent), as a button the gateway sends whatever was offered; ``None`` if the
        text is not such a command."""
        return None

    def control_keyword(self, text: str, *, opted_out: bool) -> ControlKeyword | None:
        """The channel command this whole message is (SMS: STOP, START, HELP), if any."""
        return None

    def render(self, text: str, buttons: Sequence[Button]) -> tuple[OutboundPart, ...]:
        """The provider messages that carry one stored reply, in order."""
        return (OutboundPart(text),)

    async def send(self, recipient: str, part: OutboundPart) -> str:
        """Send one part; returns the provider's message id or raises :class:`DeliveryError`."""
        raise NotImplementedError(f"{self.name} does not send messages")

    async def fetch_attachment(self, ref: AttachmentRef) -> FetchedAttachment:
        """Download an attachment or raise :class:`AttachmentRejected`."""
        raise AttachmentRejected("unsupported_type")

    async def aclose(self) -> None:  # noqa: B027 - optional hook: most channels hold nothing
        """Release the channel's network resources (the app is stopping)."""


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

    def push_names(self) -> list[str]:
        """Channels whose replies are sent through the outbox."""
        return sorted(n for n, c in self._channels.items() if not c.pull_delivery)

    def is_push(self, name: str) -> bool:
        channel = self._channels.get(name)
        return channel is not None and not channel.pull_delivery

    async def aclose(self) -> None:
        for channel in self._channels.values():
            await channel.aclose()
