"""Which finding to ask about next, and when to stop asking.

A question is worth asking for two reasons, and its score adds them:

- **information**: the expected reduction in entropy (bits) of the posterior over the
  conditions *and* the unexplained hypothesis, from a yes/no answer, computed exactly under the
  naive-Bayes model. A *don't know* carries no information, and who does not know about a
  finding often cannot say about its close variants either (its parent, children and
  siblings in the finding hierarchy: "tummy pain?" - "don't know" - "pain low on the
  right?"), so every chance of an answer below (and the gain) is weighed by the chance of a
  yes or a no at all, estimated from the answers to the finding's close variants (see
  :meth:`QuestionSelector.answerability`);
- **the advice**: what the answer is worth to the triage decision, under the same costs as
  the decision itself (:mod:`symcheck.clinical.triage`). For each candidate we work out the
  disposition the patient would get after a *yes* and after a *no* (red-flag rules that would
  fire, escalators that would hold, risk modifiers, and the posterior after that answer, the
  way :meth:`Triager.decide` would) and ``P(need >= d)`` after each. An answer is worth the
  expected triage loss it saves: the loss of today's advice minus the loss of the advice after
  the answer, both under the belief after the answer (a red-flag rule that would fire makes its
  level certain, and the rise of the floor it sets counts too: a rule is certain whatever later
  answers do to the conditions). A danger sign is worth asking when a yes would move the advice
  up; a reassuring answer when a no (or a yes) would bring it down. Near a threshold, where
  either advice costs about the same, an answer that tips it is worth little. Counted at
  :data:`DECISION_WEIGHT` bits per unit of loss.

Questions whose *yes* would fire a red-flag rule (they complete a rule in play) come first, in
two tiers (:class:`Priority`):

1. ``rule``: a yes is reasonably likely (:data:`RULE_FIRST_PROBABILITY`): the rules are the
   clinically agreed danger patterns ("chest pain: any sweating?"), and a clinician completes
   them before exploring the differential;
2. ``danger``: the rule would raise the advice, and a yes is *plausible*: at least
   :data:`DANGER_PLAUSIBLE` and at least :data:`DANGER_LIFT` times the finding's base rate
   (the patient's facts make it clearly more likely than in anyone), counting only the
   chance of an actual yes (see answerability). Within a budget of :data:`DANGER_BUDGET`
   such questions per interview, so unlikely danger signs do not crowd out the diagnosis ("a
   toddler with a rash: does it fade under a glass?"). While budget is left, such a question
   also keeps the interview from stopping.

Other danger signs compete through their score, so a fever does not trigger a dozen sepsis
questions in a row.

A red-flag rule (not yet fired) is *in play* when the patient's facts make it plausible:

- one of its findings is reported present; its missing findings are all candidates;
- or a more general or more specific form of one of its findings is reported present ("rash"
  for "rash that does not fade under a glass");
- or its demographic criteria can still hold for the patient (and none of its required
  findings is denied) and a finding of the same body system as one of its findings is
  reported present ("blood in the stool" for "black, tarry stools").

For the last two, only findings whose yes would fire a rule, with a plausible yes as above,
become candidates.

Other candidates are findings linked to plausible conditions (posterior >= :data:`PLAUSIBLE`,
and explaining at least one reported finding: a clinician does not ask a sore throat about
urination just because bladder infections are common) and the escalator findings of those
conditions. Excluded: findings already answered or asked, findings whose ``ask_if`` fails,
findings the hierarchy already settles (an ancestor reported absent, a descendant reported
present); a specific finding waits until its more general parent has been asked ("chest
pain?" before "crushing chest pain?").

Stop when the cap is reached, when no candidate is left, or - provided no danger sign with a
real chance of a *yes* that would raise the advice (:data:`DANGER_MIN_PROBABILITY`, or a
``danger`` question within the budget) is still unasked, and no answer would be worth
:data:`MIN_GAIN_BITS` to the advice - when the top condition reaches :data:`CONFIDENT` or no
question is worth :data:`MIN_GAIN_BITS` of information (after weighing by answerability).

:class:`QuestionSelector` is built once per knowledge base; :meth:`QuestionSelector.choose` is
pure and deterministic (ties go to the smallest finding id).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from symcheck.clinical import logic
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import Condition, Escalator
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.rules.ruleset import RuleSet
from symcheck.clinical.scoring.base import Ranking
from symcheck.clinical.scoring.naive_bayes import (
    AnswerTables,
    BoolArray,
    FloatArray,
    NaiveBayesModel,
    xlogx,
)
from symcheck.clinical.triage import (
    UNEXPLAINED_NEED,
    ModifierKind,
    TriageDecision,
    Triager,
    condition_need,
    level_thresholds,
    modifier_raise,
    modifiers,
    urgency_from_masses,
)

#: A condition this likely is worth asking about.
PLAUSIBLE = 0.01
#: Stop when the best condition is this likely (and no danger sign is pending).
CONFIDENT = 0.80
#: A question worth less than this (in bits) is not worth the patient's time.
MIN_GAIN_BITS = 0.03
#: Exchange rate between information and the advice: one unit of triage loss saved (see
#: :meth:`QuestionSelector._decision_value`; a certain one-level under-triage at the emergency
#: boundary is a loss of 0.95) is worth this many bits. At 1.0 a danger sign with a 10% chance
#: of firing an emergency rule for a patient advised a routine appointment (0.1 x (0.8 + 0.95)
#: = 0.175) outranks a routine question worth 0.15 bits.
DECISION_WEIGHT = 1.0
#: A yes this likely (counting only actual answers) that would raise the advice keeps the
#: interview going, however little it would change the expected loss: the danger questions a
#: careful clinician asks before letting the patient go (the emergency threshold of triage).
DANGER_MIN_PROBABILITY = 0.05
#: The look-ahead re-evaluates escalators only for conditions with at least this posterior
#: after an answer (for speed): each of the others moves ``P(need >= d)`` by less than 1e-4.
#: The look-ahead only ranks questions; the advice itself always comes from
#: :meth:`Triager.decide`.
REACHABLE = 1e-4
#: A red-flag question (its yes would fire a rule) this likely to get a yes is asked first.
RULE_FIRST_PROBABILITY = 0.10
#: A red-flag question less likely than that still goes first, within :data:`DANGER_BUDGET`,
#: when a yes is plausible: at least 1 in 100 ...
DANGER_PLAUSIBLE = 0.01
#: ... and at least twice the finding's base rate (the rate among patients in general): the
#: patient's facts, not the knowledge base's background noise, make the danger sign likely.
DANGER_LIFT = 2.0
#: Unlikely danger signs asked with priority per interview: enough to complete the patterns
#: a careful clinician checks, few enough that they do not crowd out the diagnosis.
DANGER_BUDGET = 3


#: Rule and demographics pairs whose :meth:`QuestionSelector._could_fire` is kept (then
#: starts over).
_POSSIBLE_KEPT = 4096


class Priority(StrEnum):
    """Why a question was chosen (see the module docstring)."""

    RULE = "rule"  # completes a red-flag rule with a likely yes
    DANGER = "danger"  # completes a red-flag rule with a plausible yes (budgeted)
    SCORE = "score"  # the best information + danger + settling score


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
        danger: what a yes that raises the advice is worth (``P(yes) x`` the triage loss it
            saves, see the module docstring); 0 when a yes would not raise it.
        p_yes: predicted probability of a yes.
        priority: why the question was chosen; ``None`` when stopping.
    """

    finding_id: str | None
    stop: StopReason | None = None
    gain: float = 0.0
    danger: float = 0.0
    p_yes: float = 0.0
    priority: Priority | None = None


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
        self._rules = tuple(sorted(rules, key=lambda r: r.id))
        self._rules_by_finding = _index_rules(rules)
        # Per rule: its findings, their more general / more specific forms, their systems.
        self._rule_findings = {r.id: frozenset(logic.finding_ids(r.when)) for r in self._rules}
        self._rule_family = {
            rid: frozenset(
                rel for fid in fids for rel in (*kb.ancestors_of(fid), *kb.descendants_of(fid))
            )
            - fids
            for rid, fids in self._rule_findings.items()
        }
        self._rule_systems = {
            rid: frozenset(kb.findings[fid].system for fid in fids)
            for rid, fids in self._rule_findings.items()
        }
        # The rules a present finding can bring into play (see in_play).
        by_relative: dict[str, list[RedFlagRule]] = {}
        by_system: dict[str, list[RedFlagRule]] = {}
        for rule in self._rules:
            for fid in self._rule_family[rule.id]:
                by_relative.setdefault(fid, []).append(rule)
            for system in self._rule_systems[rule.id]:
                by_system.setdefault(system, []).append(rule)
        self._rules_by_relative = {fid: tuple(found) for fid, found in by_relative.items()}
        self._possible = {rule.id: _possible(rule.when) for rule in self._rules}
        self._possible_by_demographics: dict[
            tuple[str, float | None, Sex | None, bool | None], bool
        ] = {}
        self._rules_by_system = {system: tuple(found) for system, found in by_system.items()}
        self._base_rate = {fid: finding.base_rate for fid, finding in kb.findings.items()}
        self._escalated_by = _index_escalators(kb)
        self._modifier_ids = frozenset(self._triager.modifier_findings.all)
        self._descendants = {fid: tuple(kb.descendants_of(fid)) for fid in kb.findings}
        self._variants = {fid: _variants(kb, fid) for fid in kb.findings}
        # Per finding: the findings it is a close variant of (their answerability changes
        # once it is answered).
        variant_of: dict[str, set[str]] = {}
        for fid, variants in self._variants.items():
            for variant in variants:
                variant_of.setdefault(variant, set()).add(fid)
        self._variant_of = {fid: frozenset(found) for fid, found in variant_of.items()}
        # Per finding known to the model: when it may be asked (None: always); its parent.
        self._ask_if = {fid: _compiled(kb.findings[fid].ask_if) for fid in model.finding_ids}
        self._parents = {fid: finding.parent for fid, finding in kb.findings.items()}
        self._askable_kinds = _AskableKinds(
            known=frozenset(self._ask_if),
            conditional=frozenset(f for f, check in self._ask_if.items() if check is not None),
            with_parent=frozenset(f for f, parent in self._parents.items() if parent is not None),
        )
        # Condition x finding: the condition lists the finding as more likely than its base
        # rate, i.e. it explains the finding (as in Triager.explains).
        explains = model.listed[:-1] & (model.likelihood[:-1] > model.likelihood[-1])
        # Stored finding x condition: the look-ahead takes a hundred findings' rows at every
        # step (a column of each condition's row would touch nearly all of the table).
        self._explained_by = np.ascontiguousarray(explains.T)
        self._conditions = [kb.conditions[cid] for cid in model.condition_ids]
        self._default_urgency = np.array(
            [c.disposition.urgency for c in self._conditions], dtype=float
        )
        self._last_escalated: tuple[PatientFacts, FloatArray] | None = None
        self._thresholds = level_thresholds(self._triager.thresholds)
        # Per condition (row): the findings its escalators mention.
        self._escalator_findings = [
            frozenset(f for e in c.escalators for f in logic.finding_ids(e.when))
            for c in self._conditions
        ]
        # What a yes could make hold when it implies all the finding's ancestors (the usual
        # case: none reported yet).
        self._yes_effects = {
            fid: self._effects_of_yes(fid, model.ancestors[fid]) for fid in model.finding_ids
        }
        self._escalation_table = _EscalationTable.of(
            [self._yes_effects[fid] for fid in model.finding_ids],
            [frozenset((fid,)) for fid in model.finding_ids],
        )
        self._rule_table = _RuleTable.of(
            [self._yes_effects[fid] for fid in model.finding_ids], self._rules
        )
        # Per modifier: the conditions whose disposition does not already account for it.
        self._not_encoded = {
            kind: np.array(
                [kind not in self._triager.encoded(cid) for cid in model.condition_ids],
                dtype=bool,
            )
            for kind in ModifierKind
        }

    def choose(
        self,
        facts: PatientFacts,
        ranking: Ranking,
        *,
        decision: TriageDecision | None = None,
        fired: Sequence[RedFlagRule] = (),
        asked: Collection[str] = (),
        questions_asked: int = 0,
        max_questions: int = 15,
        danger_asked: int = 0,
    ) -> QuestionChoice:
        """The next finding to ask about, or a stop reason (see the module docstring).

        Args:
            decision: the triage decision on ``facts``, ``ranking`` and ``fired`` when the
                caller has already made it (it is made here otherwise).
            danger_asked: questions already asked with :attr:`Priority.DANGER` (the budget).
        """
        if questions_asked >= max_questions:
            return QuestionChoice(None, StopReason.CAP)
        posterior = self.posterior(ranking)
        askable = self._askable(facts, asked)
        regular = self.candidates(facts, posterior, fired, asked, askable=askable)
        extra = set(self.danger_candidates(facts, fired, asked, askable=askable)) - set(regular)
        candidates = sorted((*regular, *extra))
        if not candidates:
            return QuestionChoice(None, StopReason.EXHAUSTED)
        likelihood = self._model.answer_likelihood(candidates, facts)
        p_yes = posterior @ likelihood
        # The chance of an actual yes / no: the patient may not be able to say.
        # (1 for all but the variants of a finding answered, see answerability)
        near = {v for f in facts.findings for v in self._variant_of.get(f, ())}
        answers = np.array([self.answerability(f, facts) if f in near else 1.0 for f in candidates])
        said_yes = p_yes * answers
        # A plausible danger sign: a yes would fire a rule that raises the floor (a certain
        # level, even when the conditions already advise it), and the chance of that yes is
        # real and well above the base rate. Danger-only candidates stay only if they are
        # one; the red-flag floor after a yes (rules only), which decides that and the tiers,
        # is worked out only for the candidates that can stay.
        base_rate = np.array([self._base_rate[f] for f in candidates])
        likely = (said_yes >= DANGER_PLAUSIBLE) & (said_yes >= DANGER_LIFT * base_rate)
        regular_ones = np.array([f not in extra for f in candidates])
        floor_now = float(max((rule.disposition.urgency for rule in fired), default=0))
        floors = np.full(len(candidates), floor_now)
        open_ = np.flatnonzero(regular_ones | likely)
        floors[open_] = self._floors(facts, [candidates[i] for i in open_], fired)
        fires = floors > floor_now
        plausible = fires & likely
        keep = regular_ones | plausible
        if not keep.any():
            return QuestionChoice(None, StopReason.EXHAUSTED)
        if not keep.all():
            idx = np.flatnonzero(keep)
            candidates = [candidates[i] for i in idx]
            p_yes, fires, plausible = p_yes[idx], fires[idx], plausible[idx]
            answers, said_yes, floors = answers[idx], said_yes[idx], floors[idx]
            likelihood = likelihood[:, idx]
        said_no = (1.0 - p_yes) * answers
        # The rest of the look-ahead only for the candidates that stay.
        tables = self._model.answer_tables(candidates, facts, likelihood)
        after_yes, after_no = self._model.after_answers(posterior, tables.yes, tables.no)
        gain = _information_gain(posterior, p_yes, tables)
        if decision is None:
            decision = self._triager.decide(facts, ranking, fired)
        now = decision.disposition.urgency
        reachable = _reachable(after_yes, after_no)
        urgency = self._escalated_need(facts, candidates, reachable)
        # Red-flag questions first: a yes that would fire a rule, with a real chance of a yes,
        # then (within the budget) with a plausible yes. The choice is among them alone, and
        # the interview goes on (see pending below).
        rule_first = fires & (said_yes >= RULE_FIRST_PROBABILITY)
        danger_first = plausible & (danger_asked < DANGER_BUDGET)
        priority = Priority.SCORE
        among = np.arange(len(candidates))
        for tier, kind in ((rule_first, Priority.RULE), (danger_first, Priority.DANGER)):
            if tier.any():
                among = np.flatnonzero(tier)
                priority = kind
                break
        if len(among) < len(candidates):
            after_yes, after_no = after_yes[:, among], after_no[:, among]
            reachable = reachable[:, among]
        after = self._outcomes(
            facts,
            [candidates[i] for i in among],
            after_yes,
            after_no,
            fired,
            urgency=urgency,
            floors=floors[among],
            reachable=reachable,
        )
        # A don't-know answer carries no information: weigh what an answer could tell by the
        # chance of getting one.
        useful = gain[among] * answers[among]
        # What the answers are worth to the advice (see _decision_value); the part of a yes
        # that would raise it is the danger.
        value_yes, value_no = self._decision_value(now, after, said_yes[among], said_no[among])
        advice = value_yes + value_no
        score = useful + DECISION_WEIGHT * advice
        raises = (after.if_yes > now) | fires[among]
        danger = np.where(raises, value_yes, 0.0)
        pick = int(np.argmax(score))  # first maximum: candidates are sorted by id
        best = int(among[pick])
        choice = QuestionChoice(
            candidates[best],
            None,
            float(gain[best]),
            float(danger[pick]),
            float(p_yes[best]),
            priority,
        )
        # Keep asking while a danger sign with a real chance of a yes would raise the advice
        # (a red-flag question first: RULE_FIRST_PROBABILITY >= DANGER_MIN_PROBABILITY), or an
        # answer would improve the advice by enough to be worth the patient's time.
        pending = (
            priority is not Priority.SCORE
            or bool(np.any(raises & (said_yes[among] >= DANGER_MIN_PROBABILITY)))
            or bool((DECISION_WEIGHT * advice).max() >= MIN_GAIN_BITS)
        )
        if not pending:
            top = max((s.probability for s in ranking.scores), default=0.0)
            if top >= CONFIDENT:
                return QuestionChoice(None, StopReason.CONFIDENT, choice.gain, choice.danger)
            if float(useful.max()) < MIN_GAIN_BITS:
                return QuestionChoice(None, StopReason.NO_GAIN, choice.gain, choice.danger)
        return choice

    def _decision_value(
        self, now: int, after: Outcomes, said_yes: FloatArray, said_no: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """The expected value of each answer for the triage decision, per candidate.

        The triage loss of advising level ``L`` under a belief ``P(need >= d)`` counts, at each
        boundary ``d``, ``t_d (1 - P(need >= d))`` when advising at least ``d`` (over-triage)
        and ``(1 - t_d) P(need >= d)`` when advising below it (under-triage): the costs of
        :mod:`..triage` scaled so each boundary's two costs add up to 1, so the rule that
        minimises it is the triage rule itself. An answer is worth the loss it saves: the
        loss of today's advice minus that of the advice after the answer, both under the
        belief after the answer, in which a red-flag rule that would fire makes its level
        certain. Returned as ``(yes part, no part)``, each weighted by the chance of that
        answer actually being given.
        """
        yes_belief = _with_floor(after.need_yes, after.floor_yes)
        no_belief = _with_floor(after.need_no, np.full(after.if_no.shape, after.floor_now))
        thresholds = self._thresholds
        keep = np.full(after.if_yes.shape, float(now))
        value_yes = _triage_loss(keep, yes_belief, thresholds) - _triage_loss(
            after.if_yes, yes_belief, thresholds
        )
        value_no = _triage_loss(keep, no_belief, thresholds) - _triage_loss(
            after.if_no, no_belief, thresholds
        )
        # A rule that fires makes its level certain whatever later answers do to the
        # conditions (and alerts a clinician): value the rise of the floor as well.
        floor_now = np.full(after.floor_yes.shape, after.floor_now)
        value_floor = _triage_loss(floor_now, yes_belief, thresholds) - _triage_loss(
            after.floor_yes, yes_belief, thresholds
        )
        value_yes = np.maximum(value_yes, value_floor)
        return said_yes * np.maximum(value_yes, 0.0), said_no * np.maximum(value_no, 0.0)

    def candidates(
        self,
        facts: PatientFacts,
        posterior: FloatArray,
        fired: Sequence[RedFlagRule] = (),
        asked: Collection[str] = (),
        *,
        askable: _Askable | None = None,
    ) -> list[str]:
        """Askable findings worth considering, sorted by id (``askable``: made from ``facts``
        and ``asked`` when not given)."""
        model = self._model
        plausible = posterior[:-1] >= PLAUSIBLE
        present_columns = [
            model.finding_index[f] for f in facts.present_ids if f in model.finding_index
        ]
        if present_columns:  # only conditions that explain something the patient reported
            explains = self._explained_by[present_columns].any(axis=0)
            if (plausible & explains).any():
                plausible &= explains
        plausible_rows = np.flatnonzero(plausible)
        linked: set[str] = set()
        if plausible_rows.size:
            columns = np.flatnonzero(model.listed[plausible_rows].any(axis=0))
            linked.update(model.finding_ids[c] for c in columns)
            for row in plausible_rows:
                linked.update(self._escalator_findings[row])
        fired_ids = {rule.id for rule in fired}
        present = set(facts.present_ids)
        for fid in present:
            for rule in self._rules_by_finding.get(fid, ()):
                if rule.id not in fired_ids:
                    linked.update(self._rule_findings[rule.id])
        askable = askable or self._askable(facts, asked)
        return sorted(askable.general_first_of(linked))

    def danger_candidates(
        self,
        facts: PatientFacts,
        fired: Sequence[RedFlagRule] = (),
        asked: Collection[str] = (),
        *,
        askable: _Askable | None = None,
    ) -> list[str]:
        """Askable findings of the rules in play through a related finding or body system.

        :meth:`choose` keeps only those whose yes would fire a rule, with a plausible yes.
        """
        askable = askable or self._askable(facts, asked)
        found: set[str] = set()
        for rule in self.in_play(facts, fired):
            found.update(self._rule_findings[rule.id])
        return sorted(askable.general_first_of(found))

    def in_play(self, facts: PatientFacts, fired: Sequence[RedFlagRule] = ()) -> list[RedFlagRule]:
        """Rules not yet fired that the facts make plausible through a related finding (a
        more general or more specific form of one of theirs) or a finding of the same body
        system, when their demographic criteria can still hold.

        Rules with one of their own findings reported are in play too, but their findings
        are regular candidates (see :meth:`candidates`).
        """
        fired_ids = {rule.id for rule in fired}
        present = frozenset(facts.present_ids)
        systems = {self._kb.findings[f].system for f in present if f in self._kb.findings}
        near: dict[str, RedFlagRule] = {}
        for fid in present:
            near.update((rule.id, rule) for rule in self._rules_by_relative.get(fid, ()))
        for system in systems:
            near.update((rule.id, rule) for rule in self._rules_by_system.get(system, ()))
        out = []
        for _, rule in sorted(near.items()):
            if rule.id in fired_ids or not present.isdisjoint(self._rule_findings[rule.id]):
                continue
            related = not present.isdisjoint(self._rule_family[rule.id])
            same_system = not systems.isdisjoint(self._rule_systems[rule.id])
            if (related or same_system) and self._could_fire(rule, facts):
                out.append(rule)
        return out

    def _could_fire(self, rule: RedFlagRule, facts: PatientFacts) -> bool:
        """Whether the rule's criteria can still hold (see :func:`_possible`). With none of
        its findings reported, that depends on the demographics alone: remembered per rule
        and demographics."""
        if not self._rule_findings[rule.id].isdisjoint(facts.findings.keys()):
            return self._possible[rule.id](facts)
        key = (rule.id, facts.age_years, facts.sex, facts.pregnant)
        memo = self._possible_by_demographics
        found = memo.get(key)
        if found is None:
            if len(memo) >= _POSSIBLE_KEPT:
                memo.clear()
            found = memo[key] = self._possible[rule.id](facts)
        return found

    def answerability(self, fid: str, facts: PatientFacts) -> float:
        """The chance of a yes or a no (not a *don't know*) when asking about ``fid``.

        Estimated from what the patient said about its close variants (parent, children,
        siblings), counting one imagined yes-or-no answer: 1 when they said nothing about
        them or answered every one, 1/2 after a single *don't know*, 1/3 after two.
        """
        said = [facts.findings[v] for v in self._variants[fid] if v in facts.findings]
        informative = sum(1 for obs in said if obs.present is not None)
        return (1 + informative) / (1 + len(said))

    def _blocked(self, facts: PatientFacts, asked: Collection[str]) -> set[str]:
        """Findings not to ask about: answered or asked already, or settled by the hierarchy
        (under a finding reported absent, above one reported present)."""
        blocked = {*facts.findings, *asked}
        for fid, obs in facts.findings.items():
            if obs.present is True:
                blocked.update(self._model.ancestors.get(fid, ()))
            elif obs.present is False:
                blocked.update(self._descendants.get(fid, ()))
        return blocked

    def _askable(self, facts: PatientFacts, asked: Collection[str]) -> _Askable:
        """The findings to consider asking about, for these facts (see :class:`_Askable`)."""
        return _Askable(
            self._ask_if, self._parents, facts, self._blocked(facts, asked), self._askable_kinds
        )

    def posterior(self, ranking: Ranking) -> FloatArray:
        """The ranking as a vector over the model's hypotheses (unexplained last)."""
        vector = ranking.posterior
        if vector is not None and vector.ids is self._model.condition_ids:
            posterior = np.array(vector.probabilities)  # the model's own: the same numbers
        else:
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
        reachable = _reachable(after_yes, after_no)
        return self._outcomes(
            facts,
            candidates,
            after_yes,
            after_no,
            fired,
            urgency=self._escalated_need(facts, candidates, reachable),
            floors=self._floors(facts, candidates, fired),
            reachable=reachable,
        )

    def _outcomes(
        self,
        facts: PatientFacts,
        candidates: Sequence[str],
        after_yes: FloatArray,
        after_no: FloatArray,
        fired: Sequence[RedFlagRule],
        *,
        urgency: FloatArray,
        floors: FloatArray,
        reachable: BoolArray,
    ) -> Outcomes:
        """See :meth:`outcomes`, given :meth:`_escalated_need` (over these candidates or
        more), :meth:`_floors` and :func:`_reachable` (of these)."""
        model = self._model
        triager = self._triager
        floor = max((rule.disposition.urgency for rule in fired), default=0)
        holding = [m.kind for m in modifiers(facts, triager.modifier_findings)]
        explains_now = self._explains_now(facts)
        columns = [model.finding_index[f] for f in candidates]
        n = len(candidates)
        explains_yes = explains_now[:, None] | self._explained_by[columns].T
        # Per column: each condition's need after a yes, and the modifiers holding then.
        need_yes = np.repeat(urgency[:, None], n, 1)
        need_int = urgency.astype(np.int64)
        need_now = need_int.tolist()
        in_play = explains_yes & reachable
        holding_yes: list[list[ModifierKind]] = [holding] * n
        present_now = frozenset(facts.present_ids)
        # Candidates with no ancestor reported present use the precomputed effects; their
        # escalators are screened all at once (see _screen), the rest one by one below.
        fast = [present_now.isdisjoint(model.ancestors[fid]) for fid in candidates]
        columns_arr = np.array(columns, dtype=np.intp)
        pending = self._screen(columns_arr, np.array(fast, dtype=bool), need_int, in_play, need_yes)
        for k, fid in enumerate(candidates):
            effects = self._effects_for(fid, present_now)
            if fast[k]:
                escalated = [effects.escalated[i] for i in pending.get(k, ())]
            else:
                escalated = list(effects.escalated)
            if not (escalated or fid in self._modifier_ids):
                continue
            after = _AfterYes.of(facts, fid, model.ancestors[fid], present_now)
            for row, condition, escalators, top, levels in escalated:
                need = need_now[row]
                # Most urgent first: none above the need now cannot change it.
                if top < need or not in_play[row, k]:
                    continue
                if need in levels:  # one at that very level might stop holding: all again
                    need_yes[row, k] = condition_need(condition, after.facts(), after.present)
                    continue
                for escalator in escalators:  # only these can change the need
                    if escalator.urgency <= need:
                        break
                    if after.holds(escalator):
                        need_yes[row, k] = escalator.urgency
                        break
            if fid in self._modifier_ids:
                holding_yes[k] = [
                    m.kind for m in modifiers(after.facts(), triager.modifier_findings)
                ]
        if_yes, need_yes_p = self._advised(
            after_yes, explains_yes, urgency, holding_yes, need=need_yes
        )
        if_no, need_no_p = self._advised(after_no, explains_now[:, None], urgency, [holding] * n)
        if_yes = np.maximum(if_yes, floors)
        if_no = np.maximum(if_no, float(floor))
        return Outcomes(
            if_yes=if_yes,
            if_no=if_no,
            floor_yes=floors,
            floor_now=float(floor),
            need_yes=need_yes_p,
            need_no=need_no_p,
        )

    def _explains_now(self, facts: PatientFacts) -> BoolArray:
        """Per condition: it explains a finding reported present."""
        index = self._model.finding_index
        present = [index[f] for f in facts.present_ids if f in index]
        return np.asarray(self._explained_by[present].any(axis=0))

    def _escalated_need(
        self, facts: PatientFacts, candidates: Sequence[str], reachable: BoolArray
    ) -> FloatArray:
        """Each condition's need now, its escalators applied where they matter for the
        look-ahead over ``candidates``: conditions that explain something after some answer
        (the others take no part in the triage) and hold some mass after some answer
        (``reachable``: :func:`_reachable` of the candidates)."""
        columns = [self._model.finding_index[f] for f in candidates]
        explains = self._explains_now(facts) | self._explained_by[columns].any(axis=0)
        out: FloatArray = np.where(
            explains & reachable.any(axis=1), self._escalated(facts), self._default_urgency
        )
        return out

    def _escalated(self, facts: PatientFacts) -> FloatArray:
        """Each condition's need for the patient: its escalator's where one holds
        (:meth:`Triager.escalations`), else its own. Remembered for the last facts object, as
        the triager remembers the escalations."""
        memo = self._last_escalated
        if memo is not None and memo[0] is facts:
            return memo[1]
        urgency = self._default_urgency.copy()
        rows = self._rows
        for cid, escalator in self._triager.escalations(facts).items():
            urgency[rows[cid]] = escalator.disposition.urgency
        urgency.flags.writeable = False
        self._last_escalated = (facts, urgency)
        return urgency

    def _floors(
        self, facts: PatientFacts, candidates: Sequence[str], fired: Sequence[RedFlagRule]
    ) -> FloatArray:
        """The red-flag floor (urgency) after a yes to each candidate: the rules fired, and
        those the yes would fire (the rules' part of :meth:`_outcomes`).

        The rules of the precomputed effects (no ancestor of the candidate reported present)
        are screened all at once (see :class:`_RuleTable`): only those not fired, above the
        floor the yes sets anyway, and whose unmet triggers the findings present now meet
        are evaluated, most urgent first.
        """
        floor = max((rule.disposition.urgency for rule in fired), default=0)
        fired_ids = {rule.id for rule in fired}
        present_now = frozenset(facts.present_ids)
        ancestors = self._model.ancestors
        index = self._model.finding_index
        table = self._rule_table
        n = len(candidates)
        columns = np.fromiter((index[f] for f in candidates), dtype=np.intp, count=n)
        fast = np.fromiter(
            (present_now.isdisjoint(ancestors[f]) for f in candidates), dtype=bool, count=n
        )
        out = np.maximum(table.certain_floor[columns], floor)
        alive = table.alive(columns, fast, out, present_now, fired_ids, self._rules)
        for k in np.flatnonzero(~fast).tolist():  # an ancestor reported: worked out here
            fid = candidates[k]
            effects = self._effects_for(fid, present_now)
            level = max(floor, effects.certain_floor)
            if effects.rules and effects.rules[0].urgency > level:
                after = _AfterYes.of(facts, fid, ancestors[fid], present_now)
                level = _floor_after(effects.rules, level, fired_ids, after)
            out[k] = level
        for k, entries in alive.items():
            fid = candidates[k]
            rules = self._yes_effects[fid].rules
            after = _AfterYes.of(facts, fid, ancestors[fid], present_now)
            for i in entries:  # most urgent first: the first that holds sets the floor
                if after.check(rules[i]):
                    out[k] = rules[i].urgency
                    break
        return out.astype(float)

    def _effects_for(self, fid: str, present: AbstractSet[str]) -> _YesEffects:
        """What a yes to ``fid`` could change: precomputed, unless one of its ancestors is
        reported present already (``present``: the findings reported present)."""
        ancestors = self._model.ancestors[fid]
        if present.isdisjoint(ancestors):
            return self._yes_effects[fid]
        return self._effects_of_yes(fid, tuple(a for a in ancestors if a not in present))

    def _screen(
        self,
        columns: npt.NDArray[np.intp],
        fast: BoolArray,
        need: npt.NDArray[np.int64],
        in_play: BoolArray,
        need_yes: FloatArray,
    ) -> dict[int, list[int]]:
        """The escalators of the precomputed effects of the ``fast`` candidates, screened at
        once: a condition whose escalators the yes could make hold changes its need only if
        one of them is above its need now and it is in play; when the first (most urgent) of
        them is above and holds on the yes alone, that is its need after the yes (written
        into ``need_yes``). Returns, per candidate, the entries (indexes into its
        ``escalated``) left to evaluate.
        """
        table = self._escalation_table
        lengths = np.where(fast, table.length[columns], 0)
        total = int(lengths.sum())
        if not total:
            return {}
        k = np.repeat(np.arange(len(columns)), lengths)
        local = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entry = np.repeat(table.start[columns], lengths) + local
        rows = table.row[entry]
        before = need[rows]
        top = table.top[entry]
        alive = (top >= before) & in_play[rows, k]
        at_level = ((table.levels[entry] >> before) & 1).astype(bool)
        certain = alive & ~at_level & table.first_sufficient[entry] & (top > before)
        need_yes[rows[certain], k[certain]] = top[certain]
        pending: dict[int, list[int]] = {}
        for i in np.flatnonzero(alive & ~certain).tolist():
            pending.setdefault(int(k[i]), []).append(int(local[i]))
        return pending

    def _effects_of_yes(self, fid: str, implied: tuple[str, ...]) -> _YesEffects:
        """What a yes to ``fid`` could make hold: the rules and (per condition) the escalators
        mentioning it or the ancestors the yes implies (``implied``: not yet reported
        present)."""
        rules = tuple(
            {
                rule.id: rule for f in (fid, *implied) for rule in self._rules_by_finding.get(f, ())
            }.values()
        )
        escalated = self._escalated_by.get(fid, {})
        if any(a in self._escalated_by for a in implied):  # a yes implies its ancestors
            merged: dict[str, tuple[Escalator, ...]] = {}
            for f in (fid, *implied):
                for cid, found in self._escalated_by.get(f, {}).items():
                    merged[cid] = (*merged.get(cid, ()), *found)
            escalated = {
                cid: tuple(sorted(dict.fromkeys(found), key=lambda e: -e.disposition.urgency))
                for cid, found in sorted(merged.items())
            }
        # A rule the yes alone fires raises the floor whatever else is known (a rule already
        # fired is in the floor already); the others are evaluated per patient.
        certain = [rule for rule in rules if fid in rule.sufficient]
        yes = frozenset((fid, *implied))
        return _YesEffects(
            certain_floor=max((rule.disposition.urgency for rule in certain), default=0),
            rules=tuple(
                _MayHold.after(rule, yes)
                for rule in sorted(
                    (rule for rule in rules if fid not in rule.sufficient),
                    key=lambda rule: -rule.disposition.urgency,
                )
            ),
            escalated=tuple(
                (
                    self._rows[cid],
                    self._conditions[self._rows[cid]],
                    tuple(_MayHold.after(escalator, yes) for escalator in found),
                    found[0].urgency,
                    frozenset(e.urgency for e in found),
                )
                for cid, found in escalated.items()
            ),
        )

    def _advised(
        self,
        after: FloatArray,
        explains: BoolArray,
        urgency: FloatArray,
        holding: Sequence[Sequence[ModifierKind]],
        *,
        need: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """Per column, the condition-based urgency as :meth:`Triager.decide` computes it, and
        ``P(need >= d)`` (levels x columns, before modifiers).

        ``after`` is a posterior per column (hypotheses x columns, unexplained last);
        ``explains`` conditions x columns (or one column for all); ``urgency`` each
        condition's need, and ``need`` its need per column where some differ from it (conditions x
        columns; ``None``: none do); ``holding`` the modifiers per column.

        As :func:`~symcheck.clinical.triage.advised_urgency` (the same
        :func:`~symcheck.clinical.triage.urgency_from_masses`), with the mass at each level of
        need summed in one product: the counting mass of each condition at its own need (a
        matrix of indicators times the mass), then the few entries whose need differs in
        their column moved to it.
        """
        # Conditions that explain nothing in any column weigh nothing: leave them out.
        rows = np.flatnonzero(explains.any(axis=1))
        conditions, unexplained = after[rows], after[-1]
        explains = explains[rows]
        base = urgency[rows]
        weights = conditions * explains  # the mass that counts
        levels = base.astype(np.intp)
        moved_rows = moved_columns = np.zeros(0, dtype=np.intp)
        if need is not None:
            need = need[rows]
            moved_rows, moved_columns = np.nonzero(need != base[:, None])
        moved_mass = weights[moved_rows, moved_columns]
        weights[moved_rows, moved_columns] = 0.0
        indicator = np.zeros((5, len(rows)))
        indicator[levels, np.arange(len(rows))] = 1.0
        by_level = indicator @ weights  # 5 x columns: the mass at each need 0-4
        if need is not None and moved_rows.size:
            moved_levels = need[moved_rows, moved_columns].astype(np.intp)
            np.add.at(by_level, (moved_levels, moved_columns), moved_mass)
        at_least = np.cumsum(by_level[::-1], axis=0)[::-1]  # the mass at need >= level
        u_need = float(UNEXPLAINED_NEED.urgency)
        level, probabilities = urgency_from_masses(
            at_least, unexplained, u_need, self._triager.thresholds
        )
        if not any(holding):
            return level, probabilities
        full = base[:, None] if need is None else need
        if all(kinds == holding[0] for kinds in holding):  # the same in every column
            open_rows = np.zeros((len(rows), 1), dtype=bool)
            for kind in holding[0]:
                open_rows[:, 0] |= self._not_encoded[kind][rows]
        else:
            open_rows = np.zeros(conditions.shape, dtype=bool)
            for k, kinds in enumerate(holding):
                for kind in kinds:
                    open_rows[:, k] |= self._not_encoded[kind][rows]
        holds = np.array([bool(kinds) for kinds in holding])
        raises = modifier_raise(conditions, unexplained, explains, full, u_need, level, open_rows)
        out: FloatArray = np.where(holds & raises, np.minimum(level + 1, 4.0), level)
        return out, probabilities


@dataclass(frozen=True)
class Outcomes:
    """Per candidate: urgency after a yes / a no, the red-flag floor after a yes, and
    ``P(need >= d)`` after a yes / a no (levels x candidates, conditions only)."""

    if_yes: FloatArray
    if_no: FloatArray
    floor_yes: FloatArray
    floor_now: float
    need_yes: FloatArray
    need_no: FloatArray


def _with_floor(need: FloatArray, floor: FloatArray) -> FloatArray:
    """``P(need >= d)`` (levels x columns) with the levels up to ``floor`` made certain."""
    levels = np.arange(1, 5, dtype=float)[:, None]
    out: FloatArray = np.where(levels <= floor[None, :], 1.0, need)
    return out


def _triage_loss(level: FloatArray, need: FloatArray, thresholds: FloatArray) -> FloatArray:
    """Expected loss of advising ``level`` (per column) under ``P(need >= d)`` (see
    :meth:`QuestionSelector._decision_value`)."""
    levels = np.arange(1, 5, dtype=float)[:, None]
    t = thresholds[:, None]
    advised = levels <= level[None, :]
    out: FloatArray = np.where(advised, t * (1.0 - need), (1.0 - t) * need).sum(axis=0)
    return out


def _variants(kb: KnowledgeBase, fid: str) -> tuple[str, ...]:
    """A finding's close variants: its parent, its children and its siblings."""
    parent = kb.findings[fid].parent
    family = {*kb.children_of(fid)}
    if parent is not None:
        family |= {parent, *kb.children_of(parent)}
    family.discard(fid)
    return tuple(sorted(family))


def _possible(criterion: logic.Criterion) -> logic.Check:
    """Whether the criterion could still hold once the unknown findings are asked, as a
    function of the facts (compiled once per rule, like :func:`logic.compiled`).

    Demographic criteria hold or not as :func:`logic.holds` says, but an unknown
    demographic could still hold; a finding could still be reported unless it was denied.
    """
    match criterion:
        case logic.Absent(finding):  # before Present, its base class
            return lambda facts: not facts.is_present(finding)
        case logic.Present(finding) | logic.FindingWith(finding=finding):
            return lambda facts: not facts.is_absent(finding)
        case logic.All(parts):
            checks = tuple(map(_possible, parts))
            return lambda facts: all(check(facts) for check in checks)
        case logic.Any_(parts):
            checks = tuple(map(_possible, parts))
            return lambda facts: any(check(facts) for check in checks)
        case logic.AtLeast(count, parts):
            checks = tuple(map(_possible, parts))
            return lambda facts: sum(check(facts) for check in checks) >= count
        case logic.NoneOf(parts):
            holds = tuple(map(logic.compiled, parts))
            return lambda facts: not any(check(facts) for check in holds)
        case logic.AgeRange():
            age = logic.compiled(criterion)
            return lambda facts: facts.age_years is None or age(facts)
        case logic.SexIs():
            sex = logic.compiled(criterion)
            return lambda facts: facts.sex is None or sex(facts)
        case logic.PregnantIs():
            pregnant = logic.compiled(criterion)
            return lambda facts: facts.pregnant is None or pregnant(facts)
    raise TypeError(f"not a criterion: {criterion!r}")


def _compiled(criterion: logic.Criterion | None) -> logic.Check | None:
    return None if criterion is None else logic.compiled(criterion)


def _reachable(after_yes: FloatArray, after_no: FloatArray) -> BoolArray:
    """Conditions x candidates: the condition holds some mass after a yes or a no (see
    :data:`REACHABLE`)."""
    out: BoolArray = np.maximum(after_yes[:-1], after_no[:-1]) >= REACHABLE
    return out


def _information_gain(posterior: FloatArray, p_yes: FloatArray, tables: AnswerTables) -> FloatArray:
    """Expected entropy reduction (bits) from a yes/no answer, per candidate column
    (``p_yes``: the chance of a yes; ``tables``: the answers' likelihoods)."""
    expected = p_yes * _entropies_after(posterior, tables.yes, tables.yes_xlogx) + (
        1.0 - p_yes
    ) * _entropies_after(posterior, tables.no, tables.no_xlogx)
    now = -float(xlogx(posterior).sum())
    out: FloatArray = np.maximum(now - expected, 0.0)
    return out


def _entropies_after(
    posterior: FloatArray, likelihood: FloatArray, likelihood_xlogx: FloatArray
) -> FloatArray:
    """Entropy in bits of the posterior after an answer with ``likelihood`` (hypotheses x
    columns; ``likelihood_xlogx``: its :func:`xlogx`), per column, without the posterior
    after it: with ``q = p l / s`` and ``s = sum(p l)``, ``-sum(q log q) = log s - (sum(l
    p log p) + sum(p l log l)) / s`` (two products of a vector and a matrix instead of a
    logarithm per hypothesis and column). A column with no mass has entropy 0."""
    mass = posterior @ likelihood
    weighted = xlogx(posterior) @ likelihood + posterior @ likelihood_xlogx
    safe = np.where(mass > 0, mass, 1.0)
    out: FloatArray = np.where(mass > 0, np.log2(safe) - weighted / safe, 0.0)
    return out


_Item = TypeVar("_Item", RedFlagRule, Escalator)


class _MayHold(NamedTuple, Generic[_Item]):
    """A red-flag rule or an escalator a yes could make hold: its urgency, the rule or
    escalator, and its triggers (see :attr:`~logic.CompiledCriterion.triggers`) that the yes
    does not meet, which the findings present before the yes must meet for it to hold."""

    urgency: int
    item: _Item
    unmet: logic.Triggers

    @classmethod
    def after(cls, item: _Item, yes: frozenset[str]) -> _MayHold[_Item]:
        """``item`` after a yes that makes the findings ``yes`` present."""
        unmet = tuple(one_of for one_of in item.triggers if one_of.isdisjoint(yes))
        return cls(item.disposition.urgency, item, unmet)


@dataclass(frozen=True)
class _YesEffects:
    """What a yes to one finding could change (see :meth:`QuestionSelector._effects_of_yes`).

    Attributes:
        certain_floor: the most urgent rule the yes alone fires (0: none).
        rules: the other rules the yes could make fire, most urgent first.
        escalated: per condition the yes could escalate: its row, the condition, its
            escalators the yes could make hold (most urgent first), the urgency of the first
            and the set of their urgencies. The condition's need after the yes, from its need
            before: only those escalators can change it, unless one of them is at that very
            level (it might stop holding, through a ``none`` criterion): then all of the
            condition's escalators are evaluated again.
    """

    certain_floor: int
    rules: tuple[_MayHold[RedFlagRule], ...]
    escalated: tuple[
        tuple[int, Condition, tuple[_MayHold[Escalator], ...], int, frozenset[int]], ...
    ]


@dataclass(frozen=True)
class _EscalationTable:
    """The ``escalated`` entries of every finding's precomputed :class:`_YesEffects`, flat,
    for :meth:`QuestionSelector._screen` (finding ``j``'s entries are ``start[j]`` to
    ``start[j] + length[j]``)."""

    start: npt.NDArray[np.intp]
    length: npt.NDArray[np.intp]
    row: npt.NDArray[np.intp]
    top: npt.NDArray[np.int64]
    levels: npt.NDArray[np.int64]  # bit u set: an escalator at urgency u
    first_sufficient: BoolArray  # the most urgent holds on the yes alone

    @classmethod
    def of(cls, effects: Sequence[_YesEffects], yes: Sequence[frozenset[str]]) -> _EscalationTable:
        entries = [
            (row, top, sum(1 << u for u in levels), not found[0].item.sufficient.isdisjoint(said))
            for effect, said in zip(effects, yes, strict=True)
            for row, _, found, top, levels in effect.escalated
        ]
        length = np.array([len(effect.escalated) for effect in effects], dtype=np.intp)
        columns = list(zip(*entries, strict=True)) if entries else [(), (), (), ()]
        return cls(
            start=np.cumsum(length) - length,
            length=length,
            row=np.array(columns[0], dtype=np.intp),
            top=np.array(columns[1], dtype=np.int64),
            levels=np.array(columns[2], dtype=np.int64),
            first_sufficient=np.array(columns[3], dtype=bool),
        )


@dataclass(frozen=True)
class _RuleTable:
    """The ``rules`` of every finding's precomputed :class:`_YesEffects`, flat, for
    :meth:`QuestionSelector._floors` (finding ``j``'s entries are ``start[j]`` to
    ``start[j] + length[j]``, most urgent first), with their unmet triggers (see
    :attr:`_MayHold.unmet`) as indexes into the distinct trigger sets."""

    start: npt.NDArray[np.intp]
    length: npt.NDArray[np.intp]
    urgency: npt.NDArray[np.int64]
    rule: npt.NDArray[np.intp]  # position in the selector's rules
    certain_floor: npt.NDArray[np.int64]  # per finding: the floor the yes alone sets
    unmet: npt.NDArray[np.intp]  # per entry, its unmet trigger sets, then the sentinel
    unmet_start: npt.NDArray[np.intp]  # where each entry's part of ``unmet`` starts
    sets_with: Mapping[str, npt.NDArray[np.intp]]  # finding -> the trigger sets holding it
    sets: int  # distinct trigger sets (the sentinel, always met, is index ``sets``)

    @classmethod
    def of(cls, effects: Sequence[_YesEffects], rules: Sequence[RedFlagRule]) -> _RuleTable:
        position = {rule.id: i for i, rule in enumerate(rules)}
        distinct: dict[frozenset[str], int] = {}
        entries = [
            (
                may.urgency,
                position[may.item.id],
                [distinct.setdefault(t, len(distinct)) for t in may.unmet],
            )
            for effect in effects
            for may in effect.rules
        ]
        unmet: list[int] = []
        unmet_start: list[int] = []
        for _, _, ids in entries:
            unmet_start.append(len(unmet))
            unmet.extend([*ids, len(distinct)])
        sets_with: dict[str, list[int]] = {}
        for one_of, i in distinct.items():
            for fid in one_of:
                sets_with.setdefault(fid, []).append(i)
        length = np.array([len(effect.rules) for effect in effects], dtype=np.intp)
        return cls(
            start=np.cumsum(length) - length,
            length=length,
            urgency=np.array([e[0] for e in entries], dtype=np.int64),
            rule=np.array([e[1] for e in entries], dtype=np.intp),
            certain_floor=np.array([e.certain_floor for e in effects], dtype=np.int64),
            unmet=np.array(unmet, dtype=np.intp),
            unmet_start=np.array(unmet_start, dtype=np.intp),
            sets_with={f: np.array(found, dtype=np.intp) for f, found in sets_with.items()},
            sets=len(distinct),
        )

    def alive(
        self,
        columns: npt.NDArray[np.intp],
        fast: BoolArray,
        level: npt.NDArray[np.int64],
        present: AbstractSet[str],
        fired_ids: AbstractSet[str],
        rules: Sequence[RedFlagRule],
    ) -> dict[int, list[int]]:
        """Per ``fast`` candidate (by position), its entries (indexes into its ``rules``)
        that could raise its floor above ``level``: not fired, more urgent, and the
        findings ``present`` meet their unmet triggers. Most urgent first."""
        lengths = np.where(fast, self.length[columns], 0)
        total = int(lengths.sum())
        if not total:
            return {}
        met = np.zeros(self.sets + 1, dtype=bool)
        met[self.sets] = True
        for fid in present:
            found = self.sets_with.get(fid)
            if found is not None:
                met[found] = True
        screened = np.logical_and.reduceat(met[self.unmet], self.unmet_start)
        k = np.repeat(np.arange(len(columns)), lengths)
        local = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entry = np.repeat(self.start[columns], lengths) + local
        keep = screened[entry] & (self.urgency[entry] > level[k])
        if fired_ids:
            fired = np.array([rule.id in fired_ids for rule in rules], dtype=bool)
            keep &= ~fired[self.rule[entry]]
        out: dict[int, list[int]] = {}
        for i in np.flatnonzero(keep).tolist():
            out.setdefault(int(k[i]), []).append(int(local[i]))
        return out


class _AskableKinds(NamedTuple):
    """The findings known to the model, those with an ``ask_if``, those with a parent."""

    known: frozenset[str]
    conditional: frozenset[str]
    with_parent: frozenset[str]


class _Askable:
    """Which findings to consider asking about at one step (each worked out once): not
    ``blocked`` (see :meth:`QuestionSelector._blocked`), known to the model (a key of
    ``ask_if``), and their ``ask_if`` holds (compiled; ``None``: always)."""

    __slots__ = ("_ask_if", "_blocked", "_facts", "_kinds", "_known", "_parents")

    def __init__(
        self,
        ask_if: Mapping[str, logic.Check | None],
        parents: Mapping[str, str | None],
        facts: PatientFacts,
        blocked: AbstractSet[str],
        kinds: _AskableKinds,
    ) -> None:
        self._ask_if = ask_if
        self._parents = parents
        self._facts = facts
        self._blocked = blocked
        self._kinds = kinds
        self._known: dict[str, bool] = {}

    def general_first_of(self, findings: AbstractSet[str]) -> set[str]:
        """``{general_first(f) for f in findings if ok(f)}``, with set operations for the
        findings with no ``ask_if`` and no parent (most of them)."""
        kinds = self._kinds
        open_ = set(findings & kinds.known)
        open_ -= self._blocked
        ask_if = self._ask_if
        facts = self._facts
        known = self._known
        for fid in open_ & kinds.conditional:
            found = known.get(fid)
            if found is None:
                check = ask_if[fid]
                found = known[fid] = check is None or check(facts)
            if not found:
                open_.discard(fid)
        out = set(open_ - kinds.with_parent)
        for fid in open_ & kinds.with_parent:
            out.add(self.general_first(fid))
        return out

    def ok(self, fid: str) -> bool:
        found = self._known.get(fid)
        if found is None:
            if fid in self._blocked or fid not in self._ask_if:
                found = False
            else:
                check = self._ask_if[fid]
                found = check is None or check(self._facts)
            self._known[fid] = found
        return found

    def general_first(self, fid: str) -> str:
        """The finding, or its parent when that has not been asked yet (general first)."""
        parent = self._parents[fid]
        if parent is not None and parent not in self._facts.findings and self.ok(parent):
            return parent
        return fid


class _AfterYes:
    """The facts after a yes to ``fid``, which implies its ancestors ``implied`` (those not
    reported yet), built only when a criterion needs them; ``now``: the findings present
    before the yes."""

    __slots__ = ("_facts", "_fid", "_implied", "_now", "_present", "_yes")

    def __init__(
        self, facts: PatientFacts, fid: str, implied: Sequence[str], now: AbstractSet[str]
    ) -> None:
        self._facts = facts
        self._fid = fid
        self._implied = implied
        self._now = now
        self._yes: PatientFacts | None = None
        self._present: AbstractSet[str] | None = None

    @property
    def present(self) -> AbstractSet[str]:
        """The findings present after the yes."""
        if self._present is None:
            self._present = self._now | {*self._implied, self._fid}
        return self._present

    @classmethod
    def of(
        cls, facts: PatientFacts, fid: str, ancestors: Sequence[str], now: AbstractSet[str]
    ) -> _AfterYes:
        """After a yes to ``fid``, which makes it present, and its ``ancestors`` not
        reported otherwise."""
        reported = facts.findings.keys()
        implied = (
            ancestors
            if reported.isdisjoint(ancestors)
            else tuple(a for a in ancestors if a not in reported)
        )
        return cls(facts, fid, implied, now)

    def facts(self) -> PatientFacts:
        if self._yes is None:
            observations = {**dict.fromkeys(self._implied, _YES), self._fid: _YES}
            self._yes = self._facts.with_observations(observations)
        return self._yes

    def check(self, candidate: _MayHold[RedFlagRule] | _MayHold[Escalator]) -> bool:
        """Whether the rule or escalator holds after the yes, its unmet triggers known to be
        met (see :meth:`holds`)."""
        item = candidate.item
        return self._fid in item.sufficient or item.check(self.facts())

    def holds(self, candidate: _MayHold[RedFlagRule] | _MayHold[Escalator]) -> bool:
        """Whether the rule or escalator holds after the yes: it is evaluated on the facts
        after the yes only when the findings present before meet the triggers the yes does
        not (:attr:`_MayHold.unmet`)."""
        item = candidate.item
        if self._fid in item.sufficient:
            return True
        now = self._now
        for one_of in candidate.unmet:
            if one_of.isdisjoint(now):
                return False
        return item.check(self.facts())


_YES = Observation(present=True)


def _floor_after(
    rules: Sequence[_MayHold[RedFlagRule]],
    level: int,
    fired_ids: AbstractSet[str],
    after: _AfterYes,
) -> int:
    """The floor after a yes: ``level``, or the most urgent of ``rules`` (most urgent first)
    not fired yet that the yes makes fire."""
    for rule in rules:
        if rule.urgency <= level:
            break
        if rule.item.id not in fired_ids and after.holds(rule):
            level = rule.urgency
    return level


def _index_rules(rules: RuleSet) -> Mapping[str, tuple[RedFlagRule, ...]]:
    index: dict[str, list[RedFlagRule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        for fid in sorted(set(logic.finding_ids(rule.when))):
            index.setdefault(fid, []).append(rule)
    return {fid: tuple(found) for fid, found in index.items()}


def _index_escalators(kb: KnowledgeBase) -> Mapping[str, Mapping[str, tuple[Escalator, ...]]]:
    """Finding id -> {condition id: its escalators that mention the finding, most urgent
    first}."""
    index: dict[str, dict[str, list[Escalator]]] = {}
    for condition in kb.conditions.values():
        for escalator in condition.escalators:
            for fid in set(logic.finding_ids(escalator.when)):
                index.setdefault(fid, {}).setdefault(condition.id, []).append(escalator)
    return {
        fid: {
            cid: tuple(sorted(found, key=lambda e: -e.disposition.urgency))
            for cid, found in sorted(by_condition.items())
        }
        for fid, by_condition in index.items()
    }


__all__ = [
    "CONFIDENT",
    "DANGER_BUDGET",
    "DANGER_LIFT",
    "DANGER_MIN_PROBABILITY",
    "DANGER_PLAUSIBLE",
    "DECISION_WEIGHT",
    "MIN_GAIN_BITS",
    "PLAUSIBLE",
    "RULE_FIRST_PROBABILITY",
    "Outcomes",
    "Priority",
    "QuestionChoice",
    "QuestionSelector",
    "StopReason",
]
