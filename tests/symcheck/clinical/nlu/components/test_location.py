"""The body site of a finding: one sentence, one expected location each."""

from __future__ import annotations

import pytest
from spacy.language import Language


def _location(nlp: Language, text: str, finding: str) -> str | None:
    doc = nlp(text)  # spans need their Doc alive
    found = [s._.location for s in doc.spans["findings"] if s.label_ == finding]
    assert found, f"{finding} not matched in {text!r}"
    return next((location for location in found if location), None)


@pytest.mark.parametrize(
    ("text", "finding", "location"),
    [
        ("chest pain", "chest_pain", "chest"),
        ("pain in my left knee", "knee_pain", "left knee"),
        ("lower back pain", "back_pain", "lower back"),
        (
            "pain in the lower right side of my tummy",
            "right_lower_abdominal_pain",
            "right lower abdomen",
        ),
        ("rash on my legs", "rash", "leg"),
        ("numb feeling in my left arm", "numbness_tingling", "left arm"),
        ("dog bit my hand", "animal_bite", "hand"),
        ("pain down the back of my leg", "sciatica_leg_pain", "leg"),
        ("my neck hurts on the left", "neck_pain", "left neck"),
        ("both my knees ache", "knee_pain", "both knee"),
        ("my knee is swollen and stiff", "joint_stiffness", "knee"),
        ("itchy spots on my back", "itchy_skin", "back"),
        ("swollen ankles", "leg_swelling", "ankle"),
        ("headache", "headache", None),
        ("chest pain and a cough", "cough", None),
        ("fever my chest hurts", "fever", None),
        ("no swelling in my legs", "leg_swelling", None),
        ("back from spain with a fever", "fever", None),
    ],
)
def test_location(nlp: Language, text: str, finding: str, location: str | None) -> None:
    assert _location(nlp, text, finding) == location
