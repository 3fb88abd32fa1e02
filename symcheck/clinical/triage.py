"""Triage: one disposition from the red-flag floor, the likely conditions and risk modifiers.

The disposition is the most urgent of:

(a) the **floor** set by fired red-flag rules (nothing may advise below it);
(b) the **condition-based** disposition: the most urgent default disposition, raised by its
    escalators when they hold, among conditions with a non-trivial posterior (see
    :data:`POSTERIOR_THRESHOLDS`) that *explain* something the patient reported (they list a
    reported finding as more likely than its base rate). A condition that explains nothing
    holds only prior mass, which the evidence cannot tell apart from "none of these": that
    mass joins the *unexplained* hypothesis, which counts as a condition whose disposition is
    ``consultation`` (when the knowledge base cannot explain the patient, a doctor should see
    them). With nothing plausible at all the default is ``consultation``, never ``self_care``;
(c) **modifiers** from ``TRIAGE_LEVELS.md`` (age under 3 months or over 75, pregnancy,
    immunosuppression, anticoagulants) raise (b) by one level.

The result carries every reason that contributed, so explanations and the clinician summary
can say which rule, condition or modifier decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from symcheck.clinical import logic
from symcheck.clinical.dispositions import Disposition, most_urgent
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import Condition, FindingKind
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.scoring.base import ConditionScore, Ranking

#: Posterior at which a condition's disposition counts. Under-triage is the harmful error
#: (``TRIAGE_LEVELS.md``), so a 1-in-20 chance of an emergency already counts, while
#: routine and self-care conditions need 1 in 10 to shape the advice.
POSTERIOR_THRESHOLDS: Mapping[Disposition, float] = {
    Disposition.EMERGENCY_AMBULANCE: 0.05,
    Disposition.EMERGENCY: 0.05,
    Disposition.CONSULTATION_24: 0.10,
    Disposition.CONSULTATION: 0.10,
    Disposition.SELF_CARE: 0.10,
}
#: What we advise when the knowledge base cannot explain the patient, or knows nothing yet.
DEFAULT_DISPOSITION = Disposition.CONSULTATION
UNEXPLAINED_THRESHOLD = POSTERIOR_THRESHOLDS[DEFAULT_DISPOSITION]

INFANT_MAX_YEARS = 0.25  # "under 3 months"
ELDERLY_MIN_YEARS = 75.0  # "over 75"

# Substrings that identify the modifier findings in a knowledge base whose ids we do not fix.
_IMMUNO_KEYS = ("immunosupp", "immunocomp", "immune_suppress", "weak_immune")
_ANTICOAG_KEYS = ("anticoag", "blood_thinner")
_MODIFIER_KINDS = (FindingKind.RISK_FACTOR, FindingKind.HISTORY)


class ReasonKind(StrEnum):
    RULE = "rule"  # a fired red-flag rule (the floor)
    CONDITION = "condition"  # a plausible condition's default disposition
    ESCALATOR = "escalator"  # a plausible condition made more urgent by its escalator
    UNEXPLAINED = "unexplained"  # the knowledge base cannot explain the findings
    DEFAULT = "default"  # nothing plausible: the safe default
    MODIFIER = "modifier"  # age, pregnancy, immunosuppression, anticoagulants


@dataclass(frozen=True)
class TriageReason:
    """Why a disposition was considered.

    Attributes:
        kind: what produced it.
        ref: rule id, condition id, or modifier name (``infant``, ``elderly``, ``pregnancy``,
            or the finding id for immunosuppression / anticoagulants).
        disposition: the disposition this reason asks for.
        detail: clinician-facing text (rule title, escalator reason...).
    """

    kind: ReasonKind
    ref: str
    disposition: Disposition
    detail: str = ""


@dataclass(frozen=True)
class TriageDecision:
    """The disposition and every reason that contributed to it.

    Modifier reasons carry the raised disposition they led to.
    """

    disposition: Disposition
    floor: Disposition | None
    condition_disposition: Disposition  # from the conditions, before modifiers
    reasons: tuple[TriageReason, ...]  # most urgent first
    unexplained: float = 0.0  # "none of these" plus conditions that explain nothing reported
    best_explained: float = 0.0  # posterior of the likeliest condition that explains something

    @property
    def modifiers(self) -> tuple[TriageReason, ...]:
        return tuple(r for r in self.reasons if r.kind is ReasonKind.MODIFIER)

    @property
    def deciding(self) -> tuple[TriageReason, ...]:
        """The rules or conditions behind the final disposition (before any modifier raise)."""
        for target in (self.disposition, self.condition_disposition):
            found = tuple(
                r
                for r in self.reasons
                if r.kind is not ReasonKind.MODIFIER and r.disposition is target
            )
            if found:
                return found
        return ()


def condition_disposition(
    condition: Condition, facts: PatientFacts
) -> tuple[Disposition, TriageReason]:
    """A condition's disposition for this patient: its default, raised by escalators that hold."""
    best = TriageReason(ReasonKind.CONDITION, condition.id, condition.disposition, condition.name)
    for escalator in condition.escalators:
        if escalator.disposition.urgency > best.disposition.urgency and logic.holds(
            escalator.when, facts
        ):
            best = TriageReason(
                ReasonKind.ESCALATOR, condition.id, escalator.disposition, escalator.reason
            )
    return best.disposition, best


