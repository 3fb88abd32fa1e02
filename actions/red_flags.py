"""``action_check_red_flags``: the emergency path.

Runs for ``report_emergency``, whether the NLU recognised an emergency or the gateway's
deterministic rules fired and sent ``/report_emergency`` with
``metadata["safety"] = {"rule_ids": [...], "text": <original text>}``. The engine gives the
emergency advice of the fired rules and signals the gateway to raise the case.
"""

from __future__ import annotations

from actions.base import InterviewAction
from symcheck.clinical.interview.protocol import Act


class ActionCheckRedFlags(InterviewAction):
    act = Act.EMERGENCY

    def name(self) -> str:
        return "action_check_red_flags"
