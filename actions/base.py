"""The shared base of the custom actions: tracker in, one engine step, messages and slot out.

Every action does the same thing with a different reading of the patient's message:

1. build a :class:`Turn` from ``tracker.latest_message`` (intent -> act, text, confidence,
   entities, and the gateway's ``metadata["safety"]`` for emergencies);
2. load the :class:`InterviewState` from the slot ``interview`` (a new one if empty);
3. run ``engine.step`` and ``engine.summary`` in a worker thread (CPU work stays off the
   event loop);
4. send the replies (text and buttons), then exactly one bridge message
   (``json_message``, see :mod:`symcheck.bridge`) for the gateway;
5. return ``SlotSet("interview", new_state)``.

Logs carry the action name, a one-way reference to the conversation (never its id: the id is
the patient's credential), the act and counts: never text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.engine_provider import get_engine
from symcheck.bridge import BridgeUpdate, encode
from symcheck.clinical.interview.protocol import INTENT_ACTS, Act, Turn
from symcheck.gateway.logsafe import ref

if TYPE_CHECKING:
    from symcheck.clinical.interview import InterviewEngine, InterviewState, StepResult
    from symcheck.clinical.interview.summary import CaseSummary

logger = logging.getLogger(__name__)

INTERVIEW_SLOT = "interview"
SAFETY_METADATA = "safety"


def act_for_intent(intent_name: str | None) -> Act:
    """The engine act of a Rasa intent (unknown or missing intents are ``UNCLEAR``)."""
    return INTENT_ACTS.get(intent_name or "", Act.UNCLEAR)


def entities_of(message: Mapping[str, Any]) -> dict[str, str]:
    """``{entity: value}`` from an NLU parse (the first value of each entity wins)."""
    entities: dict[str, str] = {}
    for entity in message.get("entities") or ():
        if not isinstance(entity, Mapping):
            continue
        name, value = entity.get("entity"), entity.get("value")
        if isinstance(name, str) and value is not None and name not in entities:
            entities[name] = str(value)
    return entities


def safety_of(message: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """The red-flag rule ids and original text the gateway attached, if any."""
    metadata = message.get("metadata")
    safety = metadata.get(SAFETY_METADATA) if isinstance(metadata, Mapping) else None
    if not isinstance(safety, Mapping):
        return (), None
    rule_ids = tuple(str(r) for r in safety.get("rule_ids") or () if isinstance(r, str | int))
    text = safety.get("text")
    return rule_ids, text if isinstance(text, str) else None


def turn_from_message(message: Mapping[str, Any] | None, act: Act | None = None) -> Turn:
    """The engine's view of a parsed user message.

    Args:
        message: ``tracker.latest_message`` (text, intent, entities, metadata).
        act: force this act (the action already knows what the message means); by default
            it comes from the intent via ``INTENT_ACTS``.
    """
    message = message or {}
    intent = message.get("intent") or {}
    if act is None:
        act = act_for_intent(intent.get("name"))
    confidence = intent.get("confidence")
    text = message.get("text") or ""
    rule_ids, safety_text = safety_of(message)
    if safety_text is not None:
        text = safety_text  # the gateway replaced the message by /report_emergency
    return Turn(
        act=act,
        text=text if isinstance(text, str) else "",
        confidence=float(confidence) if isinstance(confidence, int | float) else 1.0,
        entities=entities_of(message),
        safety_rule_ids=rule_ids,
    )


def load_state(engine: InterviewEngine, slot: Any, sender_id: str | None) -> InterviewState:
    """The interview state stored in the slot; a new one if empty or unreadable."""
    from symcheck.clinical.interview import InterviewState, StateError

    if not slot:
        return engine.new_state()
    try:
        return InterviewState.from_dict(slot)
    except (StateError, KeyError, TypeError, ValueError) as exc:
        logger.warning(
            "interview state unreadable, starting afresh (conversation_ref=%s): %s",
            ref(sender_id),
            type(exc).__name__,
        )
        return engine.new_state()


@dataclass(frozen=True)
class _Outcome:
    result: StepResult
    summary: CaseSummary


def _step(engine: InterviewEngine, state: InterviewState, turn: Turn) -> _Outcome:
    result = engine.step(state, turn)
    return _Outcome(result, engine.summary(result.state))


class InterviewAction(Action, ABC):
    """Base of every custom action: one interview step per call (abstract: not registered).

    Subclasses give the action ``name()`` and may force the act with :attr:`act`.
    """

    #: The act this action always sends (``None``: read it from the intent).
    act: Act | None = None

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def build_turn(self, tracker: Tracker) -> Turn:
        return turn_from_message(tracker.latest_message, self.act)

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        started = time.perf_counter()
        engine = get_engine()
        turn = self.build_turn(tracker)
        state = load_state(engine, tracker.get_slot(INTERVIEW_SLOT), tracker.sender_id)
        outcome = await asyncio.to_thread(_step, engine, state, turn)
        result = outcome.result

        for reply in result.replies:
            dispatcher.utter_message(
                text=reply.text, buttons=[button.to_dict() for button in reply.buttons]
            )
        update = BridgeUpdate(
            summary=outcome.summary,
            facts=result.state.facts,
            fired_rule_ids=tuple(result.state.fired_rule_ids),
            signals=tuple(result.signals),
        )
        dispatcher.utter_message(json_message=encode(update))

        logger.info(
            "%s conversation_ref=%s act=%s phase=%s replies=%d signals=%s ms=%.0f",
            self.name(),
            ref(tracker.sender_id),
            turn.act.value,
            result.state.phase.value,
            len(result.replies),
            ",".join(s.type.value for s in result.signals) or "-",
            (time.perf_counter() - started) * 1000,
        )
        return [SlotSet(INTERVIEW_SLOT, result.state.to_dict())]
