"""What goes into and comes out of one interview step.

The interview engine is a pure function ``step(state, turn) -> StepResult``. The Rasa action
server builds a :class:`Turn` from the tracker (intent -> :class:`Act`, text, entities,
gateway metadata); ``symcheck assess`` builds turns from a simulated patient. Both get the same
replies and signals back. Signals tell the gateway to open or escalate a clinician case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from symcheck.clinical.dispositions import Disposition


class Act(StrEnum):
    """What kind of message the patient sent (Rasa intents map onto these)."""

    GREET = "greet"
    GOODBYE = "goodbye"
    THANK = "thank"
    AFFIRM = "affirm"
    DENY = "deny"
    DONT_KNOW = "dont_know"
    DESCRIBE = "describe"  # free-text description of symptoms ("report_symptom")
    INFORM = "inform"  # a demographic statement ("I'm 34", "female")
    HELP = "help"  # "what can you do?", "how does this work?"
    REQUEST_HUMAN = "request_human"
    START_OVER = "start_over"
    CORRECT = "correct"  # "I made a mistake", "actually I do have a fever"
    OUT_OF_SCOPE = "out_of_scope"
    EMERGENCY = "emergency"  # deterministic rules fired in the gateway, or NLU thinks so
    UNCLEAR = "unclear"  # NLU fallback: the engine still tries to read the text


# Rasa intent name -> act. Intents not listed map to UNCLEAR.
INTENT_ACTS: Mapping[str, Act] = {
    "greet": Act.GREET,
    "goodbye": Act.GOODBYE,
    "thank": Act.THANK,
    "affirm": Act.AFFIRM,
    "deny": Act.DENY,
    "dont_know": Act.DONT_KNOW,
    "report_symptom": Act.DESCRIBE,
    "inform_age": Act.INFORM,
    "inform_sex": Act.INFORM,
    "inform_pregnancy": Act.INFORM,
    "ask_help": Act.HELP,
    "request_human": Act.REQUEST_HUMAN,
    "restart_conversation": Act.START_OVER,
    "correct_answer": Act.CORRECT,
    "out_of_scope": Act.OUT_OF_SCOPE,
    "report_emergency": Act.EMERGENCY,
    "nlu_fallback": Act.UNCLEAR,
}


@dataclass(frozen=True)
class Turn:
    """One patient message as the engine sees it.

    Attributes:
        act: the kind of message.
        text: the patient's words ("" for button presses that carry no text).
        confidence: the NLU's confidence in ``act`` (1.0 for buttons and simulations).
        entities: NLU entities, e.g. ``{"age": "34", "sex": "female"}``.
        safety_rule_ids: red-flag rules the gateway already fired on this message.
    """

    act: Act
    text: str = ""
    confidence: float = 1.0
    entities: Mapping[str, str] = field(default_factory=dict)
    safety_rule_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # what the channel sends back when pressed, e.g. "/affirm"

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": [b.to_dict() for b in self.buttons]}


class SignalType(StrEnum):
    HANDOFF = "handoff"  # open (or escalate) a clinician case for this conversation
    RED_FLAG = "red_flag"  # red-flag rules fired: raise the case to the rules' urgency
    RESULT = "result"  # the assessment finished with a disposition


class HandoffReason(StrEnum):
    RED_FLAG = "red_flag"
    PATIENT_REQUEST = "patient_request"
    LOW_CONFIDENCE = "low_confidence"
    NOT_UNDERSTOOD = "not_understood"
    EMERGENCY_RESULT = "emergency_result"  # the assessment itself advised emergency care


@dataclass(frozen=True)
class Signal:
    type: SignalType
    disposition: Disposition | None = None
    reason: HandoffReason | None = None
    rule_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "disposition": self.disposition.value if self.disposition else None,
            "reason": self.reason.value if self.reason else None,
            "rule_ids": list(self.rule_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signal:
        return cls(
            type=SignalType(data["type"]),
            disposition=Disposition(data["disposition"]) if data.get("disposition") else None,
            reason=HandoffReason(data["reason"]) if data.get("reason") else None,
            rule_ids=tuple(data.get("rule_ids") or ()),
        )
