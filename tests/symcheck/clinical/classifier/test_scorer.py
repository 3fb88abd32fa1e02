"""The classifier as a condition scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symcheck.clinical.classifier.model import load_model
from symcheck.clinical.classifier.scorer import ClassifierScorer
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import ConditionScorer, Evidence
from symcheck.clinical.scoring.naive_bayes import NaiveBayesModel
from tests.fixtures.kb_small import small_kb


@pytest.fixture(scope="module")
def scorer(tiny_model_dir: Path) -> ClassifierScorer:
    kb = small_kb()
    return ClassifierScorer(load_model(tiny_model_dir, kb), NaiveBayesModel.from_kb(kb))


def _evidence(sex: Sex, *present: str, text: str = "") -> Evidence:
    facts = PatientFacts(age_years=30, sex=sex).with_observations(
        {fid: Observation(True) for fid in present}
    )
    return Evidence(facts, (text,) if text else ())


def test_it_implements_the_scorer_protocol(scorer: ClassifierScorer) -> None:
    assert isinstance(scorer, ConditionScorer)


def test_probabilities_and_unexplained_sum_to_one_best_first(scorer: ClassifierScorer) -> None:
    ranking = scorer.rank(_evidence(Sex.FEMALE, "headache", text="my head hurts"))
    total = sum(s.probability for s in ranking.scores) + ranking.unexplained
    assert total == pytest.approx(1.0)
    probabilities = [s.probability for s in ranking.scores]
    assert probabilities == sorted(probabilities, reverse=True)


def test_conditions_a_patient_cannot_have_are_excluded(scorer: ClassifierScorer) -> None:
    ranking = scorer.rank(_evidence(Sex.MALE, "abdominal_pain", text="tummy pain"))
    assert "ectopic_pregnancy" not in {s.condition_id for s in ranking.scores}


def test_supporting_findings_are_reported_findings(scorer: ClassifierScorer) -> None:
    ranking = scorer.rank(_evidence(Sex.FEMALE, "headache", "photophobia"))
    for score in ranking.scores:
        assert set(score.supporting) <= {"headache", "photophobia"}


def test_a_typical_presentation_ranks_its_condition_high(scorer: ClassifierScorer) -> None:
    ranking = scorer.rank(_evidence(Sex.MALE, "dysuria", text="burning when i pee"))
    assert "cystitis" in [s.condition_id for s in ranking.top(3)]


def test_labels_that_do_not_match_the_knowledge_base_are_refused(tiny_model_dir: Path) -> None:
    from symcheck.clinical.knowledge import load_knowledge_base

    with pytest.raises(ValueError, match="labels"):
        ClassifierScorer(
            load_model(tiny_model_dir, small_kb()),
            NaiveBayesModel.from_kb(load_knowledge_base()),
        )


def test_without_the_prior_the_evidence_alone_is_scored(tiny_model_dir: Path) -> None:
    kb = small_kb()
    model = load_model(tiny_model_dir, kb)
    with_prior = ClassifierScorer(model, NaiveBayesModel.from_kb(kb))
    evidence_only = ClassifierScorer(model, NaiveBayesModel.from_kb(kb), with_prior=False)
    evidence = _evidence(Sex.FEMALE, "headache", text="headache")
    a, b = with_prior.rank(evidence), evidence_only.rank(evidence)
    assert sum(s.probability for s in b.scores) + b.unexplained == pytest.approx(1.0)
    assert {s.condition_id: s.probability for s in a.scores} != {
        s.condition_id: s.probability for s in b.scores
    }


def test_ranking_from_the_encoding_is_the_ranking(scorer: ClassifierScorer) -> None:
    evidence = _evidence(Sex.FEMALE, "headache", text="my head is pounding, light hurts")
    ranking = scorer.rank(evidence)
    encoded = scorer.encode(evidence)
    assert scorer.rank_encoded(evidence, encoded) == ranking
    posterior = scorer.posterior_encoded(evidence, encoded)
    assert ranking.posterior is not None
    assert np.array_equal(ranking.posterior.probabilities, posterior.probabilities)
    # The vector is over the knowledge base's conditions, in its row order; 0 = left out.
    by_id = dict(zip(posterior.ids, posterior.probabilities.tolist(), strict=False))
    assert by_id == {
        **dict.fromkeys(posterior.ids, 0.0),
        **{s.condition_id: s.probability for s in ranking.scores},
    }
    assert posterior.probabilities[-1] == ranking.unexplained
