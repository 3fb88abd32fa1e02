"""``action_start_over``: a new assessment in the same conversation (the engine clears the
interview; the consent notice is not repeated)."""

from __future__ import annotations

from actions.base import InterviewAction
from symcheck.clinical.interview.protocol import Act


class ActionStartOver(InterviewAction):
    act = Act.START_OVER

    def name(self) -> str:
        return "action_start_over"
