"""Precision and recall per category, on hand-made extractions."""

from __future__ import annotations

import pytest

from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.nlu.demographics import Demographics
from symcheck.clinical.nlu.extraction import Extraction, Mention, Subject
from symcheck.clinical.patient import Observation, Onset, Sex
from symcheck.extraction_eval.gold import GoldFinding, GoldSentence
from symcheck.extraction_eval.scoring import Category, Counts, score, score_sentence


def _gold(*findings: GoldFinding, age: float | None = None, sex: Sex | None = None) -> GoldSentence:
    return GoldSentence("s1", "text", findings, age, sex)


def _mention(fid: str, present: bool | None = True, **extra: object) -> Mention:
    return Mention(fid, fid, 0, 1, present, **extra)  # type: ignore[arg-type]


def _counts(
    kb: KnowledgeBase, gold: GoldSentence, extraction: Extraction
) -> dict[Category, Counts]:
    return score_sentence(gold, extraction, kb).counts


def test_a_right_finding_is_a_true_positive(kb: KnowledgeBase) -> None:
    extraction = Extraction({"fever": Observation(True)}, (_mention("fever"),))
    counts = _counts(kb, _gold(GoldFinding(frozenset({"fever"}))), extraction)
    assert counts[Category.FINDINGS] == Counts(1, 0, 0)


def test_an_alternative_matches(kb: KnowledgeBase) -> None:
    extraction = Extraction({"high_fever": Observation(True)}, (_mention("high_fever"),))
    gold = _gold(GoldFinding(frozenset({"fever", "high_fever"})))
    assert _counts(kb, gold, extraction)[Category.FINDINGS] == Counts(1, 0, 0)


def test_an_implied_parent_is_not_a_prediction(kb: KnowledgeBase) -> None:
    extraction = Extraction(
        {"chest_pain_crushing": Observation(True), "chest_pain": Observation(True)},
        (_mention("chest_pain_crushing"),),
        implied=frozenset({"chest_pain"}),
    )
    gold = _gold(GoldFinding(frozenset({"chest_pain_crushing"})))
    assert _counts(kb, gold, extraction)[Category.FINDINGS] == Counts(1, 0, 0)


def test_a_stated_ancestor_of_a_matched_finding_is_excused(kb: KnowledgeBase) -> None:
    extraction = Extraction(
        {"chest_pain_crushing": Observation(True), "chest_pain": Observation(True)},
        (_mention("chest_pain_crushing"), _mention("chest_pain")),
    )
    gold = _gold(GoldFinding(frozenset({"chest_pain_crushing"})))
    assert _counts(kb, gold, extraction)[Category.FINDINGS] == Counts(1, 0, 0)


def test_a_wrong_finding_is_a_false_positive_and_the_missed_one_a_false_negative(
    kb: KnowledgeBase,
) -> None:
    extraction = Extraction({"cough": Observation(True)}, (_mention("cough"),))
    counts = _counts(kb, _gold(GoldFinding(frozenset({"fever"}))), extraction)
    assert counts[Category.FINDINGS] == Counts(0, 1, 1)


def test_negation_is_scored_on_absent_findings(kb: KnowledgeBase) -> None:
    extraction = Extraction({"fever": Observation(None)}, (_mention("fever", None),))
    gold = _gold(GoldFinding(frozenset({"fever"}), present=False))
    counts = _counts(kb, gold, extraction)
    assert (counts[Category.NEGATION], counts[Category.UNCERTAINTY]) == (
        Counts(0, 0, 1),
        Counts(0, 1, 0),
    )


def test_a_family_mention_scores_as_subject(kb: KnowledgeBase) -> None:
    extraction = Extraction(family=(_mention("diabetes", subject=Subject.FAMILY),))
    gold = _gold(GoldFinding(frozenset({"diabetes"}), subject=Subject.FAMILY))
    counts = _counts(kb, gold, extraction)
    assert (counts[Category.SUBJECT], counts[Category.FINDINGS]) == (Counts(1, 0, 0), Counts())


@pytest.mark.parametrize(
    ("gold_hours", "predicted_hours", "counts"),
    [(72, 72, Counts(1, 0, 0)), (72, 48, Counts(1, 0, 0)), (72, 24, Counts(0, 1, 1))],
)
def test_durations_match_within_a_factor_of_one_and_a_half(
    kb: KnowledgeBase, gold_hours: float, predicted_hours: float, counts: Counts
) -> None:
    extraction = Extraction(
        {"cough": Observation(True, duration_hours=predicted_hours)}, (_mention("cough"),)
    )
    gold = _gold(GoldFinding(frozenset({"cough"}), duration_hours=gold_hours))
    assert _counts(kb, gold, extraction)[Category.DURATION] == counts


@pytest.mark.parametrize(
    ("gold_value", "predicted", "counts"),
    [(8, 9, Counts(1, 0, 0)), (8, 5, Counts(0, 1, 1)), (2, 3, Counts(1, 0, 0))],
)
def test_severity_matches_by_band(
    kb: KnowledgeBase, gold_value: int, predicted: int, counts: Counts
) -> None:
    extraction = Extraction({"cough": Observation(True, severity=predicted)}, (_mention("cough"),))
    gold = _gold(GoldFinding(frozenset({"cough"}), severity=gold_value))
    assert _counts(kb, gold, extraction)[Category.SEVERITY] == counts


def test_onset_and_location(kb: KnowledgeBase) -> None:
    extraction = Extraction(
        {"knee_pain": Observation(True, onset=Onset.SUDDEN)},
        (_mention("knee_pain", location="right knee"),),
    )
    gold = _gold(GoldFinding(frozenset({"knee_pain"}), onset=Onset.SUDDEN, location="left knee"))
    counts = _counts(kb, gold, extraction)
    assert (counts[Category.ONSET], counts[Category.LOCATION]) == (
        Counts(1, 0, 0),
        Counts(0, 1, 1),
    )


def test_age_matches_within_five_percent(kb: KnowledgeBase) -> None:
    extraction = Extraction(demographics=Demographics(age_years=0.12, sex=Sex.FEMALE))
    gold = _gold(age=0.115, sex=Sex.MALE)
    assert _counts(kb, gold, extraction)[Category.AGE_SEX] == Counts(1, 1, 1)


def test_micro_pools_every_category(kb: KnowledgeBase) -> None:
    extraction = Extraction({"fever": Observation(False)}, (_mention("fever", False),))
    scores = score(
        [_gold(GoldFinding(frozenset({"fever"}), present=False))], lambda _: extraction, kb
    )
    assert scores.micro == Counts(2, 0, 0)


def test_errors_are_listed_by_sentence(kb: KnowledgeBase) -> None:
    result = score_sentence(_gold(GoldFinding(frozenset({"fever"}))), Extraction(), kb)
    assert [str(item) for item in result.missed] == ["findings: fever"]
