"""The Markdown report and ``results.jsonl`` of an evaluation run.

:func:`render_markdown` is pure (outcomes in, text out); :func:`write_report` writes the
report, the per-case results and the charts into a directory.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from symcheck.evaluation import charts
from symcheck.evaluation.comparison import ScorerRun
from symcheck.evaluation.metrics import (
    DISPOSITIONS,
    ERROR_COLUMN,
    TARGETS,
    Rate,
    Summary,
    breakdown,
    breakdown_by_tag,
    confusion_matrix,
    summarise,
)
from symcheck.evaluation.outcomes import AGE_ORDER, SEX_ORDER, CaseOutcome, Direction
from symcheck.evaluation.runner import RunInfo

REPORT_FILE = "report.md"
RESULTS_FILE = "results.jsonl"
_DASH = "–"


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote."""

    report: Path
    results: Path
    charts: tuple[Path, ...]


def write_report(
    out_dir: Path,
    outcomes: Sequence[CaseOutcome],
    info: RunInfo,
    comparison: Sequence[ScorerRun] = (),
) -> ReportFiles:
    """Write ``report.md``, ``results.jsonl`` and the PNG charts into ``out_dir``.

    With ``comparison`` (several scorers on the same cases) the report also puts them side
    by side, with a reliability diagram and accuracy against the number of questions.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / RESULTS_FILE
    results.write_text(
        "".join(json.dumps(o.to_record(), ensure_ascii=False) + "\n" for o in outcomes),
        encoding="utf-8",
    )
    pngs = charts.write_charts(out_dir, outcomes)
    if comparison:
        pngs += charts.write_comparison_charts(out_dir, comparison)
    report = out_dir / REPORT_FILE
    report.write_text(
        render_markdown(outcomes, info, [p.name for p in pngs], comparison), encoding="utf-8"
    )
    return ReportFiles(report=report, results=results, charts=tuple(pngs))


def render_markdown(
    outcomes: Sequence[CaseOutcome],
    info: RunInfo,
    chart_files: Sequence[str] = (),
    comparison: Sequence[ScorerRun] = (),
) -> str:
    """The whole report as Markdown."""
    summary = summarise(outcomes)
    sections = [
        _header(info, summary),
        _headline(summary),
        *([_side_by_side(comparison, chart_files)] if comparison else []),
        _targets(summary),
        _confusion(outcomes, chart_files),
        _breakdown_section(
            "By gold disposition",
            breakdown(
                outcomes,
                lambda o: o.case.gold_triage.value,
                [d.value for d in DISPOSITIONS],
            ),
        ),
        _breakdown_section("By body system", breakdown(outcomes, lambda o: o.case.system)),
        _breakdown_section("By age band", breakdown(outcomes, lambda o: o.age_band, AGE_ORDER)),
        _breakdown_section("By sex", breakdown(outcomes, lambda o: o.sex, SEX_ORDER)),
        _breakdown_section("By tag", breakdown_by_tag(outcomes)),
        _charts(chart_files),
        _errors(outcomes),
        _failures(outcomes),
        _coverage_gaps(outcomes),
        _definitions(),
    ]
    return "\n\n".join(s.rstrip() for s in sections) + "\n"


def percent(value: float | None) -> str:
    """``0.8333`` -> ``"83.3%"``; ``None`` -> a dash."""
    return _DASH if value is None else f"{value:.1%}"


def format_rate(measured: Rate) -> str:
    """``"83.3% (20/24)"``, or a dash when there is nothing to count."""
    if measured.value is None:
        return _DASH
    return f"{percent(measured.value)} ({measured.count}/{measured.total})"


def format_interval(measured: Rate) -> str:
    """The 95% Wilson interval as ``"88.6%–100.0%"``, or a dash."""
    interval = measured.interval()
    if interval is None:
        return _DASH
    return f"{percent(interval[0])}–{percent(interval[1])}"


def _number(value: float | None) -> str:
    return _DASH if value is None else f"{value:g}" if value == int(value) else f"{value:.1f}"


def _header(info: RunInfo, summary: Summary) -> str:
    rows = [
        ("case file", f"`{info.cases_path}`"),
        ("case set version", info.cases_version or _DASH),
        ("knowledge base version", info.kb_version),
        ("red-flag rules version", info.rules_version),
        ("condition scorer", info.scorer),
        ("question cap", str(info.max_questions)),
        ("cases", str(summary.n)),
        ("errors (interview did not finish)", str(summary.errors.count)),
        ("generated", info.generated_at),
    ]
    return "# Evaluation report\n\n" + _table(["", ""], rows)


def _headline(summary: Summary) -> str:
    measured = [
        ("emergency sensitivity", summary.emergency_sensitivity),
        ("safe triage (not under-triaged)", summary.safe),
        ("triage exact accuracy", summary.triage_exact),
        ("under-triage", summary.under_triage),
        ("over-triage", summary.over_triage),
        ("errors", summary.errors),
        ("emergency specificity", summary.emergency_specificity),
        ("diagnosis top-1", summary.top1),
        ("diagnosis top-3", summary.top3),
        ("diagnosis top-5", summary.top5),
        ("top-3 among covered cases", summary.top3_covered),
        ("coverage (gold diagnosis in the knowledge base)", summary.coverage),
    ]
    rows = [(label, format_rate(r), format_interval(r)) for label, r in measured]
    rows += [
        ("questions asked, median", _number(summary.questions_median), ""),
        ("questions asked, mean", _number(summary.questions_mean), ""),
    ]
    return "## Summary\n\n" + _table(["metric", "value", "95% CI (Wilson)"], rows)


def _side_by_side(runs: Sequence[ScorerRun], chart_files: Sequence[str]) -> str:
    headers = [
        "scorer",
        "top-1",
        "top-3",
        "top-5",
        "emergency sens.",
        "safe triage",
        "triage exact",
        "median q.",
        "top-1 ECE",
    ]
    rows = [
        (
            run.name,
            format_rate(run.summary.top1),
            format_rate(run.summary.top3),
            format_rate(run.summary.top5),
            format_rate(run.summary.emergency_sensitivity),
            format_rate(run.summary.safe),
            format_rate(run.summary.triage_exact),
            _number(run.summary.questions_median),
            f"{run.reliability.ece:.3f}",
        )
        for run in runs
    ]
    text = (
        "## Scorers side by side\n\nThe same cases and simulated patients through the same "
        "interview engine and red-flag rules, with each condition scorer in the loop: it "
        "ranks the conditions the patient and the clinician see and feeds the triage (the "
        "knowledge-base ranking chooses the questions in every run, and the combination "
        "cannot advise below the knowledge-base scorer; the classifier alone is measured "
        "without that floor). Top-1 ECE: expected calibration error of the top condition's "
        "score on these cases (10 bins).\n\n" + _table(headers, rows)
    )
    for name, caption in (
        (charts.CASE_RELIABILITY_PNG, "calibration on the cases"),
        (charts.QUESTIONS_PNG, "accuracy against questions asked"),
    ):
        if name in chart_files:
            text += f"\n\n![{caption}]({name})"
    return text


def _targets(summary: Summary) -> str:
    rows = []
    for target in TARGETS:
        show = percent if target.is_rate else _number
        sign = "<=" if target.at_most else ">="
        met = "met" if target.met(summary) else "**not met**"
        rows.append(
            (target.name, f"{sign} {show(target.threshold)}", show(target.read(summary)), met)
        )
    return "## Targets (development set)\n\n" + _table(["metric", "target", "value", ""], rows)


def _confusion(outcomes: Sequence[CaseOutcome], chart_files: Sequence[str]) -> str:
    matrix = confusion_matrix(outcomes)
    columns = [d.value for d in DISPOSITIONS] + [ERROR_COLUMN]
    rows = [(f"**{gold}**", *(str(row[c]) for c in columns)) for gold, row in matrix.items()]
    text = (
        "## Triage confusion matrix\n\nRows: gold disposition; columns: predicted "
        "(`error`: the interview did not finish). Above the diagonal is under-triage.\n\n"
        + _table(["gold \\ predicted", *columns], rows)
    )
    if charts.CONFUSION_PNG in chart_files:
        text += f"\n\n![confusion matrix]({charts.CONFUSION_PNG})"
    return text


def _breakdown_section(title: str, groups: Mapping[str, Summary]) -> str:
    if not groups:
        return f"## {title}\n\nNo cases."
    headers = [
        "group",
        "n",
        "triage exact",
        "safe",
        "under",
        "over",
        "errors",
        "emergency sens.",
        "top-1",
        "top-3",
        "coverage",
        "median q.",
    ]
    rows = [
        (
            name,
            str(s.n),
            format_rate(s.triage_exact),
            format_rate(s.safe),
            format_rate(s.under_triage),
            format_rate(s.over_triage),
            str(s.errors.count),
            format_rate(s.emergency_sensitivity),
            format_rate(s.top1),
            format_rate(s.top3),
            format_rate(s.coverage),
            _number(s.questions_median),
        )
        for name, s in groups.items()
    ]
    return f"## {title}\n\n" + _table(headers, rows)


def _charts(chart_files: Sequence[str]) -> str:
    shown = (charts.CASE_RELIABILITY_PNG, charts.QUESTIONS_PNG)  # in the side-by-side section
    chart_files = [name for name in chart_files if name not in shown]
    if not chart_files:
        return "## Charts\n\nNo charts were written."
    images = "\n\n".join(f"![{Path(name).stem.replace('_', ' ')}]({name})" for name in chart_files)
    return "## Charts\n\n" + images


def _errors(outcomes: Sequence[CaseOutcome]) -> str:
    errors = [o for o in outcomes if o.is_error]
    if not errors:
        return "## Errors\n\nEvery interview finished."
    rows = [
        (o.case.id, _cell(o.case.text), o.case.gold_triage.value, _cell(o.error or ""))
        for o in errors
    ]
    return (
        f"## Errors\n\n{len(errors)} interviews did not finish; they count as failures for "
        "every accuracy figure.\n\n" + _table(["id", "text", "gold triage", "error"], rows)
    )


def _failures(outcomes: Sequence[CaseOutcome]) -> str:
    under = sorted(
        (o for o in outcomes if o.direction is Direction.UNDER),
        key=lambda o: (-_gap(o), o.case.id),
    )
    over = sorted(
        (o for o in outcomes if o.direction is Direction.OVER),
        key=lambda o: (-_gap(o), o.case.id),
    )
    misses = [o for o in outcomes if not o.is_error and not o.top_k(3)]
    parts = ["## Failures"]
    groups: list[tuple[str, str, list[CaseOutcome]]] = [
        ("Under-triage", "advised less urgently than gold, largest gap first", under),
        ("Over-triage", "advised more urgently than gold, largest gap first", over),
        ("Diagnosis misses", "gold diagnosis not in the top 3 (finished interviews)", misses),
    ]
    for title, note, group in groups:
        parts.append(f"### {title} ({len(group)})\n\n{note.capitalize()}.")
        if group:
            parts.append(_failure_table(group))
    return "\n\n".join(parts)


def _failure_table(group: Sequence[CaseOutcome]) -> str:
    rows = []
    for o in group:
        top3 = "; ".join(f"{c.name} ({c.icd10})" for c in o.conditions[:3]) or _DASH
        rows.append(
            (
                o.case.id,
                _cell(o.case.text),
                f"{o.case.gold_triage.value} → {o.predicted.value if o.predicted else 'error'}",
                f"{_cell(o.case.gold_diagnosis)} ({o.case.gold_icd10})"
                + ("" if o.covered else " *not in KB*"),
                _cell(top3),
                ", ".join(o.red_flags) or _DASH,
            )
        )
    return _table(
        ["id", "text", "triage gold → predicted", "gold diagnosis", "top 3", "red flags"], rows
    )


def _coverage_gaps(outcomes: Sequence[CaseOutcome]) -> str:
    missing = Counter(
        (o.case.gold_diagnosis, o.case.gold_icd10, o.case.system) for o in outcomes if not o.covered
    )
    if not missing:
        return "## Coverage gaps\n\nEvery gold diagnosis is in the knowledge base."
    rows = [
        (name, icd, system, str(n))
        for (name, icd, system), n in sorted(missing.items(), key=lambda kv: (kv[0][2], kv[0][0]))
    ]
    return (
        "## Coverage gaps\n\nGold diagnoses with no matching knowledge-base condition "
        "(by ICD-10 or name).\n\n" + _table(["gold diagnosis", "ICD-10", "system", "cases"], rows)
    )


def _definitions() -> str:
    return """## Definitions

