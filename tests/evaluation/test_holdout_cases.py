"""The held-out case set itself: it loads, is large enough, balanced and covers every system.

Like ``test_dev_cases.py`` these tests read only the case file, never the engine: the
held-out set is for reporting, and running the test suite must not show anyone how the
engine does on it (see ``evaluation/cases/HOLDOUT.md``).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from symcheck.clinical.dispositions import Disposition
from symcheck.evaluation.cases import GoldCase, load_gold_cases
from symcheck.evaluation.outcomes import age_band
from symcheck.settings import REPO_ROOT

CASES_DIR = REPO_ROOT / "evaluation" / "cases"
HOLDOUT = CASES_DIR / "holdout.jsonl"
#: Every body system of the clinical-coverage issue, with the id prefix of its cases.
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
    return tuple(load_gold_cases(HOLDOUT))


def test_the_file_loads_with_the_evaluation_loader_and_has_at_least_150_cases() -> None:
    assert len(cases()) >= 150


def test_every_disposition_has_at_least_25_cases() -> None:
    counts = Counter(c.gold_triage for c in cases())
    assert {d.value: counts[d] for d in Disposition if counts[d] < 25} == {}


def test_every_listed_body_system_is_covered() -> None:
    present = {c.system for c in cases()}
    assert sorted(set(SYSTEMS) - present) == []
    assert sorted(present - set(SYSTEMS)) == []


def test_ids_carry_their_system_prefix() -> None:
    wrong = [c.id for c in cases() if not re.fullmatch(rf"{SYSTEMS[c.system]}-\d{{2}}", c.id)]
    assert wrong == []


def test_tags_are_documented_and_age_tags_agree_with_the_age() -> None:
    assert sorted({t for c in cases() for t in c.tags} - TAGS) == []
    wrong = []
    for case in cases():
        expected = AGE_TAGS.get(age_band(case.age))
        if set(case.tags) & set(AGE_TAGS.values()) != ({expected} if expected else set()):
            wrong.append(case.id)
    assert wrong == []


def test_special_groups_are_represented() -> None:
    tags = Counter(t for c in cases() for t in c.tags)
    groups = ("infant", "child", "older_adult", "pregnancy", "hidden_red_flag", "scary_but_benign")
    assert {g: tags[g] for g in groups if tags[g] < 8} == {}


def test_hidden_red_flags_are_urgent_and_scary_openings_are_not() -> None:
    hidden = [c for c in cases() if "hidden_red_flag" in c.tags]
    scary = [c for c in cases() if "scary_but_benign" in c.tags]
    assert [c.id for c in hidden if c.gold_triage.urgency < 1] == []
    assert [c.id for c in scary if c.gold_triage.urgency > 1] == []


def test_the_file_header_and_the_doc_state_the_version_and_the_no_tuning_rule() -> None:
    header = HOLDOUT.read_text(encoding="utf-8").splitlines()[0]
    doc = (CASES_DIR / "HOLDOUT.md").read_text(encoding="utf-8")
    version = re.search(r"version (\d+\.\d+\.\d+)", header)
    assert version is not None
    assert f"version {version.group(1)}" in doc
    assert f"{len(cases())} cases" in doc
    assert "Tuning must never look at this file" in doc
