"""Reading the patient's turn: button payloads, yes/no answers, age and sex replies.

Pure helpers used by the engine; they never decide what to say.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace

from symcheck.clinical.interview.protocol import Act, Turn
from symcheck.clinical.nlu import attributes
from symcheck.clinical.nlu.answers import Answer, parse_answer
from symcheck.clinical.nlu.demographics import parse_age_answer, parse_sex_answer
from symcheck.clinical.nlu.extractor import Extraction, Mention
from symcheck.clinical.nlu.text import normalise, tokenize
from symcheck.clinical.patient import Observation, Sex

_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w-]*)(?P<entities>\{.*\})?\s*$", re.DOTALL)
_AGE_WITH_UNIT = re.compile(
    r"^(?:about |around |nearly |almost )?(\d{1,3}(?:\.\d)?)\s*-?\s*"
    r"(day|week|wk|month|mo|year|yr)s?(?:\s*old)?\.?$"
)
_AGE_UNITS = {"day": 1 / 365, "week": 7 / 365, "wk": 7 / 365, "month": 1 / 12, "mo": 1 / 12}
_MAX_AGE = 120.0
_DECLINE = re.compile(
    r"\b(rather not|prefer not|dont want to (say|tell)|wont say|not telling|none of your|"
    r"private|skip)\b"
)
# Words that mark a reply as a correction of an earlier answer rather than an answer.
_CORRECTION_CUE = re.compile(
    r"\b(mistakes?|mistaken|wrong|chang(e|ed|ing)|actually|meant|mean|undo|go(ing)? back|"
    r"back up)\b"
)
# Tokens that end the opening clause of a reply ("no, but...", "yes and...").
_CLAUSE_BREAK = frozenset({",", ".", ";", ":", "!", "?", "-", "but", "and", "though", "although"})


def without_payload(turn: Turn) -> Turn:
    """A button payload (``/inform_sex{"sex": "female"}``) turned into entities, no text.

    Free text is returned unchanged.
    """
    match = _PAYLOAD.match(turn.text.strip())
    if not match:
        return turn
    entities = dict(turn.entities)
    raw = match.group("entities")
    if raw:
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = {}
        if isinstance(parsed, dict):
            entities.update({str(k): str(v) for k, v in parsed.items() if v is not None})
    return replace(turn, text="", entities=entities)


def yes_no(turn: Turn) -> Answer | None:
    """The yes / no / don't-know meaning of the turn (act first, then the words)."""
    if turn.act is Act.AFFIRM:
        return Answer.YES
    if turn.act is Act.DENY:
        return Answer.NO
    if turn.act is Act.DONT_KNOW:
        return Answer.DONT_KNOW
    return parse_answer(turn.text) if turn.text else None


def is_plain_answer(turn: Turn) -> bool:
    """The words read as a yes / no / don't-know reply, with no sign of a correction.

    The NLU sometimes takes a plain answer ("no idea sorry", "nope") for a correction; while
    a question waits, such a reply answers it rather than undoing the previous answer.
    Correction cues ("mistake", "wrong", "change", "actually", "meant", "undo", "go back")
    keep it a correction.
    """
    if not turn.text:
        return False
    text = normalise(turn.text)
    return parse_answer(text) is not None and not _CORRECTION_CUE.search(text)


def read_answer(turn: Turn, extraction: Extraction, finding_id: str) -> Observation | None:
    """The answer to "do you have <finding_id>?", or ``None`` if the turn does not answer it.

    An explicit mention of the finding in the text (or of a more specific or more general
    form that settles it) wins over the yes/no act ("no fever but a cough" answers *fever:
    no*). When the text is about other findings only, a yes or no answers the question only
    if it stands apart at the start ("no, but I have a fever"): "I don't have a fever" says
    nothing about chest pain. A yes picks up duration, severity and onset from the text.
    """
    mentioned = extraction.observations.get(finding_id)
    if mentioned is not None:
        return mentioned
    answer = yes_no(turn)
    if answer is None:
        return None
    others = [m for m in extraction.mentions if m.finding_id != finding_id]
    if others and turn.text and not _leads_with_answer(turn.text, others):
        return None
    if answer is Answer.YES:
        clause = normalise(turn.text)
        return Observation(
            present=True,
            duration_hours=attributes.duration_hours(clause),
            severity=attributes.severity(clause),
            onset=attributes.onset(clause),
        )
    return Observation(present=False if answer is Answer.NO else None)


def _leads_with_answer(text: str, mentions: Sequence[Mention]) -> bool:
    """The reply opens with a clause that is only a yes / no / don't know, and every finding
    it mentions comes after that clause."""
    tokens = tokenize(text)
    cut = next((i for i, t in enumerate(tokens) if t.text in _CLAUSE_BREAK), len(tokens))
    if cut == 0 or any(m.start < cut for m in mentions):
        return False
    norm = normalise(text)
    head = norm[: tokens[cut].start] if cut < len(tokens) else norm
    return parse_answer(head) is not None


def read_age(turn: Turn) -> float | None:
    """Age in years from an answer to "How old are you?" ("34", "6 months", entity)."""
    for text in (turn.text, turn.entities.get("age", "")):
        if not text:
            continue
        age = parse_age_answer(text)
        if age is None:
            match = _AGE_WITH_UNIT.match(normalise(text).strip())
            if match:
                value = float(match.group(1))
                age = value * _AGE_UNITS.get(match.group(2), 1.0)
        if age is not None and 0 <= age <= _MAX_AGE:
            return round(age, 3)
    return None


def read_sex(turn: Turn) -> Sex | None:
    """Sex from an answer to the sex question (button entity or words)."""
    for text in (turn.entities.get("sex", ""), turn.text):
        if text:
            sex = parse_sex_answer(text)
            if sex is not None:
                return sex
    return None


def declined(turn: Turn) -> bool:
    """The patient would rather not say (or does not know)."""
    if yes_no(turn) is Answer.DONT_KNOW:
        return True
    return bool(turn.text) and bool(_DECLINE.search(normalise(turn.text)))
