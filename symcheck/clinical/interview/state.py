"""The interview state: everything the engine needs between two patient messages.

It lives in the Rasa slot ``interview`` as JSON, so it is immutable, versioned and round-trips
through :meth:`InterviewState.to_dict` / :meth:`InterviewState.from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.protocol import HandoffReason
from symcheck.clinical.patient import Observation, PatientFacts

STATE_VERSION = 1
MAX_TEXTS = 5  # patient messages kept for the text classifier
MAX_TEXT_CHARS = 500


def kept_texts(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The messages kept for the text classifier: the first (usually the complaint, in the
    patient's own words) and the latest ones, :data:`MAX_TEXTS` in all, each capped."""
    capped = tuple(t[:MAX_TEXT_CHARS] for t in texts)
    if len(capped) <= MAX_TEXTS:
        return capped
    return (capped[0], *capped[-(MAX_TEXTS - 1) :])


class StateError(ValueError):
    """A stored state cannot be read (wrong version or malformed)."""


class Phase(StrEnum):
    START = "start"  # nothing said yet
    COMPLAINT = "complaint"  # waiting for the main problem in the patient's words
    AGE = "age"
    SEX = "sex"
    PREGNANCY = "pregnancy"
    QUESTIONS = "questions"  # follow-up yes / no / don't know questions
    RESULT = "result"  # result given; offering a clinician
    HANDOFF = "handoff"  # a clinician case is open
    CLOSED = "closed"  # the patient ended the conversation after the result


class Offer(StrEnum):
    """A yes/no offer waiting for the patient's answer."""

    CLINICIAN = "clinician"  # talk to a clinician after the complaint was not understood


DEMOGRAPHICS = ("age", "sex", "pregnancy")


