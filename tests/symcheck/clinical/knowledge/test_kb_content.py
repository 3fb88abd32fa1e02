"""Content checks on the shipped knowledge base: size, references, reachability, wording."""

from __future__ import annotations

import re
from collections import defaultdict

from symcheck.clinical import logic
from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.knowledge.models import AGE_BAND_BOUNDS
from symcheck.clinical.nlu.text import phrase_key
from symcheck.clinical.rules import RuleSet

_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")


def test_at_least_200_conditions(kb: KnowledgeBase) -> None:
    assert len(kb.conditions) >= 200


def test_at_least_400_findings(kb: KnowledgeBase) -> None:
    assert len(kb.findings) >= 400


def test_conditions_span_at_least_10_systems(kb: KnowledgeBase) -> None:
    assert len({c.system for c in kb.conditions.values()}) >= 10


def test_attribution_names_the_sources_used(kb: KnowledgeBase) -> None:
    text = " ".join(kb.info.attribution)
    assert "DDXPlus" in text
    assert "CC-BY" in text
    assert "Symptom Ontology" in text
    assert "CC0" in text


def test_icd10_codes_are_well_formed(kb: KnowledgeBase) -> None:
    assert [c.id for c in kb.conditions.values() if not _ICD10.match(c.icd10)] == []


def test_every_condition_has_8_to_15_findings(kb: KnowledgeBase) -> None:
    sizes = {c.id: len(c.findings) for c in kb.conditions.values()}
    assert {cid: n for cid, n in sizes.items() if not 8 <= n <= 15} == {}


def test_every_condition_can_be_reached(kb: KnowledgeBase) -> None:
    """At least 3 findings well above their base rate (likelihood >= 0.15 and >= 2x)."""
    weak = {}
    for condition in kb.conditions.values():
        strong = [
            fid
            for fid, p in condition.findings.items()
            if p >= 0.15 and p >= 2 * kb.findings[fid].base_rate
        ]
        if len(strong) < 3:
            weak[condition.id] = strong
    assert weak == {}


def test_every_finding_is_used_by_a_condition_or_rule(kb: KnowledgeBase, ruleset: RuleSet) -> None:
    used = set(ruleset.finding_ids())
    for condition in kb.conditions.values():
        used |= set(condition.findings)
        for escalator in condition.escalators:
            used |= set(logic.finding_ids(escalator.when))
    assert sorted(set(kb.findings) - used) == []


def test_every_finding_has_a_question(kb: KnowledgeBase) -> None:
    assert all(f.question.endswith("?") for f in kb.findings.values())


