"""Evaluation metrics: pure functions of the case outcomes.

Every rate's denominator is *all* the cases it is about, errors included: an interview that
did not finish is a failure for triage accuracy, safe triage and diagnosis, and an error on an
emergency case is not a detected emergency. Questions asked are summarised over finished
interviews only (an error has no count).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from symcheck.clinical.dispositions import Disposition
from symcheck.evaluation.outcomes import CaseOutcome, Direction

#: z for a two-sided 95% interval.
Z_95 = 1.959963984540054
#: Column of the confusion matrix for interviews that did not finish.
ERROR_COLUMN = "error"
#: Dispositions from most to least urgent (the order of every table).
DISPOSITIONS: tuple[Disposition, ...] = tuple(
    sorted(Disposition, key=lambda d: d.urgency, reverse=True)
)


@dataclass(frozen=True)
class Rate:
    """``count`` out of ``total``; :attr:`value` is ``None`` when there is nothing to count."""

    count: int
    total: int

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None

    def interval(self, z: float = Z_95) -> tuple[float, float] | None:
        """The Wilson score interval of the proportion, ``None`` when ``total`` is 0."""
        return wilson_interval(self.count, self.total, z) if self.total else None


@dataclass(frozen=True)
class Summary:
    """The headline metrics of a set of outcomes (the whole run or one breakdown group).

    Attributes:
        emergency_sensitivity: gold emergency or ambulance cases advised emergency or ambulance.
        emergency_specificity: other cases *not* advised emergency or ambulance.
        safe: cases advised at least as urgently as gold (not under-triaged, not an error).
        top3_covered: top-3 accuracy among the cases whose gold diagnosis is in the knowledge
            base (what the engine could have got right).
    """

    n: int
    errors: Rate
    triage_exact: Rate
    over_triage: Rate
    under_triage: Rate
    safe: Rate
    emergency_sensitivity: Rate
    emergency_specificity: Rate
    top1: Rate
    top3: Rate
    top5: Rate
    top3_covered: Rate
    coverage: Rate
    questions_median: float | None
    questions_mean: float | None


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for ``successes`` out of ``n``.

    Unlike the normal approximation it stays inside [0, 1] and is informative at 0% and
    100% (30 out of 30 gives roughly 0.886-1.0).

    Raises:
        ValueError: ``n`` is not positive or ``successes`` is outside ``[0, n]``.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def count(outcomes: Iterable[CaseOutcome], test: Callable[[CaseOutcome], bool]) -> int:
    """How many outcomes pass ``test``."""
    return sum(1 for outcome in outcomes if test(outcome))


def rate(outcomes: Sequence[CaseOutcome], test: Callable[[CaseOutcome], bool]) -> Rate:
    """The share of ``outcomes`` that pass ``test``."""
    return Rate(count(outcomes, test), len(outcomes))


def is_safe(outcome: CaseOutcome) -> bool:
    """Advised at least as urgently as gold (an error is not safe: no advice was given)."""
    return outcome.direction in (Direction.EXACT, Direction.OVER)


def detects_emergency(outcome: CaseOutcome) -> bool:
    """Advised emergency or ambulance (an error detects nothing)."""
    return outcome.predicted is not None and outcome.predicted.is_emergency


def median(values: Sequence[float]) -> float | None:
    """The median, ``None`` for no values."""
    return float(statistics.median(values)) if values else None


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, ``None`` for no values."""
    return float(statistics.fmean(values)) if values else None


def summarise(outcomes: Sequence[CaseOutcome]) -> Summary:
    """Every headline metric of ``outcomes`` (see :class:`Summary`)."""
    emergencies = [o for o in outcomes if o.case.gold_triage.is_emergency]
    others = [o for o in outcomes if not o.case.gold_triage.is_emergency]
    covered = [o for o in outcomes if o.covered]
    questions = [o.questions_asked for o in outcomes if o.questions_asked is not None]
    return Summary(
        n=len(outcomes),
        errors=rate(outcomes, lambda o: o.is_error),
        triage_exact=rate(outcomes, lambda o: o.direction is Direction.EXACT),
        over_triage=rate(outcomes, lambda o: o.direction is Direction.OVER),
        under_triage=rate(outcomes, lambda o: o.direction is Direction.UNDER),
        safe=rate(outcomes, is_safe),
        emergency_sensitivity=rate(emergencies, detects_emergency),
        emergency_specificity=rate(others, lambda o: not detects_emergency(o)),
        top1=rate(outcomes, lambda o: o.top_k(1)),
        top3=rate(outcomes, lambda o: o.top_k(3)),
        top5=rate(outcomes, lambda o: o.top_k(5)),
        top3_covered=rate(covered, lambda o: o.top_k(3)),
        coverage=rate(outcomes, lambda o: o.covered),
        questions_median=median(questions),
        questions_mean=mean(questions),
    )


