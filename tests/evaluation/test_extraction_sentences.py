"""The shipped annotated sentences for the extraction evaluation stay valid and balanced."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from symcheck.clinical.knowledge import load_knowledge_base
from symcheck.clinical.nlu.extraction import Subject
from symcheck.extraction_eval.gold import GoldSentence, load_sentences

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = ROOT / "evaluation" / "extraction" / "sentences.jsonl"


@pytest.fixture(scope="module")
def sentences() -> list[GoldSentence]:
    return load_sentences(SENTENCES, load_knowledge_base().findings)


def test_there_are_at_least_300_sentences(sentences: list[GoldSentence]) -> None:
    assert len(sentences) >= 300


def test_no_sentence_is_there_twice(sentences: list[GoldSentence]) -> None:
    texts = Counter(s.text.lower() for s in sentences)
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_category_has_enough_items(sentences: list[GoldSentence]) -> None:
    findings = [f for s in sentences for f in s.findings]
    counts = {
        "absent": sum(f.present is False for f in findings),
        "unsure": sum(f.present is None for f in findings),
        "other": sum(f.subject is Subject.OTHER for f in findings),
        "family": sum(f.subject is Subject.FAMILY for f in findings),
        "duration": sum(f.duration_hours is not None for f in findings),
        "severity": sum(f.severity is not None for f in findings),
        "onset": sum(f.onset is not None for f in findings),
        "location": sum(f.location is not None for f in findings),
        "age": sum(s.age_years is not None for s in sentences),
        "sex": sum(s.sex is not None for s in sentences),
    }
    minimum = {
        "absent": 40,
        "unsure": 20,
        "other": 40,
        "family": 10,
        "duration": 40,
        "severity": 30,
        "onset": 5,
        "location": 100,
        "age": 30,
        "sex": 40,
    }
    assert {k: v for k, v in counts.items() if v < minimum[k]} == {}


def test_the_annotation_scheme_is_documented() -> None:
    readme = (SENTENCES.parent / "README.md").read_text()
    assert "## Annotation scheme" in readme
