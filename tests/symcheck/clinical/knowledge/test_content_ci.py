"""Content checks that gate CI, on the shipped knowledge base and red-flag rules.

- (a) every condition is reachable from its own most characteristic findings (here);
- (b) every finding is used by a condition, an escalator or a rule:
  ``test_kb_content.test_every_finding_is_used_by_a_condition_or_rule``;
- (c) every finding has a question: ``test_kb_content.test_every_finding_has_a_question``
  (and the model rejects a question without "?");
- (d) no phrase is shared by two findings after normalisation:
  ``test_kb_content.test_no_two_findings_share_a_phrase_after_normalisation``;
- (e) every rule's own cases pass: ``tests/symcheck/clinical/rules/test_rule_cases.py``;
- (f) the content's version was bumped when the content changed (here; the mechanism is
  tested on fixtures in ``tests/symcheck/evaluation/test_content_lock.py``).

(b)-(e) live next to the content they check and run in the same ``pytest`` job; the last
test here fails if one of them is removed or renamed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest

from symcheck.clinical.knowledge import KnowledgeBase, default_kb_dir
from symcheck.clinical.knowledge.models import AGE_BAND_BOUNDS, AgeBand, Condition, Requires
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.rules import default_rules_dir
from symcheck.clinical.scoring.base import Evidence
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from symcheck.evaluation.content_lock import check_content, shipped_content_sets
from tests.fixtures.kb_small import small_kb

#: How many of a condition's findings the synthetic patient reports, and the rank it must reach.
CHARACTERISTIC_FINDINGS = 4
REACH_WITHIN = 3
#: A typical age per band, and the band to prefer when the priors do not choose.
TYPICAL_AGE = {
    AgeBand.INFANT: 0.5,
    AgeBand.CHILD: 6.0,
    AgeBand.ADOLESCENT: 15.0,
    AgeBand.ADULT: 30.0,
    AgeBand.MIDDLE_AGED: 55.0,
    AgeBand.OLDER: 75.0,
}
BAND_PREFERENCE = (
    AgeBand.ADULT,
    AgeBand.MIDDLE_AGED,
    AgeBand.OLDER,
    AgeBand.CHILD,
    AgeBand.ADOLESCENT,
    AgeBand.INFANT,
)


@dataclass(frozen=True)
class SyntheticPatient:
    """Who reports a condition's most characteristic findings."""

    findings: tuple[str, ...]
    age: float | None
    sex: Sex | None
    pregnant: bool | None

    def describe(self) -> str:
        sex = self.sex.value if self.sex else "sex unsaid"
        pregnant = ", pregnant" if self.pregnant else ""
        return f"age {self.age:g}, {sex}{pregnant}, reporting {', '.join(self.findings)}"


def characteristic_findings(kb: KnowledgeBase, condition: Condition) -> tuple[str, ...]:
    """The condition's findings with the highest likelihood ratio ``P(f|c) / base_rate``
    (above 1 only), strongest first, ties by id; a finding related to one already chosen
    (its ancestor or descendant) is skipped, since one implies the other."""
    ratios = [
        (p / kb.findings[fid].base_rate, fid)
        for fid, p in condition.findings.items()
        if p > kb.findings[fid].base_rate
    ]
    chosen: list[str] = []
    for _, fid in sorted(ratios, key=lambda rf: (-rf[0], rf[1])):
        related = {*kb.ancestors_of(fid), *kb.descendants_of(fid)}
        if not related & set(chosen):
            chosen.append(fid)
        if len(chosen) == CHARACTERISTIC_FINDINGS:
            break
    return tuple(chosen)


def typical_age(condition: Condition) -> float:
    """An age in the band the condition's age prior favours, within its ``requires``."""
    low = condition.requires.min_age if condition.requires.min_age is not None else 0.0
    high = condition.requires.max_age if condition.requires.max_age is not None else 120.0
    allowed = [
        b for b in BAND_PREFERENCE if AGE_BAND_BOUNDS[b][0] < high and AGE_BAND_BOUNDS[b][1] > low
    ]
    band = max(allowed, key=lambda b: condition.age_prior.get(b, 1.0))  # first wins ties
    band_low, band_high = AGE_BAND_BOUNDS[band]
    start, end = max(low, band_low), min(high, band_high)
    age = TYPICAL_AGE[band]
    return age if start <= age < end else (start + min(end, start + 10)) / 2


def synthetic_patient(kb: KnowledgeBase, condition: Condition) -> SyntheticPatient:
    """The patient who should make ``condition`` a leading suggestion."""
    requires = condition.requires
    pregnant = requires.pregnant
    if requires.sex:
        sex: Sex | None = Sex(requires.sex)
    elif pregnant:
        sex = Sex.FEMALE
    else:
        female = condition.sex_prior.get("female", 1.0)
        male = condition.sex_prior.get("male", 1.0)
        sex = None if female == male else Sex.FEMALE if female > male else Sex.MALE
    return SyntheticPatient(
        findings=characteristic_findings(kb, condition),
        age=typical_age(condition),
        sex=sex,
        pregnant=pregnant,
    )