def group_by(
    outcomes: Iterable[CaseOutcome],
    key: Callable[[CaseOutcome], str],
    order: Sequence[str] = (),
) -> dict[str, list[CaseOutcome]]:
    """Outcomes grouped by ``key``: groups named in ``order`` first (when present), then the
    rest alphabetically."""
    groups: dict[str, list[CaseOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault(key(outcome), []).append(outcome)
    names = [name for name in order if name in groups]
    names += sorted(name for name in groups if name not in order)
    return {name: groups[name] for name in names}


def breakdown(
    outcomes: Iterable[CaseOutcome],
    key: Callable[[CaseOutcome], str],
    order: Sequence[str] = (),
) -> dict[str, Summary]:
    """:func:`summarise` per group (see :func:`group_by`)."""
    return {name: summarise(group) for name, group in group_by(outcomes, key, order).items()}


def breakdown_by_tag(outcomes: Iterable[CaseOutcome]) -> dict[str, Summary]:
    """:func:`summarise` per case tag, alphabetically (a case counts under each of its tags)."""
    groups: dict[str, list[CaseOutcome]] = {}
    for outcome in outcomes:
        for tag in outcome.case.tags:
            groups.setdefault(tag, []).append(outcome)
    return {tag: summarise(groups[tag]) for tag in sorted(groups)}


def confusion_matrix(outcomes: Iterable[CaseOutcome]) -> dict[str, dict[str, int]]:
    """Gold disposition (rows) x predicted disposition or ``error`` (columns), all cells
    present, most urgent first."""
    columns = [d.value for d in DISPOSITIONS] + [ERROR_COLUMN]
    matrix = {d.value: dict.fromkeys(columns, 0) for d in DISPOSITIONS}
    for outcome in outcomes:
        column = outcome.predicted.value if outcome.predicted else ERROR_COLUMN
        matrix[outcome.case.gold_triage.value][column] += 1
    return matrix


@dataclass(frozen=True)
class Target:
    """A goal for one metric: a floor, or a ceiling with ``at_most``.

    Attributes:
        is_rate: the value is a proportion (shown as a percentage), else a plain number.
    """

    name: str
    threshold: float
    read: Callable[[Summary], float | None]
    at_most: bool = False
    is_rate: bool = True

    def met(self, summary: Summary) -> bool:
        """Whether ``summary`` meets the target (a missing value does not)."""
        value = self.read(summary)
        if value is None:
            return False
        return value <= self.threshold if self.at_most else value >= self.threshold


#: The clinical-coverage issue's targets on the development set.
TARGETS: tuple[Target, ...] = (
    Target("emergency sensitivity", 1.0, lambda s: s.emergency_sensitivity.value),
    Target("safe triage", 0.97, lambda s: s.safe.value),
    Target("triage exact accuracy", 0.80, lambda s: s.triage_exact.value),
    Target("diagnosis top-3", 0.85, lambda s: s.top3.value),
    Target("diagnosis top-1", 0.65, lambda s: s.top1.value),
    Target("median questions asked", 12, lambda s: s.questions_median, at_most=True, is_rate=False),
)


def gate_failures(
    summary: Summary,
    min_emergency_sensitivity: float | None = None,
    min_safe_triage: float | None = None,
) -> list[str]:
    """Why a CI gate fails (empty when it passes or no threshold is given).

    A run with no emergency cases has no sensitivity to check, which fails the emergency
    gate: a gate that cannot be measured does not pass.
    """
    failures = []
    checks = (
        ("emergency sensitivity", summary.emergency_sensitivity, min_emergency_sensitivity),
        ("safe triage", summary.safe, min_safe_triage),
    )
    for name, measured, threshold in checks:
        if threshold is None:
            continue
        value = measured.value
        if value is None:
            failures.append(f"{name}: no cases to measure (minimum {threshold:.1%})")
        elif value < threshold:
            failures.append(
                f"{name} {value:.1%} ({measured.count}/{measured.total}) "
                f"is below the minimum {threshold:.1%}"
            )
    return failures
