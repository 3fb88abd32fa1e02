"""Language understanding owned by the clinical engine: findings, demographics, answers.

Rasa classifies what kind of message it is (intent); these modules read what it says about
the patient. The same code runs in the action server and in ``symcheck assess``.
"""

from symcheck.clinical.nlu.answers import Answer, parse_answer
from symcheck.clinical.nlu.demographics import (
    Demographics,
    extract_demographics,
    parse_age_answer,
    parse_sex_answer,
)
from symcheck.clinical.nlu.extractor import Extraction, FindingExtractor, Mention

__all__ = [
    "Answer",
    "Demographics",
    "Extraction",
    "FindingExtractor",
    "Mention",
    "extract_demographics",
    "parse_age_answer",
    "parse_answer",
    "parse_sex_answer",
]
