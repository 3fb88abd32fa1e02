"""The Markdown report, results.jsonl and charts on a small fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcheck.evaluation.charts import CONFUSION_PNG, DIRECTION_PNG, SYSTEM_PNG
from symcheck.evaluation.metrics import Rate
from symcheck.evaluation.report import (
    RESULTS_FILE,
    format_interval,
    format_rate,
    render_markdown,
    write_report,
)
from symcheck.evaluation.runner import RunInfo
from tests.symcheck.evaluation.builders import (
    AMBULANCE,
    EMERGENCY,
    ROUTINE,
    SAME_DAY,
    SELF_CARE,
    outcome,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
INFO = RunInfo(
    cases_path="fixture.jsonl",
    cases_version="9.9.9",
    kb_version="0.0.1",
    rules_version="0.0.2",
    max_questions=15,
    generated_at="2026-01-01 00:00 UTC",
)
SECTIONS = [
    "# Evaluation report",
    "## Summary",
    "## Targets (development set)",
    "## Triage confusion matrix",
    "## By gold disposition",
    "## By body system",
    "## By age band",
    "## By sex",
    "## By tag",
    "## Charts",
    "## Errors",
    "## Failures",
    "### Under-triage",
    "### Over-triage",
    "### Diagnosis misses",
    "## Coverage gaps",
    "## Definitions",
]


@pytest.fixture
def outcomes() -> list:
    return [
        outcome(AMBULANCE, AMBULANCE, id="ok", system="cardiovascular", text="crushing chest pain"),
        outcome(
            EMERGENCY,
            SAME_DAY,
            id="under-1",
            system="neurological",
            text="just a headache | really",
        ),
        outcome(EMERGENCY, SELF_CARE, id="under-3", system="neurological"),
        outcome(SELF_CARE, ROUTINE, id="over", system="skin", age=0.5, rank=None),
        outcome(ROUTINE, None, id="err", system="skin", sex=None, age=None, covered=False),
        outcome(
            ROUTINE,
            ROUTINE,
            id="gap",
            diagnosis="Psoriasis",
            icd10="L40.0",
            covered=False,
            rank=None,
        ),
    ]


def test_the_report_has_every_section_in_order(outcomes: list) -> None:
    text = render_markdown(outcomes, INFO)
    positions = [
        text.index("\n" + section) if i else text.index(section)
        for i, section in enumerate(SECTIONS)
    ]
    assert positions == sorted(positions)


def test_the_header_names_the_versions(outcomes: list) -> None:
    text = render_markdown(outcomes, INFO)
    assert "| knowledge base version | 0.0.1 |" in text
    assert "| case set version | 9.9.9 |" in text


def test_the_summary_reports_emergency_sensitivity_with_its_interval(outcomes: list) -> None:
    text = render_markdown(outcomes, INFO)
    assert "| emergency sensitivity | 33.3% (1/3) | 6.1%–79.2% |" in text


def test_under_triage_is_listed_first_largest_gap_first(outcomes: list) -> None:
    failures = render_markdown(outcomes, INFO).split("## Failures")[1]
    under, over = failures.split("### Over-triage")
    assert under.index("| under-3 |") < under.index("| under-1 |")
    assert "| over |" in over
    assert "| over |" not in under


def test_pipes_in_patient_text_are_escaped(outcomes: list) -> None:
    assert "just a headache \\| really" in render_markdown(outcomes, INFO)


def test_errors_are_listed(outcomes: list) -> None:
    errors = render_markdown(outcomes, INFO).split("## Errors")[1].split("## Failures")[0]
    assert "| err |" in errors
    assert "1 interviews did not finish" in errors


def test_coverage_gaps_list_the_missing_diagnoses(outcomes: list) -> None:
    gaps = render_markdown(outcomes, INFO).split("## Coverage gaps")[1]
    assert "| Psoriasis | L40.0 | respiratory | 1 |" in gaps


def test_the_age_table_lists_bands_in_age_order(outcomes: list) -> None:
    ages = render_markdown(outcomes, INFO).split("## By age band")[1].split("## By sex")[0]
    assert ages.index("| infant |") < ages.index("| adult |") < ages.index("| unknown |")


def test_rates_are_formatted_with_counts() -> None:
    assert format_rate(Rate(5, 6)) == "83.3% (5/6)"
    assert format_rate(Rate(0, 0)) == "–"
    assert format_interval(Rate(0, 0)) == "–"


def test_write_report_writes_markdown_results_and_valid_pngs(
    tmp_path: Path, outcomes: list
) -> None:
    files = write_report(tmp_path / "out", outcomes, INFO)
    names = {p.name for p in files.charts}
    assert {CONFUSION_PNG, SYSTEM_PNG, DIRECTION_PNG} <= names
    for png in files.charts:
        assert png.read_bytes().startswith(PNG_SIGNATURE)
        assert png.stat().st_size > 5_000
    text = files.report.read_text()
    for name in names:
        assert f"]({name})" in text
    records = [json.loads(x) for x in (tmp_path / "out" / RESULTS_FILE).read_text().splitlines()]
    assert [r["id"] for r in records] == [o.case.id for o in outcomes]
