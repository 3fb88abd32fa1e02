"""Log lines without patient data or credentials.

- :func:`describe` names a failure without its message (exception text can quote patient input).
- :func:`ref` stands in for a conversation id: the id is the only credential a web patient has
  (it opens ``GET /api/web/conversations/{id}/messages``), so logs carry a short one-way
  reference instead, the same in the gateway, the action server (which imports this) and Rasa
  (``rasa_addons.logsafe`` computes it identically).
"""

from __future__ import annotations

import hashlib
import traceback
import uuid

REF_HEX_CHARS = 12


def ref(conversation_id: uuid.UUID | str | None) -> str:
    """The first 12 hex characters of the SHA-256 of the id's text form; ``-`` when absent.

    Not reversible (a UUID4 has 122 random bits; 48 bits of its hash say nothing useful about
    it), stable across processes, so one conversation can be followed through every log.
    """
    if conversation_id is None or conversation_id == "":
        return "-"
    return hashlib.sha256(str(conversation_id).encode("utf-8")).hexdigest()[:REF_HEX_CHARS]


def describe(exc: BaseException) -> str:
    """``TypeName at file.py:123 in func`` (innermost frame); never the exception's text."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = (
        f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} in {frames[-1].name}"
        if frames
        else ""
    )
    return f"{type(exc).__module__}.{type(exc).__qualname__}{where}"


def ids(conversation_id: uuid.UUID | None = None, **more: object) -> str:
    """``conversation_ref=<ref> key=value...`` for log lines (references, ids and counts only).

    Never pass a conversation id in ``more``: it would be logged in full.
    """
    parts = [f"conversation_ref={ref(conversation_id)}"] if conversation_id else []
    parts.extend(f"{k}={v}" for k, v in more.items())
    return " ".join(parts)
