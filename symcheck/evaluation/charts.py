"""PNG charts of an evaluation run (matplotlib's object API: no pyplot, no global state).

matplotlib is imported inside the functions, so importing this module does no work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from symcheck.clinical.classifier.calibration import Reliability
from symcheck.evaluation.metrics import (
    DISPOSITIONS,
    ERROR_COLUMN,
    Summary,
    breakdown,
    confusion_matrix,
    group_by,
)
from symcheck.evaluation.outcomes import AGE_ORDER, CaseOutcome, Direction

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from symcheck.evaluation.comparison import ScorerRun

CONFUSION_PNG = "confusion_matrix.png"
SYSTEM_PNG = "accuracy_by_system.png"
DIRECTION_PNG = "triage_direction_by_disposition.png"
AGE_PNG = "accuracy_by_age_band.png"
CASE_RELIABILITY_PNG = "calibration_by_scorer.png"
QUESTIONS_PNG = "accuracy_by_questions_asked.png"
_DPI = 110
_DIRECTION_COLOURS = {
    Direction.UNDER: "#c0392b",
    Direction.EXACT: "#27ae60",
    Direction.OVER: "#f39c12",
    Direction.ERROR: "#7f8c8d",
}


def write_charts(out_dir: Path, outcomes: Sequence[CaseOutcome]) -> list[Path]:
    """Write every chart into ``out_dir``; returns the paths in report order."""
    return [
        _save(confusion_figure(confusion_matrix(outcomes)), out_dir / CONFUSION_PNG),
        _save(
            accuracy_figure(
                breakdown(outcomes, lambda o: o.case.system), "Accuracy by body system"
            ),
            out_dir / SYSTEM_PNG,
        ),
        _save(direction_figure(outcomes), out_dir / DIRECTION_PNG),
        _save(
            accuracy_figure(
                breakdown(outcomes, lambda o: o.age_band, AGE_ORDER), "Accuracy by age band"
            ),
            out_dir / AGE_PNG,
        ),
    ]


def write_comparison_charts(out_dir: Path, runs: Sequence[ScorerRun]) -> list[Path]:
    """Write the side-by-side charts: calibration and accuracy against questions asked."""
    return [
        _save(
            reliability_figure(
                {run.name: run.reliability for run in runs},
                "Calibration of the top condition's score (development cases)",
            ),
            out_dir / CASE_RELIABILITY_PNG,
        ),
        _save(
            questions_figure(
                {run.name: run.curve for run in runs},
                "Diagnosis accuracy against follow-up questions asked",
            ),
            out_dir / QUESTIONS_PNG,
        ),
    ]


def confusion_figure(matrix: Mapping[str, Mapping[str, int]]) -> Figure:
    """Heatmap of gold (rows) x predicted (columns) dispositions, counts in the cells."""
    from matplotlib.figure import Figure

    rows = list(matrix)
    columns = [d.value for d in DISPOSITIONS] + [ERROR_COLUMN]
    values = [[matrix[r].get(c, 0) for c in columns] for r in rows]
    top = max((v for row in values for v in row), default=0) or 1
    figure = Figure(figsize=(8, 5.5), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(values, cmap="Blues", vmin=0, vmax=top)
    axes.set_xticks(range(len(columns)), labels=columns, rotation=30, ha="right")
    axes.set_yticks(range(len(rows)), labels=rows)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title("Triage confusion matrix (above the diagonal: under-triage)")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            colour = "white" if value > top / 2 else "black"
            axes.text(j, i, str(value), ha="center", va="center", color=colour)
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def accuracy_figure(groups: Mapping[str, Summary], title: str) -> Figure:
    """Grouped bars per group: triage exact, safe triage, diagnosis top-3 (with n)."""
    from matplotlib.figure import Figure

    names = list(groups)
    series: tuple[tuple[str, Callable[[Summary], float | None], str], ...] = (
        ("triage exact", lambda s: s.triage_exact.value, "#2980b9"),
        ("safe triage", lambda s: s.safe.value, "#27ae60"),
        ("diagnosis top-3", lambda s: s.top3.value, "#8e44ad"),
    )
    width = 0.27
    figure = Figure(figsize=(max(7.0, 0.7 * len(names) + 3), 5), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    for k, (label, read, colour) in enumerate(series):
        xs = [i + (k - 1) * width for i in range(len(names))]
        ys = [100 * (read(groups[n]) or 0.0) for n in names]
        axes.bar(xs, ys, width, label=label, color=colour)
    axes.set_xticks(
        range(len(names)),
        labels=[f"{n}\n(n={groups[n].n})" for n in names],
        rotation=45 if len(names) > 6 else 0,
        ha="right" if len(names) > 6 else "center",
        fontsize=8,
    )
    axes.set_ylim(0, 105)
    axes.set_ylabel("% of cases")
    axes.set_title(title)
    figure.legend(loc="outside upper right", ncols=3, fontsize=8)
    axes.grid(axis="y", alpha=0.3)
    return figure


def direction_figure(outcomes: Sequence[CaseOutcome]) -> Figure:
    """Stacked bars per gold disposition: share under-triaged, exact, over-triaged, error."""
    from matplotlib.figure import Figure

    groups = group_by(outcomes, lambda o: o.case.gold_triage.value, [d.value for d in DISPOSITIONS])
    names = list(groups)
    figure = Figure(figsize=(8, 5), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    bottoms = [0.0] * len(names)
    for direction in (Direction.UNDER, Direction.EXACT, Direction.OVER, Direction.ERROR):
        shares = [
            100 * sum(o.direction is direction for o in groups[n]) / len(groups[n]) for n in names
        ]
        axes.bar(
            names,
            shares,
            bottom=bottoms,
            label=direction.value,
            color=_DIRECTION_COLOURS[direction],
        )
        bottoms = [b + s for b, s in zip(bottoms, shares, strict=True)]
    axes.set_xticks(
        range(len(names)), labels=[f"{n}\n(n={len(groups[n])})" for n in names], fontsize=8
    )
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of cases")
    axes.set_xlabel("gold disposition")
    axes.set_title("Triage error direction by gold disposition")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path, format="png")
    return path


def reliability_figure(series: Mapping[str, Reliability], title: str) -> Figure:
    """Reliability diagram: accuracy against top-1 confidence per bin, one line per scorer
    (marker area by bin size), with the diagonal of perfect calibration and each ECE."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 6), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], color="#7f8c8d", linestyle="--", linewidth=1, label="perfect")
    total = max((sum(r.count) for r in series.values()), default=1) or 1
    for name, rel in series.items():
        points = [
            (c, a, n) for c, a, n in zip(rel.confidence, rel.accuracy, rel.count, strict=True) if n
        ]
        if not points:
            continue
        xs, ys, ns = zip(*points, strict=True)
        line = axes.plot(xs, ys, marker="", linewidth=1.5, label=f"{name} (ECE {rel.ece:.3f})")
        axes.scatter(
            xs, ys, s=[20 + 400 * n / total for n in ns], color=line[0].get_color(), alpha=0.6
        )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("top-1 probability (confidence)")
    axes.set_ylabel("top-1 accuracy")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    return figure


def questions_figure(curves: Mapping[str, Mapping[int, tuple[float, float]]], title: str) -> Figure:
    """Top-1 (solid) and top-3 (dashed) accuracy against the number of questions asked, one
    colour per scorer; ``curves[name][n] = (top1, top3)``."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    for name, curve in curves.items():
        xs = sorted(curve)
        line = axes.plot(
            xs, [100 * curve[x][0] for x in xs], marker="o", markersize=3, label=f"{name}: top-1"
        )
        axes.plot(
            xs,
            [100 * curve[x][1] for x in xs],
            linestyle="--",
            marker="s",
            markersize=3,
            color=line[0].get_color(),
            label=f"{name}: top-3",
        )
    axes.set_ylim(0, 100)
    axes.set_xlabel("follow-up questions asked")
    axes.set_ylabel("% of cases with the gold diagnosis ranked")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right", fontsize=8)
    return figure
