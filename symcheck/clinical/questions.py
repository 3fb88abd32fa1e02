"""Which finding to ask about next, and when to stop asking.

A question is worth asking for three reasons, and its score adds them:

- **information**: the expected reduction in entropy (bits) of the posterior over the
  conditions *and* the unexplained hypothesis, from a yes/no answer, computed exactly under the
  naive-Bayes model (``don't know`` answers carry no information and are left out);
- **danger**: a careful clinician asks about danger signs even when they are unlikely. For each
  candidate we work out the disposition the patient would get if they answered *yes* (red-flag
  rules that would fire, escalators of plausible conditions that would hold, risk modifiers,
  and the condition posterior after that answer) and weigh the rise in urgency by the
  probability of a yes: ``P(yes) x levels``, counted at :data:`DANGER_WEIGHT` bits per level;
- **settling**: a *no* that would lower the disposition (ruling out the one condition that keeps
  it urgent) is worth ``P(no) x levels`` at the smaller :data:`SETTLE_WEIGHT`.

A question whose *yes* would fire a red-flag rule goes before all others when a yes is
reasonably likely (:data:`RULE_FIRST_PROBABILITY`): the rules are the clinically agreed danger
patterns ("chest pain: any sweating?"), and a clinician completes them before exploring the
differential. Less likely danger signs compete through their weighted danger score instead,
so a fever does not trigger a dozen sepsis questions in a row.

Candidates are findings linked to plausible conditions (posterior >= :data:`PLAUSIBLE`, and
explaining at least one reported finding: a clinician does not ask a sore throat about
urination just because bladder infections are common), the escalator findings of those
conditions, and the missing findings of red-flag rules already in
play (one of their findings reported present). Excluded: findings already answered or asked,
findings whose ``ask_if`` fails, findings the hierarchy already settles (an ancestor reported
absent, a descendant reported present); a specific finding waits until its more general parent
has been asked ("chest pain?" before "crushing chest pain?").

Stop when the cap is reached, when no candidate is left, or - provided no danger sign with a
real chance of a *yes* (:data:`DANGER_MIN_PROBABILITY`) is still unasked - when the top
condition reaches :data:`CONFIDENT` or no question is worth :data:`MIN_GAIN_BITS`.

:class:`QuestionSelector` is built once per knowledge base; :meth:`QuestionSelector.choose` is
pure and deterministic (ties go to the smallest finding id).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from symcheck.clinical import logic
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.patient import Observation, PatientFacts
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.rules.ruleset import RuleSet
from symcheck.clinical.scoring.base import Ranking
from symcheck.clinical.scoring.naive_bayes import BoolArray, FloatArray, NaiveBayesModel
from symcheck.clinical.triage import (
    DEFAULT_DISPOSITION,
    UNEXPLAINED_THRESHOLD,
    Triager,
    condition_disposition,
    modifiers,
)

#: A condition this likely is worth asking about.
PLAUSIBLE = 0.01
#: Stop when the best condition is this likely (and no danger sign is pending).
CONFIDENT = 0.80
#: A question worth less than this (in bits) is not worth the patient's time.
MIN_GAIN_BITS = 0.03
#: Exchange rate between information and danger: one urgency level at P(yes) = 1 is worth this
#: many bits. At 1.0 a danger sign with a 10% chance of moving the disposition up two levels
#: (0.2) outranks a routine question worth 0.15 bits.
DANGER_WEIGHT = 1.0
#: The same for a *no* that would lower the disposition (ruling out what keeps it urgent).
#: Half the danger weight: over-triage costs clinics, under-triage costs patients.
SETTLE_WEIGHT = 0.5
#: An answer with at least this chance that would change the disposition keeps the interview
#: going (the same 1-in-20 that makes an emergency condition count in triage).
DANGER_MIN_PROBABILITY = 0.05
#: A red-flag question (its yes would fire a rule) this likely to get a yes is asked first.
RULE_FIRST_PROBABILITY = 0.10


class StopReason(StrEnum):
    CONFIDENT = "confident"  # the top condition is likely enough and no danger sign is pending
    NO_GAIN = "no_gain"  # no question is worth asking
    CAP = "cap"  # the maximum number of questions was reached
    EXHAUSTED = "exhausted"  # nothing left to ask


@dataclass(frozen=True)
class QuestionChoice:
    """The next question, or why to stop.

    Attributes:
        finding_id: the finding to ask about; ``None`` when stopping.
        stop: why the interview should stop; ``None`` when asking.
        gain: expected information gain of the question, bits.
        danger: ``P(yes) x`` urgency levels the answer could add.
        p_yes: predicted probability of a yes.
    """

    finding_id: str | None
    stop: StopReason | None = None
    gain: float = 0.0
    danger: float = 0.0
    p_yes: float = 0.0


class QuestionSelector:
    """Chooses questions for one knowledge base and rule set (precomputed indexes)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        rules: RuleSet,
        model: NaiveBayesModel,
        triager: Triager | None = None,
    ) -> None:
        self._kb = kb
        self._model = model
        self._triager = triager or Triager(kb)
        self._rows = {cid: i for i, cid in enumerate(model.condition_ids)}
        self._rules_by_finding = _index_rules(rules)
        self._escalated_by = _index_escalators(kb)
        self._modifier_ids = frozenset(self._triager.modifier_findings.all)
        self._descendants = {fid: tuple(kb.descendants_of(fid)) for fid in kb.findings}
        # Condition x finding: the condition lists the finding as more likely than its base
        # rate, i.e. it explains the finding (as in Triager.explains).
        self._explains = model.listed[:-1] & (model.likelihood[:-1] > model.likelihood[-1])
        self._conditions = [kb.conditions[cid] for cid in model.condition_ids]
        self._has_escalators = np.array([bool(c.escalators) for c in self._conditions], dtype=bool)
        self._default_urgency = np.array(
            [c.disposition.urgency for c in self._conditions], dtype=float
        )
        self._default_threshold = np.array(
            [self._triager.threshold(c.disposition) for c in self._conditions], dtype=float
        )
        self._lowest_threshold = min(self._triager.thresholds.values())

    def choose(
        self,
        facts: PatientFacts,
        ranking: Ranking,
        *,
        fired: Sequence[RedFlagRule] = (),
        asked: Collection[str] = (),
        questions_asked: int = 0,
        max_questions: int = 15,
    ) -> QuestionChoice:
        """The next finding to ask about, or a stop reason (see the module docstring)."""
        if questions_asked >= max_questions:
            return QuestionChoice(None, StopReason.CAP)
        posterior = self.posterior(ranking)
        candidates = self.candidates(facts, posterior, fired, asked)
        if not candidates:
            return QuestionChoice(None, StopReason.EXHAUSTED)
        likelihood = self._model.answer_likelihood(candidates, facts)
        p_yes = posterior @ likelihood
        after_yes, after_no = self._model.after_answers(posterior, likelihood)
        gain = _information_gain(posterior, p_yes, after_yes, after_no)
        now = self._triager.decide(facts, ranking, fired).disposition.urgency
        after = self._outcomes(facts, candidates, p_yes, after_yes, after_no, fired)
        # A rule that would fire is a certain floor (and a clinician alert), whereas a
        # condition-based disposition may still change: count the rise of the floor too.
        rise = np.maximum(after.if_yes - now, after.floor_yes - after.floor_now)
        danger = p_yes * np.maximum(rise, 0)
        settle = (1.0 - p_yes) * np.maximum(now - after.if_no, 0)
        score = gain + DANGER_WEIGHT * danger + SETTLE_WEIGHT * settle
        # Red-flag questions first: a yes that would fire a rule, with a real chance of a yes.
        completes_rule = (after.floor_yes > after.floor_now) & (p_yes >= RULE_FIRST_PROBABILITY)
        if completes_rule.any():
            score = np.where(completes_rule, score, -np.inf)
        best = int(np.argmax(score))  # first maximum: candidates are sorted by id
        choice = QuestionChoice(
            candidates[best], None, float(gain[best]), float(danger[best]), float(p_yes[best])
        )
        # Could an answer still change the advice, with a real chance of that answer?
        pending = np.any(
            (((after.if_yes != now) | (rise > 0)) & (p_yes >= DANGER_MIN_PROBABILITY))
            | ((after.if_no != now) & (1.0 - p_yes >= DANGER_MIN_PROBABILITY))
        )
        if not pending:
            top = max((s.probability for s in ranking.scores), default=0.0)
            if top >= CONFIDENT:
                return QuestionChoice(None, StopReason.CONFIDENT, choice.gain, choice.danger)
            if float(gain.max()) < MIN_GAIN_BITS:
                return QuestionChoice(None, StopReason.NO_GAIN, choice.gain, choice.danger)
        return choice

    def candidates(
        self,
        facts: PatientFacts,
        posterior: FloatArray,
        fired: Sequence[RedFlagRule] = (),
        asked: Collection[str] = (),
    ) -> list[str]:
        """Askable findings worth considering, sorted by id."""
        model = self._model
        plausible = posterior[:-1] >= PLAUSIBLE
        present_columns = [
            model.finding_index[f] for f in facts.present_ids if f in model.finding_index
        ]
        if present_columns:  # only conditions that explain something the patient reported
            explains = self._explains[:, present_columns].any(axis=1)
            if (plausible & explains).any():
                plausible &= explains
        plausible_rows = np.flatnonzero(plausible)
        linked: set[str] = set()
        if plausible_rows.size:
            columns = np.flatnonzero(model.listed[plausible_rows].any(axis=0))
            linked.update(model.finding_ids[c] for c in columns)
            for row in plausible_rows:
                condition = self._kb.conditions[model.condition_ids[row]]
                for escalator in condition.escalators:
                    linked.update(logic.finding_ids(escalator.when))
        fired_ids = {rule.id for rule in fired}
        present = set(facts.present_ids)
        for fid in present:
            for rule in self._rules_by_finding.get(fid, ()):
                if rule.id not in fired_ids:
                    linked.update(logic.finding_ids(rule.when))
        out: set[str] = set()
        for fid in linked:
            if not self._askable(fid, facts, asked):
                continue
            parent = self._kb.findings[fid].parent
            if (
                parent is not None
                and parent not in facts.findings
                and self._askable(parent, facts, asked)
            ):
                out.add(parent)  # the general question first
            else:
                out.add(fid)
        return sorted(out)

    def _askable(self, fid: str, facts: PatientFacts, asked: Collection[str]) -> bool:
        if fid in facts.findings or fid in asked or fid not in self._model.finding_index:
            return False
        finding = self._kb.findings[fid]
        if finding.ask_if is not None and not logic.holds(finding.ask_if, facts):
            return False
        if any(facts.is_absent(a) for a in self._model.ancestors[fid]):
            return False
        return not any(facts.is_present(d) for d in self._descendants[fid])

    def posterior(self, ranking: Ranking) -> FloatArray:
        """The ranking as a vector over the model's hypotheses (unexplained last)."""
        posterior = np.zeros(self._model.n_hypotheses)
        for score in ranking.scores:
            row = self._rows.get(score.condition_id)
            if row is not None:
                posterior[row] = score.probability
        posterior[-1] = ranking.unexplained
        total = float(posterior.sum())
        if total <= 0:
            posterior[-1] = 1.0
            return posterior
        return posterior / total

    def outcomes(
        self,
        facts: PatientFacts,
        posterior: FloatArray,
        candidates: Sequence[str],
        fired: Sequence[RedFlagRule] = (),
    ) -> Outcomes:
        """The disposition urgency after a *yes* and after a *no*, per candidate.

        Mirrors :meth:`Triager.decide`: the posterior after the answer decides which
        conditions count; a yes can also fire rules, escalators and modifiers.
        """
        likelihood = self._model.answer_likelihood(candidates, facts)
        after_yes, after_no = self._model.after_answers(posterior, likelihood)
        return self._outcomes(facts, candidates, posterior @ likelihood, after_yes, after_no, fired)

    def _outcomes(
        self,
        facts: PatientFacts,
        candidates: Sequence[str],
        p_yes: FloatArray,
        after_yes: FloatArray,
        after_no: FloatArray,
        fired: Sequence[RedFlagRule],
    ) -> Outcomes:
        model = self._model
        triager = self._triager
        # Escalators only matter for conditions that can reach a threshold after an answer.
        reachable = np.maximum(after_yes[:-1].max(axis=1), after_no[:-1].max(axis=1))
        reachable = reachable >= self._lowest_threshold
        urgency = self._default_urgency.copy()
        threshold = self._default_threshold.copy()
        for row in map(int, np.flatnonzero(reachable & self._has_escalators)):
            disposition, _ = condition_disposition(self._conditions[row], facts)
            urgency[row] = disposition.urgency
            threshold[row] = triager.threshold(disposition)
        floor = max((rule.disposition.urgency for rule in fired), default=0)
        raise_now = 1 if modifiers(facts, triager.modifier_findings) else 0
        present = [model.finding_index[f] for f in facts.present_ids if f in model.finding_index]
        explains_now = self._explains[:, present].any(axis=1)
        columns = [model.finding_index[f] for f in candidates]
        explains_yes = explains_now[:, None] | self._explains[:, columns]
        if_yes = _condition_urgency(after_yes, urgency, threshold, explains_yes)
        if_no = _condition_urgency(
            after_no, urgency, threshold, np.repeat(explains_now[:, None], len(candidates), 1)
        )
        fired_ids = {rule.id for rule in fired}
        top = Disposition.EMERGENCY_AMBULANCE.urgency
        low = self._lowest_threshold
        floors = np.full(len(candidates), float(floor))
        for k, fid in enumerate(candidates):
            raise_yes = raise_now
            floor_yes = floor
            rules = self._rules_by_finding.get(fid, ())
            escalated = self._escalated_by.get(fid, ())
            if rules or escalated or fid in self._modifier_ids:
                facts_yes = _with_present(facts, fid, model.ancestors[fid])
                rows = [self._rows[c] for c in escalated if after_yes[self._rows[c], k] >= low]
                if rows:
                    row_urgency = urgency.copy()
                    row_threshold = threshold.copy()
                    for row in rows:
                        disposition, _ = condition_disposition(self._conditions[row], facts_yes)
                        row_urgency[row] = disposition.urgency
                        row_threshold[row] = triager.threshold(disposition)
                    column = after_yes[:, k : k + 1]
                    explained = explains_yes[:, k : k + 1]
                    if_yes[k] = _condition_urgency(column, row_urgency, row_threshold, explained)[0]
                if fid in self._modifier_ids and modifiers(facts_yes, triager.modifier_findings):
                    raise_yes = 1
                for rule in rules:
                    if rule.id not in fired_ids and logic.holds(rule.when, facts_yes):
                        floor_yes = max(floor_yes, rule.disposition.urgency)
            floors[k] = floor_yes
            if_yes[k] = max(min(if_yes[k] + raise_yes, top), floor_yes)
            if_no[k] = max(min(if_no[k] + raise_now, top), floor)
        return Outcomes(if_yes=if_yes, if_no=if_no, floor_yes=floors, floor_now=float(floor))


