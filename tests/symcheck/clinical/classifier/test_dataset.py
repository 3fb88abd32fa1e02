"""Synthetic patients as the evidence the interview would hold."""

from __future__ import annotations

from symcheck.clinical.classifier.dataset import build_examples, to_evidence
from symcheck.clinical.classifier.narratives import Narrative
from symcheck.clinical.classifier.synthetic import SyntheticPatient
from symcheck.clinical.interview.state import MAX_TEXTS
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Sex
from tests.fixtures.kb_small import small_kb

PATIENT = SyntheticPatient(
    condition_id="migraine",
    age_years=34.0,
    sex=Sex.FEMALE,
    pregnant=False,
    complaint=("headache",),
    answers=(("photophobia", True), ("fever", False), ("vomiting", None)),
    present=frozenset({"headache", "photophobia"}),
)


def test_the_opening_goes_through_the_extractor_and_answers_are_added() -> None:
    extractor = FindingExtractor(small_kb())
    evidence = to_evidence(PATIENT, Narrative("terrible headache, no fever"), extractor)
    facts = evidence.facts
    assert facts.is_present("headache")
    assert facts.is_absent("fever")
    assert facts.is_present("photophobia")
    assert "vomiting" not in facts.findings  # "don't know"
    assert (facts.age_years, facts.sex, facts.pregnant) == (34.0, Sex.FEMALE, False)


def test_texts_keep_the_opening_and_the_latest_replies() -> None:
    extractor = FindingExtractor(small_kb())
    replies = tuple(f"reply {i}" for i in range(8))
    evidence = to_evidence(PATIENT, Narrative("terrible headache", replies), extractor)
    assert len(evidence.texts) == MAX_TEXTS
    assert evidence.texts[0] == "terrible headache"
    assert evidence.texts[-1] == "reply 7"


def test_examples_carry_the_label() -> None:
    extractor = FindingExtractor(small_kb())
    (example,) = build_examples([PATIENT], [Narrative("headache")], extractor)
    assert example.condition_id == "migraine"
