"""A patient's phone for tests against a running gateway: texts arrive as Twilio webhooks
(signed like Twilio signs them), replies are read from the fake Twilio API."""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from tests.fakes.twilio import FakeTwilio, WebhookSigner

_numbers = itertools.count(1)


def new_number(prefix: str = "+1444") -> str:
    """A phone number no other test uses (per process)."""
    return f"{prefix}{os.getpid() % 1000:03d}{next(_numbers):04d}"


@dataclass
class SmsPhone:
    """One patient texting the gateway at ``gateway_url``.

    Args:
        public_url: the base URL Twilio would call (what the signature covers).
    """

    client: httpx.Client
    gateway_url: str
    twilio: FakeTwilio
    number: str = field(default_factory=new_number)
    public_url: str | None = None
    sent_sids: list[str] = field(default_factory=list)

    @property
    def signer(self) -> WebhookSigner:
        return WebhookSigner(
            self.public_url or self.gateway_url,
            account_sid=self.twilio.account_sid,
            auth_token=self.twilio.auth_token,
        )

    def params(
        self, body: str, *, message_sid: str | None = None, media: tuple[tuple[str, str], ...] = ()
    ) -> dict[str, str]:
        return self.signer.params(self.number, body, message_sid=message_sid, media=media)

    def deliver(self, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        """POST one webhook (Twilio's delivery attempt) and return the acknowledgement."""
        headers = self.signer.headers(params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        response = self.client.post(
            f"{self.gateway_url.rstrip('/')}{self.signer.path}",
            content=urlencode(params),
            headers=headers,
        )
        if response.status_code == 200 and params["MessageSid"] not in self.sent_sids:
            self.sent_sids.append(params["MessageSid"])
        return response

    def text(self, body: str, **kwargs: object) -> httpx.Response:
        return self.deliver(self.params(body, **kwargs))  # type: ignore[arg-type]

    def received(self) -> list[str]:
        return self.twilio.sent_to(self.number)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[str]:
        return self.twilio.wait_for(self.number, count, timeout)

    def quiet_for(self, seconds: float) -> list[str]:
        """What arrived after waiting ``seconds`` (to check that nothing more comes)."""
        time.sleep(seconds)
        return self.received()
