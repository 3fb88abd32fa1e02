"""What the SMS channel needs to know about the Twilio account."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API_URL = "https://api.twilio.com"
API_VERSION = "2010-04-01"


@dataclass(frozen=True)
class TwilioConfig:
    """Twilio credentials and limits (from ``SYMCHECK_TWILIO_*``).

    Attributes:
        account_sid: ``AC...``; also checked against every webhook's ``AccountSid``.
        auth_token: signs webhooks (``X-Twilio-Signature``) and authenticates API calls.
        sender: the number replies come from (E.164) or a messaging service SID (``MG...``).
        api_url: Twilio's REST API (tests point it at a local fake).
        max_media_bytes: largest photo kept.
        timeout_seconds: per API call.
    """

    account_sid: str
    auth_token: str
    sender: str
    api_url: str = DEFAULT_API_URL
    max_media_bytes: int = 5 * 1024 * 1024
    timeout_seconds: float = 15.0

    def __repr__(self) -> str:  # never print the token
        return (
            f"TwilioConfig(account_sid={self.account_sid!r}, sender=..., api_url={self.api_url!r})"
        )

    @property
    def uses_messaging_service(self) -> bool:
        return self.sender.startswith("MG")
