"""Synthetic patients sampled from the knowledge base (the classifier's training data).

A synthetic patient has one condition of the knowledge base, or none of them (the
*unexplained* hypothesis of :mod:`symcheck.clinical.scoring.naive_bayes`), and is drawn from
the same generative story the naive-Bayes scorer assumes:

1. **demographics**: an age band from :data:`~symcheck.clinical.scoring.naive_bayes.AGE_BAND_MIX`
   times the condition's age prior (bands its ``requires`` rule out are impossible), an age
   uniform in the band, a sex from its sex prior, and a pregnancy status (certain when the
   condition requires it; otherwise :data:`PREGNANCY_RATE` of women 15-45). Each demographic
   stays unknown with probability :data:`UNKNOWN_DEMOGRAPHIC` (the patient would rather not say);
2. **findings**: every finding of the knowledge base is present with ``P(f | condition)`` (the
   scorer's likelihood row, leaks included; the unexplained patient uses the base rates), then
   closed upwards (a present child makes its ancestors present); a finding whose ``ask_if``
   fails for the patient (period pain in a man) is absent and never asked;
3. **the complaint**: one to three present symptoms or signs the patient volunteers, chosen
   with weight ``P(f | condition) / base_rate(f)`` (the findings typical of the condition come
   to mind first);
4. **the answers**: what a follow-up interview asks, three to :data:`MAX_QUESTIONS` findings,
   each chosen from what has been said so far and never from the true condition (a condition
   drawn from the naive-Bayes posterior, then a finding it explains that is not settled yet),
   answered truthfully, with :data:`DONT_KNOW_RATE` of "don't know" answers.

Sampling is pure and deterministic given the ``numpy`` generator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from symcheck.clinical import logic
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import AGE_BAND_BOUNDS, AgeBand, Condition, FindingKind
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring.naive_bayes import AGE_BAND_MIX, NaiveBayesModel

#: Chance that a patient does not give their age (and, independently, their sex).
UNKNOWN_DEMOGRAPHIC = 0.05
#: Chance that a woman of 15-45 with a condition that does not require pregnancy is pregnant.
PREGNANCY_RATE = 0.04
#: Most follow-up questions simulated (the interview's default cap is 15; most stop earlier).
MAX_QUESTIONS = 12
#: Share of questions answered "don't know".
DONT_KNOW_RATE = 0.08
#: Age range of the oldest band when sampling (years).
OLDEST_AGE = 95.0
_OPENING_KINDS = frozenset({FindingKind.SYMPTOM, FindingKind.SIGN})
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SyntheticPatient:
    """One sampled patient.

    Attributes:
        condition_id: the true condition; ``None`` for "none of these conditions".
        age_years / sex / pregnant: demographics as the patient gives them (``None``: unknown).
        complaint: finding ids volunteered in the opening message, in the order said.
        answers: (finding id, answer) per follow-up question in the order asked; ``None``
            is "don't know".
        present: every finding the patient truly has (for narratives: details to add).
    """

    condition_id: str | None
    age_years: float | None
    sex: Sex | None
    pregnant: bool | None
    complaint: tuple[str, ...]
    answers: tuple[tuple[str, bool | None], ...]
    present: frozenset[str]


class PatientSampler:
    """Samples synthetic patients for one knowledge base (see the module docstring).

    Build once per knowledge base (the likelihood matrix and indexes are precomputed).
    """

    def __init__(self, kb: KnowledgeBase, model: NaiveBayesModel | None = None) -> None:
        self._kb = kb
        self._model = model or NaiveBayesModel.from_kb(kb)
        model = self._model
        self._rows = {cid: i for i, cid in enumerate(model.condition_ids)}
        self._base = model.likelihood[-1]
        self._ancestor_cols = [
            np.array([model.finding_index[a] for a in model.ancestors[f]], dtype=np.intp)
            for f in model.finding_ids
        ]
        self._opening = np.array(
            [kb.findings[f].kind in _OPENING_KINDS for f in model.finding_ids], dtype=bool
        )
        # Conditions x findings: listed with a likelihood above the base rate ("explains").
        self._explains = model.listed[:-1] & (model.likelihood[:-1] > self._base)
        self._bands = list(AgeBand)
        self._ask_if = tuple(
            (model.finding_index[f], kb.findings[f].ask_if)
            for f in model.finding_ids
            if kb.findings[f].ask_if is not None
        )

    @property
    def condition_ids(self) -> tuple[str, ...]:
        return self._model.condition_ids

    def prior(self) -> FloatArray:
        """The prior over the conditions then "unexplained" when nothing is known (sums to 1).

        Prevalence times the age and sex multipliers marginalised over the population, the
        same prior the naive-Bayes scorer uses before any demographics are given.
        """
        from symcheck.clinical.patient import PatientFacts

        return np.exp(self._model.log_prior(PatientFacts()))

    def sample(self, condition_id: str | None, rng: np.random.Generator) -> SyntheticPatient:
        """One patient with ``condition_id`` (``None``: unexplained)."""
        condition = None if condition_id is None else self._kb.conditions[condition_id]
        age, sex, pregnant = self._demographics(condition, rng)
        row = -1 if condition_id is None else self._rows[condition_id]
        likelihood = self._model.likelihood[row]
        present = rng.random(likelihood.shape[0]) < likelihood
        truth = PatientFacts(age_years=age, sex=sex, pregnant=pregnant)
        impossible = [col for col, criterion in self._ask_if if not logic.holds(criterion, truth)]
        present[impossible] = False  # no period pain for a man, no nappies for an adult
        for col in np.flatnonzero(present):
            present[self._ancestor_cols[col]] = True
        complaint = self._complaint(present, likelihood, rng)
        known_age = None if rng.random() < UNKNOWN_DEMOGRAPHIC else age
        known_sex = None if rng.random() < UNKNOWN_DEMOGRAPHIC else sex
        said = PatientFacts(age_years=known_age, sex=known_sex, pregnant=pregnant)
        answers = self._answers(said, present, complaint, impossible, rng)
        ids = self._model.finding_ids
        return SyntheticPatient(
            condition_id=condition_id,
            age_years=known_age,
            sex=known_sex,
            pregnant=pregnant,
            complaint=tuple(ids[c] for c in complaint),
            answers=tuple((ids[c], a) for c, a in answers),
            present=frozenset(ids[c] for c in np.flatnonzero(present)),
        )

    def sample_many(
        self, condition_ids: Sequence[str | None], rng: np.random.Generator
    ) -> list[SyntheticPatient]:
        """One patient per entry of ``condition_ids``, in order."""
        return [self.sample(cid, rng) for cid in condition_ids]

    # -- parts --------------------------------------------------------------------------------

    def _demographics(
        self, condition: Condition | None, rng: np.random.Generator
    ) -> tuple[float, Sex, bool | None]:
        weights = np.array([AGE_BAND_MIX[b] for b in self._bands])
        lo_req, hi_req = 0.0, OLDEST_AGE
        if condition is not None:
            weights = weights * np.array([condition.age_prior.get(b, 1.0) for b in self._bands])
            lo_req = condition.requires.min_age or 0.0
            hi_req = min(condition.requires.max_age or OLDEST_AGE, OLDEST_AGE)
        spans = [_overlap(AGE_BAND_BOUNDS[b], (lo_req, hi_req)) for b in self._bands]
        weights = np.where([s is not None for s in spans], weights, 0.0)
        if weights.sum() <= 0:  # inconsistent priors: fall back to the allowed range
            age = float(rng.uniform(lo_req, hi_req))
        else:
            band = int(rng.choice(len(self._bands), p=weights / weights.sum()))
            lo, hi = spans[band] or (lo_req, hi_req)
            age = float(rng.uniform(lo, hi))
        age = round(age, 2) if age < 1 else float(int(age))
        sex_weights = np.array([1.0, 1.0])
        if condition is not None:
            sex_weights = np.array([condition.sex_prior.get(s.value, 1.0) for s in _SEXES])
            if condition.requires.sex is not None:
                sex_weights = np.array([float(s.value == condition.requires.sex) for s in _SEXES])
        if sex_weights.sum() <= 0:
            sex_weights = np.array([1.0, 1.0])
        sex = _SEXES[int(rng.choice(2, p=sex_weights / sex_weights.sum()))]
        required = condition.requires.pregnant if condition is not None else None
        pregnant: bool | None = None
        if sex is Sex.FEMALE and 12 <= age < 56:
            if required is not None:
                pregnant = required
            else:
                pregnant = bool(15 <= age < 45 and rng.random() < PREGNANCY_RATE)
        return age, sex, pregnant

    def _complaint(
        self, present: npt.NDArray[np.bool_], likelihood: FloatArray, rng: np.random.Generator
    ) -> list[int]:
        candidates = np.flatnonzero(present & self._opening)
        if candidates.size == 0:
            candidates = np.flatnonzero(present)
        if candidates.size == 0:  # nothing at all: the most typical symptom
            candidates = np.array([int(np.argmax(np.where(self._opening, likelihood, 0.0)))])
            present[candidates] = True
        weights = likelihood[candidates] / self._base[candidates]
        n = min(candidates.size, int(rng.choice([1, 2, 3], p=[0.35, 0.4, 0.25])))
        picked = rng.choice(candidates, size=n, replace=False, p=weights / weights.sum())
        # A child said implies its parent: do not also volunteer the parent.
        chosen = [int(c) for c in picked]
        implied = {int(a) for c in chosen for a in self._ancestor_cols[c]}
        return [c for c in chosen if c not in implied] or chosen[:1]

    def _answers(
        self,
        patient_facts: PatientFacts,
        present: npt.NDArray[np.bool_],
        complaint: Sequence[int],
        impossible: Sequence[int],
        rng: np.random.Generator,
    ) -> list[tuple[int, bool | None]]:
        """Follow-up questions chosen the way the interview chooses them, from what has been
        said (never from the true condition): a condition drawn from the current posterior
        over the plausible ones, then one of the findings it explains, not yet settled."""
        model = self._model
        ids = model.finding_ids
        observations = {ids[c]: Observation(present=True) for c in complaint}
        for c in complaint:
            for a in self._ancestor_cols[c]:
                observations.setdefault(ids[int(a)], Observation(present=True))
        facts = patient_facts.with_observations(observations)
        settled = {model.finding_index[f] for f in facts.findings} | set(impossible)
        n = int(rng.integers(3, MAX_QUESTIONS + 1))
        out: list[tuple[int, bool | None]] = []
        for _ in range(n):
            posterior = np.exp(model.log_posterior(facts))[:-1]
            open_cols = self._explains & ~np.isin(np.arange(len(ids)), list(settled))[None, :]
            weights = np.where(open_cols.any(axis=1), posterior, 0.0)
            if weights.sum() <= 0:
                break
            row = int(rng.choice(len(weights), p=weights / weights.sum()))
            choices = np.flatnonzero(open_cols[row])
            col = int(choices[int(rng.integers(len(choices)))])
            settled.add(col)
            answer: bool | None = bool(present[col])
            if rng.random() < DONT_KNOW_RATE:
                answer = None
            else:
                facts = facts.with_observations({ids[col]: Observation(present=answer)})
            out.append((col, answer))
        return out


def condition_schedule(
    condition_ids: Sequence[str], per_condition: int, unexplained: int
) -> list[str | None]:
    """A class-balanced list of labels: ``per_condition`` of each, then ``unexplained`` Nones."""
    out: list[str | None] = [cid for cid in condition_ids for _ in range(per_condition)]
    return out + [None] * unexplained


def prior_schedule(
    condition_ids: Sequence[str], prior: FloatArray, n: int, rng: np.random.Generator
) -> list[str | None]:
    """``n`` labels drawn from ``prior`` (conditions then unexplained), as patients arrive."""
    labels: list[str | None] = [*condition_ids, None]
    picks = rng.choice(len(labels), size=n, p=prior / prior.sum())
    return [labels[int(i)] for i in picks]


def label_index(condition_ids: Sequence[str]) -> Mapping[str | None, int]:
    """Class index of each label: conditions in order, then ``None`` (unexplained) last."""
    index: dict[str | None, int] = {cid: i for i, cid in enumerate(condition_ids)}
    index[None] = len(condition_ids)
    return index


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float] | None:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if hi > lo else None


_SEXES = (Sex.FEMALE, Sex.MALE)
