"""The annotated sentence file: strict validation, one problem per test."""

from __future__ import annotations

import json

import pytest

from symcheck.clinical.nlu.extraction import Subject
from symcheck.clinical.patient import Onset, Sex
from symcheck.extraction_eval.gold import SentenceFileError, parse_sentences

FINDINGS = {"fever", "cough", "high_fever", "knee_pain"}


def _line(**fields: object) -> str:
    data: dict[str, object] = {"id": "s1", "text": "I have a fever", "findings": [{"id": "fever"}]}
    data.update(fields)
    return json.dumps(data)


def test_defaults_are_present_and_self() -> None:
    (sentence,) = parse_sentences([_line()], FINDINGS)
    assert (sentence.findings[0].present, sentence.findings[0].subject) == (True, Subject.SELF)


def test_every_field_is_read() -> None:
    finding = {
        "id": "fever|high_fever",
        "status": "present",
        "subject": "other",
        "duration_hours": 48,
        "severity": 8,
        "onset": "sudden",
    }
    (sentence,) = parse_sentences([_line(findings=[finding], age=4, sex="male")], FINDINGS)
    gold = sentence.findings[0]
    assert (gold.ids, gold.subject, gold.duration_hours, gold.severity, gold.onset) == (
        frozenset({"fever", "high_fever"}),
        Subject.OTHER,
        48,
        8,
        Onset.SUDDEN,
    )
    assert (sentence.age_years, sentence.sex) == (4, Sex.MALE)


def test_blank_and_comment_lines_are_skipped() -> None:
    assert len(parse_sentences(["", "# a comment", _line()], FINDINGS)) == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        (_line(extra=1), "unknown keys"),
        (_line(findings=[{"id": "sneezing"}]), "unknown finding ids"),
        (_line(findings=[{"id": "fever", "status": "maybe"}]), "'status'"),
        (_line(findings=[{"id": "fever", "subject": "neighbour"}]), "'subject'"),
        (_line(findings=[{"id": "fever", "severity": 11}]), "'severity'"),
        (_line(findings=[{"id": "fever", "duration_hours": 0}]), "'duration_hours'"),
        (_line(findings=[{"id": "fever", "onset": "slow"}]), "'onset'"),
        (_line(findings=[{"id": "knee_pain", "location": "the knee"}]), "location"),
        (_line(findings=[{"id": "fever", "status": "absent", "severity": 3}]), "absent"),
        (_line(age=130), "'age'"),
        (_line(sex="x"), "'sex'"),
        (_line(text=""), "'text'"),
    ],
)
def test_a_malformed_line_is_refused_with_its_line_number(line: str, message: str) -> None:
    with pytest.raises(SentenceFileError, match=rf"line 1.*{message}"):
        parse_sentences([line], FINDINGS)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(SentenceFileError, match="line 2: duplicate id 's1'"):
        parse_sentences([_line(), _line()], FINDINGS)
