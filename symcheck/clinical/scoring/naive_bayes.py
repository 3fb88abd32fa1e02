"""A naive-Bayes condition scorer over the knowledge base.

The model has one hypothesis per condition plus an explicit *unexplained* hypothesis ("none of
these conditions") whose likelihoods are the findings' base rates, so the probabilities stay
honest when nothing in the knowledge base fits the patient.

Prior of a condition: ``prevalence x age multiplier x sex multiplier`` (marginalised over a
typical age/sex mix when the patient has not said), zero when a hard ``requires`` constraint is
known to fail. The condition priors share ``1 - unexplained_prior`` of the mass.

Likelihoods: ``P(finding reported | condition)`` from the condition, else a *leak*:

- a finding the condition does not list, but whose listed ancestor it does, inherits the
  ancestor's likelihood scaled by how often the specific form occurs
  (``P(anc | c) x base_rate(child) / base_rate(anc)``);
- otherwise the finding's ``base_rate``;
- a parent is at least as likely as any of its more specific children (a child implies it).

Evidence: each reported present / absent finding multiplies in ``P(f | h)`` or
``(1 - P(f | h)) ** ABSENT_WEIGHT`` (denials count at half weight, see :data:`ABSENT_WEIGHT`);
unsure findings are ignored. To avoid counting one complaint twice through the hierarchy, a
present finding with a present descendant is skipped (the more specific report carries it), an
absent finding with an absent ancestor is skipped (the general denial carries it), and an
absent finding under a present ancestor counts as ``1 - P(child | h) / P(ancestor | h)`` ("chest
pain, but not crushing").

All matrices are built once per knowledge base; :meth:`NaiveBayesScorer.rank` is a handful of
numpy operations in log space (log-sum-exp), pure and deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import AgeBand, Condition
from symcheck.clinical.patient import PatientFacts, Sex
from symcheck.clinical.scoring.base import (
    Evidence,
    Posterior,
    Ranking,
    condition_scores,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Prior mass of "none of these conditions". Symptom checkers meet many complaints outside any
#: knowledge base; 10% keeps the hypothesis alive until the findings speak against it, without
#: swamping a good fit (two findings with a likelihood ratio of ~4 each already outweigh it).
UNEXPLAINED_PRIOR = 0.10

#: Weight of a reported *absent* finding (its likelihood is raised to this power). Naive Bayes
#: multiplies every denial as if independent, but the findings a condition lacks come in
#: correlated groups (no nausea, no vomiting, no tummy pain) and patients deny loosely, so
#: full-weight denials drive posteriors to extremes: isolated diarrhoea with half a dozen
#: denials would fall to a few percent for gastroenteritis. Half weight (the square root of the
#: likelihood) keeps denials informative without that overconfidence; present findings, the
#: patient's actual complaint, keep full weight.
ABSENT_WEIGHT = 0.5

#: Who uses a symptom checker, for marginalising age priors when the age is unknown.
AGE_BAND_MIX: Mapping[AgeBand, float] = {
    AgeBand.INFANT: 0.05,
    AgeBand.CHILD: 0.12,
    AgeBand.ADOLESCENT: 0.08,
    AgeBand.ADULT: 0.40,
    AgeBand.MIDDLE_AGED: 0.22,
    AgeBand.OLDER: 0.13,
}
_SEXES = (Sex.FEMALE, Sex.MALE)
_EPS = 1e-6
_MAX_CONDITIONAL = 0.99  # P(child | parent, h) never quite 1: patients describe things loosely
_A = TypeVar("_A", bound=np.ndarray)


@dataclass(frozen=True, eq=False)
class NaiveBayesModel:
    """The knowledge base compiled into arrays (rows: conditions then *unexplained*).

    Attributes:
        condition_ids: condition ids in row order (sorted); the unexplained row comes last.
        finding_ids: finding ids in column order (sorted).
        likelihood: ``P(f reported | h)``, shape ``(C + 1, F)``; the last row is the base rates.
        by_finding: ``likelihood`` transposed, one contiguous row per finding: the question
            selector takes the columns of a hundred findings at every step, which read from
            ``likelihood`` would touch nearly all of it.
        no_by_finding: the same for a *no*: ``(1 - P(f | h)) ** absent_weight``.
        yes_xlogx, no_xlogx: ``x log2 x`` of ``by_finding`` and ``no_by_finding`` (0 at 0),
            from which the question selector works out the entropy after an answer without a
            logarithm per hypothesis and question (see :meth:`answer_tables`).
        listed: whether the condition lists the finding itself, shape ``(C + 1, F)``.
        log_prevalence: ``log(prevalence)`` per condition, shape ``(C,)``.
        log_age: log age multiplier per condition and band (``-inf`` = impossible), ``(C, B)``.
        log_age_unknown: age multiplier marginalised over :data:`AGE_BAND_MIX`, ``(C,)``.
        log_sex: log sex multiplier per condition, columns female, male, ``(C, 2)``.
        log_sex_unknown: sex multiplier averaged over both sexes, ``(C,)``.
        unexplained_prior: prior mass of the unexplained hypothesis.
        absent_weight: power applied to the likelihood of an absent finding.
    """

    condition_ids: tuple[str, ...]
    finding_ids: tuple[str, ...]
    finding_index: Mapping[str, int]
    likelihood: FloatArray
    by_finding: FloatArray
    no_by_finding: FloatArray
    yes_xlogx: FloatArray
    no_xlogx: FloatArray
    listed: BoolArray
    log_prevalence: FloatArray
    log_age: FloatArray
    log_age_unknown: FloatArray
    log_sex: FloatArray
    log_sex_unknown: FloatArray
    requires_sex: tuple[Sex | None, ...]
    requires_min_age: FloatArray
    requires_max_age: FloatArray
    requires_pregnant: tuple[bool | None, ...]
    ancestors: Mapping[str, tuple[str, ...]]
    unexplained_prior: float
    absent_weight: float

    @property
    def n_hypotheses(self) -> int:
        """Conditions plus the unexplained hypothesis."""
        return len(self.condition_ids) + 1

    @classmethod
    def from_kb(
        cls,
        kb: KnowledgeBase,
        unexplained_prior: float = UNEXPLAINED_PRIOR,
        absent_weight: float = ABSENT_WEIGHT,
    ) -> NaiveBayesModel:
        """Compile ``kb`` (done once per knowledge base)."""
        if not 0 < unexplained_prior < 1:
            raise ValueError("unexplained_prior must be strictly between 0 and 1")
        if not 0 < absent_weight <= 1:
            raise ValueError("absent_weight must be in (0, 1]")
        condition_ids = tuple(sorted(kb.conditions))
        finding_ids = tuple(sorted(kb.findings))
        index = {fid: i for i, fid in enumerate(finding_ids)}
        conditions = [kb.conditions[cid] for cid in condition_ids]
        ancestors = {fid: tuple(kb.ancestors_of(fid)) for fid in finding_ids}
        base = np.array([kb.findings[fid].base_rate for fid in finding_ids])
        rows = [_likelihood_row(c, finding_ids, index, base, ancestors) for c in conditions]
        likelihood = np.vstack([*rows, base]) if rows else base[None, :]
        by_finding = np.ascontiguousarray(likelihood.T)
        no_by_finding = (1.0 - by_finding) ** absent_weight
        listed = np.zeros_like(likelihood, dtype=bool)
        for row, condition in enumerate(conditions):
            for fid in condition.findings:
                listed[row, index[fid]] = True
        bands = list(AgeBand)
        age = np.array(
            [[c.age_prior.get(band, 1.0) for band in bands] for c in conditions]
        ).reshape(len(conditions), len(bands))
        mix = np.array([AGE_BAND_MIX[band] for band in bands])
        sex = np.array(
            [[c.sex_prior.get(s.value, 1.0) for s in _SEXES] for c in conditions]
        ).reshape(len(conditions), len(_SEXES))
        with np.errstate(divide="ignore"):
            log_age = np.log(age)
            log_age_unknown = np.log(age @ mix / mix.sum())
            log_sex = np.log(sex)
            log_sex_unknown = np.log(sex.mean(axis=1))
        return cls(
            condition_ids=condition_ids,
            finding_ids=finding_ids,
            finding_index=index,
            likelihood=_readonly(likelihood),
            by_finding=_readonly(by_finding),
            no_by_finding=_readonly(no_by_finding),
            yes_xlogx=_readonly(xlogx(by_finding)),
            no_xlogx=_readonly(xlogx(no_by_finding)),
            listed=_readonly(listed),
            log_prevalence=_readonly(np.log([c.prevalence for c in conditions])),
            log_age=_readonly(log_age),
            log_age_unknown=_readonly(log_age_unknown),
            log_sex=_readonly(log_sex),
            log_sex_unknown=_readonly(log_sex_unknown),
            requires_sex=tuple(Sex(c.requires.sex) if c.requires.sex else None for c in conditions),
            requires_min_age=_readonly(np.array([_or_nan(c.requires.min_age) for c in conditions])),
            requires_max_age=_readonly(np.array([_or_nan(c.requires.max_age) for c in conditions])),
            requires_pregnant=tuple(c.requires.pregnant for c in conditions),
            ancestors=ancestors,
            unexplained_prior=unexplained_prior,
            absent_weight=absent_weight,
        )

    def log_prior(self, facts: PatientFacts) -> FloatArray:
        """Log prior of every hypothesis given the demographics (``-inf`` = excluded).

        Read-only: remembered per demographics (every message of an interview asks again).
        """
        key = (facts.age_years, facts.sex, facts.pregnant)
        memo = self._priors
        found = memo.get(key)
        if found is None:
            if len(memo) >= _PRIORS_KEPT:
                memo.clear()
            found = memo[key] = _readonly(self._log_prior(facts))
        return found

    @cached_property
    def _priors(self) -> dict[tuple[float | None, Sex | None, bool | None], FloatArray]:
        return {}

    def _log_prior(self, facts: PatientFacts) -> FloatArray:
        n = len(self.condition_ids)
        log_p = self.log_prevalence.copy()
        if facts.age_years is not None:
            log_p += self.log_age[:, list(AgeBand).index(AgeBand.of(facts.age_years))]
        else:
            log_p += self.log_age_unknown
        if facts.sex is not None:
            log_p += self.log_sex[:, _SEXES.index(facts.sex)]
        else:
            log_p += self.log_sex_unknown
        log_p[self.excluded(facts)] = -np.inf
        out = np.empty(n + 1)
        finite = np.isfinite(log_p)
        if finite.any():
            out[:n] = log_p - _logsumexp(log_p[finite]) + math.log1p(-self.unexplained_prior)
            out[n] = math.log(self.unexplained_prior)
        else:
            out[:n] = -np.inf
            out[n] = 0.0
        return out

    def excluded(self, facts: PatientFacts) -> BoolArray:
        """Conditions whose hard ``requires`` constraints are known to fail."""
        n = len(self.condition_ids)
        out = np.zeros(n, dtype=bool)
        age = facts.age_years
        if age is not None:
            with np.errstate(invalid="ignore"):
                out |= age < self.requires_min_age
                out |= age >= self.requires_max_age
        requires = self._requires
        if facts.sex is not None:  # a condition of the other sex
            out |= requires["male" if facts.sex is Sex.FEMALE else "female"]
        if facts.pregnant is False or facts.sex is Sex.MALE:  # one of pregnancy
            out |= requires["pregnant"]
        if facts.pregnant is True:  # one that excludes pregnancy
            out |= requires["not_pregnant"]
        return out

    @cached_property
    def _requires(self) -> Mapping[str, BoolArray]:
        """Per condition, whether it requires a sex or a pregnancy state (for excluded)."""
        return {
            "female": np.array([s is Sex.FEMALE for s in self.requires_sex], dtype=bool),
            "male": np.array([s is Sex.MALE for s in self.requires_sex], dtype=bool),
            "pregnant": np.array([p is True for p in self.requires_pregnant], dtype=bool),
            "not_pregnant": np.array([p is False for p in self.requires_pregnant], dtype=bool),
        }

    def evidence_columns(self, facts: PatientFacts) -> tuple[list[int], list[int]]:
        """Columns of the present and absent findings that count as evidence.

        Unknown finding ids and unsure reports are ignored; hierarchy duplicates are dropped
        (see the module docstring).
        """
        present = {f for f in facts.present_ids if f in self.finding_index}
        absent = {f for f in facts.absent_ids if f in self.finding_index}
        implied_by_child = {a for f in present for a in self.ancestors[f]}
        present -= implied_by_child
        absent = {f for f in absent if not any(a in absent for a in self.ancestors[f])}
        return (
            sorted(self.finding_index[f] for f in present),
            sorted(self.finding_index[f] for f in absent),
        )

    def answer_likelihood(self, finding_ids: Sequence[str], facts: PatientFacts) -> FloatArray:
        """``P(yes | h, what is known)`` for each finding: hypotheses x findings.

        The plain likelihood, except under a reported-present ancestor, where a yes is
        conditional on it: ``P(child | h) / P(ancestor | h)`` (a child implies its parent).
        """
        index = self.finding_index
        # Findings' rows, seen as columns (the layout a column gather of likelihood makes).
        out = self.by_finding[[index[f] for f in finding_ids]].T
        present = frozenset(facts.present_ids)
        if not present:
            return out
        ancestors = self.ancestors
        for k, fid in enumerate(finding_ids):
            if present.isdisjoint(ancestors[fid]):
                continue
            ancestor = next(a for a in ancestors[fid] if a in present)
            parent = self.likelihood[:, index[ancestor]]
            out[:, k] = np.clip(out[:, k] / parent, _EPS, _MAX_CONDITIONAL)
        return out

    def answer_tables(
        self,
        finding_ids: Sequence[str],
        facts: PatientFacts,
        likelihood: FloatArray | None = None,
    ) -> AnswerTables:
        """:meth:`answer_likelihood` of the findings (``likelihood``, when already made),
        with what :meth:`after_answers` and the entropy after each answer need besides (see
        :class:`AnswerTables`): taken from the tables built once (``no_by_finding``,
        ``yes_xlogx``, ``no_xlogx``), and worked out here only for the findings under a
        reported-present ancestor."""
        index = self.finding_index
        rows = [index[f] for f in finding_ids]
        yes = self.answer_likelihood(finding_ids, facts) if likelihood is None else likelihood
        no = self.no_by_finding[rows].T
        yes_xlogx = self.yes_xlogx[rows].T
        no_xlogx = self.no_xlogx[rows].T
        present = frozenset(facts.present_ids)
        if present:
            ancestors = self.ancestors
            for k, fid in enumerate(finding_ids):
                if present.isdisjoint(ancestors[fid]):
                    continue
                column = yes[:, k]
                no[:, k] = (1.0 - column) ** self.absent_weight
                yes_xlogx[:, k] = xlogx(column)
                no_xlogx[:, k] = xlogx(no[:, k])
        return AnswerTables(yes, no, yes_xlogx, no_xlogx)

    def log_posterior(self, facts: PatientFacts) -> FloatArray:
        """Normalised log posterior over all hypotheses (conditions, then unexplained)."""
        log_joint = self.log_prior(facts)
        present, absent = self.evidence_columns(facts)
        if present:
            log_joint = log_joint + np.log(self.likelihood[:, present]).sum(axis=1)
        if absent:
            absent_ids = [self.finding_ids[c] for c in absent]
            no = 1.0 - self.answer_likelihood(absent_ids, facts)
            log_joint = log_joint + self.absent_weight * np.log(no).sum(axis=1)
        return log_joint - _logsumexp(log_joint)

    def after_answers(
        self,
        posterior: FloatArray,
        likelihood: FloatArray,
        no_likelihood: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """The posterior after a *yes* and after a *no*, one column per finding.

        Args:
            posterior: over all hypotheses (unexplained last).
            likelihood: :meth:`answer_likelihood` of the findings (hypotheses x findings).
            no_likelihood: the likelihood of a no, ``(1 - likelihood) ** absent_weight``
                (:attr:`AnswerTables.no`), worked out here when not given.

        Returns the same updates :meth:`log_posterior` makes once the answer is in the facts.
        """
        # In place where the arithmetic allows (the same operations: the same result, with
        # fewer arrays of hypotheses x findings to write).
        yes = posterior[:, None] * likelihood
        if no_likelihood is None:
            no = np.subtract(1.0, likelihood)
            np.power(no, self.absent_weight, out=no)
            np.multiply(posterior[:, None], no, out=no)
        else:
            no = posterior[:, None] * no_likelihood
        yes /= _column_sums(yes)
        no /= _column_sums(no)
        return yes, no

    def supporting(self, row: int, present_columns: Iterable[int]) -> tuple[str, ...]:
        """Present findings with a likelihood ratio above 1 for the condition, strongest first.

        The ratio compares the condition with the rest of the population (the base rate).
        """
        base = self.likelihood[-1]
        ratios = []
        for col in present_columns:
            ratio = self.likelihood[row, col] / base[col]
            if ratio > 1 + _EPS:
                ratios.append((-ratio, self.finding_ids[col]))
        return tuple(fid for _, fid in sorted(ratios))

    def supporting_all(
        self, present_columns: Sequence[int], rows: npt.NDArray[np.intp]
    ) -> list[tuple[str, ...]]:
        """:meth:`supporting` for each of ``rows`` at once (vectorised: ranking every condition
        needs it for all of them)."""
        columns = sorted(set(present_columns))  # column order is finding-id order
        out: list[tuple[str, ...]] = [()] * len(rows)
        if not columns or not len(rows):
            return out
        ratios = self.likelihood[np.ix_(rows, columns)] / self.likelihood[-1, columns]
        supports = ratios > 1 + _EPS
        hit = np.flatnonzero(supports.any(axis=1))
        if not hit.size:
            return out
        # Strongest first; a stable sort keeps equal ratios in finding-id order. The
        # supporting columns (ratio above 1) come first in that order.
        order = np.argsort(-ratios[hit], axis=1, kind="stable")
        count = supports[hit].sum(axis=1)
        names = [self.finding_ids[c] for c in columns]
        width = len(columns) + 1
        if width**width < 2**62:
            # Many rows share one list: each row's list as one number (its columns + 1 as
            # digits in base ``width``, 0 past its end), made once per distinct number.
            digits = np.where(np.arange(len(columns)) < count[:, None], order + 1, 0)
            keys = digits @ (width ** np.arange(len(columns), dtype=np.int64))
            distinct, which = np.unique(keys, return_index=True)
            made = {
                key: tuple(names[j] for j in order[i, : count[i]].tolist())
                for key, i in zip(distinct.tolist(), which.tolist(), strict=True)
            }
            for k, key in zip(hit.tolist(), keys.tolist(), strict=True):
                out[k] = made[key]
            return out
        for k, ranked, n in zip(hit.tolist(), order.tolist(), count.tolist(), strict=True):
            out[k] = tuple(names[j] for j in ranked[:n])
        return out


class NaiveBayesScorer:
    """Ranks every condition of a knowledge base with naive Bayes (see the module docstring).

    Build once per knowledge base; :meth:`rank` is pure and thread-safe.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        unexplained_prior: float = UNEXPLAINED_PRIOR,
        absent_weight: float = ABSENT_WEIGHT,
    ) -> None:
        self.model = NaiveBayesModel.from_kb(kb, unexplained_prior, absent_weight)

    def rank(self, evidence: Evidence) -> Ranking:
        """Posterior over the conditions (excluded ones omitted), best first, ties by id."""
        model = self.model
        facts = evidence.facts
        posterior = np.exp(model.log_posterior(facts))
        present = [model.finding_index[f] for f in facts.present_ids if f in model.finding_index]
        n = len(model.condition_ids)
        # Best first, ties by id (the rows are in id order, so a stable sort keeps them).
        order = np.flatnonzero(posterior[:n] > 0)
        order = order[np.argsort(-posterior[order], kind="stable")]
        supporting = model.supporting_all(present, order)
        ids = model.condition_ids
        scores = condition_scores(
            map(ids.__getitem__, order.tolist()), posterior[order].tolist(), supporting
        )
        return Ranking(
            scores=scores,
            unexplained=float(posterior[n]),
            posterior=Posterior(model.condition_ids, _readonly(posterior)),
        )


