"""The SMS channel (Twilio): verify and parse webhooks, render and send replies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import httpx

from connectors.base import (
    AttachmentRef,
    Channel,
    ControlKeyword,
    FetchedAttachment,
    InboundMessage,
    OutboundPart,
    WebhookRejected,
)
from connectors.twilio_sms._client import TwilioClient
from connectors.twilio_sms._config import TwilioConfig
from connectors.twilio_sms._keywords import keyword_for
from connectors.twilio_sms._render import MAX_PART_CHARS, choose_option, render_sms
from connectors.twilio_sms._signature import FormParams, SignatureValidator
from connectors.twilio_sms._webhook import CHANNEL, parse_webhook
from symcheck.clinical.interview.protocol import Button

#: Twilio's webhook bodies are a few kilobytes; anything far larger is not from Twilio.
MAX_WEBHOOK_BYTES = 64 * 1024


class TwilioSmsChannel(Channel):
    """SMS and MMS through one Twilio account.

    Args:
        config: the account (see :class:`TwilioConfig`).
        transport: the HTTP transport for Twilio's API (tests inject a fake).
    """

    name: ClassVar[str] = CHANNEL
    max_body_bytes: ClassVar[int] = MAX_WEBHOOK_BYTES

    def __init__(
        self, config: TwilioConfig, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self._signatures = SignatureValidator(config.auth_token)
        self._client = TwilioClient(config, transport=transport)

    def verify(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        params = FormParams.parse(body)
        self._signatures.check(url, params, headers)
        if params.get("AccountSid") != self.config.account_sid:
            raise WebhookRejected("wrong_account")

    def parse(self, body: bytes, headers: Mapping[str, str]) -> InboundMessage:
        return parse_webhook(FormParams.parse(body))

    def choose(self, text: str, buttons: Sequence[Button]) -> Button | None:
        return choose_option(text, buttons)

    def control_keyword(self, text: str, *, opted_out: bool) -> ControlKeyword | None:
        return keyword_for(text, opted_out=opted_out)

    def render(self, text: str, buttons: Sequence[Button]) -> tuple[OutboundPart, ...]:
        return tuple(OutboundPart(p) for p in render_sms(text, buttons, MAX_PART_CHARS))

    async def send(self, recipient: str, part: OutboundPart) -> str:
        return await self._client.send_message(recipient, part.text)

    async def fetch_attachment(self, ref: AttachmentRef) -> FetchedAttachment:
        return await self._client.fetch_media(ref.url)

    async def aclose(self) -> None:
        await self._client.aclose()
