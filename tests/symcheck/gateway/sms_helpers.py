"""A patient texting the gateway through (fake) Twilio, for the SMS gateway tests."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from tests.fakes.twilio import FakeTwilio, WebhookSigner

_numbers = itertools.count(1)


def new_number() -> str:
    """A distinct patient phone number (E.164)."""
    return f"+1555{next(_numbers):07d}"


async def eventually(check: Callable[[], object], timeout: float = 5.0) -> object:  # noqa: ASYNC109
    """Poll ``check`` until it returns something truthy (or fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


@dataclass
class SmsPatient:
    client: httpx.AsyncClient
    signer: WebhookSigner
    twilio: FakeTwilio
    number: str

    async def text(
        self,
        body: str,
        *,
        media: tuple[tuple[str, str], ...] = (),
        message_sid: str | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        """Deliver an inbound SMS to the webhook as Twilio would (signed unless told)."""
        params = self.signer.params(self.number, body, message_sid=message_sid, media=media)
        return await self.post(params, signature=signature)

    async def post(self, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        headers = self.signer.headers(params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return await self.client.post(self.signer.path, content=urlencode(params), headers=headers)

    def received(self) -> list[str]:
        """Every SMS the fake Twilio accepted for this patient, in order."""
        return self.twilio.sent_to(self.number)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:  # noqa: ASYNC109
        await eventually(lambda: len(self.received()) >= count, timeout)
        return self.received()
