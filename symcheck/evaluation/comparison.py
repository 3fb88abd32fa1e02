"""Scorers side by side: the knowledge-base scorer alone, the transformer classifier alone
and their combination, on the same cases through the same simulated interviews.

For each scorer: the headline metrics (:func:`~symcheck.evaluation.metrics.summarise`), the
calibration of its top-1 score on the cases (a reliability diagram and the ECE), and the
accuracy against the number of questions asked: after ``n`` answered follow-up questions,
does the ranking the engine holds then (the conditions that explain something reported, as
the result shows them) have the gold diagnosis first / in the top three? An interview that
gave its result after fewer questions counts with that result; an interview that did not
finish counts as a miss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from symcheck.clinical.classifier.calibration import Reliability, reliability
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.clinical.interview.state import InterviewState
from symcheck.evaluation.cases import GoldCase
from symcheck.evaluation.matching import condition_matches
from symcheck.evaluation.metrics import Summary, summarise
from symcheck.evaluation.outcomes import CaseOutcome
from symcheck.evaluation.runner import evaluate

#: Bins of the reliability diagram on the cases (fewer than on synthetic data: ~200 cases).
CASE_BINS = 10


@dataclass
class Trajectories:
    """The latest interview state per case and number of answered questions (an observer
    for :func:`~symcheck.evaluation.runner.evaluate`)."""

    states: dict[str, dict[int, InterviewState]] = field(default_factory=dict)

    def __call__(self, case_id: str, state: InterviewState) -> None:
        self.states.setdefault(case_id, {})[state.questions_asked] = state


@dataclass(frozen=True)
class ScorerRun:
    """One scorer's evaluation."""

    name: str
    outcomes: list[CaseOutcome]
    summary: Summary
    reliability: Reliability
    curve: Mapping[int, tuple[float, float]]  # questions -> (top-1, top-3)


def run_scorer(name: str, engine: InterviewEngine, cases: Sequence[GoldCase]) -> ScorerRun:
    """Evaluate ``engine`` on ``cases`` and measure calibration and the questions curve."""
    trajectories = Trajectories()
    outcomes = evaluate(engine, cases, trajectories)
    return ScorerRun(
        name=name,
        outcomes=outcomes,
        summary=summarise(outcomes),
        reliability=case_reliability(outcomes),
        curve=questions_curve(engine, outcomes, trajectories),
    )


def case_reliability(outcomes: Sequence[CaseOutcome], bins: int = CASE_BINS) -> Reliability:
    """Top-1 score against whether the top-1 is the gold diagnosis (errors: score 0, miss)."""
    confidence = np.array([o.conditions[0].score if o.conditions else 0.0 for o in outcomes])
    correct = np.array([o.top_k(1) for o in outcomes], dtype=bool)
    return reliability(confidence, correct, bins)


def questions_curve(
    engine: InterviewEngine, outcomes: Sequence[CaseOutcome], trajectories: Trajectories
) -> dict[int, tuple[float, float]]:
    """Top-1 and top-3 accuracy after ``n`` questions, for ``n`` from 0 to the most asked."""
    finished = [o for o in outcomes if not o.is_error and o.case.id in trajectories.states]
    if not outcomes:
        return {}
    most = max((o.questions_asked or 0 for o in finished), default=0)
    hits = np.zeros((most + 1, 2))
    names = {cid: (c.name, c.icd10) for cid, c in engine.kb.conditions.items()}
    for outcome in finished:
        states = trajectories.states[outcome.case.id]
        asked = outcome.questions_asked or 0
        for n in range(most + 1):
            if n >= asked:
                top1, top3 = outcome.top_k(1), outcome.top_k(3)
            else:
                state = states.get(n)
                if state is None:
                    continue
                ranked = _ranked(engine, state)
                match = [
                    condition_matches(
                        outcome.case.gold_diagnosis, outcome.case.gold_icd10, *names[cid]
                    )
                    for cid in ranked[:3]
                ]
                top1, top3 = bool(match[:1] and match[0]), any(match)
            hits[n] += (top1, top3)
    total = len(outcomes)
    return {n: (float(hits[n, 0] / total), float(hits[n, 1] / total)) for n in range(most + 1)}


def _ranked(engine: InterviewEngine, state: InterviewState) -> list[str]:
    ranking = engine.estimate(state).ranking
    return [s.condition_id for s in engine.triager.explaining(ranking, state.facts)]


def gain_failures(combined: Summary, kb: Summary) -> list[str]:
    """Why the combination does not beat the knowledge-base scorer (empty when it does):
    it must be strictly better on top-1 and top-3 and no worse on emergency sensitivity."""
    failures = []
    for label, ours, theirs in (
        ("top-1", combined.top1, kb.top1),
        ("top-3", combined.top3, kb.top3),
    ):
        if ours.count <= theirs.count:
            failures.append(
                f"combination {label} {ours.count}/{ours.total} does not beat the "
                f"knowledge-base scorer's {theirs.count}/{theirs.total}"
            )
    if combined.emergency_sensitivity.count < kb.emergency_sensitivity.count:
        failures.append(
            f"combination emergency sensitivity {combined.emergency_sensitivity.count}/"
            f"{combined.emergency_sensitivity.total} is below the knowledge-base scorer's "
            f"{kb.emergency_sensitivity.count}/{kb.emergency_sensitivity.total}"
        )
    return failures
