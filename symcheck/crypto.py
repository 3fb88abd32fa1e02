"""Encryption at rest for message bodies and other health data (Fernet, key rotation)."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionError(ValueError):
    """A stored value cannot be decrypted with any configured key."""


class Cipher:
    """Encrypts with the first key, decrypts with any (so keys can be rotated).

    Args:
        keys: comma-separated urlsafe-base64 Fernet keys (``SYMCHECK_ENCRYPTION_KEYS``).
    """

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("at least one encryption key is required")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except ValueError as exc:
            raise ValueError("invalid encryption key: generate one with `symcheck keygen`") from exc

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptionError("cannot decrypt a stored value with the configured keys") from exc

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Encrypt binary data (attachments); the token is ASCII bytes."""
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise DecryptionError("cannot decrypt a stored value with the configured keys") from exc

    def encrypt_json(self, value: Any) -> str:
        return self.encrypt(json.dumps(value, separators=(",", ":"), ensure_ascii=False))

    def decrypt_json(self, token: str) -> Any:
        return json.loads(self.decrypt(token))

    def rotate(self, token: str) -> str:
        """Re-encrypt a stored value with the current (first) key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")
