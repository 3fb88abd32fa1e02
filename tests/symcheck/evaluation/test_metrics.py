"""Metrics: one tiny hand-built input, one expected outcome each."""

from __future__ import annotations

import math

import pytest

from symcheck.evaluation.metrics import (
    TARGETS,
    Rate,
    breakdown,
    breakdown_by_tag,
    confusion_matrix,
    gate_failures,
    median,
    summarise,
    wilson_interval,
)
from tests.symcheck.evaluation.builders import (
    AMBULANCE,
    EMERGENCY,
    ROUTINE,
    SAME_DAY,
    SELF_CARE,
    gold,
    outcome,
)


def test_wilson_interval_of_a_half() -> None:
    low, high = wilson_interval(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)


def test_wilson_interval_at_100_percent_stays_below_one_and_is_informative() -> None:
    low, high = wilson_interval(30, 30)
    assert high == 1.0
    assert round(low, 3) == 0.886


def test_wilson_interval_at_zero_starts_at_zero() -> None:
    low, high = wilson_interval(0, 20)
    assert low == 0.0
    assert round(high, 3) == 0.161


def test_wilson_interval_needs_cases() -> None:
    with pytest.raises(ValueError, match="positive"):
        wilson_interval(0, 0)


def test_wilson_interval_rejects_more_successes_than_cases() -> None:
    with pytest.raises(ValueError, match="between"):
        wilson_interval(3, 2)


def test_a_rate_with_nothing_to_count_has_no_value_or_interval() -> None:
    assert Rate(0, 0).value is None
    assert Rate(0, 0).interval() is None


def test_exact_over_under_and_errors_partition_the_cases() -> None:
    s = summarise(
        [
            outcome(ROUTINE, ROUTINE),
            outcome(ROUTINE, EMERGENCY),
            outcome(ROUTINE, SELF_CARE),
            outcome(ROUTINE, None),
        ]
    )
    assert (s.triage_exact.count, s.over_triage.count, s.under_triage.count) == (1, 1, 1)
    assert s.errors.count == 1
    assert s.triage_exact.total == 4


def test_safe_triage_excludes_under_triage_and_errors() -> None:
    s = summarise(
        [
            outcome(ROUTINE, ROUTINE),
            outcome(ROUTINE, AMBULANCE),
            outcome(ROUTINE, SELF_CARE),
            outcome(ROUTINE, None),
        ]
    )
    assert (s.safe.count, s.safe.total) == (2, 4)


def test_emergency_sensitivity_counts_either_emergency_level_as_detected() -> None:
    s = summarise(
        [
            outcome(AMBULANCE, EMERGENCY),
            outcome(EMERGENCY, AMBULANCE),
            outcome(EMERGENCY, SAME_DAY),
            outcome(SELF_CARE, SELF_CARE),
        ]
    )
    assert (s.emergency_sensitivity.count, s.emergency_sensitivity.total) == (2, 3)


def test_an_error_on_an_emergency_case_is_not_a_detected_emergency() -> None:
    s = summarise([outcome(AMBULANCE, None)])
    assert s.emergency_sensitivity.value == 0.0


def test_emergency_specificity_counts_non_emergencies_not_sent_to_emergency() -> None:
    s = summarise(
        [outcome(SELF_CARE, EMERGENCY), outcome(ROUTINE, ROUTINE), outcome(AMBULANCE, AMBULANCE)]
    )
    assert (s.emergency_specificity.count, s.emergency_specificity.total) == (1, 2)


def test_top_k_uses_the_rank_of_the_gold_diagnosis() -> None:
    s = summarise([outcome(rank=1), outcome(rank=3), outcome(rank=5), outcome(rank=None)])
    assert (s.top1.count, s.top3.count, s.top5.count) == (1, 2, 3)


def test_an_error_is_a_diagnosis_miss() -> None:
    assert summarise([outcome(predicted=None)]).top5.count == 0


