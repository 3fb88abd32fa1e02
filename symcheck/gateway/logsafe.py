"""Log failures without their messages: exception text can quote patient input."""

from __future__ import annotations

import traceback
import uuid


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
    """``conversation=<id> key=value...`` for log lines (ids and counts only)."""
    parts = [f"conversation={conversation_id}"] if conversation_id else []
    parts.extend(f"{k}={v}" for k, v in more.items())
    return " ".join(parts)
