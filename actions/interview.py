"""``action_interview_turn``: every ordinary message (and anything unclear) goes to the engine."""

from __future__ import annotations

from actions.base import InterviewAction


class ActionInterviewTurn(InterviewAction):
    """Greetings, complaints, demographics, answers, help, corrections, out of scope and
    NLU fallback: the act comes from the intent (``INTENT_ACTS``; unknown -> ``UNCLEAR``)."""

    def name(self) -> str:
        return "action_interview_turn"