def _likelihood_row(
    condition: Condition,
    finding_ids: tuple[str, ...],
    index: Mapping[str, int],
    base: FloatArray,
    ancestors: Mapping[str, tuple[str, ...]],
) -> FloatArray:
    row = base.copy()
    for fid in finding_ids:
        if fid in condition.findings:
            row[index[fid]] = condition.findings[fid]
            continue
        for ancestor in ancestors[fid]:  # nearest listed ancestor leaks down
            if ancestor in condition.findings:
                share = min(1.0, base[index[fid]] / base[index[ancestor]])
                row[index[fid]] = max(base[index[fid]], condition.findings[ancestor] * share)
                break
    # A child implies its parent: the parent is at least as likely as any child.
    for fid in sorted(finding_ids, key=lambda f: -len(ancestors[f])):
        for ancestor in ancestors[fid]:
            col = index[ancestor]
            row[col] = max(row[col], row[index[fid]])
    return np.clip(row, _EPS, 1 - _EPS)


#: Demographics whose log prior :meth:`NaiveBayesModel.log_prior` keeps (then starts over).
_PRIORS_KEPT = 256


@dataclass(frozen=True)
class AnswerTables:
    """Per hypothesis (rows, unexplained last) and finding asked about (columns): the
    likelihood of a *yes* and of a *no*, and ``x log2 x`` of each (see :func:`xlogx`)."""

    yes: FloatArray
    no: FloatArray
    yes_xlogx: FloatArray
    no_xlogx: FloatArray


def xlogx(values: FloatArray) -> FloatArray:
    """``x log2 x`` elementwise, 0 at 0 (its limit)."""
    logs = np.log2(np.where(values > 0, values, 1.0))
    out: FloatArray = values * logs
    return out


def _column_sums(values: FloatArray) -> FloatArray:
    sums: FloatArray = values.sum(axis=0, keepdims=True)
    return np.where(sums > 0, sums, 1.0)


def _logsumexp(values: FloatArray) -> float:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return -math.inf
    top = float(finite.max())
    return top + math.log(float(np.exp(finite - top).sum()))


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _readonly(array: _A) -> _A:
    array.flags.writeable = False
    return array
