"""The interview engine: a pure function from (state, patient turn) to (state, replies, signals).

One step:

1. show the greeting and consent notice if this is the first turn of the conversation;
2. read the turn in the light of the current phase (complaint, demographics, follow-up
   question, result...) and update the facts;
3. re-evaluate every red-flag rule on the updated facts; a newly fired emergency rule
   interrupts whatever was happening (emergency advice, ``red_flag`` and ``handoff`` signals);
4. otherwise move on: ask the next missing demographic or the most useful question, or give
   the result when there is nothing worth asking.

All wording comes from :mod:`symcheck.clinical.interview.copy`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview import copy as wording
from symcheck.clinical.interview.protocol import (
    Act,
    Button,
    HandoffReason,
    Reply,
    Signal,
    SignalType,
    Turn,
)
from symcheck.clinical.interview.reading import (
    declined,
    is_plain_answer,
    read_age,
    read_answer,
    read_sex,
    without_payload,
    yes_no,
)
from symcheck.clinical.interview.state import (
    AnswerRecord,
    ConditionResult,
    InterviewState,
    Offer,
    Phase,
    ResultRecord,
)
from symcheck.clinical.interview.summary import CaseSummary, ConditionLine, RuleLine
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu.answers import Answer
from symcheck.clinical.nlu.extractor import Extraction, FindingExtractor
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.questions import Priority, QuestionChoice, QuestionSelector
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.rules.ruleset import RuleSet
from symcheck.clinical.safety import check_facts
from symcheck.clinical.scoring.base import (
    ConditionScorer,
    EncodingScorer,
    Evidence,
    Posterior,
    Ranking,
)
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from symcheck.clinical.triage import ReasonKind, TriageDecision, Triager

#: Below this top-condition probability a clinician reviews the result. The knowledge base
#: holds dozens of conditions, so a top condition under 30% after the questions means the
#: findings fit several conditions about equally (or none): the differential is not a useful
#: guide and a person should look at it. The same holds when "none of these" (with the
#: conditions that explain nothing reported) is at least as likely as the best condition.
LOW_CONFIDENCE = 0.30
SHOWN_CONDITIONS = 3  # told to the patient
RESULT_CONDITIONS = 5  # kept in the result and the summary
PREGNANCY_AGES = (12.0, 56.0)  # ask about pregnancy from 12 to 55 inclusive
#: Messages in a row without a recognised symptom before a clinician is offered.
COMPLAINT_ATTEMPTS = 2
#: The least urgent handoff for a patient the engine could not assess (not understood, or a
#: clinician asked for before any result): nobody has judged them yet, so they must not wait
#: at the bottom of the queue (the gateway uses the same level for an unknown handoff).
UNASSESSED_MINIMUM = Disposition.CONSULTATION_24
_META_ACTS = (Act.HELP, Act.OUT_OF_SCOPE, Act.GREET, Act.GOODBYE, Act.THANK)
_PENDING_ANSWER = (Phase.AGE, Phase.SEX, Phase.PREGNANCY, Phase.RESULT)


@dataclass(frozen=True)
class EngineConfig:
    """Per-deployment settings of the interview."""

    clinic_name: str = "the clinic"
    emergency_number: str = "112"
    max_questions: int = 15
    #: With another scorer than the knowledge-base one (the transformer classifier pooled
    #: with it), the advice the knowledge-base scorer alone would give is a floor: another
    #: scorer may raise the advice, never lower it (as the red-flag rules set theirs).
    kb_triage_floor: bool = True
    #: Rank with the knowledge-base scorer and choose the question in a worker thread while
    #: the other scorers of a pool (the classifier) score (see :meth:`InterviewEngine.assess`).
    parallel_scoring: bool = True


@dataclass(frozen=True)
class StepResult:
    state: InterviewState
    replies: tuple[Reply, ...]
    signals: tuple[Signal, ...] = ()


@dataclass(frozen=True)
class Estimate:
    """The current view of the case: condition ranking and triage decision.

    ``kb_ranking`` is the knowledge-base scorer's own ranking, which steers the questions
    (the selector's look-ahead is computed under that model); it is ``ranking`` itself when
    the engine scores with the knowledge base alone.
    """

    ranking: Ranking
    decision: TriageDecision
    kb_ranking: Ranking | None = None
    kb_decision: TriageDecision | None = None  # the triage on ``kb_ranking``

    @property
    def question_ranking(self) -> Ranking:
        return self.kb_ranking if self.kb_ranking is not None else self.ranking

    @property
    def question_decision(self) -> TriageDecision:
        """The triage decision on :attr:`question_ranking` (before any other scorer)."""
        if self.kb_ranking is None:
            return self.decision
        if self.kb_decision is None:
            raise ValueError("an estimate with a kb_ranking needs its kb_decision")
        return self.kb_decision


@dataclass
class _Draft:
    """The step being built (local to one :meth:`InterviewEngine.step` call)."""

    state: InterviewState
    replies: list[Reply] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    greeting: int = 0  # replies before this index are the consent notice

    def say(self, text: str, buttons: Sequence[Button] = ()) -> None:
        self.replies.append(Reply(text, tuple(buttons)))

    def update(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)


class InterviewEngine:
    """Runs interviews over one knowledge base and rule set.

    Build once per process (see :func:`symcheck.clinical.engine_factory.load_interview_engine`);
    :meth:`step` and :meth:`summary` are pure and thread-safe.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        rules: RuleSet,
        *,
        extractor: FindingExtractor | None = None,
        scorer: ConditionScorer | None = None,
        config: EngineConfig | None = None,
    ) -> None:
        self.kb = kb
        self.rules = rules
        self.config = config or EngineConfig()
        self.extractor = extractor or FindingExtractor(kb)
        self.scorer: ConditionScorer = scorer or NaiveBayesScorer(kb)
        # The knowledge-base scorer: the scorer itself or its knowledge-base part (one model,
        # ranked once per estimate), else a new one.
        naive_bayes = _kb_part(self.scorer) or NaiveBayesScorer(kb)
        self._kb_scorer = naive_bayes
        self.triager = Triager(kb)
        self.selector = QuestionSelector(kb, rules, naive_bayes.model, self.triager)
        self.copy = wording.Copy(self.config.clinic_name, self.config.emergency_number)
        self._pool: tuple[int, ThreadPoolExecutor] | None = None
        self._pool_lock = threading.Lock()

    # -- public API ---------------------------------------------------------------------------

    def new_state(self) -> InterviewState:
        return InterviewState()

    def step(self, state: InterviewState, turn: Turn) -> StepResult:
        """Process one patient turn."""
        turn = without_payload(turn)
        draft = _Draft(state.with_text(turn.text))
        if not state.consent_shown:
            draft.say(self.copy.consent())
            draft.update(consent_shown=True, phase=Phase.COMPLAINT)
        draft.greeting = len(draft.replies)
        extraction = self.extractor.extract(turn.text) if turn.text else Extraction()
        advance = self._handle(draft, turn, extraction)
        if self._red_flags(draft, turn):
            return _done(draft)
        if turn.act is Act.EMERGENCY:
            draft.replies.insert(draft.greeting, Reply(self.copy.maybe_emergency()))
        if advance:
            self._advance(draft)
        return _done(draft)

    def estimate(self, state: InterviewState) -> Estimate:
        """Rank the conditions and triage on what is known now (see
        :attr:`EngineConfig.kb_triage_floor`)."""
        evidence = Evidence(state.facts, state.texts)
        fired = self._fired(state)
        if self.scorer is self._kb_scorer:
            ranking = self.scorer.rank(evidence)
            return Estimate(ranking, self.triager.decide(state.facts, ranking, fired))
        ranking, kb_ranking = self._rank_with_kb(evidence)
        decision = self.triager.decide(state.facts, ranking, fired)
        kb_decision = self.triager.decide(state.facts, kb_ranking, fired)
        if self.config.kb_triage_floor and (
            kb_decision.disposition.urgency > decision.disposition.urgency
        ):
            decision = kb_decision
        return Estimate(ranking, decision, kb_ranking, kb_decision)

    def assess(self, state: InterviewState) -> tuple[Estimate, QuestionChoice]:
        """:meth:`estimate` and :meth:`choose` at once (the same results).

        The questions are chosen under the knowledge-base scorer alone, so with a pooled
        scorer (the transformer classifier) the knowledge-base ranking, its triage and the
        question choice run in a worker thread while this one scores with the other scorers;
        the encoder releases the GIL, so on two cores the two overlap. The encoder runs here,
        where the GIL already is: it starts at once, and the worker's start-up (the thread
        being scheduled) falls on the look-ahead, which has time to spare.
        """
        scorer = self.scorer
        if not (self.config.parallel_scoring and isinstance(scorer, CombinedScorer)):
            estimate = self.estimate(state)
            return estimate, self.choose(state, estimate)
        evidence = Evidence(state.facts, state.texts)
        fired = self._fired(state)

        def look_ahead() -> tuple[Ranking, TriageDecision, QuestionChoice]:  # in the worker
            kb_ranking = self._kb_scorer.rank(evidence)
            kb_decision = self.triager.decide(state.facts, kb_ranking, fired)
            return kb_ranking, kb_decision, self.choose(state, Estimate(kb_ranking, kb_decision))

        kb_job = self._worker().submit(look_ahead)
        try:
            parts = [
                None if part is self._kb_scorer else _scored(part, evidence)
                for part, _ in scorer.scorers
            ]
        except BaseException:
            kb_job.cancel()
            raise
        kb_ranking, kb_decision, choice = kb_job.result()
        ranking = scorer.pool([kb_ranking if part is None else part for part in parts])
        decision = self.triager.decide(state.facts, ranking, fired)
        if self.config.kb_triage_floor and (
            kb_decision.disposition.urgency > decision.disposition.urgency
        ):
            decision = kb_decision
        return Estimate(ranking, decision, kb_ranking, kb_decision), choice

    def _worker(self) -> ThreadPoolExecutor:
        """The thread pool for :meth:`assess` (one per process: a forked child makes its
        own, the parent's threads do not exist there)."""
        pid = os.getpid()
        current = self._pool
        if current is None or current[0] != pid:
            with self._pool_lock:
                current = self._pool
                if current is None or current[0] != pid:
                    current = (pid, ThreadPoolExecutor(2, thread_name_prefix="symcheck-score"))
                    self._pool = current
        return current[1]

    def _rank_with_kb(self, evidence: Evidence) -> tuple[Ranking, Ranking]:
        """The scorer's ranking and the knowledge-base scorer's (reused from a pool)."""
        scorer = self.scorer
        if isinstance(scorer, CombinedScorer):
            parts = [part.rank(evidence) for part, _ in scorer.scorers]
            kb = [
                r
                for (part, _), r in zip(scorer.scorers, parts, strict=True)
                if isinstance(part, NaiveBayesScorer)
            ]
            return scorer.pool(parts), kb[0] if kb else self._kb_scorer.rank(evidence)
        return scorer.rank(evidence), self._kb_scorer.rank(evidence)

    def summary(self, state: InterviewState) -> CaseSummary:
        """What a clinician needs to see about the case, as known now."""
        kb = self.kb
        facts = state.facts
        known = state.result is None and (state.chief_complaint or facts.findings)
        estimate = self.estimate(state) if known else None
        disposition: Disposition | None = None
        conditions: Sequence[ConditionResult] = ()
        if state.result is not None:
            disposition = state.result.disposition
            conditions = state.result.conditions
            if state.handoff_reason is HandoffReason.RED_FLAG:
                # Interrupted (often on the first message): rank the conditions again on what
                # is known now, e.g. the age and sex or symptoms given while waiting. The
                # disposition stays what the patient was told (the rules).
                conditions = self._top(self.estimate(state).ranking, facts)
        elif estimate is not None:
            disposition = estimate.decision.disposition
            conditions = self._top(estimate.ranking, facts)
        if state.handoff_disposition is not None and (
            disposition is None or state.handoff_disposition.urgency > disposition.urgency
        ):
            disposition = state.handoff_disposition
        fired = self._fired(state)
        return CaseSummary(
            age_years=facts.age_years,
            sex=facts.sex.value if facts.sex else None,
            pregnant=facts.pregnant,
            chief_complaint=", ".join(self._names(state.chief_complaint)) or None,
            findings_present=self._names(facts.present_ids),
            findings_absent=self._names(facts.absent_ids),
            findings_unsure=self._names(
                fid for fid, obs in facts.findings.items() if obs.present is None
            ),
            red_flags=tuple(RuleLine(r.id, r.title, r.disposition.value) for r in fired),
            disposition=disposition.value if disposition else None,
            top_conditions=tuple(
                ConditionLine(
                    condition_id=c.condition_id,
                    name=kb.conditions[c.condition_id].name,
                    icd10=kb.conditions[c.condition_id].icd10,
                    score=round(c.probability, 4),
                    supporting=self._names(c.supporting),
                )
                for c in conditions
                if c.condition_id in kb.conditions
            ),
            questions_asked=state.questions_asked,
            phase=state.phase.value,
            kb_version=kb.version,
            extra={
                "rules_version": self.rules.version,
                # False until the interview reaches a result or a red-flag interrupt: a
                # clinician must not read the disposition as an assessment.
                "assessed": state.result is not None,
                "handoff_reason": state.handoff_reason.value if state.handoff_reason else None,
                "low_confidence": bool(state.result and state.result.low_confidence),
                "decided_by": list(state.result.decided_by) if state.result else [],
                "unexplained": round(
                    state.result.unexplained
                    if state.result
                    else estimate.decision.unexplained
                    if estimate
                    else 1.0,
                    4,
                ),
            },
        )

    # -- dispatch -----------------------------------------------------------------------------

    def _handle(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        """Read the turn; ``True`` when the engine should go on to the next prompt."""
        if turn.act is Act.REQUEST_HUMAN:
            self._record(d, ex.observations)
            self._request_human(d)
            return False
        if turn.act is Act.START_OVER:
            d.state = InterviewState(consent_shown=True, phase=Phase.COMPLAINT)
            d.say(self.copy.start_over())
            if ex.present_ids:  # "start again: I have a headache"
                return self._on_complaint(d, turn, ex)
            return True
        phase = d.state.phase
        if phase is Phase.HANDOFF:
            return self._on_handoff(d, turn, ex)
        if phase in (Phase.START, Phase.COMPLAINT):
            return self._on_complaint(d, turn, ex)  # "actually it's my back" is a complaint
        if turn.act is Act.CORRECT and not (self._awaits_answer(d.state) and is_plain_answer(turn)):
            return self._on_correct(d, turn, ex)
        if phase in (Phase.RESULT, Phase.CLOSED):
            return self._on_after_result(d, turn, ex)
        if phase in (Phase.AGE, Phase.SEX, Phase.PREGNANCY):
            return self._on_demographic(d, turn, ex)
        return self._on_question(d, turn, ex)

    def _on_complaint(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        if d.state.offer is Offer.CLINICIAN and not ex.present_ids:
            answer = yes_no(turn)
            if answer is Answer.YES:
                self._handoff(d, HandoffReason.NOT_UNDERSTOOD, self._unassessed(d.state))
                d.say(self.copy.handoff_not_understood())
                return False
            if answer is Answer.NO:
                d.update(offer=None, complaint_attempts=0)
                d.say(self.copy.describe_again())
                return False
        d.update(offer=None)
        said_demographics = self._take_demographics(d, turn, ex, overwrite=True)
        complaint = tuple(dict.fromkeys(m.finding_id for m in ex.mentions if m.present is True))
        if not complaint:  # a reading alone ("bp machine says 165/100", "temp 39.5") is a complaint
            complaint = tuple(fid for fid in ex.present_ids if fid not in ex.implied)
        self._record(d, ex.observations, undoable=False)  # the complaint is not an answer
        if complaint:
            d.update(chief_complaint=complaint, complaint_attempts=0, unclear_attempts=0)
            return True
        if turn.act in (Act.GOODBYE, Act.THANK):
            d.say(self.copy.goodbye_midway())
            return False
        if turn.act is Act.GREET and d.greeting:  # "hi" answered by the consent notice
            return True
        # No symptom recognised: a failed attempt, whatever else the message said ("my dad",
        # "I'm 40", "help"), so a patient we cannot understand reaches a person.
        if turn.act is Act.HELP:
            d.say(self.copy.help())
        elif turn.act is Act.OUT_OF_SCOPE:
            d.say(self.copy.out_of_scope())
        elif turn.act is Act.GREET:
            d.say(self.copy.greet_again())
        attempts = d.state.complaint_attempts + 1
        d.update(complaint_attempts=attempts)
        if attempts >= COMPLAINT_ATTEMPTS:
            d.update(offer=Offer.CLINICIAN)
            d.say(self.copy.offer_clinician_not_understood(), wording.CLINICIAN_BUTTONS)
        elif turn.act in _META_ACTS:
            d.say(self.copy.ask_complaint_again())
        elif said_demographics:
            d.say(self.copy.complaint_still_needed())
        else:
            d.say(self.copy.complaint_not_understood())
        return False

    def _on_demographic(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        phase = d.state.phase
        self._record(d, ex.observations)
        answered = False
        if phase is Phase.AGE:
            age = read_age(turn)
            if age is not None:
                d.update(facts=d.state.facts.with_demographics(age_years=age))
            answered = age is not None or declined(turn)
            done = "age"
        elif phase is Phase.SEX:
            sex = read_sex(turn)
            if sex is not None:
                d.update(facts=d.state.facts.with_demographics(sex=sex))
            answered = sex is not None or declined(turn)
            done = "sex"
        else:
            pregnant = ex.demographics.pregnant
            answer = yes_no(turn)
            if pregnant is None and answer in (Answer.YES, Answer.NO):
                pregnant = answer is Answer.YES
            if pregnant is not None:
                d.update(facts=replace(d.state.facts, pregnant=pregnant))
            answered = pregnant is not None or declined(turn)
            done = "pregnancy"
        self._take_demographics(d, turn, ex, overwrite=False)
        if answered:
            d.update(demographics_done=(*d.state.demographics_done, done), unclear_attempts=0)
            return True
        meta = self._meta(d, turn)
        if meta is not None:
            return meta
        if ex.observations:
            d.say(self.copy.noted(self._said(ex.observations)))
            return True
        d.update(unclear_attempts=d.state.unclear_attempts + 1)
        d.say(
            self.copy.age_not_understood()
            if phase is Phase.AGE
            else self.copy.sex_not_understood()
            if phase is Phase.SEX
            else self.copy.answer_not_understood()
        )
        return True

    def _on_question(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        question = d.state.current
        if question is None:
            self._record(d, ex.observations)
            return True
        answer = read_answer(turn, ex, question)
        self._take_demographics(d, turn, ex, overwrite=False)
        if answer is not None:
            self._record(d, {**ex.observations, question: answer}, question=question)
            return True
        self._record(d, ex.observations)
        meta = self._meta(d, turn)
        if meta is not None:
            return meta
        if ex.observations:
            d.say(self.copy.noted(self._said(ex.observations)))
            return True
        unclear = d.state.unclear_attempts + 1
        d.update(unclear_attempts=unclear)
        d.say(
            self.copy.answer_not_understood()
            if unclear < 2
            else self.copy.answer_still_not_understood()
        )
        return True

    def _on_correct(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        state = d.state
        changes = [
            f"{self.kb.findings[m.finding_id].name.lower()}: {wording.yes_no(m.present)}"
            for m in ex.mentions
        ]
        demo = ex.demographics
        changes += [
            f"{label}: {value}"
            for label, value in (
                ("age", _age_words(demo.age_years)),
                ("sex", demo.sex.value if demo.sex else None),
                ("pregnant", wording.yes_no(demo.pregnant) if demo.pregnant is not None else None),
            )
            if value is not None
        ]
        if changes:
            self._take_demographics(d, turn, ex, overwrite=True)
            answered = state.current if state.current in ex.observations else None
            self._record(d, ex.observations, question=answered)
            d.say(self.copy.corrected(list(dict.fromkeys(changes))))
            if state.phase in (Phase.RESULT, Phase.CLOSED):
                d.update(phase=Phase.QUESTIONS, result=None, current=None)
            return True
        if not state.answers:
            d.say(self.copy.nothing_to_undo())
            return True
        last = state.answers[-1]
        findings = dict(state.facts.findings)
        for fid, previous in last.previous.items():
            if previous is None:
                findings.pop(fid, None)
            else:
                findings[fid] = previous
        d.update(facts=replace(state.facts, findings=findings), answers=state.answers[:-1])
        if last.question is not None:
            asked = list(state.asked)
            if last.question in asked:
                del asked[len(asked) - 1 - asked[::-1].index(last.question)]
            d.update(
                asked=tuple(asked),
                questions_asked=max(state.questions_asked - 1, 0),
                current=last.question,
                phase=Phase.QUESTIONS,
                result=None,
            )
        elif state.phase in (Phase.RESULT, Phase.CLOSED):
            d.update(phase=Phase.QUESTIONS, result=None, current=None)
        d.say(self.copy.undone())
        return True

    def _on_after_result(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        if ex.present_ids:
            self._record(d, ex.observations)
            d.say(self.copy.new_symptoms_after_result(), wording.AFTER_BUTTONS)
            return False
        answer = yes_no(turn)
        if d.state.phase is Phase.RESULT and answer is Answer.YES:
            self._request_human(d)
            return False
        if turn.act in (Act.GOODBYE, Act.THANK) or (
            d.state.phase is Phase.RESULT and answer is Answer.NO
        ):
            d.update(phase=Phase.CLOSED)
            d.say(self.copy.goodbye(), wording.AFTER_BUTTONS)
            return False
        if turn.act is Act.HELP:
            d.say(self.copy.help())
        if d.state.phase is Phase.RESULT:
            d.say(self.copy.after_result(), wording.CLINICIAN_BUTTONS)
        else:
            d.say(self.copy.closed(), wording.AFTER_BUTTONS)
        return False

    def _on_handoff(self, d: _Draft, turn: Turn, ex: Extraction) -> bool:
        self._record(d, ex.observations)
        self._take_demographics(d, turn, ex, overwrite=False)  # for the clinician summary
        if turn.act in (Act.GOODBYE, Act.THANK):
            d.say(self.copy.goodbye())
        else:
            d.say(self.copy.handoff_waiting())
        return False

    def _meta(self, d: _Draft, turn: Turn) -> bool | None:
        """Help, greetings, goodbyes: reply, then ``True`` to repeat the current prompt."""
        if turn.act not in _META_ACTS:
            return None
        if turn.act in (Act.GOODBYE, Act.THANK):
            d.say(self.copy.goodbye_midway())
            return False
        if turn.act is Act.HELP:
            d.say(self.copy.help())
        elif turn.act is Act.OUT_OF_SCOPE:
            d.say(self.copy.out_of_scope())
        elif d.greeting == 0:  # a greeting mid-conversation (not right after the consent)
            d.say(self.copy.greet_again())
        return True

    # -- moving on ----------------------------------------------------------------------------

    def _advance(self, d: _Draft) -> None:
        """Ask the current or next prompt, or give the result."""
        state = d.state
        if not state.chief_complaint:
            d.update(phase=Phase.COMPLAINT)
            # The consent notice just gave the emergency number; any later ask repeats it.
            d.say(self.copy.ask_complaint() if d.greeting else self.copy.ask_complaint_again())
            return
        if state.current is not None:
            if state.current not in state.facts.findings:
                d.update(phase=Phase.QUESTIONS)
                d.say(self.kb.findings[state.current].question, wording.YES_NO_DONT_KNOW)
                return
            d.update(  # answered in passing (in a correction or a longer message)
                asked=(*state.asked, state.current),
                questions_asked=state.questions_asked + 1,
                current=None,
            )
        missing = self._missing_demographic(d.state)
        if missing is Phase.AGE:
            d.update(phase=missing)
            d.say(self.copy.ask_age(), wording.AGE_BUTTONS)
            return
        if missing is Phase.SEX:
            d.update(phase=missing)
            d.say(self.copy.ask_sex(), wording.SEX_BUTTONS)
            return
        if missing is Phase.PREGNANCY:
            d.update(phase=missing)
            d.say(self.copy.ask_pregnancy(), wording.PREGNANCY_BUTTONS)
            return
        estimate, choice = self.assess(d.state)
        if choice.finding_id is not None:
            d.update(phase=Phase.QUESTIONS, current=choice.finding_id, unclear_attempts=0)
            if choice.priority is Priority.DANGER:
                d.update(danger_asked=d.state.danger_asked + 1)
            d.say(self.kb.findings[choice.finding_id].question, wording.YES_NO_DONT_KNOW)
            return
        self._finish(d, estimate)

    def choose(self, state: InterviewState, estimate: Estimate) -> QuestionChoice:
        """The next question, or why to stop, given the current :meth:`estimate`."""
        return self.selector.choose(
            state.facts,
            estimate.question_ranking,
            decision=estimate.question_decision,
            fired=self._fired(state),
            asked=state.asked,
            questions_asked=state.questions_asked,
            max_questions=self.config.max_questions,
            danger_asked=state.danger_asked,
        )

    def _finish(self, d: _Draft, estimate: Estimate) -> None:
        """Give the result: disposition, advice, likely conditions, safety-netting."""
        ranking, decision = estimate.ranking, estimate.decision
        disposition = decision.disposition
        top = self._top(ranking, d.state.facts)
        best = decision.best_share
        low = best < LOW_CONFIDENCE or decision.unexplained_share >= best
        record = ResultRecord(
            disposition=disposition,
            conditions=top,
            unexplained=decision.unexplained,
            low_confidence=low,
            decided_by=tuple(r.ref for r in (*decision.deciding, *decision.modifiers)),
        )
        advice, safety_net = self._advice(decision, ranking)
        first = [self.copy.headline(disposition)]
        if decision.modifiers:
            first.append(self.copy.raised_because([m.detail for m in decision.modifiers]))
        first.append(advice)
        d.say("\n".join(first))
        lines = [
            self.copy.condition_line(
                rank,
                self.kb.conditions[c.condition_id].name,
                wording.percent(c.probability),
                [self.kb.findings[f].name.lower() for f in c.supporting],
            )
            for rank, c in enumerate((c for c in top if c.supporting), start=1)
            if rank <= SHOWN_CONDITIONS
        ]
        explained = self.copy.likely_conditions(lines) if lines else self.copy.no_condition_match()
        d.say(f"{explained}\n{self.copy.not_a_diagnosis()}")
        d.signals.append(Signal(SignalType.RESULT, disposition=disposition))
        d.update(result=record, current=None)
        if low:
            d.say(f"{self.copy.safety_net(safety_net)}\n{self.copy.low_confidence()}")
            self._handoff(d, HandoffReason.LOW_CONFIDENCE, disposition)
        elif disposition.is_emergency:
            # Emergencies go to the top of the clinician queue, whatever decided them.
            d.say(f"{self.copy.safety_net(safety_net)}\n{self.copy.alerted()}")
            self._handoff(d, HandoffReason.EMERGENCY_RESULT, disposition)
        else:
            d.say(
                f"{self.copy.safety_net(safety_net)}\n{self.copy.offer_clinician()}",
                wording.CLINICIAN_BUTTONS,
            )
            d.update(phase=Phase.RESULT)

    def _advice(self, decision: TriageDecision, ranking: Ranking) -> tuple[str, str | None]:
        """The advice behind the deciding rule or condition, and the matching safety-net."""
        deciding = decision.deciding
        for reason in deciding:
            if reason.kind is ReasonKind.RULE:
                rule = self.rules.rules[reason.ref]
                return rule.render_advice(self.config.emergency_number), None
        by_probability = sorted(
            (r for r in deciding if r.kind in (ReasonKind.CONDITION, ReasonKind.ESCALATOR)),
            key=lambda r: (-ranking.probability(r.ref), r.ref),
        )
        if by_probability:
            condition = self.kb.conditions[by_probability[0].ref]
            return condition.advice, condition.safety_net
        return self.copy.default_advice(), None

    # -- safety -------------------------------------------------------------------------------

    def _red_flags(self, d: _Draft, turn: Turn) -> bool:
        """Re-evaluate the rules; ``True`` when a new emergency rule interrupted the step."""
        state = d.state
        fired = {rule.id: rule for rule in check_facts(state.facts, self.rules).fired}
        for rule_id in turn.safety_rule_ids:  # fired by the gateway on this message
            if rule_id in self.rules.rules:
                fired.setdefault(rule_id, self.rules.rules[rule_id])
        new = sorted(
            (rule for rule in fired.values() if rule.id not in state.fired_rule_ids),
            key=lambda r: (-r.disposition.urgency, r.id),
        )
        if not new:
            return False
        d.update(fired_rule_ids=(*state.fired_rule_ids, *(rule.id for rule in new)))
        emergencies = [rule for rule in new if rule.disposition.is_emergency]
        if not emergencies:
            return False
        # The rules decide an interrupt: their levels are the clinically agreed response to the
        # pattern, and the conditions, scored on a first message (often before the age and sex
        # are known), are too thin to overrule them. The conditions are kept for the clinician.
        all_fired = self._fired(d.state)
        floor = max((rule.disposition for rule in all_fired), key=lambda x: x.urgency)
        estimate = self.estimate(d.state)
        record = ResultRecord(
            disposition=floor,
            conditions=self._top(estimate.ranking, d.state.facts),
            unexplained=estimate.decision.unexplained,
            decided_by=tuple(rule.id for rule in all_fired if rule.disposition is floor),
        )
        del d.replies[d.greeting :]
        d.signals.clear()
        d.say(f"{self.copy.emergency(emergencies)}\n{self.copy.alerted()}")
        rule_ids = tuple(rule.id for rule in new)
        d.signals.append(Signal(SignalType.RED_FLAG, disposition=floor, rule_ids=rule_ids))
        d.signals.append(
            Signal(
                SignalType.HANDOFF,
                disposition=floor,
                reason=HandoffReason.RED_FLAG,
                rule_ids=rule_ids,
            )
        )
        d.update(
            phase=Phase.HANDOFF,
            handoff_reason=HandoffReason.RED_FLAG,
            handoff_disposition=floor,
            current=None,
            offer=None,
            result=record,
        )
        return True

    # -- helpers ------------------------------------------------------------------------------

    def _request_human(self, d: _Draft) -> None:
        if d.state.phase is Phase.HANDOFF:
            d.say(self.copy.handoff_waiting())
            return
        result = d.state.result
        disposition = (
            _most_urgent(result.disposition, Disposition.CONSULTATION)
            if result is not None
            else self._unassessed(d.state)
        )
        self._handoff(d, HandoffReason.PATIENT_REQUEST, disposition)
        d.say(self.copy.handoff_requested())

    def _unassessed(self, state: InterviewState) -> Disposition:
        """The handoff disposition for a patient without a result: at least
        :data:`UNASSESSED_MINIMUM`, and never below what is known (rules' floor, estimate)."""
        return _most_urgent(UNASSESSED_MINIMUM, self.estimate(state).decision.disposition)

    def _awaits_answer(self, state: InterviewState) -> bool:
        """A question (follow-up, demographic, or the clinician offer) waits for its answer."""
        return state.phase in _PENDING_ANSWER or (
            state.phase is Phase.QUESTIONS and state.current is not None
        )

    def _handoff(self, d: _Draft, reason: HandoffReason, disposition: Disposition) -> None:
        d.signals.append(Signal(SignalType.HANDOFF, disposition=disposition, reason=reason))
        d.update(
            phase=Phase.HANDOFF,
            handoff_reason=reason,
            handoff_disposition=disposition,
            current=None,
            offer=None,
        )

    def _record(
        self,
        d: _Draft,
        observations: Mapping[str, Observation],
        question: str | None = None,
        *,
        undoable: bool = True,
    ) -> None:
        """Merge observations (and what they imply) into the facts, remembering for undo."""
        if not observations and question is None:
            return
        state = d.state
        implied = self.extractor.with_implications(observations)
        changes: dict[str, Any] = {"facts": state.facts.with_observations(implied)}
        if undoable:
            previous = {fid: state.facts.findings.get(fid) for fid in implied}
            changes["answers"] = (*state.answers, AnswerRecord(question, previous))
        if question is not None:
            changes.update(
                asked=(*state.asked, question),
                questions_asked=state.questions_asked + 1,
                current=None,
                unclear_attempts=0,
            )
        d.update(**changes)

    def _take_demographics(self, d: _Draft, turn: Turn, ex: Extraction, *, overwrite: bool) -> bool:
        """Apply age, sex and pregnancy said in the text or given as entities.

        Without ``overwrite`` only unknown fields are filled (a stray number in an answer must
        not replace the age the patient gave). Returns whether anything was said.
        """
        facts = d.state.facts
        demo = ex.demographics
        entities = replace(turn, text="")  # Rasa's entities, e.g. {"age": "34"}
        age = demo.age_years if demo.age_years is not None else read_age(entities)
        sex = demo.sex or read_sex(entities)
        pregnant = demo.pregnant
        if pregnant is True and sex is None and facts.sex is None:
            sex = Sex.FEMALE
        if age is None and sex is None and pregnant is None:
            return False
        if not overwrite:
            age = age if facts.age_years is None else None
            sex = sex if facts.sex is None else None
            pregnant = pregnant if facts.pregnant is None else None
        d.update(facts=facts.with_demographics(age_years=age, sex=sex, pregnant=pregnant))
        return True

    def _missing_demographic(self, state: InterviewState) -> Phase | None:
        facts, done = state.facts, state.demographics_done
        if facts.age_years is None and "age" not in done:
            return Phase.AGE
        if facts.sex is None and "sex" not in done:
            return Phase.SEX
        lo, hi = PREGNANCY_AGES
        if (
            facts.sex is Sex.FEMALE
            and facts.pregnant is None
            and "pregnancy" not in done
            and (facts.age_years is None or lo <= facts.age_years < hi)
        ):
            return Phase.PREGNANCY
        return None

    def _top(self, ranking: Ranking, facts: PatientFacts) -> tuple[ConditionResult, ...]:
        """The likeliest conditions that explain something the patient reported.

        A condition that explains nothing only holds prior mass (see :mod:`..triage`); it is
        not shown to the patient or the clinician as a possible cause.
        """
        explaining = self.triager.explaining(ranking, facts)[:RESULT_CONDITIONS]
        return tuple(
            ConditionResult(s.condition_id, s.probability, s.supporting) for s in explaining
        )

    def _fired(self, state: InterviewState) -> list[RedFlagRule]:
        return [self.rules.rules[r] for r in state.fired_rule_ids if r in self.rules.rules]

    def _said(self, observations: Mapping[str, Observation]) -> list[str]:
        """What the patient said about findings, in words ("sore throat: no")."""
        return [
            f"{self.kb.findings[fid].name.lower()}: {wording.yes_no(obs.present)}"
            for fid, obs in observations.items()
            if fid in self.kb.findings
        ]

    def _names(self, finding_ids: Any) -> tuple[str, ...]:
        return tuple(self.kb.findings[fid].name for fid in finding_ids if fid in self.kb.findings)


def _age_words(age: float | None) -> str | None:
    if age is None:
        return None
    if age < 1:
        return f"{round(age * 12)} months"
    return f"{age:g}"


def _most_urgent(*dispositions: Disposition) -> Disposition:
    return max(dispositions, key=lambda x: x.urgency)


def _done(d: _Draft) -> StepResult:
    return StepResult(d.state, tuple(d.replies), tuple(d.signals))


def _scored(part: ConditionScorer, evidence: Evidence) -> Ranking | Posterior:
    """A part of a pool (see assess): its ranking, or for an encoding scorer its posterior
    (the pool needs no more)."""
    if isinstance(part, EncodingScorer):
        return part.posterior_encoded(evidence, part.encoding(evidence)())
    return part.rank(evidence)


def _kb_part(scorer: ConditionScorer) -> NaiveBayesScorer | None:
    """The knowledge-base scorer that ``scorer`` is or pools, if any."""
    if isinstance(scorer, NaiveBayesScorer):
        return scorer
    if isinstance(scorer, CombinedScorer):
        return next((p for p, _ in scorer.scorers if isinstance(p, NaiveBayesScorer)), None)
    return None