def rank_of(
    scorer: NaiveBayesScorer,
    extractor: FindingExtractor,
    patient: SyntheticPatient,
    condition_id: str,
) -> tuple[int | None, list[str]]:
    """1-based rank of the condition for the patient (``None``: excluded), and the top 3."""
    reported = {fid: Observation(present=True) for fid in patient.findings}
    facts = PatientFacts(
        age_years=patient.age,
        sex=patient.sex,
        pregnant=patient.pregnant,
        findings=extractor.with_implications(reported),
    )
    ranking = scorer.rank(Evidence(facts=facts))
    ids = [score.condition_id for score in ranking.scores]
    rank = ids.index(condition_id) + 1 if condition_id in ids else None
    return rank, ids[:REACH_WITHIN]


def unreachable_conditions(kb: KnowledgeBase, extractor: FindingExtractor) -> list[str]:
    """One line per condition its own synthetic patient does not rank in the top 3."""
    scorer = NaiveBayesScorer(kb)
    unreachable = []
    for condition in sorted(kb.conditions.values(), key=lambda c: c.id):
        patient = synthetic_patient(kb, condition)
        rank, top = rank_of(scorer, extractor, patient, condition.id)
        if rank is None or rank > REACH_WITHIN:
            where = "excluded" if rank is None else f"rank {rank}"
            unreachable.append(
                f"{condition.id}: {where} (top: {', '.join(top)}); {patient.describe()}"
            )
    return unreachable


def test_every_condition_is_reachable_from_its_characteristic_findings(
    kb: KnowledgeBase, extractor: FindingExtractor
) -> None:
    """(a) The patient reporting a condition's 4 highest-likelihood-ratio findings, with an
    age and sex its priors favour, ranks it in the top 3 of the naive-Bayes scorer."""
    unreachable = unreachable_conditions(kb, extractor)
    assert not unreachable, (
        f"{len(unreachable)} of {len(kb.conditions)} conditions are not in the top "
        f"{REACH_WITHIN} for their own most characteristic findings:\n  " + "\n  ".join(unreachable)
    )


def test_the_reachability_check_reports_a_shadowed_condition() -> None:
    """A rare copy of a condition, behind three commoner copies, cannot be reached."""
    base = small_kb()
    cold = base.conditions["common_cold"]
    copies = {
        f"cold_{i}": cold.model_copy(update={"id": f"cold_{i}", "prevalence": 0.5})
        for i in range(3)
    }
    rare = cold.model_copy(update={"id": "rare_cold", "prevalence": 0.001})
    kb = KnowledgeBase(
        info=base.info,
        findings=base.findings,
        conditions={**base.conditions, **copies, "rare_cold": rare},
    )
    unreachable = unreachable_conditions(kb, FindingExtractor(kb))
    assert [line.split(":")[0] for line in unreachable if "cold" in line.split(":")[0]] == [
        "common_cold",
        "rare_cold",
    ]


def test_the_synthetic_patient_respects_requires_and_priors() -> None:
    kb = small_kb()
    condition = kb.conditions["common_cold"].model_copy(
        update={
            "requires": Requires(sex="male", min_age=50),
            "age_prior": {AgeBand.CHILD: 3.0, AgeBand.OLDER: 2.0},
        }
    )
    patient = synthetic_patient(kb, condition)
    assert (patient.sex, patient.age) == (Sex.MALE, 75.0)
    assert len(patient.findings) == CHARACTERISTIC_FINDINGS


@pytest.mark.parametrize("name", ["knowledge base", "red-flag rules"])
def test_the_content_version_was_bumped_when_the_content_changed(name: str) -> None:
    """(f) The current version is locked with the current content hash."""
    [content] = [
        c for c in shipped_content_sets(default_kb_dir(), default_rules_dir()) if c.name == name
    ]
    result = check_content(content)
    assert result.ok, f"{name}: {result.message}"


@pytest.mark.parametrize(
    ("module", "test"),
    [
        (
            "tests.symcheck.clinical.knowledge.test_kb_content",
            "test_every_finding_is_used_by_a_condition_or_rule",
        ),
        ("tests.symcheck.clinical.knowledge.test_kb_content", "test_every_finding_has_a_question"),
        (
            "tests.symcheck.clinical.knowledge.test_kb_content",
            "test_no_two_findings_share_a_phrase_after_normalisation",
        ),
        ("tests.symcheck.clinical.rules.test_rule_cases", "test_rule_case"),
    ],
)
def test_the_other_content_checks_are_still_there(module: str, test: str) -> None:
    """(b)-(e) run from their own modules; fail loudly if one disappears."""
    assert callable(getattr(importlib.import_module(module), test, None))
