"""Synthetic patients rendered into what they would type: an opening message and replies.

The opening message says the complaint in lay words, the way patients write to a symptom
checker: a phrase for each volunteered finding (mostly the knowledge base's lay synonyms, some
misspellings, the clinical name, or the follow-up question turned into a statement: "do you
have pain in your chest" -> "i have pain in my chest"), joined
in varied ways, often with who it is about ("my son has ..."), how long, how bad, a denial
("no fever tho"), the age and sex, and filler. Replies are what the interview's free-text
answers look like: the age, the sex, and now and then "yes, <phrase>" for a symptom.

Rendering is pure and deterministic given the ``numpy`` generator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from symcheck.clinical.classifier.synthetic import SyntheticPatient
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import Finding
from symcheck.clinical.patient import Sex

_SELF_OPENERS = (
    "{m}",
    "i have {m}",
    "i've got {m}",
    "ive got {m}",
    "i'm having {m}",
    "hi, {m}",
    "hello, i have {m}",
    "hi there i've been getting {m}",
    "help, {m}",
    "{m} and i'm worried",
    "not feeling great. {m}",
    "so basically {m}",
    "i think i have {m}",
    "been suffering with {m}",
    "{m}, what should i do",
    "good morning, {m}",
)
_OTHER_OPENERS = (
    "my {who} has {m}",
    "my {who} has got {m}",
    "my {who} is having {m}",
    "{who} has {m}",
    "hi, my {who} has been having {m}",
    "worried about my {who}, {m}",
    "my {who} {m}",
)
_JOINERS = (", ", " and ", ", and ", ". also ", " plus ", ". ", " & ", " with ")
_DURATIONS = (
    "for 3 days",
    "since yesterday",
    "since this morning",
    "for a couple of weeks",
    "for about 2 hours",
    "for months now",
    "since last night",
    "for a week",
    "for 20 minutes",
    "on and off for a few days",
    "since tuesday",
    "for ages",
)
_SEVERITIES = ("really bad", "quite mild", "7/10", "worst ever", "getting worse", "not too bad")
_ONSETS = ("came on suddenly", "started gradually", "out of nowhere")
_FILLERS = (
    "not sure what to do",
    "it's really worrying me",
    "any advice?",
    "is this serious?",
    "please help",
    "can't sleep because of it",
    "had this before",
    "took paracetamol",
    "",
)
_YES = ("yes", "yeah", "yes,", "yep", "yes i have")
_CHILD_WHO = {Sex.FEMALE: ("daughter", "little girl", "baby"), Sex.MALE: ("son", "little boy")}
_ADULT_WHO = {Sex.FEMALE: ("mum", "wife", "mother"), Sex.MALE: ("dad", "husband", "father")}
_QUESTION_HEADS = (
    (re.compile(r"^have you (been |had |got |noticed |felt |)"), r"i have \1"),
    (re.compile(r"^do you "), "i "),
    (re.compile(r"^are you "), "i am "),
    (re.compile(r"^did you "), "i "),
    (re.compile(r"^(is|are) there "), r"there \1 "),
)
_PRONOUNS = ((r"\byourself\b", "myself"), (r"\byour\b", "my"), (r"\byou\b", "i"))
_PARENS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Narrative:
    """What the synthetic patient types: the opening message and later free-text replies."""

    opening: str
    replies: tuple[str, ...] = ()

    @property
    def messages(self) -> tuple[str, ...]:
        """Every message in order, the opening first."""
        return (self.opening, *self.replies)


def render(patient: SyntheticPatient, kb: KnowledgeBase, rng: np.random.Generator) -> Narrative:
    """The patient's opening message and replies (see the module docstring)."""
    phrases = [
        _with_details(finding_phrase(kb.findings[f], rng), kb.findings[f], rng)
        for f in patient.complaint
    ]
    body = phrases[0]
    for phrase in phrases[1:]:
        body += _pick(_JOINERS, rng) + phrase
    denied = [f for f, answer in patient.answers if answer is False]
    if denied and rng.random() < 0.3:
        body += _pick((", no ", ". no ", " but no ", ", not "), rng) + _pick(
            kb.findings[_pick(denied, rng)].synonyms, rng
        )
    about_other = patient.age_years is not None and (
        patient.age_years < 12 or (patient.age_years >= 75 and rng.random() < 0.4)
    )
    if about_other and patient.sex is not None:
        who_by_sex = (
            _CHILD_WHO if patient.age_years is not None and patient.age_years < 12 else (_ADULT_WHO)
        )
        opening = _pick(_OTHER_OPENERS, rng).format(who=_pick(who_by_sex[patient.sex], rng), m=body)
    else:
        opening = _pick(_SELF_OPENERS, rng).format(m=body)
    if rng.random() < 0.2 and patient.age_years is not None:
        opening += ". " + _age_statement(patient, rng)
    if rng.random() < 0.3:
        filler = _pick(_FILLERS, rng)
        opening += f". {filler}" if filler else ""
    replies: list[str] = []
    if patient.age_years is not None and rng.random() < 0.8:
        replies.append(_age_words(patient.age_years))
    if patient.sex is not None and rng.random() < 0.8:
        replies.append(patient.sex.value)
    for fid, answer in patient.answers:
        if answer is True and rng.random() < 0.25:
            replies.append(f"{_pick(_YES, rng)} {finding_phrase(kb.findings[fid], rng)}")
    return Narrative(_noisy(opening, rng), tuple(replies))


