"""The evaluation case file: ``symcheck assess`` input lines plus gold fields.

One JSON object per line (blank lines and lines starting with ``#`` are skipped)::

    {"id", "text", "age", "sex", "facts",                 # the assess input contract
     "gold_triage": <disposition>, "gold_diagnosis": str, "gold_icd10": str,
     "system": str, "tags": [str, ...]}                   # tags optional

The whole file is validated before anything runs, so a typo fails at once with the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from symcheck.assess import CaseError, parse_case
from symcheck.clinical.dispositions import Disposition

_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_ASSESS_KEYS = frozenset({"id", "text", "age", "sex", "facts"})
_GOLD_KEYS = frozenset({"gold_triage", "gold_diagnosis", "gold_icd10", "system", "tags"})


class CaseFileError(ValueError):
    """The case file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class GoldCase:
    """One evaluation case.

    Attributes:
        line: the original JSON line, handed unchanged to the assess code path.
        gold_triage: the disposition a careful clinician would give.
        gold_diagnosis / gold_icd10: what a GP would consider most likely.
        system: the body system the case belongs to (for breakdowns).
        tags: free labels such as ``child``, ``pregnancy``, ``hidden_red_flag``.
    """

    id: str
    text: str
    age: float | None
    sex: str | None
    gold_triage: Disposition
    gold_diagnosis: str
    gold_icd10: str
    system: str
    tags: tuple[str, ...] = ()
    line: str = field(default="", repr=False, compare=False)


def parse_gold_case(line: str, line_number: int) -> GoldCase:
    """Validate one line: the assess contract plus the gold fields.

    Raises:
        CaseFileError: naming the line and the problem.
    """
    where = f"line {line_number}"
    try:
        case = parse_case(line, line_number)
    except CaseError as exc:
        message = str(exc)
        raise CaseFileError(
            message if message.startswith("line ") else f"{where}: {message}"
        ) from None
    data = json.loads(line)
    where = f"line {line_number} ({case.id})"
    unknown = set(data) - _ASSESS_KEYS - _GOLD_KEYS
    if unknown:
        raise CaseFileError(f"{where}: unknown keys {sorted(unknown)}")
    triage = data.get("gold_triage")
    if triage not in {d.value for d in Disposition}:
        levels = ", ".join(d.value for d in Disposition)
        raise CaseFileError(f"{where}: 'gold_triage' must be one of {levels}; got {triage!r}")
    diagnosis = data.get("gold_diagnosis")
    if not isinstance(diagnosis, str) or not diagnosis.strip():
        raise CaseFileError(f"{where}: 'gold_diagnosis' must be a non-empty string")
    icd10 = data.get("gold_icd10")
    if not isinstance(icd10, str) or not _ICD10.match(icd10):
        raise CaseFileError(f"{where}: 'gold_icd10' must be an ICD-10 code like J45 or J45.9")
    system = data.get("system")
    if not isinstance(system, str) or not _SLUG.match(system):
        raise CaseFileError(f"{where}: 'system' must be a snake_case name")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and _SLUG.match(t) for t in tags):
        raise CaseFileError(f"{where}: 'tags' must be a list of snake_case names")
    return GoldCase(
        id=case.id,
        text=case.text,
        age=case.age,
        sex=case.sex,
        gold_triage=Disposition(triage),
        gold_diagnosis=diagnosis.strip(),
        gold_icd10=icd10,
        system=system,
        tags=tuple(tags),
        line=line.strip(),
    )


def parse_gold_cases(lines: Iterable[str]) -> list[GoldCase]:
    """Every case in ``lines``; blank and ``#`` lines are skipped, ids must be unique.

    Raises:
        CaseFileError: on the first malformed line, a duplicate id, or no cases at all.
    """
    cases: list[GoldCase] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        case = parse_gold_case(raw, number)
        if case.id in seen:
            raise CaseFileError(
                f"line {number}: duplicate id {case.id!r} (first on line {seen[case.id]})"
            )
        seen[case.id] = number
        cases.append(case)
    if not cases:
        raise CaseFileError("no cases")
    return cases


def load_gold_cases(path: Path) -> list[GoldCase]:
    """Read and validate the case file at ``path``.

    Raises:
        CaseFileError: the file cannot be read or a line is malformed (the message starts
            with the path).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}: cannot read: {exc}") from exc
    try:
        return parse_gold_cases(text.splitlines())
    except CaseFileError as exc:
        raise CaseFileError(f"{path}: {exc}") from exc
