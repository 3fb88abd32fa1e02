"""Fixtures for the custom actions: the real engine on the small fixture knowledge base and
tracker dicts shaped like the ones Rasa 3.6 sends to the action server."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.engine_provider import set_engine
from symcheck.bridge import BridgeUpdate, decode
from symcheck.clinical.engine_factory import load_interview_engine
from symcheck.clinical.interview import InterviewEngine
from symcheck.settings import REPO_ROOT, Settings

KB_SMALL = REPO_ROOT / "tests" / "fixtures" / "kb_small"


@pytest.fixture(scope="session")
def small_engine() -> InterviewEngine:
    return load_interview_engine(
        Settings(kb_dir=KB_SMALL, rules_dir=KB_SMALL / "rules", emergency_number="112")
    )


@pytest.fixture
def engine(small_engine: InterviewEngine) -> Iterator[InterviewEngine]:
    """The fixture engine, installed for the actions and removed afterwards."""
    set_engine(small_engine)
    yield small_engine
    set_engine(None)


def tracker_dict(
    text: str,
    intent: str | None,
    *,
    confidence: float = 0.95,
    entities: Sequence[Mapping[str, Any]] = (),
    metadata: Mapping[str, Any] | None = None,
    interview: Mapping[str, Any] | None = None,
    sender_id: str = "conv-test",
) -> dict[str, Any]:
    """The ``tracker`` part of an action call, as Rasa 3.6 sends it."""
    latest_message = {
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": list(entities),
        "text": text,
        "message_id": "m1",
        "metadata": dict(metadata or {}),
        "intent_ranking": [{"name": intent, "confidence": confidence}] if intent else [],
    }
    return {
        "sender_id": sender_id,
        "slots": {"interview": dict(interview) if interview is not None else None},
        "latest_message": latest_message,
        "latest_event_time": 1_700_000_000.0,
        "followup_action": None,
        "paused": False,
        "events": [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": latest_message},
        ],
        "latest_input_channel": "gateway",
        "active_loop": {},
        "latest_action": {"action_name": "action_listen"},
        "latest_action_name": "action_listen",
    }


@dataclass
class ActionRun:
    """What one action call produced."""

    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]

    @property
    def visible(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if not m.get("custom")]

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.visible]

    @property
    def bridge(self) -> BridgeUpdate:
        updates = [decode(m["custom"]) for m in self.messages if m.get("custom")]
        assert len(updates) == 1, f"expected exactly one bridge message, got {len(updates)}"
        assert updates[0] is not None
        return updates[0]

    @property
    def interview(self) -> dict[str, Any]:
        [event] = self.events
        assert event["event"] == "slot"
        assert event["name"] == "interview"
        return dict(event["value"])


async def run_action(action: Action, tracker: Mapping[str, Any]) -> ActionRun:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, Tracker.from_dict(dict(tracker)), {})
    return ActionRun(messages=dispatcher.messages, events=list(events))
