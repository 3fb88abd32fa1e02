"""The gateway's client for Rasa's token-protected REST channel.

``POST {rasa_url}/webhooks/gateway/webhook`` with ``Authorization: Bearer <token>`` and
``{"sender", "message", "metadata"}``; Rasa answers with a JSON list of messages
(``text``/``buttons`` for the patient, ``custom`` for the bridge update). The transport is
injected so tests answer with a plain function (``httpx.MockTransport``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

WEBHOOK_PATH = "/webhooks/gateway/webhook"


class RasaError(Exception):
    """Rasa did not give a usable answer. Subclasses say why; messages hold no patient text."""


class RasaUnavailable(RasaError):
    """Rasa could not be reached or did not answer in time."""


class RasaHTTPError(RasaError):
    """Rasa answered with an error status."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"Rasa answered HTTP {status_code}")
        self.status_code = status_code


class RasaBadReply(RasaError):
    """Rasa's answer is not a list of message objects."""


class RasaClient:
    """Sends patient messages to Rasa and returns its list of reply messages."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        timeout: float,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
        )

    async def send(
        self, sender: str, message: str, metadata: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": message, "metadata": dict(metadata or {})}
        try:
            response = await self._client.post(WEBHOOK_PATH, json=body)
        except httpx.TimeoutException as exc:
            raise RasaUnavailable("Rasa did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"cannot reach Rasa ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise RasaHTTPError(response.status_code)
        try:
            data = response.json()
        except ValueError as exc:
            raise RasaBadReply("Rasa's answer is not JSON") from exc
        if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
            raise RasaBadReply("Rasa's answer is not a list of messages")
        return data

    async def restart(self, sender: str) -> None:
        """Reset the bot's dialogue state for ``sender`` (Rasa's ``/restart``)."""
        await self.send(sender, "/restart", {"source": "gateway"})

    async def aclose(self) -> None:
        await self._client.aclose()
