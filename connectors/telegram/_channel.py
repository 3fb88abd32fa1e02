"""The Telegram channel: verify and read updates, render and send replies, fetch photos."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import httpx
from telegram import Update
from telegram.request import BaseRequest, HTTPXRequest

from connectors.base import (
    AttachmentRef,
    Channel,
    ControlKeyword,
    FetchedAttachment,
    InboundError,
    InboundMessage,
    OutboundPart,
    WebhookRejected,
)
from connectors.telegram._client import TelegramClient
from connectors.telegram._commands import intent_command, is_help_command
from connectors.telegram._config import TelegramConfig
from connectors.telegram._render import pick, render_telegram
from connectors.telegram._updates import CHANNEL, PatientMessage, TelegramEvent, read_update
from symcheck.clinical.interview.protocol import Button

#: Telegram's updates are a few kilobytes (a 4096-character text with the message it
#: replies to); anything far larger is not from Telegram.
MAX_WEBHOOK_BYTES = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramChannel(Channel):
    """Private chats with one Telegram bot.

    Args:
        config: the bot (see :class:`TelegramConfig`).
        request: python-telegram-bot's request object for API calls (tests inject one).
        get_updates_request: the one for ``getUpdates`` (polling).
        transport: shortcut for tests: an httpx transport both request objects use.
    """

    name: ClassVar[str] = CHANNEL
    max_body_bytes: ClassVar[int] = MAX_WEBHOOK_BYTES
    # A patient who blocked the bot cannot write to it: any message means they unblocked it.
    inbound_opts_in: ClassVar[bool] = True

    def __init__(
        self,
        config: TelegramConfig,
        *,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        if transport is not None:
            request = request or _request(transport, config.timeout_seconds)
            get_updates_request = get_updates_request or _request(transport, config.timeout_seconds)
        self.client = TelegramClient(
            config, request=request, get_updates_request=get_updates_request
        )
        secret = config.webhook_secret
        self._secret = secret.encode("utf-8") if secret else None

    # -- inbound -------------------------------------------------------------------------

    def verify(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """Compare ``X-Telegram-Bot-Api-Secret-Token`` with the configured secret in constant
        time. Reasons: ``webhook_disabled`` (polling mode), ``missing_secret``, ``bad_secret``."""
        if self._secret is None:
            raise WebhookRejected("webhook_disabled")
        given = headers.get(SECRET_HEADER)
        if given is None:
            given = headers.get(SECRET_HEADER.lower())
        if not given:
            raise WebhookRejected("missing_secret")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self._secret):
            raise WebhookRejected("bad_secret")

    def read(self, body: bytes) -> TelegramEvent:
        """A webhook body (one ``Update`` as JSON) as an event, or :class:`InboundError`."""
        try:
            data: Any = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise InboundError("invalid_json", "the body must be a JSON update") from None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise InboundError("invalid_update", "the body must be an Update with an update_id")
        try:
            update = Update.de_json(data, None)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InboundError("invalid_update", "the update could not be read") from None
        if update is None:
            raise InboundError("invalid_update", "the update could not be read")
        return self.read_update(update)

    def read_update(self, update: Update) -> TelegramEvent:
        """An ``Update`` (from a webhook or ``getUpdates``) as an event."""
        return read_update(update, self.config.bot_id, self.config.max_media_bytes)

    def parse(self, body: bytes, headers: Mapping[str, str]) -> InboundMessage:
        event = self.read(body)
        if not isinstance(event, PatientMessage):
            raise InboundError("not_a_message", "the update carries no patient message")
        return event.inbound

    # -- interpretation ------------------------------------------------------------------

    def pick(self, reference: str, prompt: str, buttons: Sequence[Button]) -> Button | None:
        return pick(reference, prompt, buttons)

    def command(self, text: str) -> Button | None:
        return intent_command(text)

    def control_keyword(self, text: str, *, opted_out: bool) -> ControlKeyword | None:
        return ControlKeyword.HELP if is_help_command(text) else None

    # -- outbound ------------------------------------------------------------------------

    def render(self, text: str, buttons: Sequence[Button]) -> tuple[OutboundPart, ...]:
        return tuple(OutboundPart(t, extra) for t, extra in render_telegram(text, buttons))

    async def send(self, recipient: str, part: OutboundPart) -> str:
        return await self.client.send_message(recipient, part.text, part.extra.get("reply_markup"))

    async def answer_callback(self, callback_query_id: str, text: str | None = None) -> None:
        """Answer a button press (raises :class:`connectors.base.DeliveryError`)."""
        await self.client.answer_callback(callback_query_id, text)

    async def fetch_attachment(self, ref: AttachmentRef) -> FetchedAttachment:
        return await self.client.fetch_file(ref.url, ref.content_type)

    async def aclose(self) -> None:
        await self.client.aclose()


def _request(transport: httpx.AsyncBaseTransport, timeout: float) -> HTTPXRequest:
    return HTTPXRequest(
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
        pool_timeout=timeout,
        httpx_kwargs={"transport": transport},
    )
