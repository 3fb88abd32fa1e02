"""The interview engine: a pure ``step(state, turn)`` shared by the bot and ``symcheck assess``.

Public names are imported lazily, so importing :mod:`.protocol` or :mod:`.summary` (as the
gateway does) does not pull in the scoring stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symcheck.clinical.interview.engine import (
        EngineConfig,
        Estimate,
        InterviewEngine,
        StepResult,
    )
    from symcheck.clinical.interview.state import InterviewState, Phase, StateError

_EXPORTS = {
    "EngineConfig": "engine",
    "Estimate": "engine",
    "InterviewEngine": "engine",
    "InterviewState": "state",
    "Phase": "state",
    "StateError": "state",
    "StepResult": "engine",
}

__all__ = [
    "EngineConfig",
    "Estimate",
    "InterviewEngine",
    "InterviewState",
    "Phase",
    "StateError",
    "StepResult",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
