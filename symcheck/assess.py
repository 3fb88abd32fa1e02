"""Assess cases with a simulated patient, through the same engine and rules the bot uses.

Contract (``symcheck assess``; reviewers and evaluators depend on it, keep it stable):

- input, one JSON object per line::

    {"id": str, "text": str, "age": int | null, "sex": "female" | "male" | null,
     "facts": {finding phrase: true | false | string} | null}

- output, one JSON object per input line, same order::

    {"id": str, "triage": <disposition>, "red_flags": [rule ids],
     "conditions": [{"name": str, "icd10": str, "score": float}],   # top 5, best first
     "questions_asked": int}

  or ``{"id": str, "error": str}`` for a case that cannot be handled (the run goes on),
  including an interview that did not finish (``"interview did not finish: <reason>"``):
  the complaint was not understood and a clinician was offered, or the turn limit was hit.
  Only an assessment is reported as a triage: a result (a low-confidence one included), a
  red-flag interrupt, or an emergency result handed to a clinician.

The simulated patient opens with ``text``, gives ``age`` and ``sex`` when asked (or would
rather not say when they are null), and answers each question from ``facts``. Fact phrases are
matched to findings by the bot's own language understanding (the finding extractor; a string
value such as ``"3 days"`` counts as present, with the string appended so its duration,
severity or onset is read), falling back to an exact finding id or name. Questions about
anything else are answered "don't know"; it accepts a clinician when one is offered. When a
red flag interrupts, the triage is the rule's disposition and the conditions are those scored
so far. Triage and conditions are read from the same case summary a clinician sees
(conditions that explain a reported finding, best first).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.clinical.interview.protocol import Act, HandoffReason, Turn
from symcheck.clinical.interview.state import InterviewState, Phase, ResultRecord
from symcheck.clinical.nlu.text import normalise
from symcheck.clinical.patient import Observation

_TERMINAL = (Phase.RESULT, Phase.HANDOFF, Phase.CLOSED)
_TOP = 5
_PREGNANT = re.compile(r"\bpregnan")


class CaseError(ValueError):
    """A case line is malformed."""


@dataclass(frozen=True)
class Case:
    """One input line."""

    id: str
    text: str
    age: float | None = None
    sex: str | None = None
    facts: Mapping[str, bool | str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Answer:
    present: bool
    words: str  # what the patient types when a yes needs details ("fever 3 days")


def parse_case(line: str, line_number: int) -> Case:
    """Parse and validate one JSON line; raises :class:`CaseError`."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CaseError(f"line {line_number}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise CaseError(f"line {line_number}: expected a JSON object")
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise CaseError(f"line {line_number}: 'id' must be a non-empty string")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CaseError("'text' must be a non-empty string")
    age = data.get("age")
    if age is not None and (
        isinstance(age, bool)
        or not isinstance(age, int | float)
        or not math.isfinite(age)
        or not 0 <= age <= 120
    ):
        raise CaseError("'age' must be a number of years from 0 to 120, or null")
    sex = data.get("sex")
    if sex not in (None, "female", "male"):
        raise CaseError("'sex' must be 'female', 'male' or null")
    facts = data.get("facts") or {}
    if not isinstance(facts, dict) or not all(
        isinstance(k, str) and isinstance(v, bool | str) for k, v in facts.items()
    ):
        raise CaseError("'facts' must map phrases to true, false or a string")
    return Case(id=case_id, text=text, age=age, sex=sex, facts=facts)


def case_id_of(line: str, line_number: int) -> str:
    """The id to report for a line that failed, as best we can tell."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return f"line-{line_number}"
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
        return str(data["id"])
    return f"line-{line_number}"


class SimulatedPatient:
    """Answers the engine's prompts from a case."""

    def __init__(self, engine: InterviewEngine, case: Case) -> None:
        self._case = case
        self._answers = _match_facts(engine, case.facts)
        self._pregnant = next(
            (v for k, v in case.facts.items() if isinstance(v, bool) and _PREGNANT.search(k)),
            None,
        )

    def opening(self) -> Turn:
        return Turn(Act.DESCRIBE, self._case.text)

    def reply(self, state: InterviewState) -> Turn:
        """The patient's next message, given where the interview is."""
        case = self._case
        if state.phase is Phase.COMPLAINT:
            if state.offer is not None:
                return Turn(Act.AFFIRM)  # accepts the clinician offered after two failures
            present = [k for k, v in case.facts.items() if v is not False]
            return Turn(Act.DESCRIBE, ", ".join(present) or case.text)
        if state.phase is Phase.AGE:
            if case.age is None:
                return Turn(Act.DONT_KNOW, "I'd rather not say")
            return Turn(Act.INFORM, _spoken_age(case.age))
        if state.phase is Phase.SEX:
            if case.sex is None:
                return Turn(Act.DONT_KNOW, "I'd rather not say")
            return Turn(Act.INFORM, case.sex, entities={"sex": case.sex})
        if state.phase is Phase.PREGNANCY:
            if self._pregnant is None:
                return Turn(Act.DONT_KNOW)
            return Turn(Act.AFFIRM if self._pregnant else Act.DENY)
        answer = self._answers.get(state.current or "")
        if answer is None:
            return Turn(Act.DONT_KNOW)
        if not answer.present:
            return Turn(Act.DENY)
        return Turn(Act.AFFIRM, f"yes, {answer.words}" if answer.words else "")