- **Diagnosis match**: a ranked condition matches the gold diagnosis when the ICD-10 codes
  are equal, or either code is a 3-character category and the other is in it (`J45` matches
  `J45.9`; `J02.0` does not match `J02.9`); or when the names share an alias (the whole name,
  the part outside parentheses, a parenthesised part, or a side of an " or ").
  Top-k counts a case when a match is among the first k conditions of the assess output.
- **Coverage**: the gold diagnosis matches some knowledge-base condition by the same rule.
- **Triage**: exact = same disposition; over = more urgent than gold; under = less urgent.
  Safe = exact or over. Emergency sensitivity = gold `emergency`/`emergency_ambulance` cases
  advised `emergency`/`emergency_ambulance`; specificity = other cases not advised so.
- **Errors** (interviews that did not finish) count as failures in every rate: not exact,
  not safe, not a detected emergency, not a diagnosis hit. Questions asked are summarised
  over finished interviews.
- **Age bands**: infant < 1, child 1-11, adolescent 12-17, adult 18-64, older 65+, unknown.
- Confidence intervals are 95% Wilson score intervals."""


def _gap(outcome: CaseOutcome) -> int:
    predicted = outcome.predicted
    return abs(outcome.case.gold_triage.urgency - predicted.urgency) if predicted else 0


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
