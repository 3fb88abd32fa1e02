"""Component: age, sex and pregnancy statements about the patient."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from symcheck.clinical.nlu.demographics import read_demographics
from symcheck.clinical.nlu.spans import blank

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_demographics"


class DemographicsReader:
    """Sets ``doc._.demographics`` (see :mod:`symcheck.clinical.nlu.demographics`) and
    ``doc._.statements``, the character spans of stated ages and stages of pregnancy.

    Text about someone who is not the patient (``doc._.not_patient``: "my dad had a heart
    attack at 52") is left out, so the relative's age or sex is not taken for the patient's.
    A patient spoken of only as someone else has the sex the words for them give ("he", "my
    2yo son"), unless the text says otherwise.
    """

    def __call__(self, doc: Doc) -> Doc:
        text = blank(doc._.norm_text, doc._.not_patient or ())
        demographics, doc._.statements = read_demographics(text, doc._.norm_text)
        if demographics.sex is None and doc._.referent_sex is not None:
            demographics = replace(demographics, sex=doc._.referent_sex)
        doc._.demographics = demographics
        return doc
