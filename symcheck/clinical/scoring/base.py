"""The scorer interface: anything that turns evidence into condition probabilities.

The knowledge-base naive-Bayes scorer implements it now; a transformer classifier and a
combination of both plug in later through the same interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, NamedTuple, Protocol, cast, runtime_checkable

import numpy as np
import numpy.typing as npt

from symcheck.clinical.patient import PatientFacts


@dataclass(frozen=True)
class Evidence:
    """Everything a scorer may use: structured facts and the patient's own words."""

    facts: PatientFacts
    texts: tuple[str, ...] = ()


class ConditionScore(NamedTuple):
    """One condition's posterior probability and the reported findings that support it.

    A named tuple: every ranking makes one per condition, several times per message.
    """

    condition_id: str
    probability: float
    supporting: tuple[str, ...] = ()  # finding ids, strongest first


def condition_scores(
    ids: Iterable[str], probabilities: Iterable[float], supporting: Iterable[tuple[str, ...]]
) -> tuple[ConditionScore, ...]:
    """``ConditionScore(id, probability, supporting)`` for each, made without a Python call
    per score (the named tuple's ``__new__`` is one): a ranking makes hundreds."""
    made = map(
        tuple.__new__, repeat(ConditionScore), zip(ids, probabilities, supporting, strict=True)
    )
    return cast(tuple[ConditionScore, ...], tuple(made))


@dataclass(frozen=True, eq=False)
class Posterior:
    """A scorer's probabilities as a vector, for pooling without going through a ranking:
    ``probabilities[i]`` is that of ``ids[i]`` (0: ruled out, left out of a ranking), and the
    last entry that of the unexplained hypothesis."""

    ids: tuple[str, ...]
    probabilities: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Ranking:
    """Conditions ordered best first; ``unexplained`` is the mass on "none of these".

    ``posterior``: the same probabilities as a vector, when the scorer had them that way
    (pooling uses it; not part of the ranking's value).
    """

    scores: tuple[ConditionScore, ...]
    unexplained: float = 0.0
    posterior: Posterior | None = field(default=None, compare=False, repr=False)

    def top(self, n: int) -> tuple[ConditionScore, ...]:
        return self.scores[:n]

    def probability(self, condition_id: str) -> float:
        for score in self.scores:
            if score.condition_id == condition_id:
                return score.probability
        return 0.0


@runtime_checkable
class ConditionScorer(Protocol):
    """Scores every condition of the knowledge base from the evidence. Must be pure."""

    def rank(self, evidence: Evidence) -> Ranking: ...


@runtime_checkable
class EncodingScorer(Protocol):
    """A scorer whose costly part is a model run that lets go of the GIL (the transformer's
    encoder), so that other threads can work meanwhile (see
    :meth:`~symcheck.clinical.interview.engine.InterviewEngine.assess`).

    :meth:`encoding` does what needs the GIL (tokenising) and returns the model run;
    :meth:`rank_encoded` does the rest. ``rank(evidence)`` is
    ``rank_encoded(evidence, encoding(evidence)())``.
    """

    def rank(self, evidence: Evidence) -> Ranking: ...

    def encoding(self, evidence: Evidence) -> Callable[[], Any]: ...

    def rank_encoded(self, evidence: Evidence, encoded: Any) -> Ranking: ...

    def posterior_encoded(self, evidence: Evidence, encoded: Any) -> Posterior:
        """The probabilities of :meth:`rank_encoded`, as a vector (no ranking made)."""
        ...


def normalised(weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    if total <= 0:
        return [1.0 / len(weights)] * len(weights) if weights else []
    return [w / total for w in weights]
