"""The annotated sentence file for evaluating the finding extractor.

One JSON object per line (blank lines and lines starting with ``#`` are skipped)::

    {"id": "x001", "text": "my son has had a fever since yesterday",
     "findings": [{"id": "fever", "status": "present", "subject": "other",
                   "duration_hours": 24, "severity": 8, "onset": "sudden",
                   "location": "left knee"}],
     "age": 4, "sex": "male"}

``status`` defaults to ``present`` and ``subject`` to ``self``; the attributes, ``age`` and
``sex`` are given only when the sentence says them. A finding ``id`` may list acceptable
alternatives (``"fever|high_fever"``). The whole file is validated before anything runs (see
``evaluation/extraction/README.md``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symcheck.clinical.nlu.body import Location
from symcheck.clinical.nlu.extraction import Subject
from symcheck.clinical.patient import Onset, Sex

STATUSES = {"present": True, "absent": False, "unsure": None}
_SENTENCE_KEYS = frozenset({"id", "text", "findings", "age", "sex"})
_FINDING_KEYS = frozenset(
    {"id", "status", "subject", "duration_hours", "severity", "onset", "location"}
)


class SentenceFileError(ValueError):
    """The sentence file is malformed; the message names the line."""


@dataclass(frozen=True)
class GoldFinding:
    """One annotated finding.

    Attributes:
        ids: the finding id, or acceptable alternatives.
        present: ``True`` present, ``False`` absent, ``None`` unsure.
        subject: whom it is about.
        duration_hours, severity, onset, location: as said in the sentence.
    """

    ids: frozenset[str]
    present: bool | None = True
    subject: Subject = Subject.SELF
    duration_hours: float | None = None
    severity: int | None = None
    onset: Onset | None = None
    location: str | None = None

    @property
    def label(self) -> str:
        return "|".join(sorted(self.ids))


@dataclass(frozen=True)
class GoldSentence:
    """One annotated sentence: its findings and the patient's stated age and sex."""

    id: str
    text: str
    findings: tuple[GoldFinding, ...]
    age_years: float | None = None
    sex: Sex | None = None


def load_sentences(path: Path, finding_ids: Collection[str]) -> list[GoldSentence]:
    """Read and validate the whole file.

    Raises:
        SentenceFileError: naming the line and the problem (unknown keys or finding ids,
            bad values, duplicate ids).
        OSError: the file cannot be read.
    """
    return parse_sentences(path.read_text(encoding="utf-8").splitlines(), finding_ids)


def parse_sentences(lines: Iterable[str], finding_ids: Collection[str]) -> list[GoldSentence]:
    """Validate JSON lines (see :func:`load_sentences`)."""
    sentences: list[GoldSentence] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        sentence = _parse_line(line, number, finding_ids)
        if sentence.id in seen:
            raise SentenceFileError(f"line {number}: duplicate id {sentence.id!r}")
        seen.add(sentence.id)
        sentences.append(sentence)
    return sentences


def _parse_line(line: str, number: int, finding_ids: Collection[str]) -> GoldSentence:
    where = f"line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SentenceFileError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise SentenceFileError(f"{where}: expected an object")
    _no_unknown_keys(data, _SENTENCE_KEYS, where)
    sid, text = data.get("id"), data.get("text")
    if not isinstance(sid, str) or not sid:
        raise SentenceFileError(f"{where}: 'id' must be a non-empty string")
    where = f"line {number} ({sid})"
    if not isinstance(text, str) or not text.strip():
        raise SentenceFileError(f"{where}: 'text' must be a non-empty string")
    findings = data.get("findings", [])
    if not isinstance(findings, list):
        raise SentenceFileError(f"{where}: 'findings' must be a list")
    age = data.get("age")
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int | float) or not 0 <= age <= 120
    ):
        raise SentenceFileError(f"{where}: 'age' must be years between 0 and 120")
    sex = data.get("sex")
    if sex is not None and sex not in {s.value for s in Sex}:
        raise SentenceFileError(f"{where}: 'sex' must be female or male")
    return GoldSentence(
        id=sid,
        text=text,
        findings=tuple(
            _parse_finding(f, f"{where}, finding {i + 1}", finding_ids)
            for i, f in enumerate(findings)
        ),
        age_years=None if age is None else float(age),
        sex=None if sex is None else Sex(sex),
    )


def _parse_finding(data: Any, where: str, finding_ids: Collection[str]) -> GoldFinding:
    if not isinstance(data, dict):
        raise SentenceFileError(f"{where}: expected an object")
    _no_unknown_keys(data, _FINDING_KEYS, where)
    raw = data.get("id")
    if not isinstance(raw, str) or not raw:
        raise SentenceFileError(f"{where}: 'id' must be a finding id")
    ids = frozenset(raw.split("|"))
    unknown = sorted(i for i in ids if i not in finding_ids)
    if unknown:
        raise SentenceFileError(f"{where}: unknown finding ids {unknown}")
    status = data.get("status", "present")
    if status not in STATUSES:
        raise SentenceFileError(f"{where}: 'status' must be one of {sorted(STATUSES)}")
    subject = data.get("subject", Subject.SELF.value)
    if subject not in {s.value for s in Subject}:
        raise SentenceFileError(f"{where}: 'subject' must be one of {[s.value for s in Subject]}")
    duration = data.get("duration_hours")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0
    ):
        raise SentenceFileError(f"{where}: 'duration_hours' must be a positive number")
    severity = data.get("severity")
    if severity is not None and (
        isinstance(severity, bool) or not isinstance(severity, int) or not 0 <= severity <= 10
    ):
        raise SentenceFileError(f"{where}: 'severity' must be an integer 0-10")
    onset = data.get("onset")
    if onset is not None and onset not in {o.value for o in Onset}:
        raise SentenceFileError(f"{where}: 'onset' must be sudden or gradual")
    location = data.get("location")
    if location is not None:
        try:
            location = str(Location.parse(location)) if isinstance(location, str) else None
        except ValueError as exc:
            raise SentenceFileError(f"{where}: {exc}") from None
        if location is None:
            raise SentenceFileError(f"{where}: 'location' must be a string")
    present = STATUSES[status]
    if present is False and any(x is not None for x in (duration, severity, onset, location)):
        raise SentenceFileError(
            f"{where}: an absent finding has no duration, severity, onset or location"
        )
    return GoldFinding(
        ids=ids,
        present=present,
        subject=Subject(subject),
        duration_hours=None if duration is None else float(duration),
        severity=severity,
        onset=None if onset is None else Onset(onset),
        location=location,
    )


def _no_unknown_keys(data: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise SentenceFileError(f"{where}: unknown keys {sorted(unknown)}")
