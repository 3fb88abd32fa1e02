"""The development case set itself: valid, versioned, balanced and spread as documented.

These tests read only the case file (no engine): they guard the set's design, not the
engine's results, so they pass whatever the knowledge base says.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache

import pytest

from symcheck.clinical.dispositions import Disposition
from symcheck.evaluation.cases import GoldCase, load_gold_cases
from symcheck.evaluation.outcomes import age_band
from symcheck.settings import REPO_ROOT

CASES_DIR = REPO_ROOT / "evaluation" / "cases"
DEV = CASES_DIR / "dev.jsonl"
#: The body systems of the clinical-coverage issue, with the id prefix of their cases.
SYSTEMS = {
    "cardiovascular": "card",
    "respiratory": "resp",
    "ent": "ent",
    "eye": "eye",
    "gastrointestinal": "gi",
    "urological_renal": "uro",
    "gynaecological_obstetric": "gyn",
    "sexual_health": "sex",
    "neurological": "neu",
    "mental_health": "mh",
    "skin": "skin",
    "musculoskeletal_injury": "msk",
    "endocrine_metabolic": "endo",
    "infections": "inf",
    "allergy": "all",
    "poisoning_bites": "poi",
    "paediatrics": "paed",
    "older_adults": "old",
}
AGE_TAGS = {
    "infant": "infant",
    "child": "child",
    "adolescent": "adolescent",
    "older": "older_adult",
}
TAGS = {*AGE_TAGS.values(), "pregnancy", "postnatal", "hidden_red_flag", "scary_but_benign"}


@cache
def cases() -> tuple[GoldCase, ...]:
    return tuple(load_gold_cases(DEV))


@cache
def raw() -> tuple[dict, ...]:
    return tuple(json.loads(line) for line in DEV.read_text().splitlines() if line.strip())


def tagged(tag: str) -> list[GoldCase]:
    return [c for c in cases() if tag in c.tags]


def test_the_file_loads_and_has_at_least_220_cases() -> None:
    assert len(cases()) >= 220


def test_dispositions_are_balanced_44_plus_or_minus_5() -> None:
    counts = Counter(c.gold_triage for c in cases())
    assert {d.value: counts[d] for d in Disposition if not 39 <= counts[d] <= 49} == {}


def test_every_system_of_the_issue_has_at_least_8_cases() -> None:
    counts = Counter(c.system for c in cases())
    assert {s: counts[s] for s in SYSTEMS if counts[s] < 8} == {}


def test_no_system_outside_the_documented_list() -> None:
    assert sorted({c.system for c in cases()} - set(SYSTEMS)) == []


def test_ids_carry_their_system_prefix() -> None:
    wrong = [c.id for c in cases() if not re.fullmatch(rf"{SYSTEMS[c.system]}-\d{{2}}", c.id)]
    assert wrong == []


def test_tags_come_from_the_documented_vocabulary() -> None:
    assert sorted({t for c in cases() for t in c.tags} - TAGS) == []


def test_age_tags_agree_with_the_age() -> None:
    wrong = []
    for case in cases():
        expected = AGE_TAGS.get(age_band(case.age))
        present = set(case.tags) & set(AGE_TAGS.values())
        if present != ({expected} if expected else set()):
            wrong.append(case.id)
    assert wrong == []


@pytest.mark.parametrize(
    ("tag", "minimum"),
    [
        ("infant", 10),
        ("child", 20),
        ("older_adult", 30),
        ("pregnancy", 8),
        ("hidden_red_flag", 8),
        ("scary_but_benign", 8),
    ],
)
def test_special_groups_are_represented(tag: str, minimum: int) -> None:
    assert len(tagged(tag)) >= minimum


def test_every_age_band_and_both_sexes_appear() -> None:
    assert {age_band(c.age) for c in cases()} >= {"infant", "child", "adolescent", "adult", "older"}
    sexes = Counter(c.sex for c in cases())
    assert min(sexes["female"], sexes["male"]) >= 0.4 * len(cases())


def test_pregnancy_cases_are_women_who_say_they_are_pregnant() -> None:
    by_id = {r["id"]: r for r in raw()}
    wrong = [
        c.id
        for c in tagged("pregnancy")
        if c.sex != "female" or by_id[c.id]["facts"].get("pregnant") is not True
    ]
    assert wrong == []


def test_only_women_are_asked_about_pregnancy() -> None:
    assert [r["id"] for r in raw() if "pregnant" in r["facts"] and r["sex"] != "female"] == []


def test_gynaecological_and_obstetric_cases_are_women() -> None:
    assert [
        c.id for c in cases() if c.system == "gynaecological_obstetric" and c.sex != "female"
    ] == []


def test_hidden_red_flags_hide_an_urgent_problem() -> None:
    assert [c.id for c in tagged("hidden_red_flag") if c.gold_triage.urgency < 1] == []


def test_scary_openings_that_are_benign_are_not_urgent() -> None:
    benign = tagged("scary_but_benign")
    assert [c.id for c in benign if c.gold_triage.urgency > 1] == []


def test_every_case_has_facts_to_answer_questions() -> None:
    assert [r["id"] for r in raw() if len(r["facts"] or {}) < 3] == []


def test_texts_are_unique() -> None:
    texts = Counter(c.text.lower() for c in cases())
    assert [t for t, n in texts.items() if n > 1] == []


def test_the_set_is_versioned_with_a_changelog_entry() -> None:
    version = (CASES_DIR / "VERSION").read_text().strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    changelog = (CASES_DIR / "CHANGELOG.md").read_text()
    first = re.search(r"^## (\S+)", changelog, re.MULTILINE)
    assert first is not None
    assert first.group(1) == version


def test_the_readme_documents_the_case_count() -> None:
    readme = (REPO_ROOT / "evaluation" / "README.md").read_text()
    assert f"{len(cases())} cases" in readme
