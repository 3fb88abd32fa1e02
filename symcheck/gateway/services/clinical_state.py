"""The clinical state the gateway keeps (encrypted) on each conversation.

It is the latest bridge update from the action server (summary, facts, fired rules), plus
what the gateway's own red-flag precheck learnt, plus a flag for a pending bot restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from symcheck.bridge import BridgeUpdate
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.safety import SafetyCheck


@dataclass(frozen=True)
class ClinicalState:
    summary: Mapping[str, Any] | None = None
    facts: PatientFacts = field(default_factory=PatientFacts)
    fired_rule_ids: tuple[str, ...] = ()
    pending_restart: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ClinicalState:
        if not data:
            return cls()
        return cls(
            summary=data.get("summary"),
            facts=PatientFacts.from_dict(data.get("facts") or {}),
            fired_rule_ids=tuple(data.get("fired_rule_ids") or ()),
            pending_restart=bool(data.get("pending_restart", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": dict(self.summary) if self.summary is not None else None,
            "facts": self.facts.to_dict(),
            "fired_rule_ids": list(self.fired_rule_ids),
            "pending_restart": self.pending_restart,
        }

    def with_check(self, check: SafetyCheck) -> ClinicalState:
        """Add the precheck's facts and fired rules (so they do not fire twice)."""
        fired = list(self.fired_rule_ids)
        for rule in check.fired:
            if rule.id not in fired:
                fired.append(rule.id)
        return replace(self, facts=check.facts, fired_rule_ids=tuple(fired))

    def with_update(self, update: BridgeUpdate) -> ClinicalState:
        """The action server's view replaces ours: it saw the same messages and more."""
        return replace(
            self,
            summary=update.summary.to_dict(),
            facts=update.facts,
            fired_rule_ids=tuple(update.fired_rule_ids),
        )
