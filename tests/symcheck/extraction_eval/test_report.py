"""The Markdown report."""

from __future__ import annotations

from symcheck.extraction_eval.gold import GoldFinding, GoldSentence
from symcheck.extraction_eval.report import RunInfo, render, summary_table
from symcheck.extraction_eval.scoring import Category, Counts, Item, Scores, SentenceResult

SENTENCE = GoldSentence("s1", "no fever", (GoldFinding(frozenset({"fever"}), present=False),))
SCORES = Scores(
    by_category={c: Counts() for c in Category} | {Category.FINDINGS: Counts(3, 1, 2)},
    results=(
        SentenceResult(
            SENTENCE,
            {},
            missed=(Item(Category.NEGATION, "fever"),),
            spurious=(Item(Category.SEVERITY, "cough", 3),),
        ),
    ),
)


def test_the_table_has_micro_and_every_category() -> None:
    rows = summary_table(SCORES).splitlines()[2:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == ["**micro**"] + [
        c.value for c in Category
    ]


def test_a_row_gives_gold_predicted_correct_precision_recall_and_f1() -> None:
    row = next(r for r in summary_table(SCORES).splitlines() if r.startswith("| findings"))
    assert row == "| findings | 5 | 4 | 3 | 75.0% | 60.0% | 66.7% |"


def test_a_category_without_items_shows_dashes() -> None:
    row = next(r for r in summary_table(SCORES).splitlines() if r.startswith("| onset"))
    assert row == "| onset | 0 | 0 | 0 | - | - | - |"


def test_the_report_lists_each_sentence_with_errors() -> None:
    report = render(SCORES, RunInfo("sentences.jsonl", "0.4.0", "2025-01-16", 0.4, 0.9))
    assert (
        "- `s1` 'no fever'\n  - missed negation: fever\n  - spurious severity: cough = 3" in report
    )