@dataclass(frozen=True)
class Outcomes:
    """Per candidate: urgency after a yes / a no, and the red-flag floor after a yes."""

    if_yes: FloatArray
    if_no: FloatArray
    floor_yes: FloatArray
    floor_now: float


def _condition_urgency(
    after: FloatArray, urgency: FloatArray, threshold: FloatArray, explains: BoolArray
) -> FloatArray:
    """Per column, the condition-based urgency as :meth:`Triager.decide` computes it.

    ``after`` is a posterior per column (hypotheses x candidates, unexplained last);
    ``urgency`` and ``threshold`` are per condition; ``explains`` marks the conditions that
    explain a reported finding (conditions x columns).
    """
    conditions = after[:-1]
    counted = (conditions >= threshold[:, None]) & explains
    levels: FloatArray = np.where(counted, urgency[:, None], -1.0).max(axis=0)
    unexplained = after[-1] + np.where(explains, 0.0, conditions).sum(axis=0)
    default = float(DEFAULT_DISPOSITION.urgency)
    levels = np.where(unexplained >= UNEXPLAINED_THRESHOLD, np.maximum(levels, default), levels)
    out: FloatArray = np.where(levels < 0, default, levels)
    return out


def _information_gain(
    posterior: FloatArray, p_yes: FloatArray, after_yes: FloatArray, after_no: FloatArray
) -> FloatArray:
    """Expected entropy reduction (bits) from a yes/no answer, per candidate column."""
    expected = p_yes * _entropies(after_yes) + (1.0 - p_yes) * _entropies(after_no)
    return np.maximum(_entropies(posterior[:, None])[0] - expected, 0.0)


