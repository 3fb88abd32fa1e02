"""The clinical pieces the gateway needs for its red-flag precheck, loaded once at start-up.

The gateway checks every patient message against the deterministic red-flag rules before
anything else (see ``docs/architecture.md``). It needs the knowledge base's finding extractor
and the rule set, nothing else of the interview engine. Built by the gateway's lifespan,
never at import.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from symcheck.clinical.knowledge import load_knowledge_base
from symcheck.clinical.nlu.extractor import FindingExtractor
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.rules import RuleSet, load_rules
from symcheck.clinical.safety import SafetyCheck, check_message


@dataclass(frozen=True)
class SafetyRuntime:
    """Extractor and rules, ready to check messages (pure and thread-safe)."""

    extractor: FindingExtractor
    rules: RuleSet

    def check(
        self, text: str, facts: PatientFacts, already_fired: Collection[str] = ()
    ) -> SafetyCheck:
        return check_message(text, facts, self.extractor, self.rules, already_fired)


def load_safety_runtime(kb_dir: Path, rules_dir: Path) -> SafetyRuntime:
    """Load and cross-check the knowledge base and the red-flag rules."""
    kb = load_knowledge_base(kb_dir)
    rules = load_rules(rules_dir, kb)
    return SafetyRuntime(extractor=FindingExtractor(kb), rules=rules)
