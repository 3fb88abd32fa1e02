"""Synthetic patients turned into the evidence the interview would hold at its end.

The facts come the way the engine gets them: the opening message through the finding
extractor (negation, implications through the hierarchy), the demographics as answered, and
each follow-up answer with what it implies. The texts are the messages the interview keeps
(:func:`symcheck.clinical.interview.state.kept_texts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symcheck.clinical.classifier.narratives import Narrative
from symcheck.clinical.classifier.synthetic import SyntheticPatient
from symcheck.clinical.interview.state import kept_texts
from symcheck.clinical.nlu.extractor import FindingExtractor
from symcheck.clinical.patient import Observation, PatientFacts
from symcheck.clinical.scoring.base import Evidence


@dataclass(frozen=True)
class Example:
    """One training example: the evidence and its label (``None``: unexplained)."""

    evidence: Evidence
    condition_id: str | None


def to_evidence(
    patient: SyntheticPatient, narrative: Narrative, extractor: FindingExtractor
) -> Evidence:
    """The evidence at the end of the synthetic interview (see the module docstring)."""
    extraction = extractor.extract(narrative.opening)
    facts = PatientFacts(
        age_years=patient.age_years, sex=patient.sex, pregnant=patient.pregnant
    ).with_observations(extractor.with_implications(extraction.observations))
    for fid, answer in patient.answers:
        if answer is None or fid in facts.findings:
            continue
        facts = facts.with_observations(
            extractor.with_implications({fid: Observation(present=answer)})
        )
    texts: tuple[str, ...] = ()
    for message in narrative.messages:
        texts = kept_texts((*texts, message))
    return Evidence(facts=facts, texts=texts)


def build_examples(
    patients: Sequence[SyntheticPatient],
    narratives: Sequence[Narrative],
    extractor: FindingExtractor,
) -> list[Example]:
    """One example per patient, in order."""
    return [
        Example(to_evidence(p, n, extractor), p.condition_id)
        for p, n in zip(patients, narratives, strict=True)
    ]
