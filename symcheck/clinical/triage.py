"""Triage: one disposition from the red-flag floor, the likely conditions and risk modifiers.

The disposition is the more urgent of:

(a) the **floor** set by fired red-flag rules (nothing may advise below it);
(b) the **condition-based** disposition, a decision under uncertainty about what the patient
    needs (below).

**The need.** Each hypothesis of the scorer says what the patient would need if it were true:
a condition its default disposition, raised by its escalators that hold; the *unexplained*
hypothesis ("none of these conditions") :data:`UNEXPLAINED_NEED`, a routine appointment (when
the knowledge base cannot explain the patient, a doctor should see them, but nothing in that
ignorance says it is urgent: urgency comes from evidence, i.e. the conditions that explain the
findings, their escalators and the red-flag rules, which apply whatever the model thinks).

Only conditions that **explain** something the patient reported (list a reported finding as
more likely than its base rate) take part. A condition that explains nothing gives every
reported finding its base rate, exactly as the unexplained hypothesis does: its posterior is
prior mass that says "the complaint is not explained by a known condition" a second time
(with 300 conditions, ~90% of the prior), so it would swamp the decision with a share that
only measures the size of the knowledge base. Those conditions are dropped and the rest
renormalised, so "not explained" keeps the weight of the unexplained hypothesis alone (its
documented prior, updated by the evidence). Then, for each level ``d``::

    P(need >= d) = (sum over explaining c of P(c) [need(c) >= d]
                    + P(unexplained) [UNEXPLAINED_NEED >= d]) / (their total)

**The decision.** Advising below the need (under-triage) and above it (over-triage) have
different costs at each boundary between two adjacent levels. With ``C_u(d)`` the cost of
advising below ``d`` a patient who needs ``d`` or more, and ``C_o(d)`` the cost of advising
``d`` or more to one who needs less, advising at least ``d`` has the lower expected cost when
``P(need >= d) >= C_o(d) / (C_o(d) + C_u(d))``. :data:`UNDER_TRIAGE_COST` gives the ratios
``C_u / C_o`` (see there) and :data:`NEED_THRESHOLDS` the resulting thresholds, never
higher for a more urgent level. The condition-based disposition is the most urgent level
whose threshold is reached (``self_care`` when none is): when in doubt, the more urgent. With
nothing explained the unexplained hypothesis holds all the mass: ``consultation``, never
``self_care``.

**Modifiers** from ``TRIAGE_LEVELS.md`` (age under 3 months or over 75, pregnancy,
immunosuppression, anticoagulants) raise the condition-based disposition by one level (however
many hold), unless the hypotheses behind it already **encode** them. A condition's default
disposition is set for its typical patient; a modifier says this patient is more vulnerable
than that. A condition encodes a modifier when its typical patient already has it: it
requires pregnancy or has an ICD-10 pregnancy code (``O..``; a perinatal code ``P..`` for
infants); most of its patients (:data:`TYPICAL_SHARE`, from its age prior over the scorer's
population mix) are infants or older people (colic, dementia, heart failure); or one of its
escalators refers to the modifier (pregnancy, an age bound within infancy or from old age, the
immunosuppression or anticoagulant finding), so its authors decided how it changes the
advice. The raise applies when the hypotheses that need at least the decided level (weighted
by their probability; the unexplained hypothesis never encodes anything) mostly
(:data:`RAISE_SHARE`) do not encode a modifier that holds: for a pregnant woman with
hyperemesis the advice stays at hyperemesis's level, for a pregnant woman with a chest
infection it goes up one.

The result carries the reasons that contributed, so explanations and the clinician summary
can say which rule, condition or modifier decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from symcheck.clinical import logic
from symcheck.clinical.dispositions import Disposition, from_urgency, most_urgent
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import (
    AGE_BAND_BOUNDS,
    AgeBand,
    Condition,
    Escalator,
    FindingKind,
)
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.scoring.base import ConditionScore, Ranking
from symcheck.clinical.scoring.naive_bayes import AGE_BAND_MIX

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_A = TypeVar("_A", bound=np.ndarray)

#: Cost of under-triage relative to over-triage (``C_u / C_o``) at the boundary *below* each
#: level, i.e. of advising less than that level to a patient who needs it:
#:
#: - ``emergency_ambulance`` (vs going to the emergency department): a heart attack, stroke or
#:   anaphylaxis travelling by car, collapsing on the way, arriving without pre-hospital care,
#:   against an ambulance sent needlessly: 19 to 1;
#: - ``emergency`` (vs a doctor within 24 h): appendicitis, ectopic pregnancy, sepsis left for
#:   a day, against an emergency-department visit that was not needed: 19 to 1 (a 1-in-20
#:   chance of an emergency is enough, as the red-flag rules and clinicians treat it);
#: - ``consultation_24`` (vs a routine appointment): a kidney infection or spreading cellulitis
#:   left for days (harm, usually recoverable), against a same-day slot used: 4 to 1;
#: - ``consultation`` (vs self-care): someone who needed a doctor looking after themselves,
#:   with safety-netting that tells them when to come (they will come back), against an
#:   appointment not needed: 2 to 1.
UNDER_TRIAGE_COST: Mapping[Disposition, float] = {
    Disposition.EMERGENCY_AMBULANCE: 19.0,
    Disposition.EMERGENCY: 19.0,
    Disposition.CONSULTATION_24: 4.0,
    Disposition.CONSULTATION: 2.0,
}
#: ``P(need >= d)`` from which ``d`` is advised: ``C_o / (C_o + C_u) = 1 / (1 + ratio)``, i.e.
#: 5% for the emergency levels, 20% for a doctor within 24 hours, 1 in 3 for a routine
#: appointment: never higher for a more urgent level.
NEED_THRESHOLDS: Mapping[Disposition, float] = {
    d: 1.0 / (1.0 + ratio) for d, ratio in UNDER_TRIAGE_COST.items()
}
#: What the unexplained hypothesis ("none of these conditions") needs, before modifiers.
UNEXPLAINED_NEED = Disposition.CONSULTATION
#: What we advise when nothing is known yet (no hypothesis holds any mass).
DEFAULT_DISPOSITION = Disposition.CONSULTATION
#: A condition (or the unexplained hypothesis) is listed as a reason from this share of the
#: renormalised mass; at most :data:`MAX_REASONS` conditions are.
REASON_MIN = 0.01
MAX_REASONS = 5
#: A condition encodes an age modifier when at least this share of its patients is in the
#: modifier's age band (a majority: the typical patient).
TYPICAL_SHARE = 0.5
#: Modifiers raise the advice when at least this share of the mass behind it does not encode
#: them (a majority of what decided).
RAISE_SHARE = 0.5

INFANT_MAX_YEARS = 0.25  # "under 3 months"
ELDERLY_MIN_YEARS = 75.0  # "over 75"
#: Age bounds that make a condition or escalator specific to infancy or old age (the
#: knowledge base's age bands): below the end of the infant band, from the older band.
_INFANCY_END = AGE_BAND_BOUNDS[AgeBand.INFANT][1]
_OLD_AGE_START = AGE_BAND_BOUNDS[AgeBand.OLDER][0]

# Substrings that identify the modifier findings in a knowledge base whose ids we do not fix.
_IMMUNO_KEYS = ("immunosupp", "immunocomp", "immune_suppress", "weak_immune")
_ANTICOAG_KEYS = ("anticoag", "blood_thinner")
_MODIFIER_KINDS = (FindingKind.RISK_FACTOR, FindingKind.HISTORY)


class ReasonKind(StrEnum):
    RULE = "rule"  # a fired red-flag rule (the floor)
    CONDITION = "condition"  # a condition behind the decision (its default disposition)
    ESCALATOR = "escalator"  # the same, made more urgent by its escalator
    UNEXPLAINED = "unexplained"  # the knowledge base cannot explain the findings
    DEFAULT = "default"  # nothing known: the safe default
    MODIFIER = "modifier"  # age, pregnancy, immunosuppression, anticoagulants


class ModifierKind(StrEnum):
    INFANT = "infant"
    ELDERLY = "elderly"
    PREGNANCY = "pregnancy"
    IMMUNOSUPPRESSION = "immunosuppression"
    ANTICOAGULANTS = "anticoagulants"


@dataclass(frozen=True)
class TriageReason:
    """Why a disposition was considered.

    Attributes:
        kind: what produced it.
        ref: rule id, condition id, or modifier name (``infant``, ``elderly``, ``pregnancy``,
            or the finding id for immunosuppression / anticoagulants).
        disposition: the disposition this reason asks for (a condition: what it needs).
        detail: clinician-facing text (rule title, escalator reason...).
    """

    kind: ReasonKind
    ref: str
    disposition: Disposition
    detail: str = ""


@dataclass(frozen=True)
class TriageDecision:
    """The disposition and every reason that contributed to it.

    Modifier reasons (only when the modifiers raised the advice) carry the raised disposition.
    ``need`` holds ``P(need >= d)`` for each level above self-care, modifiers included.
    """

    disposition: Disposition
    floor: Disposition | None
    condition_disposition: Disposition  # from the conditions, before modifiers
    reasons: tuple[TriageReason, ...]  # most urgent first
    unexplained: float = 0.0  # "none of these" plus conditions that explain nothing reported
    best_explained: float = 0.0  # posterior of the likeliest condition that explains something
    need: Mapping[Disposition, float] = field(default_factory=dict)
    # The same two, renormalised over what the decision weighs (explaining conditions plus the
    # unexplained hypothesis): how sure the assessment is, on the decision's own terms.
    best_share: float = 0.0
    unexplained_share: float = 0.0

    @property
    def modifiers(self) -> tuple[TriageReason, ...]:
        return tuple(r for r in self.reasons if r.kind is ReasonKind.MODIFIER)

    @property
    def deciding(self) -> tuple[TriageReason, ...]:
        """The rules or conditions behind the final disposition (before any modifier raise).

        Conditions are those needing the decided level; when the level was reached only
        through more urgent conditions (each too unlikely for their own level), those.
        """
        others = [r for r in self.reasons if r.kind is not ReasonKind.MODIFIER]
        for target in (self.disposition, self.condition_disposition):
            found = tuple(r for r in others if r.disposition is target)
            if found:
                return found
        target = self.condition_disposition
        return tuple(r for r in others if r.disposition.urgency > target.urgency)


def condition_disposition(
    condition: Condition, facts: PatientFacts, present: AbstractSet[str] | None = None
) -> tuple[Disposition, TriageReason]:
    """A condition's disposition for this patient: its default, raised by escalators that hold.

    ``present``: the findings reported present, when the caller has them at hand.
    """
    best = TriageReason(ReasonKind.CONDITION, condition.id, condition.disposition, condition.name)
    if not condition.escalators:
        return best.disposition, best
    if present is None:
        present = frozenset(facts.present_ids)
    for escalator in condition.escalators:
        if (
            escalator.disposition.urgency > best.disposition.urgency
            and logic.could_hold(escalator.triggers, present)
            and escalator.check(facts)
        ):
            best = TriageReason(
                ReasonKind.ESCALATOR, condition.id, escalator.disposition, escalator.reason
            )
    return best.disposition, best


def condition_need(condition: Condition, facts: PatientFacts, present: AbstractSet[str]) -> int:
    """The urgency of :func:`condition_disposition`, without its reason (for the question
    selector's look-ahead, which needs it for many conditions and possible answers).

    ``present``: the findings reported present.
    """
    need = condition.disposition.urgency
    for escalator in condition.escalators:
        urgency = escalator.urgency
        if (
            urgency > need
            and logic.could_hold(escalator.triggers, present)
            and escalator.check(facts)
        ):
            need = urgency
    return need


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
    kind: ModifierKind


def modifiers(facts: PatientFacts, findings: ModifierFindings) -> tuple[Modifier, ...]:
    """The risk modifiers from ``TRIAGE_LEVELS.md`` that hold for the patient."""
    out: list[Modifier] = []
    age = facts.age_years
    if age is not None and age < INFANT_MAX_YEARS:
        out.append(Modifier("infant", "Baby under 3 months", ModifierKind.INFANT))
    if age is not None and age > ELDERLY_MIN_YEARS:
        out.append(Modifier("elderly", "Over 75", ModifierKind.ELDERLY))
    if facts.pregnant is True:
        out.append(Modifier("pregnancy", "Pregnant", ModifierKind.PREGNANCY))
    for ids, detail, kind in (
        (findings.immunosuppression, "Immunosuppressed", ModifierKind.IMMUNOSUPPRESSION),
        (findings.anticoagulants, "Takes anticoagulants", ModifierKind.ANTICOAGULANTS),
    ):
        present = [fid for fid in ids if facts.is_present(fid)]
        if present:
            out.append(Modifier(present[0], detail, kind))
    return tuple(out)


def encoded_modifiers(condition: Condition, findings: ModifierFindings) -> frozenset[ModifierKind]:
    """The modifiers a condition's disposition already accounts for (see the module docstring)."""
    out: set[ModifierKind] = set()
    requires = condition.requires
    code = condition.icd10.upper()
    if requires.pregnant is True or code.startswith("O"):
        out.add(ModifierKind.PREGNANCY)
    if _age_share(condition, AgeBand.INFANT) >= TYPICAL_SHARE or code.startswith("P"):
        out.add(ModifierKind.INFANT)
    if _age_share(condition, AgeBand.OLDER) >= TYPICAL_SHARE:
        out.add(ModifierKind.ELDERLY)
    immuno, anticoag = frozenset(findings.immunosuppression), frozenset(findings.anticoagulants)
    for escalator in condition.escalators:
        for node in _walk(escalator.when):
            match node:
                case logic.PregnantIs():
                    out.add(ModifierKind.PREGNANCY)
                case logic.AgeRange(min_years=low, max_years=high):
                    if high is not None and high <= _INFANCY_END:
                        out.add(ModifierKind.INFANT)
                    if low is not None and low >= _OLD_AGE_START:
                        out.add(ModifierKind.ELDERLY)
                case logic.Present(finding=fid) | logic.FindingWith(finding=fid):
                    if fid in immuno:
                        out.add(ModifierKind.IMMUNOSUPPRESSION)
                    if fid in anticoag:
                        out.add(ModifierKind.ANTICOAGULANTS)
    return frozenset(out)


def _age_share(condition: Condition, band: AgeBand) -> float:
    """The share of the condition's patients in an age band (its age prior and ``requires``
    over the population mix the scorer assumes when the age is unknown)."""
    low, high = condition.requires.min_age, condition.requires.max_age
    weights = {}
    for b, mix in AGE_BAND_MIX.items():
        start, end = AGE_BAND_BOUNDS[b]
        possible = (low is None or low < end) and (high is None or high > start)
        weights[b] = mix * condition.age_prior.get(b, 1.0) if possible else 0.0
    total = sum(weights.values())
    return weights[band] / total if total > 0 else 0.0


def _walk(criterion: logic.Criterion) -> Iterator[logic.Criterion]:
    yield criterion
    match criterion:
        case logic.All(parts) | logic.Any_(parts) | logic.NoneOf(parts) | logic.AtLeast(_, parts):
            for part in parts:
                yield from _walk(part)


def advised_urgency(
    conditions: FloatArray,
    unexplained: FloatArray | float,
    explains: BoolArray,
    need: FloatArray,
    unexplained_need: FloatArray | float,
    thresholds: Mapping[Disposition, float] = NEED_THRESHOLDS,
) -> tuple[FloatArray, FloatArray]:
    """The condition-based urgency (before modifiers) and ``P(need >= d)``, per column.

    Vectorised so that the question selector can evaluate many possible answers at once.

    Args:
        conditions: posterior of each condition, conditions x columns (or a vector: one
            column).
        unexplained: posterior of the unexplained hypothesis, per column (or a scalar).
        explains: whether each condition explains a reported finding, broadcastable to
            ``conditions``; the others take no part (see the module docstring).
        need: each condition's need (urgency 0-4), broadcastable to ``conditions``.
        unexplained_need: the unexplained hypothesis's need (urgency), per column or scalar.
        thresholds: ``P(need >= d)`` from which ``d`` is advised.

    Returns ``(urgency, probabilities)``: the urgency per column, and ``P(need >= d)`` with
    shape ``(4, columns)``, rows for consultation .. emergency_ambulance. With no mass at
    all the urgency is :data:`DEFAULT_DISPOSITION`'s.
    """
    p, u, counts, need, u_need = _hypotheses(
        conditions, unexplained, explains, need, unexplained_need
    )
    # The sums skip the conditions that do not count (as adding their zeros would: the same
    # result, bit for bit, in fewer passes).
    at_least = np.stack(
        [np.add.reduce(p, axis=0, where=counts & (need >= level)) for level in range(5)]
    )
    return urgency_from_masses(at_least, u, u_need, thresholds)


def urgency_from_masses(
    at_least: FloatArray,
    unexplained: FloatArray,
    unexplained_need: FloatArray | float,
    thresholds: Mapping[Disposition, float] = NEED_THRESHOLDS,
) -> tuple[FloatArray, FloatArray]:
    """:func:`advised_urgency` from the counting mass of the conditions needing at least each
    level, ``at_least`` (rows: levels 0-4, row 0 all of it; columns as there), and the
    unexplained hypothesis's mass and need per column (the question selector works out the
    masses its own way)."""
    total = at_least[0] + unexplained
    counted = total > 0
    safe = np.where(counted, total, 1.0)
    shape = (4,) + (1,) * total.ndim  # the levels 1-4 down the rows
    levels = np.arange(1.0, 5.0).reshape(shape)
    mass = at_least[1:] + np.where(np.asarray(unexplained_need) >= levels, unexplained, 0.0)
    probabilities: FloatArray = np.where(counted, mass / safe, (levels == 1).astype(float))
    threshold = level_thresholds(thresholds).reshape(shape)
    # The most urgent level whose threshold is reached (0: none).
    reached = np.where(probabilities >= threshold, levels, 0.0).max(axis=0)
    urgency: FloatArray = np.where(counted, reached, float(DEFAULT_DISPOSITION.urgency))
    return urgency, probabilities


def level_thresholds(thresholds: Mapping[Disposition, float]) -> FloatArray:
    """The thresholds of the urgencies 1-4 (consultation .. emergency_ambulance), in order."""
    return np.array([thresholds[from_urgency(level)] for level in range(1, 5)])


def modifier_raise(
    conditions: FloatArray,
    unexplained: FloatArray | float,
    explains: BoolArray,
    need: FloatArray,
    unexplained_need: FloatArray | float,
    level: FloatArray,
    not_encoded: BoolArray,
) -> BoolArray:
    """Per column, whether the modifiers that hold raise the advice by one level.

    Arguments as for :func:`advised_urgency`, plus the condition-based ``level`` per column
    and ``not_encoded`` (broadcastable to ``conditions``): the condition does not encode some
    modifier that holds. The hypotheses behind the level are those needing at least it; the
    modifiers raise it when :data:`RAISE_SHARE` of their mass does not encode them (the
    unexplained hypothesis encodes nothing). With no mass at all (nothing known) they raise
    the default.
    """
    p, u, counts, need, u_need = _hypotheses(
        conditions, unexplained, explains, need, unexplained_need
    )
    behind = counts & (need >= level)
    not_encoded = _column(np.asarray(not_encoded, dtype=bool))
    u_behind = np.where(u_need >= level, u, 0.0)
    mass = np.add.reduce(p, axis=0, where=behind) + u_behind
    open_mass = np.add.reduce(p, axis=0, where=behind & not_encoded) + u_behind
    result: BoolArray = (mass <= 0) | (open_mass >= RAISE_SHARE * mass)
    return result


def _hypotheses(
    conditions: FloatArray,
    unexplained: FloatArray | float,
    explains: BoolArray,
    need: FloatArray,
    unexplained_need: FloatArray | float,
) -> tuple[FloatArray, FloatArray, BoolArray, FloatArray, FloatArray]:
    """The conditions' posterior, whether they count (they explain something reported) and
    their need, as conditions x columns (or broadcastable to it), and the unexplained mass
    and need per column."""
    p = _column(np.asarray(conditions, dtype=float))
    columns = p.shape[1:]
    counts = _column(np.asarray(explains, dtype=bool))
    need = _column(np.asarray(need))
    u = np.asarray(unexplained, dtype=float)
    if u.shape != columns:
        u = np.broadcast_to(u, columns)
    u_need = np.asarray(unexplained_need, dtype=float)
    if u_need.shape != columns:
        u_need = np.broadcast_to(u_need, columns)
    return p, u, counts, need, u_need


def _column(array: _A) -> _A:
    """A per-condition vector as a one-column matrix (matrices unchanged)."""
    return array[:, None] if array.ndim == 1 else array  # type: ignore[return-value]


class Triager:
    """Decides the disposition for a knowledge base. Build once; :meth:`decide` is pure."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Mapping[Disposition, float] = NEED_THRESHOLDS,
    ) -> None:
        self.kb = kb
        self.thresholds = dict(thresholds)
        self.modifier_findings = ModifierFindings.from_kb(kb)
        self._explaining = {
            cid: frozenset(fid for fid, p in c.findings.items() if p > kb.findings[fid].base_rate)
            for cid, c in kb.conditions.items()
        }
        explained_by: dict[str, set[str]] = {}
        for cid, fids in self._explaining.items():
            for fid in fids:
                explained_by.setdefault(fid, set()).add(cid)
        self._explained_by = {fid: frozenset(cids) for fid, cids in explained_by.items()}
        # (condition id, escalator index) by a finding it needs present (see escalations).
        by_finding: dict[str, list[tuple[str, int]]] = {}
        unconditional: list[tuple[str, int]] = []
        for cid, condition in kb.conditions.items():
            for index, escalator in enumerate(condition.escalators):
                if not escalator.triggers:
                    unconditional.append((cid, index))
                for fid in escalator.triggers[0] if escalator.triggers else ():
                    by_finding.setdefault(fid, []).append((cid, index))
        self._escalators_by_finding = {fid: tuple(found) for fid, found in by_finding.items()}
        self._unconditional = tuple(sorted(unconditional))
        # Per (condition id, escalator index): what escalations reads of it, in one tuple.
        self._escalator_entries = {
            (cid, index): (
                cid,
                escalator,
                escalator.urgency,
                condition.disposition.urgency,
                escalator.triggers,
                escalator.check,
            )
            for cid, condition in kb.conditions.items()
            for index, escalator in enumerate(condition.escalators)
        }
        self._last_escalations: tuple[PatientFacts, Mapping[str, Escalator]] | None = None
        self._encoded = {
            cid: encoded_modifiers(c, self.modifier_findings) for cid, c in kb.conditions.items()
        }
        self._own_need = {cid: c.disposition.urgency for cid, c in kb.conditions.items()}

    def explains(self, condition_id: str, facts: PatientFacts) -> bool:
        """Whether the condition makes something the patient reported more likely."""
        return self._explains(condition_id, frozenset(facts.present_ids))

    def explaining(self, ranking: Ranking, facts: PatientFacts) -> list[ConditionScore]:
        """The ranked conditions that explain something reported, best first."""
        present = frozenset(facts.present_ids)
        return [s for s in ranking.scores if self._explains(s.condition_id, present)]

    def _explains(self, condition_id: str, present: frozenset[str]) -> bool:
        return not self._explaining.get(condition_id, frozenset()).isdisjoint(present)

    def encoded(self, condition_id: str) -> frozenset[ModifierKind]:
        """The modifiers the condition's disposition already accounts for."""
        return self._encoded.get(condition_id, frozenset())

    def not_encoded(self, condition_id: str, holding: Iterable[ModifierKind]) -> bool:
        """Whether some modifier that holds is not already encoded by the condition."""
        encoded = self.encoded(condition_id)
        return any(kind not in encoded for kind in holding)

    def escalations(self, facts: PatientFacts) -> Mapping[str, Escalator]:
        """Condition id -> the escalator that sets its disposition for this patient (as
        :func:`condition_disposition` decides it), for the conditions an escalator raises.

        Remembered for the last facts object: one assessment asks for it several times (the
        triage of each scorer's ranking, the question selector's look-ahead).
        """
        memo = self._last_escalations
        if memo is not None and memo[0] is facts:
            return memo[1]
        present = frozenset(facts.present_ids)
        # Only escalators that need nothing present, or one of the findings present.
        extra: set[tuple[str, int]] = set()
        for fid in present:
            extra.update(self._escalators_by_finding.get(fid, ()))
        keys = sorted(extra.union(self._unconditional)) if extra else self._unconditional
        entries = self._escalator_entries
        could_hold = logic.could_hold
        found: dict[str, Escalator] = {}
        need: dict[str, int] = {}
        for key in keys:  # each condition's escalators in their order
            cid, escalator, urgency, own, triggers, check = entries[key]
            if (
                urgency > need.get(cid, own)
                and (not triggers or could_hold(triggers, present))
                and check(facts)
            ):
                need[cid] = urgency
                found[cid] = escalator
        self._last_escalations = (facts, found)
        return found

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
        present = frozenset(facts.present_ids)
        mods = modifiers(facts, self.modifier_findings)
        holding = [m.kind for m in mods]
        escalations = self.escalations(facts)
        explaining: set[str] = set()  # the conditions that explain something reported
        for fid in present:
            explaining.update(self._explained_by.get(fid, ()))
        # Per condition that explains something: its id, probability, what sets its need (the
        # escalator, or None: its own disposition) and the need; reasons are made only for
        # the few that explain the advice (see _reasons).
        scored: list[_Scored] = []
        not_explained = ranking.unexplained
        own_need = self._own_need
        for cid, probability, _ in ranking.scores:
            if cid not in explaining:
                not_explained += probability
                continue
            escalator = escalations.get(cid)
            if escalator is None:
                scored.append((cid, probability, None, own_need[cid]))
            else:
                scored.append((cid, probability, escalator, escalator.urgency))
        p = np.array([item[1] for item in scored], dtype=float)
        need = np.array([item[3] for item in scored], dtype=float)
        u = np.array([ranking.unexplained])
        explains = np.ones((len(scored), 1), dtype=bool)
        u_need = UNEXPLAINED_NEED.urgency
        base_level, probabilities = advised_urgency(p, u, explains, need, u_need, self.thresholds)
        base = from_urgency(int(base_level[0]))
        level = base
        if mods:
            open_rows = np.array(
                [self.not_encoded(item[0], holding) for item in scored], dtype=bool
            )
            raises = modifier_raise(p, u, explains, need, u_need, base_level, open_rows[:, None])
            if raises[0]:
                level = base.raised()
        total = float(p.sum() + ranking.unexplained)
        condition_part = self._reasons(base, scored, ranking.unexplained, total)
        final = level if floor is None or level.urgency >= floor.urgency else floor
        # Modifiers are reasons only when they made the advice more urgent.
        raised_final = level.urgency > base.urgency and (
            floor is None or level.urgency > floor.urgency
        )
        modifier_reasons = (
            [TriageReason(ReasonKind.MODIFIER, m.ref, level, m.detail) for m in mods]
            if raised_final
            else []
        )
        ordered = sorted(
            [*rules, *condition_part, *modifier_reasons],
            key=lambda r: (-r.disposition.urgency, r.kind.value, r.ref),
        )
        return TriageDecision(
            disposition=final,
            floor=floor,
            condition_disposition=base,
            reasons=tuple(ordered),
            unexplained=min(not_explained, 1.0),
            best_explained=max((item[1] for item in scored), default=0.0),
            need={from_urgency(k + 1): float(probabilities[k, 0]) for k in range(4)},
            best_share=float(p.max()) / total if total > 0 and len(p) else 0.0,
            unexplained_share=ranking.unexplained / total if total > 0 else 1.0,
        )

    def _reasons(
        self,
        level: Disposition,
        scored: Sequence[_Scored],
        unexplained: float,
        total: float,
    ) -> list[TriageReason]:
        """The hypotheses behind the condition-based level (before modifiers).

        Conditions needing exactly that level (at least :data:`REASON_MIN` of the mass, at
        most :data:`MAX_REASONS`, likeliest first) and the unexplained hypothesis when its need
        is that level and it has the mass; failing those, the likeliest condition needing at
        least the level.
        """
        if total <= 0:
            return [
                TriageReason(
                    ReasonKind.DEFAULT, "default", DEFAULT_DISPOSITION, "No likely condition yet"
                )
            ]
        exact = sorted(
            (item for item in scored if item[3] == level.urgency and item[1] / total >= REASON_MIN),
            key=_by_mass,
        )[:MAX_REASONS]
        out = [self._reason(item) for item in exact]
        share = unexplained / total
        if UNEXPLAINED_NEED is level and share >= REASON_MIN:
            out.append(
                TriageReason(
                    ReasonKind.UNEXPLAINED,
                    "unexplained",
                    UNEXPLAINED_NEED,
                    f"{share:.0%} not explained by any known condition",
                )
            )
        if not out:  # reached through many small ones: the likeliest of them
            behind = [item for item in scored if item[3] >= level.urgency]
            if behind:
                out.append(self._reason(min(behind, key=_by_mass)))
        return out

    def _reason(self, item: _Scored) -> TriageReason:
        """Why the condition asks for its need: its escalator, or its own disposition."""
        condition = self.kb.conditions[item[0]]
        escalator = item[2]
        if escalator is None:
            return TriageReason(
                ReasonKind.CONDITION, condition.id, condition.disposition, condition.name
            )
        return TriageReason(
            ReasonKind.ESCALATOR, condition.id, escalator.disposition, escalator.reason
        )


#: A condition in :meth:`Triager.decide`: its id and probability, its escalator for this
#: patient (``None``: its own disposition) and its need (urgency).
_Scored = tuple[str, float, Escalator | None, int]


def _by_mass(item: _Scored) -> tuple[float, str]:
    """Likeliest first, ties by condition id."""
    return -item[1], item[0]
