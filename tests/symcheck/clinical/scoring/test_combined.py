"""Log-linear pooling of scorers."""

from __future__ import annotations

import pytest

from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import ConditionScore, ConditionScorer, Evidence, Ranking
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
