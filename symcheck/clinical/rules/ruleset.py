"""The loaded rule set and its pure evaluator."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from symcheck.clinical import logic
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.rules.models import RedFlagRule, RuleSetInfo


class RuleSetError(ValueError):
    """The rule set is inconsistent (duplicate ids, unknown findings...)."""


@dataclass(frozen=True)
class RuleSet:
    """All red-flag rules, keyed by id, checked against the knowledge base's findings."""

    info: RuleSetInfo
    rules: Mapping[str, RedFlagRule]
    systems: Mapping[str, str]  # rule id -> body system (file it came from)

    @property
    def version(self) -> str:
        return self.info.version

    def check_against(self, kb: KnowledgeBase) -> list[str]:
        """Problems with references to the knowledge base (empty when consistent)."""
        problems = []
        for rule in self.rules.values():
            for fid in logic.finding_ids(rule.when):
                if fid not in kb.findings:
                    problems.append(f"{rule.id}: unknown finding {fid!r}")
            for kind, cases in (("fire", rule.cases.fire), ("near_miss", rule.cases.near_miss)):
                for case in cases:
                    for fid in case.findings:
                        if fid not in kb.findings:
                            problems.append(f"{rule.id} {kind} case: unknown finding {fid!r}")
        return problems

    def evaluate(self, facts: PatientFacts) -> list[RedFlagRule]:
        """The rules that fire for ``facts``, most urgent first (then by id)."""
        return fired_rules(self.rules.values(), facts)

    def finding_ids(self) -> set[str]:
        """Every finding any rule mentions."""
        return {fid for rule in self.rules.values() for fid in logic.finding_ids(rule.when)}

    def __iter__(self) -> Iterator[RedFlagRule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)


def fired_rules(rules: Iterable[RedFlagRule], facts: PatientFacts) -> list[RedFlagRule]:
    """Pure evaluation: the rules whose criterion holds, most urgent first, then by id."""
    present = frozenset(facts.present_ids)
    fired = [
        rule for rule in rules if logic.could_hold(rule.triggers, present) and rule.check(facts)
    ]
    return sorted(fired, key=lambda r: (-r.disposition.urgency, r.id))


def floor(fired: Sequence[RedFlagRule]) -> Disposition | None:
    """The disposition floor set by fired rules (the most urgent), or ``None``."""
    if not fired:
        return None
    return max((rule.disposition for rule in fired), key=lambda d: d.urgency)
