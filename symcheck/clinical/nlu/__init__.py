"""Language understanding owned by the clinical engine: findings, demographics, answers.

Rasa classifies what kind of message it is (intent); these modules read what it says about
the patient. The finding extractor is a spaCy pipeline of rule components
(:mod:`symcheck.clinical.nlu.pipeline`). The same code runs in the action server, the
gateway's red-flag check and ``symcheck assess``.
"""

from symcheck.clinical.nlu.answers import Answer, parse_answer
from symcheck.clinical.nlu.demographics import (
    Demographics,
    extract_demographics,
    parse_age_answer,
    parse_sex_answer,
)
from symcheck.clinical.nlu.extraction import Extraction, Mention, Subject
from symcheck.clinical.nlu.extractor import FindingExtractor

__all__ = [
    "Answer",
    "Demographics",
    "Extraction",
    "FindingExtractor",
    "Mention",
    "Subject",
    "extract_demographics",
    "parse_age_answer",
    "parse_answer",
    "parse_sex_answer",
]
