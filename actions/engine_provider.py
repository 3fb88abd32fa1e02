"""Where the actions get the interview engine from.

The launcher (``symcheck serve-actions``) builds the engine once before serving and installs it
with :func:`set_engine`; tests install one built on a small knowledge base. When nothing was
installed, :func:`get_engine` builds it from the settings on first use. Never at import time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symcheck.clinical.interview import InterviewEngine

_lock = threading.Lock()
_engine: InterviewEngine | None = None


def set_engine(engine: InterviewEngine | None) -> None:
    """Install the engine the actions use (``None`` forgets it)."""
    global _engine
    with _lock:
        _engine = engine


def get_engine() -> InterviewEngine:
    """The installed engine, built from the settings on first use if none was installed."""
    global _engine
    with _lock:
        if _engine is None:
            from symcheck.clinical.engine_factory import load_interview_engine

            _engine = load_interview_engine()
        return _engine