@dataclass(frozen=True)
class ModifierFindings:
    """The knowledge base's findings for the finding-based modifiers (empty when absent)."""

    immunosuppression: tuple[str, ...] = ()
    anticoagulants: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.immunosuppression, *self.anticoagulants)

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> ModifierFindings:
        """Find them by id (``immunosuppression``, ``anticoagulants`` and close variants)."""

        def matching(keys: Sequence[str]) -> tuple[str, ...]:
            return tuple(
                sorted(
                    fid
                    for fid, finding in kb.findings.items()
                    if finding.kind in _MODIFIER_KINDS and any(k in fid for k in keys)
                )
            )

        return cls(
            immunosuppression=matching(_IMMUNO_KEYS), anticoagulants=matching(_ANTICOAG_KEYS)
        )


@dataclass(frozen=True)
class Modifier:
    """A risk modifier that holds for the patient: one level more urgent."""

    ref: str  # ``infant``, ``elderly``, ``pregnancy``, or the finding id
    detail: str


def modifiers(facts: PatientFacts, findings: ModifierFindings) -> tuple[Modifier, ...]:
    """The risk modifiers from ``TRIAGE_LEVELS.md`` that hold for the patient."""
    out: list[Modifier] = []
    age = facts.age_years
    if age is not None and age < INFANT_MAX_YEARS:
        out.append(Modifier("infant", "Baby under 3 months"))
    if age is not None and age > ELDERLY_MIN_YEARS:
        out.append(Modifier("elderly", "Over 75"))
    if facts.pregnant is True:
        out.append(Modifier("pregnancy", "Pregnant"))
    for ids, detail in (
        (findings.immunosuppression, "Immunosuppressed"),
        (findings.anticoagulants, "Takes anticoagulants"),
    ):
        present = [fid for fid in ids if facts.is_present(fid)]
        if present:
            out.append(Modifier(present[0], detail))
    return tuple(out)


class Triager:
    """Decides the disposition for a knowledge base. Build once; :meth:`decide` is pure."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Mapping[Disposition, float] = POSTERIOR_THRESHOLDS,
    ) -> None:
        self.kb = kb
        self.thresholds = dict(thresholds)
        self.modifier_findings = ModifierFindings.from_kb(kb)
        self._explaining = {
            cid: frozenset(fid for fid, p in c.findings.items() if p > kb.findings[fid].base_rate)
            for cid, c in kb.conditions.items()
        }

    def explains(self, condition_id: str, facts: PatientFacts) -> bool:
        """Whether the condition makes something the patient reported more likely."""
        return self._explains(condition_id, frozenset(facts.present_ids))

    def explaining(self, ranking: Ranking, facts: PatientFacts) -> list[ConditionScore]:
        """The ranked conditions that explain something reported, best first."""
        present = frozenset(facts.present_ids)
        return [s for s in ranking.scores if self._explains(s.condition_id, present)]

    def _explains(self, condition_id: str, present: frozenset[str]) -> bool:
        return not self._explaining.get(condition_id, frozenset()).isdisjoint(present)

    def threshold(self, disposition: Disposition) -> float:
        """Posterior from which a condition with this disposition counts."""
        return self.thresholds[disposition]

    def decide(
        self,
        facts: PatientFacts,
        ranking: Ranking,
        fired: Iterable[RedFlagRule] = (),
    ) -> TriageDecision:
        """The disposition for the patient (see the module docstring)."""
        rules = [
            TriageReason(ReasonKind.RULE, rule.id, rule.disposition, rule.title) for rule in fired
        ]
        floor = most_urgent(*(r.disposition for r in rules))
        condition_part: list[TriageReason] = []
        unexplained = ranking.unexplained
        best = 0.0
        present = frozenset(facts.present_ids)
        lowest = min(self.thresholds.values())
        for score in ranking.scores:
            condition = self.kb.conditions.get(score.condition_id)
            if condition is None or not self._explains(condition.id, present):
                unexplained += score.probability
                continue
            best = max(best, score.probability)
            if score.probability < lowest:
                continue
            disposition, reason = condition_disposition(condition, facts)
            if score.probability >= self.thresholds[disposition]:
                condition_part.append(reason)
        if unexplained >= UNEXPLAINED_THRESHOLD:
            condition_part.append(
                TriageReason(
                    ReasonKind.UNEXPLAINED,
                    "unexplained",
                    DEFAULT_DISPOSITION,
                    f"{unexplained:.0%} not explained by any known condition",
                )
            )
        if not condition_part:
            condition_part.append(
                TriageReason(
                    ReasonKind.DEFAULT, "default", DEFAULT_DISPOSITION, "No likely condition yet"
                )
            )
        base = max((r.disposition for r in condition_part), key=lambda d: d.urgency)
        mods = modifiers(facts, self.modifier_findings)
        raised = base.raised() if mods else base
        modifier_reasons = [
            TriageReason(ReasonKind.MODIFIER, m.ref, raised, m.detail) for m in mods
        ]
        final = raised if floor is None or raised.urgency >= floor.urgency else floor
        ordered = sorted(
            [*rules, *condition_part, *modifier_reasons],
            key=lambda r: (-r.disposition.urgency, r.kind.value, r.ref),
        )
        return TriageDecision(
            disposition=final,
            floor=floor,
            condition_disposition=base,
            reasons=tuple(ordered),
            unexplained=min(unexplained, 1.0),
            best_explained=best,
        )
