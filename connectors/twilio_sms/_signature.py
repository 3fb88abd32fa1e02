"""Twilio webhook signatures (``X-Twilio-Signature``).

Twilio signs each webhook with HMAC-SHA1 keyed by the account's auth token over the full URL
it called (scheme, host, path and query string) followed by every POST parameter name and
value, sorted by name; the header carries the base64 digest. We check it with Twilio's own
:class:`twilio.request_validator.RequestValidator` (which also accepts the URL with and without
the default port, as Twilio's back end signs either), on the public URL the gateway is reached
at (``SYMCHECK_PUBLIC_URL``), so it works behind a proxy or a tunnel.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

from twilio.request_validator import (
    HMAC_SHA1,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from connectors.base import WebhookRejected


class FormParams:
    """POST parameters with repeated names kept (what ``RequestValidator`` signs)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    @classmethod
    def parse(cls, body: bytes) -> FormParams:
        """Parse an ``application/x-www-form-urlencoded`` body (UTF-8, as Twilio sends)."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise WebhookRejected("not_utf8") from None
        return cls(parse_qsl(text, keep_blank_values=True, strict_parsing=False))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(dict.fromkeys(k for k, _ in self._pairs))

    def __getitem__(self, name: str) -> str:
        for key, value in self._pairs:
            if key == name:
                return value
        raise KeyError(name)

    def getall(self, name: str) -> list[str]:
        return [v for k, v in self._pairs if k == name]

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.getall(name)
        return values[0] if values else default


class SignatureValidator:
    """Checks ``X-Twilio-Signature`` with the account's auth token."""

    def __init__(self, auth_token: str) -> None:
        self._validator = RequestValidator(auth_token)

    def check(self, url: str, params: FormParams, headers: Mapping[str, str]) -> None:
        """Raise :class:`WebhookRejected` unless the signature matches ``url`` and ``params``.

        Reasons: ``missing_signature``, ``unsupported_signature_scheme`` (a shared-key
        algorithm other than the auth token's HMAC-SHA1), ``bad_signature``.
        """
        signature = _header(headers, SIGNATURE_HEADER)
        if not signature:
            raise WebhookRejected("missing_signature")
        algorithm = get_signature_algorithm(_header(headers, SIGNATURE_SETTINGS_HEADER))
        if algorithm.upper() != HMAC_SHA1:
            raise WebhookRejected("unsupported_signature_scheme")
        if not self._validator.validate(url, params, signature, algorithm=HMAC_SHA1):
            raise WebhookRejected("bad_signature")

    def sign(self, url: str, params: Mapping[str, str]) -> str:
        """The signature Twilio would send (for tools and tests)."""
        return str(self._validator.compute_signature(url, params))


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower(), "")
    return value.strip()
