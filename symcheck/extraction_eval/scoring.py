"""Precision and recall of the finding extractor against annotated sentences.

Each category compares a set of items per sentence (see ``evaluation/extraction/README.md``):

=============  ================================================================================
findings       each finding of the patient (any status)
negation       each finding reported absent
uncertainty    each finding the patient is unsure of
subject        each finding about someone else (the patient spoken of in the third person, or
               a relative's history that is not the patient's)
duration       each finding with a duration, equal within a factor of 1.5
severity       each finding with a severity, in the same band (0-3, 4-6, 7-10)
onset          each finding with an onset (sudden / gradual)
location       each finding with a body site, equal ("left knee")
age/sex        the patient's age (within 5%) and sex
=============  ================================================================================

A predicted item matches a gold item of the same finding (or one of its listed alternatives)
with the same value. Findings the extractor only infers through the finding hierarchy (chest
pain from crushing chest pain) are not predictions; a predicted item on an alternative or an
ancestor of a matched gold finding, with the same value, is neither right nor wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu.extraction import Extraction, Subject
from symcheck.extraction_eval.gold import GoldSentence

DURATION_RATIO = 1.5
AGE_TOLERANCE = 0.05


class Category(StrEnum):
    FINDINGS = "findings"
    NEGATION = "negation"
    UNCERTAINTY = "uncertainty"
    SUBJECT = "subject"
    DURATION = "duration"
    SEVERITY = "severity"
    ONSET = "onset"
    LOCATION = "location"
    AGE_SEX = "age/sex"


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None


@dataclass(frozen=True)
class Item:
    """One scored statement: a finding (or ``age`` / ``sex``) and its value in a category."""

    category: Category
    label: str
    value: Any = None

    def __str__(self) -> str:
        value = "" if self.value is None else f" = {self.value}"
        return f"{self.category.value}: {self.label}{value}"


@dataclass(frozen=True)
class SentenceResult:
    """The comparison for one sentence."""

    sentence: GoldSentence
    counts: dict[Category, Counts]
    missed: tuple[Item, ...] = ()
    spurious: tuple[Item, ...] = ()

    @property
    def correct(self) -> bool:
        return not self.missed and not self.spurious


@dataclass(frozen=True)
class Scores:
    """Counts per category and pooled (micro), with the per-sentence results."""

    by_category: dict[Category, Counts]
    results: tuple[SentenceResult, ...] = field(default=())

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.by_category.values():
            total += counts
        return total


def score(
    sentences: Iterable[GoldSentence], extract: Callable[[str], Extraction], kb: KnowledgeBase
) -> Scores:
    """Run ``extract`` on every sentence and compare with the annotations."""
    results = tuple(score_sentence(s, extract(s.text), kb) for s in sentences)
    by_category = {c: Counts() for c in Category}
    for result in results:
        for category, counts in result.counts.items():
            by_category[category] += counts
    return Scores(by_category=by_category, results=results)


# A gold or predicted item before matching: (finding ids, value); predictions have one id.
_Entry = tuple[frozenset[str], Any]


def score_sentence(
    sentence: GoldSentence, extraction: Extraction, kb: KnowledgeBase
) -> SentenceResult:
    """Compare one extraction with its annotations."""
    gold = [g for g in sentence.findings if g.subject is not Subject.FAMILY]
    predicted = _predicted(extraction)
    counts: dict[Category, Counts] = {}
    missed: list[Item] = []
    spurious: list[Item] = []

    def compare(
        category: Category,
        gold_items: Sequence[_Entry],
        pred_items: Sequence[_Entry],
        same: Callable[[Any, Any], bool] = lambda a, b: a == b,
    ) -> None:
        result = _match(gold_items, pred_items, same, kb)
        counts[category] = result[0]
        missed.extend(Item(category, _label(ids), value) for ids, value in result[1])
        spurious.extend(Item(category, _label(ids), value) for ids, value in result[2])

    compare(
        Category.FINDINGS,
        [(g.ids, None) for g in gold],
        [(frozenset({fid}), None) for fid in predicted],
    )
    for category, status in ((Category.NEGATION, False), (Category.UNCERTAINTY, None)):
        compare(
            category,
            [(g.ids, None) for g in gold if g.present is status],
            [(frozenset({fid}), None) for fid, p in predicted.items() if p.present is status],
        )
    compare(
        Category.SUBJECT,
        [(g.ids, g.subject.value) for g in sentence.findings if g.subject is not Subject.SELF],
        [
            (frozenset({fid}), p.subject.value)
            for fid, p in predicted.items()
            if p.subject is not Subject.SELF
        ]
        + [(frozenset({m.finding_id}), Subject.FAMILY.value) for m in extraction.family],
    )
    for category, attribute, same in (
        (Category.DURATION, "duration_hours", _same_duration),
        (Category.SEVERITY, "severity", _same_severity),
        (Category.ONSET, "onset", _equal),
        (Category.LOCATION, "location", _equal),
    ):
        compare(
            category,
            [
                (g.ids, _value(getattr(g, attribute)))
                for g in gold
                if getattr(g, attribute) is not None
            ],
            [
                (frozenset({fid}), _value(getattr(p, attribute)))
                for fid, p in predicted.items()
                if getattr(p, attribute) is not None
            ],
            same,
        )
    demo = extraction.demographics
    compare(
        Category.AGE_SEX,
        _demographic_items(sentence.age_years, sentence.sex),
        _demographic_items(demo.age_years, demo.sex),
        _same_demographic,
    )
    return SentenceResult(sentence, counts, tuple(missed), tuple(spurious))


@dataclass(frozen=True)
class _Predicted:
    present: bool | None
    subject: Subject
    duration_hours: float | None
    severity: int | None
    onset: Any
    location: str | None


def _predicted(extraction: Extraction) -> dict[str, _Predicted]:
    """The findings the extraction states for the patient (not those only implied)."""
    subjects: dict[str, Subject] = {}
    locations: dict[str, str] = {}
    for mention in extraction.mentions:
        subjects.setdefault(mention.finding_id, mention.subject)
        if mention.location is not None:
            locations.setdefault(mention.finding_id, mention.location)
    return {
        fid: _Predicted(
            present=obs.present,
            subject=subjects.get(fid, Subject.SELF),
            duration_hours=obs.duration_hours,
            severity=obs.severity,
            onset=obs.onset,
            location=locations.get(fid),
        )
        for fid, obs in extraction.observations.items()
        if fid not in extraction.implied
    }


def _match(
    gold: Sequence[_Entry],
    predicted: Sequence[_Entry],
    same: Callable[[Any, Any], bool],
    kb: KnowledgeBase,
) -> tuple[Counts, list[_Entry], list[_Entry]]:
    """Greedy one-to-one matching; returns the counts, the missed and the spurious items."""
    used: set[int] = set()
    matched: list[tuple[frozenset[str], str, Any]] = []  # gold ids, predicted id, value
    missed: list[_Entry] = []
    for ids, value in gold:
        for k, (pred_ids, pred_value) in enumerate(predicted):
            if k not in used and pred_ids <= ids and same(value, pred_value):
                used.add(k)
                matched.append((ids, next(iter(pred_ids)), value))
                break
        else:
            missed.append((ids, value))
    spurious: list[_Entry] = []
    for k, (pred_ids, pred_value) in enumerate(predicted):
        if k in used:
            continue
        (fid,) = pred_ids
        excused = any(
            same(value, pred_value) and (fid in ids or fid in _ancestors(kb, hit))
            for ids, hit, value in matched
        )
        if not excused:
            spurious.append((pred_ids, pred_value))
    return Counts(len(matched), len(spurious), len(missed)), missed, spurious


def _ancestors(kb: KnowledgeBase, finding_id: str) -> set[str]:
    return set(kb.ancestors_of(finding_id)) if finding_id in kb.findings else set()


def _label(ids: frozenset[str]) -> str:
    return "|".join(sorted(ids))


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def _equal(a: Any, b: Any) -> bool:
    return bool(a == b)


def _same_duration(a: float | None, b: float | None) -> bool:
    if a is None or b is None or a <= 0 or b <= 0:
        return a == b
    return max(a, b) / min(a, b) <= DURATION_RATIO


def severity_band(value: int) -> str:
    """Mild (0-3), moderate (4-6) or severe (7-10)."""
    return "mild" if value <= 3 else "moderate" if value <= 6 else "severe"


def _same_severity(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return a == b
    return severity_band(a) == severity_band(b)


def _demographic_items(age: float | None, sex: Any) -> list[_Entry]:
    items: list[_Entry] = []
    if age is not None:
        items.append((frozenset({"age"}), round(age, 3)))
    if sex is not None:
        items.append((frozenset({"sex"}), _value(sex)))
    return items


def _same_demographic(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= AGE_TOLERANCE * a + 0.01
    return bool(a == b)
