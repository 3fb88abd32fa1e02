"""A small client for the two Twilio REST calls the SMS channel makes.

- ``POST {api}/2010-04-01/Accounts/{AccountSid}/Messages.json`` (HTTP basic auth with the
  account SID and auth token; form fields ``To``, ``Body`` and ``From`` or
  ``MessagingServiceSid``) -> 201 with the message resource (its ``sid``), or an error
  resource ``{"code", "message", "more_info", "status"}``.
- ``GET`` of a ``MediaUrl<N>`` from an inbound MMS (same basic auth; Twilio answers with the
  file or redirects to its media store, which gets no credentials).

The transport is injected (``httpx.MockTransport`` or an ASGI fake in tests). Errors become
:class:`connectors.base.DeliveryError` with a retry decision: 429 (respecting
``Retry-After``), 5xx and network failures are retryable; other 4xx are permanent, and 21610
means the recipient replied STOP.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import httpx

from connectors.base import AttachmentRejected, DeliveryError, FetchedAttachment
from connectors.twilio_sms._config import API_VERSION, TwilioConfig

#: Twilio error codes that mean the recipient unsubscribed (STOP).
OPTED_OUT_CODES = frozenset({"21610"})
#: Image types kept from MMS, with the leading bytes each must start with.
IMAGE_SIGNATURES: Mapping[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
MAX_REDIRECTS = 3
MAX_RETRY_AFTER_SECONDS = 3600.0


class TwilioClient:
    """Sends messages and fetches media for one Twilio account."""

    def __init__(
        self, config: TwilioConfig, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._config = config
        self._origin = _origin(config.api_url)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_seconds),
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": "symcheck-gateway"},
        )
        self._auth = httpx.BasicAuth(config.account_sid, config.auth_token)

    @property
    def messages_url(self) -> str:
        base = self._config.api_url.rstrip("/")
        return f"{base}/{API_VERSION}/Accounts/{self._config.account_sid}/Messages.json"

    async def send_message(self, to: str, body: str) -> str:
        """Create an outbound message; returns its SID (``SM...``)."""
        data = {"To": to, "Body": body}
        if self._config.uses_messaging_service:
            data["MessagingServiceSid"] = self._config.sender
        else:
            data["From"] = self._config.sender
        try:
            response = await self._client.post(self.messages_url, data=data, auth=self._auth)
        except httpx.TimeoutException as exc:
            raise DeliveryError("timeout", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise DeliveryError("network", retryable=True) from exc
        if response.status_code in (200, 201):
            try:
                sid = response.json().get("sid")
            except ValueError:
                sid = None
            return str(sid or "")
        raise _error(response)

    async def fetch_media(self, url: str) -> FetchedAttachment:
        """Download an MMS image within the size and type limits, or raise
        :class:`AttachmentRejected` (``too_large``, ``unsupported_type``, ``unavailable``)."""
        if not self._is_account_media(url):
            raise AttachmentRejected("unavailable")  # only Twilio's URLs get our credentials
        auth: httpx.Auth | None = self._auth
        for _ in range(MAX_REDIRECTS + 1):
            try:
                async with self._client.stream("GET", url, auth=auth) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        url = urljoin(url, location)
                        if urlsplit(url).scheme not in ("https", "http"):
                            raise AttachmentRejected("unavailable")
                        if _origin(url) != self._origin:
                            auth = None  # never send the token to the media store
                        continue
                    if response.status_code != 200:
                        raise AttachmentRejected("unavailable")
                    return await self._read_image(response)
            except httpx.HTTPError as exc:
                raise AttachmentRejected("unavailable") from exc
        raise AttachmentRejected("unavailable")

    async def _read_image(self, response: httpx.Response) -> FetchedAttachment:
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in IMAGE_SIGNATURES:
            raise AttachmentRejected("unsupported_type")
        limit = self._config.max_media_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise AttachmentRejected("too_large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise AttachmentRejected("too_large")
            chunks.append(chunk)
        data = b"".join(chunks)
        if not data.startswith(IMAGE_SIGNATURES[content_type]) or (
            content_type == "image/webp" and data[8:12] != b"WEBP"
        ):
            raise AttachmentRejected("unsupported_type")
        return FetchedAttachment(content_type, data)

    def _is_account_media(self, url: str) -> bool:
        parts = urlsplit(url)
        prefix = f"/{API_VERSION}/Accounts/{self._config.account_sid}/"
        return _origin(url) == self._origin and parts.path.startswith(prefix)

    async def aclose(self) -> None:
        await self._client.aclose()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _error(response: httpx.Response) -> DeliveryError:
    status = response.status_code
    code = ""
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("code") is not None:
            code = str(body["code"])
    except ValueError:
        pass
    if status == 429:
        return DeliveryError(
            code or "http_429",
            retryable=True,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    if status >= 500 or status in (401, 408):
        # 401: the credentials are wrong or being rotated; an operator can fix it in time.
        return DeliveryError(code or f"http_{status}", retryable=True)
    return DeliveryError(
        code or f"http_{status}", retryable=False, opted_out=code in OPTED_OUT_CODES
    )


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)
