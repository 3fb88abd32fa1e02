"""A one-way reference to a conversation for Rasa-side log lines.

The sender id Rasa receives is the gateway's conversation id, the web patient's only
credential: logs carry :func:`ref` instead. Same algorithm as ``symcheck.gateway.logsafe.ref``
(which this package cannot import: it runs on Python 3.10 without ``symcheck``), so a
conversation can be followed across the gateway, Rasa and the action server.
"""

from __future__ import annotations

import hashlib

REF_HEX_CHARS = 12


def ref(sender_id: object) -> str:
    """The first 12 hex characters of the SHA-256 of the id's text form; ``-`` when absent."""
    if sender_id is None or sender_id == "":
        return "-"
    return hashlib.sha256(str(sender_id).encode("utf-8")).hexdigest()[:REF_HEX_CHARS]
