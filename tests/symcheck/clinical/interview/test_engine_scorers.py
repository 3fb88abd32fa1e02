"""The engine with another condition scorer than the knowledge base's: the knowledge-base
advice is a floor, and the knowledge-base ranking still steers the questions."""

from __future__ import annotations

from dataclasses import replace

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine
from symcheck.clinical.interview.state import InterviewState
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import ConditionScore, Evidence, Ranking
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