@dataclass(frozen=True)
class AnswerRecord:
    """One change to the facts that a correction can undo.

    Attributes:
        question: the finding asked about, when the change answered a question.
        previous: finding id -> its observation before the change (``None``: was unknown).
    """

    question: str | None
    previous: Mapping[str, Observation | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "previous": {
                fid: obs.to_dict() if obs is not None else None
                for fid, obs in self.previous.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerRecord:
        return cls(
            question=data.get("question"),
            previous={
                fid: Observation.from_dict(obs) if obs is not None else None
                for fid, obs in (data.get("previous") or {}).items()
            },
        )


@dataclass(frozen=True)
class ConditionResult:
    condition_id: str
    probability: float
    supporting: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultRecord:
    """The assessment as given to the patient (or at the red-flag interrupt).

    Attributes:
        disposition: the triage disposition.
        conditions: the best conditions (up to five), best first.
        unexplained: probability that no known condition explains the findings.
        low_confidence: handed to a clinician because the differential is uncertain.
        decided_by: ids of the rules / conditions / modifiers that set the disposition.
    """

    disposition: Disposition
    conditions: tuple[ConditionResult, ...] = ()
    unexplained: float = 0.0
    low_confidence: bool = False
    decided_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "disposition": self.disposition.value,
            "conditions": [
                {
                    "condition_id": c.condition_id,
                    "probability": c.probability,
                    "supporting": list(c.supporting),
                }
                for c in self.conditions
            ],
            "unexplained": self.unexplained,
            "low_confidence": self.low_confidence,
            "decided_by": list(self.decided_by),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResultRecord:
        return cls(
            disposition=Disposition(data["disposition"]),
            conditions=tuple(
                ConditionResult(
                    condition_id=c["condition_id"],
                    probability=float(c["probability"]),
                    supporting=tuple(c.get("supporting") or ()),
                )
                for c in data.get("conditions") or ()
            ),
            unexplained=float(data.get("unexplained") or 0.0),
            low_confidence=bool(data.get("low_confidence")),
            decided_by=tuple(data.get("decided_by") or ()),
        )


@dataclass(frozen=True)
class InterviewState:
    """Where the interview is and what is known.

    Attributes:
        phase: the step of the interview (see :class:`Phase`).
        consent_shown: the greeting and consent notice were shown (once per conversation).
        facts: demographics and findings reported so far.
        chief_complaint: finding ids of the main problem, as first described.
        asked: finding ids asked about, in order.
        current: the finding being asked about now.
        answers: changes to the facts, oldest first, for corrections.
        questions_asked: follow-up questions answered (the cap counts these).
        danger_asked: questions asked for an unlikely but plausible danger sign (the selector's
            budget, see :data:`symcheck.clinical.questions.DANGER_BUDGET`).
        fired_rule_ids: red-flag rules that have fired (they stay fired: a floor is sticky).
        result: the assessment, once given.
        complaint_attempts: descriptions in which no symptom was recognised.
        unclear_attempts: unclear replies to the current prompt.
        offer: a yes/no offer waiting for an answer.
        demographics_done: demographic questions already put to the patient.
        handoff_reason / handoff_disposition: set when a clinician case was requested.
        texts: the patient's last few messages (capped), for a text classifier.
    """

    version: int = STATE_VERSION
    phase: Phase = Phase.START
    consent_shown: bool = False
    facts: PatientFacts = field(default_factory=PatientFacts)
    chief_complaint: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    current: str | None = None
    answers: tuple[AnswerRecord, ...] = ()
    questions_asked: int = 0
    danger_asked: int = 0
    fired_rule_ids: tuple[str, ...] = ()
    result: ResultRecord | None = None
    complaint_attempts: int = 0
    unclear_attempts: int = 0
    offer: Offer | None = None
    demographics_done: tuple[str, ...] = ()
    handoff_reason: HandoffReason | None = None
    handoff_disposition: Disposition | None = None
    texts: tuple[str, ...] = ()

    def with_text(self, text: str) -> InterviewState:
        """Remember a patient message (see :func:`kept_texts`)."""
        text = text.strip()
        if not text:
            return self
        return replace(self, texts=kept_texts((*self.texts, text)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (for the Rasa slot)."""
        return {
            "version": self.version,
            "phase": self.phase.value,
            "consent_shown": self.consent_shown,
            "facts": self.facts.to_dict(),
            "chief_complaint": list(self.chief_complaint),
            "asked": list(self.asked),
            "current": self.current,
            "answers": [a.to_dict() for a in self.answers],
            "questions_asked": self.questions_asked,
            "danger_asked": self.danger_asked,
            "fired_rule_ids": list(self.fired_rule_ids),
            "result": self.result.to_dict() if self.result else None,
            "complaint_attempts": self.complaint_attempts,
            "unclear_attempts": self.unclear_attempts,
            "offer": self.offer.value if self.offer else None,
            "demographics_done": list(self.demographics_done),
            "handoff_reason": self.handoff_reason.value if self.handoff_reason else None,
            "handoff_disposition": (
                self.handoff_disposition.value if self.handoff_disposition else None
            ),
            "texts": list(self.texts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InterviewState:
        """Read a stored state; raises :class:`StateError` if it cannot be used."""
        if not isinstance(data, Mapping):
            raise StateError("state must be a mapping")
        if data.get("version") != STATE_VERSION:
            raise StateError(f"unsupported state version {data.get('version')!r}")
        try:
            result = data.get("result")
            reason = data.get("handoff_reason")
            handoff = data.get("handoff_disposition")
            offer = data.get("offer")
            return cls(
                version=STATE_VERSION,
                phase=Phase(data.get("phase") or Phase.START),
                consent_shown=bool(data.get("consent_shown")),
                facts=PatientFacts.from_dict(data.get("facts") or {}),
                chief_complaint=tuple(data.get("chief_complaint") or ()),
                asked=tuple(data.get("asked") or ()),
                current=data.get("current"),
                answers=tuple(AnswerRecord.from_dict(a) for a in data.get("answers") or ()),
                questions_asked=int(data.get("questions_asked") or 0),
                danger_asked=int(data.get("danger_asked") or 0),
                fired_rule_ids=tuple(data.get("fired_rule_ids") or ()),
                result=ResultRecord.from_dict(result) if result else None,
                complaint_attempts=int(data.get("complaint_attempts") or 0),
                unclear_attempts=int(data.get("unclear_attempts") or 0),
                offer=Offer(offer) if offer else None,
                demographics_done=tuple(data.get("demographics_done") or ()),
                handoff_reason=HandoffReason(reason) if reason else None,
                handoff_disposition=Disposition(handoff) if handoff else None,
                texts=kept_texts(tuple(str(t) for t in data.get("texts") or ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"malformed state: {exc}") from exc
