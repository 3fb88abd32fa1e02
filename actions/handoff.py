"""``action_request_handoff``: the patient asks for a person; the engine signals a handoff."""

from __future__ import annotations

from actions.base import InterviewAction
from symcheck.clinical.interview.protocol import Act


class ActionRequestHandoff(InterviewAction):
    act = Act.REQUEST_HUMAN

    def name(self) -> str:
        return "action_request_handoff"