def _entropies(p: FloatArray) -> FloatArray:
    """Entropy in bits of each column of ``p`` (columns sum to 1)."""
    safe = np.where(p > 0, p, 1.0)
    out: FloatArray = -(p * np.log2(safe)).sum(axis=0)
    return out


def _with_present(facts: PatientFacts, fid: str, ancestors: Iterable[str]) -> PatientFacts:
    implied = {a: Observation(present=True) for a in ancestors if a not in facts.findings}
    return facts.with_observations({**implied, fid: Observation(present=True)})


def _index_rules(rules: RuleSet) -> Mapping[str, tuple[RedFlagRule, ...]]:
    index: dict[str, list[RedFlagRule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        for fid in sorted(set(logic.finding_ids(rule.when))):
            index.setdefault(fid, []).append(rule)
    return {fid: tuple(found) for fid, found in index.items()}


def _index_escalators(kb: KnowledgeBase) -> Mapping[str, tuple[str, ...]]:
    index: dict[str, set[str]] = {}
    for condition in kb.conditions.values():
        for escalator in condition.escalators:
            for fid in logic.finding_ids(escalator.when):
                index.setdefault(fid, set()).add(condition.id)
    return {fid: tuple(sorted(ids)) for fid, ids in index.items()}


__all__ = [
    "CONFIDENT",
    "DANGER_MIN_PROBABILITY",
    "DANGER_WEIGHT",
    "MIN_GAIN_BITS",
    "PLAUSIBLE",
    "RULE_FIRST_PROBABILITY",
    "SETTLE_WEIGHT",
    "Outcomes",
    "QuestionChoice",
    "QuestionSelector",
    "StopReason",
]