def finding_phrase(finding: Finding, rng: np.random.Generator) -> str:
    """One lay way of saying the finding: a synonym (mostly), a misspelling, the clinical
    name or the question turned into a statement."""
    roll = rng.random()
    if roll < 0.1 and finding.misspellings:
        return _pick(finding.misspellings, rng)
    if roll < 0.2:
        return finding.name.lower()
    if roll < 0.3:
        statement = question_statement(finding.question)
        if statement:
            return statement
    return _pick(finding.synonyms, rng)


def question_statement(question: str) -> str | None:
    """A yes/no question as the patient's statement, or ``None`` when it has no known shape.

    ``"Do you have pain or discomfort in your chest?"`` ->
    ``"i have pain or discomfort in my chest"``.
    """
    text = _PARENS.sub("", question).strip().rstrip("?").lower()
    for pattern, replacement in _QUESTION_HEADS:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
            for pronoun, mine in _PRONOUNS:
                text = re.sub(pronoun, mine, text)
            return " ".join(text.split())
    return None


def _with_details(phrase: str, finding: Finding, rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"{phrase} {_pick(_DURATIONS, rng)}"
    if roll < 0.4:
        return f"{phrase}, {_pick(_SEVERITIES, rng)}"
    if roll < 0.45:
        return f"{phrase}, {_pick(_ONSETS, rng)}"
    return phrase


def _age_statement(patient: SyntheticPatient, rng: np.random.Generator) -> str:
    age = patient.age_years or 0.0
    if age < 1:
        return f"{round(age * 12)} months old"
    noun = {Sex.FEMALE: "woman", Sex.MALE: "man", None: "person"}[patient.sex]
    if age < 18:
        noun = {Sex.FEMALE: "girl", Sex.MALE: "boy", None: "child"}[patient.sex]
    return _pick((f"i'm a {age:g} year old {noun}", f"{age:g} yo {noun}", f"aged {age:g}"), rng)


def _age_words(age: float) -> str:
    return f"{round(age * 12)} months" if age < 1 else f"{age:g}"


def _noisy(text: str, rng: np.random.Generator) -> str:
    """Everyday noise: no apostrophes, no full stops, or shouting, now and then."""
    roll = rng.random()
    if roll < 0.15:
        text = text.replace("'", "")
    elif roll < 0.25:
        text = text.replace(". ", " ")
    elif roll < 0.28:
        text = text.upper()
    elif roll < 0.5:
        text = text[:1].upper() + text[1:]
    return text


def _pick(options: Sequence[str], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]
