"""Reading button payloads and answers."""

from __future__ import annotations

import pytest

from symcheck.clinical.interview.protocol import Act, Turn
from symcheck.clinical.interview.reading import (
    declined,
    is_plain_answer,
    read_age,
    read_answer,
    read_sex,
    without_payload,
)
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Sex
from tests.fixtures.kb_small import small_kb


def test_payloads_become_entities_without_text() -> None:
    turn = without_payload(Turn(Act.INFORM, '/inform_sex{"sex": "female"}'))
    assert turn.text == ""
    assert turn.entities == {"sex": "female"}
    assert without_payload(Turn(Act.AFFIRM, "/affirm")).text == ""
    assert without_payload(Turn(Act.DESCRIBE, "a/b pain")).text == "a/b pain"
    assert without_payload(Turn(Act.INFORM, "/inform_sex{broken")).text == "/inform_sex{broken"


@pytest.mark.parametrize(
    ("text", "years"),
    [("34", 34), ("6 months", 0.5), ("3 weeks old", 0.058), ("about 40 years", 40), ("x", None)],
)
def test_read_age(text: str, years: float | None) -> None:
    assert read_age(Turn(Act.INFORM, text)) == (pytest.approx(years) if years else None)


def test_read_sex_and_declined() -> None:
    assert read_sex(Turn(Act.INFORM, entities={"sex": "male"})) is Sex.MALE
    assert read_sex(Turn(Act.INFORM, "woman")) is Sex.FEMALE
    assert declined(Turn(Act.DONT_KNOW))
    assert declined(Turn(Act.UNCLEAR, "I'd rather not say"))


def test_read_answer() -> None:
    extractor = FindingExtractor(small_kb())

    def answer(act: Act, text: str, fid: str = "fever") -> bool | str | None:
        obs = read_answer(Turn(act, text), extractor.extract(text), fid)
        return "unclear" if obs is None else obs.present

    assert answer(Act.AFFIRM, "") is True
    assert answer(Act.DENY, "") is False
    assert answer(Act.DONT_KNOW, "") is None
    assert answer(Act.UNCLEAR, "nope") is False
    assert answer(Act.UNCLEAR, "purple") == "unclear"
    assert answer(Act.DENY, "no fever but a cough") is False
    assert answer(Act.DENY, "no fever but a cough", "cough") is True
    assert answer(Act.AFFIRM, "yes but no fever") is False


def test_an_answer_about_other_findings_only_does_not_answer_the_question() -> None:
    extractor = FindingExtractor(small_kb())

    def answer(act: Act, text: str, fid: str = "chest_pain") -> bool | str | None:
        obs = read_answer(Turn(act, text), extractor.extract(text), fid)
        return "unclear" if obs is None else obs.present

    assert answer(Act.DENY, "I don't have a fever") == "unclear"
    assert answer(Act.AFFIRM, "I have a cough") == "unclear"
    assert answer(Act.DENY, "no, but I have a fever") is False
    assert answer(Act.AFFIRM, "yes and a cough too") is True
    assert answer(Act.DENY, "no fever") == "unclear"  # about the fever, not the chest
    # A more specific form settles the general question.
    assert answer(Act.AFFIRM, "I have crushing chest pain") is True


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("no idea sorry", True),
        ("nope", True),
        ("yes", True),
        ("not sure", True),
        ("no, I made a mistake", False),
        ("yes actually", False),
        ("I meant no", False),
        ("wrong answer, go back", False),
        ("sorry, I do have a sore throat", False),
        ("", False),
    ],
)
def test_is_plain_answer(text: str, plain: bool) -> None:
    assert is_plain_answer(Turn(Act.CORRECT, text)) is plain
