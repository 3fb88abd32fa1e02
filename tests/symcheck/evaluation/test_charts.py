"""Chart figures are built from the metrics (rendering is checked in test_report)."""

from __future__ import annotations

from symcheck.evaluation.charts import accuracy_figure, confusion_figure, direction_figure
from symcheck.evaluation.metrics import breakdown, confusion_matrix
from tests.symcheck.evaluation.builders import EMERGENCY, ROUTINE, SELF_CARE, outcome


def test_the_confusion_heatmap_writes_the_count_in_each_cell() -> None:
    figure = confusion_figure(
        confusion_matrix(
            [
                outcome(EMERGENCY, EMERGENCY),
                outcome(EMERGENCY, EMERGENCY),
                outcome(SELF_CARE, ROUTINE),
            ]
        )
    )
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert len(texts) == 5 * 6
    assert texts.count("2") == 1


def test_the_accuracy_chart_has_three_bars_per_group() -> None:
    groups = breakdown([outcome(system="eye"), outcome(system="skin")], lambda o: o.case.system)
    figure = accuracy_figure(groups, "by system")
    assert len(figure.axes[0].patches) == 3 * 2


def test_the_direction_chart_stacks_to_100_percent() -> None:
    figure = direction_figure(
        [outcome(EMERGENCY, EMERGENCY), outcome(EMERGENCY, SELF_CARE), outcome(ROUTINE, None)]
    )
    heights: dict[float, float] = {}
    for bar in figure.axes[0].patches:
        heights[bar.get_x()] = heights.get(bar.get_x(), 0.0) + bar.get_height()
    assert sorted(round(h) for h in heights.values()) == [100, 100]
