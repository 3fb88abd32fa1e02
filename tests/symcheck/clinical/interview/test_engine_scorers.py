"""The engine with another condition scorer than the knowledge base's: the knowledge-base
advice is a floor, and the knowledge-base ranking still steers the questions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine
from symcheck.clinical.interview.state import InterviewState
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.questions import QuestionChoice
from symcheck.clinical.scoring import (
    ConditionScore,
    EncodingScorer,
    Evidence,
    Posterior,
    Ranking,
)
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from tests.fixtures.kb_small import small_kb, small_rules


class _SaysCold:
    """A scorer sure that every patient has a cold."""

    def rank(self, evidence: Evidence) -> Ranking:
        del evidence
        return Ranking((ConditionScore("common_cold", 0.99),), unexplained=0.01)


STATE = InterviewState(
    facts=PatientFacts(age_years=60, sex=Sex.MALE).with_observations(
        {
            "chest_pain": Observation(True),
            "crushing_chest_pain": Observation(True),
            "sweating": Observation(True),
        }
    )
)


def test_another_scorer_cannot_lower_the_knowledge_base_advice() -> None:
    kb_only = InterviewEngine(small_kb(), small_rules())
    other = InterviewEngine(small_kb(), small_rules(), scorer=_SaysCold())
    floor = kb_only.estimate(STATE).decision.disposition
    assert floor.urgency >= Disposition.EMERGENCY.urgency
    assert other.estimate(STATE).decision.disposition is floor
    assert other.estimate(STATE).ranking.scores[0].condition_id == "common_cold"


def test_without_the_floor_the_other_scorer_decides() -> None:
    config = replace(EngineConfig(), kb_triage_floor=False)
    other = InterviewEngine(small_kb(), small_rules(), scorer=_SaysCold(), config=config)
    assert other.estimate(STATE).decision.disposition.urgency < Disposition.EMERGENCY.urgency


def test_the_knowledge_base_ranking_steers_the_questions() -> None:
    kb_only = InterviewEngine(small_kb(), small_rules())
    other = InterviewEngine(small_kb(), small_rules(), scorer=_SaysCold())
    estimate = other.estimate(STATE)
    assert estimate.question_ranking == kb_only.estimate(STATE).ranking
    alone = kb_only.estimate(STATE)
    assert alone.kb_ranking is None
    assert alone.question_ranking is alone.ranking


def _pooled(config: EngineConfig | None = None) -> InterviewEngine:
    """The knowledge-base scorer pooled with another one, as the product pools the
    classifier."""
    kb = small_kb()
    scorer = CombinedScorer([(NaiveBayesScorer(kb), 1.0), (_SaysCold(), 0.5)])
    return InterviewEngine(kb, small_rules(), scorer=scorer, config=config)


def test_assess_gives_what_estimate_and_choose_give_with_the_pool_in_parallel() -> None:
    engine = _pooled()
    assert engine.config.parallel_scoring
    state = InterviewState(
        facts=PatientFacts(age_years=30, sex=Sex.FEMALE).with_observations(
            {"sore_throat": Observation(True), "fever": Observation(True)}
        )
    )
    for facts in (state.facts, STATE.facts):
        current = replace(state, facts=facts)
        estimate, choice = engine.assess(current)
        expected = engine.estimate(current)
        assert estimate == expected
        assert choice == engine.choose(current, expected)
        serial = _pooled(replace(EngineConfig(), parallel_scoring=False)).assess(current)
        assert serial == (estimate, choice)


class _EncodesCold:
    """Sure of a cold, like _SaysCold, but in two parts as the classifier is: an encoding
    prepared, then run, and a ranking from it; remembers the threads they ran in."""

    def __init__(self) -> None:
        self.threads: dict[str, str] = {}

    def rank(self, evidence: Evidence) -> Ranking:
        return self.rank_encoded(evidence, self.encoding(evidence)())

    def encoding(self, evidence: Evidence) -> Callable[[], float]:
        del evidence
        self.threads["prepared"] = threading.current_thread().name

        def run() -> float:
            self.threads["ran"] = threading.current_thread().name
            return 0.99

        return run

    def rank_encoded(self, evidence: Evidence, encoded: float) -> Ranking:
        del evidence
        return Ranking((ConditionScore("common_cold", encoded),), unexplained=1 - encoded)

    def posterior_encoded(self, evidence: Evidence, encoded: float) -> Posterior:
        del evidence
        return Posterior(("common_cold",), np.array([encoded, 1 - encoded]))


def test_an_encoding_scorer_encodes_in_the_engine_thread_while_the_worker_chooses() -> None:
    kb = small_kb()
    encodes = _EncodesCold()
    scorer = CombinedScorer([(NaiveBayesScorer(kb), 1.0), (encodes, 0.5)])
    engine = InterviewEngine(kb, small_rules(), scorer=scorer)
    assert isinstance(encodes, EncodingScorer)
    chose_in: list[str] = []
    choose = engine.selector.choose

    def recording_choose(*args: Any, **kwargs: Any) -> QuestionChoice:
        chose_in.append(threading.current_thread().name)
        return choose(*args, **kwargs)

    engine.selector.choose = recording_choose  # type: ignore[method-assign]
    estimate, choice = engine.assess(STATE)
    here = threading.current_thread().name
    assert encodes.threads == {"prepared": here, "ran": here}
    assert len(chose_in) == 1
    assert chose_in[0].startswith("symcheck-score")
    assert estimate == engine.estimate(STATE)
    assert choice == engine.choose(STATE, estimate)
    assert estimate.ranking.probability("common_cold") > 0


def test_a_failing_look_ahead_fails_the_assessment() -> None:
    kb = small_kb()
    engine = InterviewEngine(
        kb,
        small_rules(),
        scorer=CombinedScorer([(NaiveBayesScorer(kb), 1.0), (_EncodesCold(), 0.5)]),
    )

    def broken(*args: Any, **kwargs: Any) -> QuestionChoice:
        raise RuntimeError("broken look-ahead")

    engine.selector.choose = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="broken look-ahead"):
        engine.assess(STATE)


def test_a_failing_pooled_scorer_fails_the_assessment() -> None:
    class _Broken:
        def rank(self, evidence: Evidence) -> Ranking:
            raise RuntimeError("broken scorer")

    kb = small_kb()
    scorer = CombinedScorer([(NaiveBayesScorer(kb), 1.0), (_Broken(), 0.5)])
    engine = InterviewEngine(kb, small_rules(), scorer=scorer)
    with pytest.raises(RuntimeError, match="broken scorer"):
        engine.assess(STATE)


def test_the_engine_chooses_questions_with_the_knowledge_base_scorer_it_is_given() -> None:
    kb = small_kb()
    naive_bayes = NaiveBayesScorer(kb, unexplained_prior=0.3)
    engine = InterviewEngine(kb, small_rules(), scorer=naive_bayes)
    assert engine.scorer is naive_bayes
    assert engine.selector.posterior(naive_bayes.rank(Evidence(STATE.facts))).shape == (
        len(naive_bayes.model.condition_ids) + 1,
    )
    estimate = engine.estimate(STATE)
    assert estimate.kb_ranking is None  # ranked once, by the scorer it was given
    pooled = _pooled()
    assert pooled.estimate(STATE).kb_decision is not None
