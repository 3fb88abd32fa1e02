"""The loaded, cross-checked knowledge base."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from symcheck.clinical import logic
from symcheck.clinical.knowledge.models import Condition, Finding, KnowledgeBaseInfo


class KnowledgeBaseError(ValueError):
    """The knowledge base content is inconsistent."""


@dataclass(frozen=True)
class KnowledgeBase:
    """Findings and conditions with their cross-references checked.

    Build it with :func:`symcheck.clinical.knowledge.loader.load_knowledge_base` or directly
    from models in tests; the constructor validates references either way.
    """

    info: KnowledgeBaseInfo
    findings: Mapping[str, Finding]
    conditions: Mapping[str, Condition]
    _children: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        errors = list(_check(self))
        if errors:
            raise KnowledgeBaseError("; ".join(errors))
        children: dict[str, list[str]] = {}
        for finding in self.findings.values():
            if finding.parent:
                children.setdefault(finding.parent, []).append(finding.id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    @property
    def version(self) -> str:
        return self.info.version

    def finding(self, finding_id: str) -> Finding:
        return self.findings[finding_id]

    def condition(self, condition_id: str) -> Condition:
        return self.conditions[condition_id]

    def children_of(self, finding_id: str) -> tuple[str, ...]:
        """Findings that imply ``finding_id`` (more specific ones)."""
        return self._children.get(finding_id, ())

    def ancestors_of(self, finding_id: str) -> Iterator[str]:
        """The chain of more general findings implied by ``finding_id``."""
        parent = self.findings[finding_id].parent
        while parent is not None:
            yield parent
            parent = self.findings[parent].parent

    def descendants_of(self, finding_id: str) -> Iterator[str]:
        for child in self.children_of(finding_id):
            yield child
            yield from self.descendants_of(child)

    @cached_property
    def phrases(self) -> dict[str, str]:
        """Every lay phrase (synonyms and misspellings, lowercased) -> finding id."""
        out: dict[str, str] = {}
        for finding in self.findings.values():
            for phrase in (*finding.synonyms, *finding.misspellings):
                out[phrase] = finding.id
        return out

    @cached_property
    def denial_phrases(self) -> dict[str, str]:
        """Every lay phrase that reports a finding absent ("can walk on it") -> finding id."""
        out: dict[str, str] = {}
        for finding in self.findings.values():
            for phrase in finding.denials:
                out[phrase] = finding.id
        return out


def _check(kb: KnowledgeBase) -> Iterator[str]:
    for key, finding in kb.findings.items():
        if key != finding.id:
            yield f"finding key {key!r} does not match its id {finding.id!r}"
        if finding.parent is not None and finding.parent not in kb.findings:
            yield f"finding {finding.id!r}: unknown parent {finding.parent!r}"
        if finding.ask_if is not None:
            for ref in logic.finding_ids(finding.ask_if):
                if ref not in kb.findings:
                    yield f"finding {finding.id!r}: ask_if names unknown finding {ref!r}"
    yield from _check_parent_cycles(kb)
    seen: dict[str, str] = {}
    for finding in kb.findings.values():
        for phrase in (*finding.synonyms, *finding.misspellings):
            other = seen.setdefault(phrase, finding.id)
            if other != finding.id:
                yield f"phrase {phrase!r} is used by both {other!r} and {finding.id!r}"
    denied: dict[str, str] = {}
    for finding in kb.findings.values():
        for phrase in finding.denials:
            if phrase in seen:
                yield f"denial {phrase!r} of {finding.id!r} is also a phrase of {seen[phrase]!r}"
            other = denied.setdefault(phrase, finding.id)
            if other != finding.id:
                yield f"denial {phrase!r} is used by both {other!r} and {finding.id!r}"
    for phrase in kb.info.ignored_phrases:
        if phrase in seen:
            yield f"ignored phrase {phrase!r} is also a phrase of {seen[phrase]!r}"
        if phrase in denied:
            yield f"ignored phrase {phrase!r} is also a denial of {denied[phrase]!r}"
    for key, condition in kb.conditions.items():
        if key != condition.id:
            yield f"condition key {key!r} does not match its id {condition.id!r}"
        for fid in condition.findings:
            if fid not in kb.findings:
                yield f"condition {condition.id!r}: unknown finding {fid!r}"
        for escalator in condition.escalators:
            for fid in logic.finding_ids(escalator.when):
                if fid not in kb.findings:
                    yield f"condition {condition.id!r}: escalator names unknown finding {fid!r}"


def _check_parent_cycles(kb: KnowledgeBase) -> Iterator[str]:
    for finding in kb.findings.values():
        seen = {finding.id}
        parent = finding.parent
        while parent is not None and parent in kb.findings:
            if parent in seen:
                yield f"finding {finding.id!r}: parent chain loops through {parent!r}"
                break
            seen.add(parent)
            parent = kb.findings[parent].parent