def _spoken_age(age: float) -> str:
    """The age as a parent would type it: babies in weeks or months, not "0.06" years."""
    if age >= 1:
        return f"{age:g}"
    if age < 0.25:
        weeks = max(1, round(age * 52.18))
        return f"{weeks} week{'s' if weeks > 1 else ''}"
    months = max(1, round(age * 12))
    return f"{months} month{'s' if months > 1 else ''}"


#: Called with the case id and the interview state after every step (for evaluation curves).
StepObserver = Callable[[str, InterviewState], None]


def assess_case(
    engine: InterviewEngine, case: Case, observe: StepObserver | None = None
) -> dict[str, Any]:
    """Run one interview to its end and report it in the output contract."""
    patient = SimulatedPatient(engine, case)
    state = engine.new_state()
    turn = patient.opening()
    for _ in range(_turn_limit(engine)):
        state = engine.step(state, turn).state
        if observe is not None:
            observe(case.id, state)
        if state.phase in _TERMINAL:
            break
        turn = patient.reply(state)
    unfinished = _unfinished(state)
    if unfinished is not None or state.result is None:
        return {"id": case.id, "error": f"interview did not finish: {unfinished}"}
    return _report(engine, case.id, state, state.result)


def assess_lines(
    engine: InterviewEngine, lines: Iterable[str], observe: StepObserver | None = None
) -> Iterator[dict[str, Any]]:
    """One output record per non-blank input line, in order; failures become error records."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = parse_case(line, number)
        except CaseError as exc:
            yield {"id": case_id_of(line, number), "error": str(exc)}
            continue
        try:
            yield assess_case(engine, case, observe)
        except Exception as exc:
            yield {"id": case.id, "error": f"{type(exc).__name__}: {exc}"}


def _unfinished(state: InterviewState) -> str | None:
    """Why the interview gave no assessment, or ``None`` when it did.

    An assessment is a result given to the patient (low-confidence results included) or a
    red-flag interrupt; both leave a result record. A handoff without one (the complaint was
    not understood, or a clinician was asked for) and a conversation still going at the turn
    limit are not assessments.
    """
    if state.result is not None and state.phase in _TERMINAL:
        return None
    if state.phase is Phase.HANDOFF:
        if state.handoff_reason is HandoffReason.NOT_UNDERSTOOD:
            return "the complaint was not understood (handed to a clinician)"
        reason = state.handoff_reason.value if state.handoff_reason else "unknown"
        return f"handed to a clinician before a result (reason: {reason})"
    return f"turn limit reached (phase: {state.phase.value})"


def _report(
    engine: InterviewEngine, case_id: str, state: InterviewState, result: ResultRecord
) -> dict[str, Any]:
    """The output record: what the clinician summary says about the finished interview."""
    summary = engine.summary(state)
    triage = summary.disposition or result.disposition.value
    return {
        "id": case_id,
        "triage": triage,
        "red_flags": list(state.fired_rule_ids),
        "conditions": [
            {"name": c.name, "icd10": c.icd10, "score": c.score}
            for c in summary.top_conditions[:_TOP]
        ],
        "questions_asked": state.questions_asked,
    }


def _match_facts(engine: InterviewEngine, facts: Mapping[str, bool | str]) -> dict[str, _Answer]:
    """Finding id -> the simulated answer, from the case's fact phrases.

    Explicitly matched findings win over ones only implied through the hierarchy; among
    explicit matches the first phrase wins.
    """
    explicit: dict[str, _Answer] = {}
    implied: dict[str, _Answer] = {}
    for phrase, value in facts.items():
        present = value is not False
        words = f"{phrase} {value}" if isinstance(value, str) else phrase
        observations = _phrase_findings(engine, phrase, words if present else phrase)
        if not observations:
            continue
        direct = {fid: obs for fid, obs in observations.items() if obs is not None}
        for fid, obs in direct.items():
            # "no fever": true reports fever absent; a negated phrase flips the value.
            says_present = present if obs.present is not False else not present
            explicit.setdefault(fid, _Answer(says_present, words if says_present else ""))
        for fid, answer in _implications(engine, explicit, direct).items():
            implied.setdefault(fid, answer)
    return {**implied, **explicit}


def _phrase_findings(
    engine: InterviewEngine, phrase: str, words: str
) -> dict[str, Observation | None]:
    extraction = engine.extractor.extract(words)
    found: dict[str, Observation | None] = {}
    for mention in extraction.mentions:
        # A mention need not come with an observation: "temperature 37.9" names the fever
        # finding but is deliberately not read as a fever. Skip it rather than guess.
        observation = extraction.observations.get(mention.finding_id)
        if observation is None:
            continue
        found.setdefault(mention.finding_id, observation)
    if found:
        return found
    key = normalise(phrase).strip().replace("_", " ")
    for fid, finding in engine.kb.findings.items():
        if key in (fid.replace("_", " "), finding.name.lower()):
            return {fid: Observation(present=True)}
    return {}


def _implications(
    engine: InterviewEngine,
    explicit: Mapping[str, _Answer],
    direct: Mapping[str, Observation | None],
) -> dict[str, _Answer]:
    out: dict[str, _Answer] = {}
    for fid in direct:
        answer = explicit[fid]
        implied = engine.extractor.with_implications({fid: Observation(present=answer.present)})
        for other, obs in implied.items():
            if other != fid and obs.present is not None:
                out[other] = _Answer(obs.present, "")
    return out


def _turn_limit(engine: InterviewEngine) -> int:
    # complaint (2 tries + offer) + 3 demographics + questions with a retry each, generously
    return 10 + 3 * engine.config.max_questions
