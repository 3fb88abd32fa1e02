"""Log-linear pooling of scorers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import (
    ConditionScore,
    ConditionScorer,
    Evidence,
    Posterior,
    Ranking,
)
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from tests.fixtures.kb_small import small_kb

EVIDENCE = Evidence(
    PatientFacts(age_years=30, sex=Sex.FEMALE).with_observations(
        {"headache": Observation(True), "photophobia": Observation(True)}
    )
)


class _Fixed:
    def __init__(self, ranking: Ranking) -> None:
        self._ranking = ranking

    def rank(self, evidence: Evidence) -> Ranking:
        del evidence
        return self._ranking


def test_one_scorer_is_unchanged() -> None:
    nb = NaiveBayesScorer(small_kb())
    combined = CombinedScorer([(nb, 1.0)])
    assert isinstance(combined, ConditionScorer)
    expected = nb.rank(EVIDENCE)
    got = combined.rank(EVIDENCE)
    assert [s.condition_id for s in got.scores] == [s.condition_id for s in expected.scores]
    for a, b in zip(got.scores, expected.scores, strict=True):
        assert a.probability == pytest.approx(b.probability)
        assert a.supporting == b.supporting
    assert got.unexplained == pytest.approx(expected.unexplained)


def test_pooling_sharpens_agreement_and_keeps_exclusions() -> None:
    a = _Fixed(Ranking((ConditionScore("x", 0.6, ("f",)), ConditionScore("y", 0.3)), 0.1))
    b = _Fixed(Ranking((ConditionScore("x", 0.7),), 0.3))  # y excluded by b
    pooled = CombinedScorer([(a, 1.0), (b, 1.0)]).rank(EVIDENCE)
    assert [s.condition_id for s in pooled.scores] == ["x"]
    assert pooled.scores[0].probability == pytest.approx(0.42 / (0.42 + 0.03))
    assert pooled.scores[0].supporting == ("f",)
    assert pooled.scores[0].probability + pooled.unexplained == pytest.approx(1.0)


def test_weights_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        CombinedScorer([(NaiveBayesScorer(small_kb()), 0.0)])
    with pytest.raises(ValueError, match="at least one"):
        CombinedScorer([])


def test_pooling_the_vectors_gives_what_pooling_the_rankings_gives() -> None:
    nb = NaiveBayesScorer(small_kb())
    ranking = nb.rank(EVIDENCE)
    assert ranking.posterior is not None
    ids = ranking.posterior.ids
    # A second scorer that rules one condition out and likes another.
    other = np.array(ranking.posterior.probabilities)
    other[ids.index(ranking.scores[0].condition_id)] = 0.0
    other[ids.index(ranking.scores[-1].condition_id)] *= 50
    other /= other.sum()
    second = Posterior(ids, other)
    as_ranking = Ranking(
        tuple(
            ConditionScore(cid, p)
            for cid, p in sorted(zip(ids, other.tolist(), strict=False), key=lambda x: -x[1])
            if p > 0
        ),
        unexplained=float(other[-1]),
    )
    combined = CombinedScorer([(nb, 1.0), (_Fixed(as_ranking), 0.5)])
    by_rankings = combined.pool([replace(ranking, posterior=None), as_ranking])
    by_vectors = combined.pool([ranking, second])
    assert by_vectors == by_rankings  # to the last bit
    assert [s.supporting for s in by_vectors.scores] == [s.supporting for s in by_rankings.scores]
    assert ranking.scores[0].condition_id not in {s.condition_id for s in by_vectors.scores}
    # A part given as a vector can be pooled with one that has none.
    assert combined.pool([replace(ranking, posterior=None), second]) == by_rankings