def test_coverage_and_top3_among_covered() -> None:
    s = summarise([outcome(rank=1), outcome(rank=None, covered=False)])
    assert (s.coverage.count, s.coverage.total) == (1, 2)
    assert (s.top3_covered.count, s.top3_covered.total) == (1, 1)


def test_questions_are_summarised_over_finished_interviews() -> None:
    s = summarise([outcome(questions=2), outcome(questions=10), outcome(predicted=None)])
    assert (s.questions_median, s.questions_mean) == (6.0, 6.0)


def test_median_of_nothing_is_none() -> None:
    assert median([]) is None


def test_summary_of_no_cases_has_no_values() -> None:
    s = summarise([])
    assert s.n == 0
    assert s.triage_exact.value is None
    assert s.questions_median is None


def test_breakdown_puts_the_given_order_first_then_the_rest_alphabetically() -> None:
    outcomes = [outcome(system="skin"), outcome(system="eye"), outcome(system="ent")]
    groups = breakdown(outcomes, lambda o: o.case.system, ["skin"])
    assert list(groups) == ["skin", "ent", "eye"]
    assert groups["eye"].n == 1


def test_breakdown_by_tag_counts_a_case_under_each_of_its_tags() -> None:
    both = gold(tags=("child", "hidden_red_flag"))
    groups = breakdown_by_tag([outcome(case=both), outcome(case=gold(tags=("child",)))])
    assert {tag: s.n for tag, s in groups.items()} == {"child": 2, "hidden_red_flag": 1}


def test_confusion_matrix_has_every_cell_and_an_error_column() -> None:
    matrix = confusion_matrix(
        [outcome(AMBULANCE, EMERGENCY), outcome(AMBULANCE, None), outcome(SELF_CARE, SELF_CARE)]
    )
    assert list(matrix) == [
        "emergency_ambulance",
        "emergency",
        "consultation_24",
        "consultation",
        "self_care",
    ]
    assert matrix["emergency_ambulance"] == {
        "emergency_ambulance": 0,
        "emergency": 1,
        "consultation_24": 0,
        "consultation": 0,
        "self_care": 0,
        "error": 1,
    }
    assert sum(sum(row.values()) for row in matrix.values()) == 3


def test_gate_passes_at_the_threshold() -> None:
    assert (
        gate_failures(summarise([outcome(EMERGENCY, EMERGENCY)]), min_emergency_sensitivity=1.0)
        == []
    )


def test_gate_fails_below_the_emergency_threshold() -> None:
    s = summarise([outcome(EMERGENCY, EMERGENCY), outcome(EMERGENCY, ROUTINE)])
    [failure] = gate_failures(s, min_emergency_sensitivity=1.0)
    assert failure.startswith("emergency sensitivity 50.0% (1/2)")


def test_gate_fails_below_the_safe_triage_threshold() -> None:
    s = summarise([outcome(ROUTINE, ROUTINE), outcome(ROUTINE, SELF_CARE)])
    [failure] = gate_failures(s, min_safe_triage=0.97)
    assert failure.startswith("safe triage 50.0%")


def test_gate_without_thresholds_passes() -> None:
    assert gate_failures(summarise([outcome(EMERGENCY, SELF_CARE)])) == []


def test_an_emergency_gate_with_no_emergency_cases_fails() -> None:
    [failure] = gate_failures(
        summarise([outcome(SELF_CARE, SELF_CARE)]), min_emergency_sensitivity=1.0
    )
    assert "no cases" in failure


def test_targets_include_a_ceiling_on_questions() -> None:
    target = next(t for t in TARGETS if t.name == "median questions asked")
    assert target.met(summarise([outcome(questions=12)]))
    assert not target.met(summarise([outcome(questions=13)]))


def test_a_target_with_no_value_is_not_met() -> None:
    target = next(t for t in TARGETS if t.name == "emergency sensitivity")
    assert not target.met(summarise([outcome(SELF_CARE, SELF_CARE)]))


def test_wilson_matches_the_closed_form_for_one_of_one() -> None:
    z = 1.959963984540054
    assert math.isclose(wilson_interval(1, 1)[0], 1 / (1 + z * z))
