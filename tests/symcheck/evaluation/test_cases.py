"""Reading and validating the gold case file."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.evaluation.cases import (
    CaseFileError,
    load_gold_cases,
    parse_gold_case,
    parse_gold_cases,
)
from tests.symcheck.evaluation.builders import gold_line


def test_a_valid_line() -> None:
    case = parse_gold_case(gold_line(), 1)
    assert case.gold_triage is Disposition.SELF_CARE
    assert (case.gold_diagnosis, case.gold_icd10, case.system) == (
        "Common cold",
        "J00",
        "respiratory",
    )
    assert case.tags == ("x",)


def test_the_line_is_kept_for_the_assess_path() -> None:
    line = gold_line()
    assert parse_gold_case(line + "\n", 1).line == line


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"gold_triage": "urgent"}, "'gold_triage' must be one of"),
        ({"gold_triage": None}, "'gold_triage' must be one of"),
        ({"gold_diagnosis": " "}, "'gold_diagnosis'"),
        ({"gold_icd10": "j00"}, "'gold_icd10'"),
        ({"system": "Body System"}, "'system'"),
        ({"tags": "child"}, "'tags'"),
        ({"colour": "red"}, "unknown keys"),
        ({"sex": "other"}, "'sex'"),
        ({"text": ""}, "'text'"),
    ],
)
def test_invalid_fields_are_named_with_the_line(overrides: dict, message: str) -> None:
    with pytest.raises(CaseFileError, match=message) as exc:
        parse_gold_case(gold_line(**overrides), 7)
    assert str(exc.value).startswith("line 7")


def test_not_json_is_named_with_the_line() -> None:
    with pytest.raises(CaseFileError, match=r"^line 3: not valid JSON"):
        parse_gold_case("{oops", 3)


def test_blank_and_comment_lines_are_skipped() -> None:
    cases = parse_gold_cases(["# header", "", gold_line(id="a"), gold_line(id="b")])
    assert [c.id for c in cases] == ["a", "b"]


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(CaseFileError, match=r"line 2: duplicate id 'a' \(first on line 1\)"):
        parse_gold_cases([gold_line(id="a"), gold_line(id="a")])


def test_an_empty_file_is_rejected() -> None:
    with pytest.raises(CaseFileError, match="no cases"):
        parse_gold_cases(["", "# nothing"])


def test_load_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(gold_line() + "\nnot json\n")
    with pytest.raises(CaseFileError, match=r"cases\.jsonl: line 2"):
        load_gold_cases(path)


def test_a_missing_file_is_a_case_file_error(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="cannot read"):
        load_gold_cases(tmp_path / "missing.jsonl")
