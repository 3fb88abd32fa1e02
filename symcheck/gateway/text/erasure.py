"""Forget me, on every channel (pure): "DELETE", then "YES DELETE" to confirm.

Only whole messages count (case, spacing and end punctuation ignored): "delete my data" asks,
"I deleted the photo" does not.
"""

from __future__ import annotations

import re

ERASE_REQUESTS = frozenset(
    {
        "delete",
        "delete me",
        "delete my data",
        "delete my details",
        "delete my information",
        "delete my messages",
        "delete my conversation",
        "delete this conversation",
        "delete everything",
        "erase my data",
        "forget me",
    }
)
ERASE_CONFIRMATIONS = frozenset({"yes delete", "yes, delete", "yes delete my data"})

_SPACES = re.compile(r"\s+")
_EDGES = re.compile(r"^[\s\"'.!]+|[\s\"'.!]+$")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", _EDGES.sub("", text)).lower()


def is_erase_request(text: str) -> bool:
    return normalise(text) in ERASE_REQUESTS


def is_erase_confirmation(text: str) -> bool:
    return normalise(text) in ERASE_CONFIRMATIONS