def test_questions_are_unique(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for finding in kb.findings.values():
        other = seen.setdefault(finding.question, finding.id)
        if other != finding.id:
            duplicates.append((other, finding.id))
    assert duplicates == []


def test_no_two_findings_share_a_phrase_after_normalisation(kb: KnowledgeBase) -> None:
    """ "swollen ankle" and "swollen ankles" meet as the same tokens in the extractor."""
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for finding in kb.findings.values():
        for phrase in (*finding.synonyms, *finding.misspellings):
            owners[phrase_key(phrase)].add(finding.id)
        for phrase in finding.denials:
            owners[phrase_key(phrase)].add(f"<denial of {finding.id}>")
    for phrase in kb.info.ignored_phrases:
        owners[phrase_key(phrase)].add("<ignored>")
    assert {" ".join(k): sorted(v) for k, v in owners.items() if len(v) > 1} == {}


def test_base_rates_are_plausible_leaks(kb: KnowledgeBase) -> None:
    assert all(0 < f.base_rate <= 0.3 for f in kb.findings.values())


def test_escalators_are_more_urgent_than_the_default(kb: KnowledgeBase) -> None:
    lower = [
        (c.id, e.disposition.value)
        for c in kb.conditions.values()
        for e in c.escalators
        if e.disposition.urgency <= c.disposition.urgency
    ]
    assert lower == []


def test_escalators_reference_known_findings(kb: KnowledgeBase) -> None:
    for condition in kb.conditions.values():
        for escalator in condition.escalators:
            assert set(logic.finding_ids(escalator.when)) <= set(kb.findings), condition.id


def test_safety_net_names_what_to_watch_for(kb: KnowledgeBase) -> None:
    assert [c.id for c in kb.conditions.values() if not c.safety_net.startswith("If")] == []


def test_sources_are_not_urls(kb: KnowledgeBase) -> None:
    texts = [c.source for c in kb.conditions.values()]
    texts += [f.source or "" for f in kb.findings.values()]
    assert not any("http" in t or "www." in t for t in texts)


def test_sex_specific_conditions_require_the_sex(kb: KnowledgeBase) -> None:
    assert kb.conditions["testicular_torsion"].requires.sex == "male"
    assert kb.conditions["ectopic_pregnancy"].requires.sex == "female"


def test_age_priors_use_known_bands(kb: KnowledgeBase) -> None:
    for condition in kb.conditions.values():
        assert set(condition.age_prior) <= set(AGE_BAND_BOUNDS), condition.id


def test_requires_age_bounds_are_ordered(kb: KnowledgeBase) -> None:
    for condition in kb.conditions.values():
        lo, hi = condition.requires.min_age, condition.requires.max_age
        assert lo is None or hi is None or lo < hi, condition.id


def test_parents_are_at_least_as_common_as_children(kb: KnowledgeBase) -> None:
    """A child implies its parent, so the parent cannot be rarer (as a leak or a likelihood)."""
    problems = []
    for finding in kb.findings.values():
        if finding.parent and kb.findings[finding.parent].base_rate < finding.base_rate:
            problems.append(finding.id)
        for condition in kb.conditions.values():
            p = condition.findings.get(finding.id)
            parent_p = condition.findings.get(finding.parent or "")
            if p is not None and parent_p is not None and parent_p < p:
                problems.append(f"{condition.id}:{finding.id}")
    assert problems == []


def test_multi_word_phrases_do_not_collapse_to_one_generic_word(kb: KnowledgeBase) -> None:
    """ "the runs" would match "run" once fillers are dropped: multi-word phrases must keep
    two words, unless the single word is itself a phrase of the same finding."""
    singles: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for phrase, fid in kb.phrases.items():
        if len(phrase.split()) == 1:
            singles[fid].add(phrase_key(phrase))
    collapsed = [
        (phrase, fid)
        for phrase, fid in kb.phrases.items()
        if len(phrase.split()) > 1
        and len(phrase_key(phrase)) == 1
        and phrase_key(phrase) not in singles[fid]
    ]
    assert collapsed == []


def test_sex_specific_findings_are_only_asked_of_that_sex(kb: KnowledgeBase) -> None:
    specific = [
        "testicular_pain",
        "scrotal_swelling",
        "vaginal_bleeding",
        "heavy_vaginal_bleeding",
        "vaginal_discharge",
        "vaginal_itch",
        "missed_period",
        "reduced_fetal_movements",
    ]
    assert [fid for fid in specific if kb.findings[fid].ask_if is None] == []


def test_infant_findings_are_only_asked_about_young_children(kb: KnowledgeBase) -> None:
    infant = ["bulging_fontanelle", "sunken_fontanelle", "grunting", "apnoea", "poor_feeding"]
    assert [fid for fid in infant if kb.findings[fid].ask_if is None] == []


# The body systems the clinical-coverage issue names, as the knowledge base spells them.
REQUIRED_SYSTEMS = {
    "cardiovascular",
    "respiratory",
    "ent",
    "eye",
    "gastrointestinal",
    "urological",
    "reproductive",  # gynaecological and obstetric
    "sexual_health",
    "neurological",
    "mental_health",
    "skin",
    "musculoskeletal",
    "injury",
    "endocrine",
    "infections",
    "allergy",
    "toxicology",  # poisoning and bites
    "paediatric",
    "older_adults",
}


def test_every_body_system_has_conditions(kb: KnowledgeBase) -> None:
    assert REQUIRED_SYSTEMS - {c.system for c in kb.conditions.values()} == set()
