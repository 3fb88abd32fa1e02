"""The private message the action server sends the gateway with every bot turn.

Rasa's REST channel returns an action's ``json_message`` as ``{"custom": {...}}``. The action
server attaches one such message per turn carrying the clinical state the gateway needs: the
case summary (for the clinician queue), the patient facts and fired rules (so the gateway's
red-flag check on the next message has the context), and signals (open or escalate a case).
The gateway strips it before anything reaches the patient. Patients cannot forge it: only
custom actions produce ``custom`` messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from symcheck.clinical.interview.protocol import Signal
from symcheck.clinical.interview.summary import CaseSummary
from symcheck.clinical.patient import PatientFacts

BRIDGE_KEY = "symcheck_bridge"
BRIDGE_VERSION = 1


@dataclass(frozen=True)
class BridgeUpdate:
    summary: CaseSummary
    facts: PatientFacts
    fired_rule_ids: tuple[str, ...] = ()
    signals: tuple[Signal, ...] = field(default=())


def encode(update: BridgeUpdate) -> dict[str, Any]:
    """The ``json_message`` body an action sends."""
    return {
        BRIDGE_KEY: {
            "v": BRIDGE_VERSION,
            "summary": update.summary.to_dict(),
            "facts": update.facts.to_dict(),
            "fired_rule_ids": list(update.fired_rule_ids),
            "signals": [s.to_dict() for s in update.signals],
        }
    }


def decode(custom: Any) -> BridgeUpdate | None:
    """The update in a REST ``custom`` payload, or ``None`` if it is not a bridge message."""
    if not isinstance(custom, Mapping) or BRIDGE_KEY not in custom:
        return None
    body = custom[BRIDGE_KEY]
    if not isinstance(body, Mapping) or body.get("v") != BRIDGE_VERSION:
        return None
    return BridgeUpdate(
        summary=CaseSummary.from_dict(body.get("summary") or {}),
        facts=PatientFacts.from_dict(body.get("facts") or {}),
        fired_rule_ids=tuple(body.get("fired_rule_ids") or ()),
        signals=tuple(Signal.from_dict(s) for s in body.get("signals") or ()),
    )


def split_messages(
    messages: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[BridgeUpdate]]:
    """Separate patient-visible messages from bridge updates in a REST channel response."""
    visible: list[Mapping[str, Any]] = []
    updates: list[BridgeUpdate] = []
    for message in messages:
        update = decode(message.get("custom")) if "custom" in message else None
        if update is not None:
            updates.append(update)
        elif "custom" not in message:
            visible.append(message)
    return visible, updates
