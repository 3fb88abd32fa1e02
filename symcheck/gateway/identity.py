"""Channel user ids (phone numbers, Telegram chat ids) are never stored in clear.

A conversation is found by a keyed hash of its channel user id
(``conversations.channel_user_hash``); the id itself is stored encrypted
(``channel_user_enc``) only so replies can be sent. The hash key is derived from each
encryption key (``SYMCHECK_ENCRYPTION_KEYS``): lookups try every key's hash and new hashes use
the first key, so rotating keys keeps patients' conversations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

_CONTEXT = b"symcheck/channel-user-hash/v1"


class ChannelIdentity:
    """HMAC-SHA256 of ``<channel>:<user id>`` under keys derived from the encryption keys."""

    def __init__(self, encryption_keys: Sequence[str]) -> None:
        if not encryption_keys:
            raise ValueError("at least one encryption key is required")
        self._keys = [
            hmac.new(base64.urlsafe_b64decode(k.encode()), _CONTEXT, hashlib.sha256).digest()
            for k in encryption_keys
        ]

    def hash(self, channel: str, user_id: str) -> str:
        """The hash under the current key (64 hex characters)."""
        return _digest(self._keys[0], channel, user_id)

    def candidates(self, channel: str, user_id: str) -> list[str]:
        """The hash under every key, current first (to find conversations after rotation)."""
        return list(dict.fromkeys(_digest(k, channel, user_id) for k in self._keys))


def _digest(key: bytes, channel: str, user_id: str) -> str:
    return hmac.new(key, f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()
