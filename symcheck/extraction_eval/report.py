"""The Markdown report of an extraction evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from symcheck.extraction_eval.scoring import Category, Counts, Scores


@dataclass(frozen=True)
class RunInfo:
    """What was evaluated, for the report's heading."""

    sentences_path: str
    kb_version: str
    today: str
    p50_ms: float | None = None
    p95_ms: float | None = None


def summary_table(scores: Scores) -> str:
    """Precision, recall and F1, pooled (micro) and per category, as a Markdown table."""
    lines = [
        "| category | gold | predicted | correct | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row("**micro**", scores.micro),
    ]
    lines += [_row(category.value, scores.by_category[category]) for category in Category]
    return "\n".join(lines)


def render(scores: Scores, info: RunInfo) -> str:
    """The whole report: summary, timing, every sentence with an error, definitions."""
    wrong = [r for r in scores.results if not r.correct]
    parts = [
        "# Finding extraction: precision and recall",
        "",
        f"{len(scores.results)} annotated sentences (`{info.sentences_path}`), knowledge base "
        f'{info.kb_version}; durations such as "since Tuesday" are counted from {info.today}.',
        "",
        summary_table(scores),
        "",
    ]
    if info.p50_ms is not None and info.p95_ms is not None:
        parts += [
            f"Extraction time per sentence on this machine: p50 {info.p50_ms:.3f} ms, "
            f"p95 {info.p95_ms:.3f} ms.",
            "",
        ]
    parts += [f"## Sentences with errors ({len(wrong)} of {len(scores.results)})", ""]
    for result in wrong:
        parts.append(f"- `{result.sentence.id}` {result.sentence.text!r}")
        parts += [f"  - missed {item}" for item in result.missed]
        parts += [f"  - spurious {item}" for item in result.spurious]
    parts += ["", "## Definitions", "", _DEFINITIONS]
    return "\n".join(parts) + "\n"


_DEFINITIONS = """\
Each category compares items per sentence: *findings* (each finding of the patient, any
status), *negation* (findings reported absent), *uncertainty* (findings the patient is unsure
of), *subject* (findings about someone else: the patient spoken of in the third person, or a
relative's history), *duration* (equal within a factor of 1.5), *severity* (same band: 0-3,
4-6, 7-10), *onset*, *location* (the same body site and side) and *age/sex* (age within 5%).
A prediction is correct when the same finding (or an accepted alternative) has the same value;
precision = correct / predicted, recall = correct / gold, *micro* pools every category.
Findings only implied through the finding hierarchy are not predictions. See
`evaluation/extraction/README.md`."""


def _row(name: str, counts: Counts) -> str:
    return (
        f"| {name} | {counts.tp + counts.fn} | {counts.tp + counts.fp} | {counts.tp} | "
        f"{_rate(counts.precision)} | {_rate(counts.recall)} | {_rate(counts.f1)} |"
    )


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
