"""Question choice: information gain, danger signs, rules in play, hierarchy, ask_if, stopping."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from symcheck.clinical import questions
from symcheck.clinical.dispositions import Disposition, from_urgency
from symcheck.clinical.nlu import FindingExtractor
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.questions import (
    DANGER_BUDGET,
    DANGER_LIFT,
    DANGER_PLAUSIBLE,
    RULE_FIRST_PROBABILITY,
    Priority,
    QuestionSelector,
    StopReason,
    _reachable,
    _triage_loss,
)
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.scoring import Evidence, Ranking
from symcheck.clinical.scoring.naive_bayes import FloatArray, NaiveBayesScorer
from symcheck.clinical.triage import NEED_THRESHOLDS, Triager
from tests.fixtures.kb_small import small_kb, small_rules


@pytest.fixture(scope="module")
def scorer() -> NaiveBayesScorer:
    return NaiveBayesScorer(small_kb())


@pytest.fixture(scope="module")
def selector(scorer: NaiveBayesScorer) -> QuestionSelector:
    return QuestionSelector(small_kb(), small_rules(), scorer.model)


def facts(
    present: tuple[str, ...] = (), absent: tuple[str, ...] = (), **demo: object
) -> PatientFacts:
    obs = {f: Observation(True) for f in present} | {f: Observation(False) for f in absent}
    return PatientFacts(**demo).with_observations(obs)  # type: ignore[arg-type]


def choose(selector: QuestionSelector, scorer: NaiveBayesScorer, f: PatientFacts, **kw: object):  # type: ignore[no-untyped-def]
    return selector.choose(f, scorer.rank(Evidence(f)), **kw)  # type: ignore[arg-type]


def test_asks_a_question_that_separates_the_likely_conditions(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    f = facts(("diarrhoea",), age_years=30, sex=Sex.MALE)
    choice = choose(selector, scorer, f)
    assert choice.finding_id is not None
    assert choice.stop is None
    assert choice.finding_id not in f.findings
    assert choice.gain > 0
    linked = {fid for c in small_kb().conditions.values() for fid in c.findings}
    assert choice.finding_id in linked


def test_is_deterministic(selector: QuestionSelector, scorer: NaiveBayesScorer) -> None:
    f = facts(("headache",), age_years=30, sex=Sex.FEMALE)
    assert choose(selector, scorer, f) == choose(selector, scorer, f)


def test_never_repeats_answered_or_asked_findings(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    f = facts(("headache",), age_years=30, sex=Sex.FEMALE)
    asked: list[str] = []
    for _ in range(8):
        choice = choose(selector, scorer, f, asked=asked, max_questions=100)
        if choice.finding_id is None:
            break
        assert choice.finding_id not in asked
        asked.append(choice.finding_id)
        f = f.with_observations({choice.finding_id: Observation(None)})  # "don't know"
    assert len(asked) == len(set(asked))


def test_danger_signs_come_first_when_a_rule_is_in_play(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    # Chest pain at 17: no heart attack (requires 18+), but chest pain with sweating is a
    # red flag, so sweating / crushing pain are asked about before anything else.
    choice = choose(selector, scorer, facts(("chest_pain",), age_years=17, sex=Sex.MALE))
    assert choice.finding_id in {"sweating", "crushing_chest_pain"}
    assert choice.danger > 0


def test_red_flag_signs_are_asked_before_the_interview_stops(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    # Headache with fever: a stiff neck would fire the meningitis rule. It is unlikely here
    # (about 5%), so it competes on its danger score, but it is asked before the interview
    # stops even when every answer is "no".
    f = facts(("headache", "fever"), age_years=30, sex=Sex.MALE)
    posterior = selector.posterior(scorer.rank(Evidence(f)))
    outcomes = selector.outcomes(f, posterior, ["neck_stiffness"])
    assert outcomes.floor_yes[0] == Disposition.EMERGENCY.urgency
    asked = []
    while (choice := choose(selector, scorer, f, max_questions=100)).finding_id is not None:
        asked.append(choice.finding_id)
        f = f.with_observations({choice.finding_id: Observation(False)})
    assert "neck_stiffness" in asked
    assert asked.index("neck_stiffness") < len(asked) - 1


def test_likely_red_flag_signs_come_first(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    f = facts(("chest_pain",), age_years=17, sex=Sex.MALE)
    choice = choose(selector, scorer, f)
    assert choice.p_yes >= RULE_FIRST_PROBABILITY
    assert choice.finding_id in {"sweating", "crushing_chest_pain"}


def test_ask_if_is_respected(selector: QuestionSelector, scorer: NaiveBayesScorer) -> None:
    pain = ("abdominal_pain",)
    posterior_f = facts(pain, age_years=30, sex=Sex.FEMALE)
    posterior_m = facts(pain, age_years=30, sex=Sex.MALE)
    for f in (posterior_f, posterior_m):
        ranking = scorer.rank(Evidence(f))
        candidates = selector.candidates(f, _posterior(selector, ranking))
        if f.sex is Sex.MALE:
            assert "vaginal_bleeding" not in candidates
            assert "missed_period" not in candidates
        else:
            assert "missed_period" in candidates


def test_general_question_before_specific_and_hierarchy_implications(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    def candidates(f: PatientFacts) -> list[str]:
        return selector.candidates(f, _posterior(selector, scorer.rank(Evidence(f))))

    vomiting = facts(("vomiting",), age_years=30, sex=Sex.MALE)
    assert "abdominal_pain" in candidates(vomiting)
    assert "right_lower_abdominal_pain" not in candidates(vomiting)  # parent not asked yet
    with_pain = facts(("vomiting", "abdominal_pain"), age_years=30, sex=Sex.MALE)
    assert "right_lower_abdominal_pain" in candidates(with_pain)
    without_pain = facts(("vomiting",), ("abdominal_pain",), age_years=30, sex=Sex.MALE)
    assert "right_lower_abdominal_pain" not in candidates(without_pain)  # implied absent
    only_child = PatientFacts(age_years=30).with_observations(
        {"right_lower_abdominal_pain": Observation(True)}
    )
    assert "abdominal_pain" not in candidates(only_child)  # implied present


def test_stops_at_the_cap(selector: QuestionSelector, scorer: NaiveBayesScorer) -> None:
    f = facts(("headache",))
    choice = choose(selector, scorer, f, questions_asked=3, max_questions=3)
    assert choice.finding_id is None
    assert choice.stop is StopReason.CAP


def test_stops_when_confident_and_no_danger_sign_is_left(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    f = facts(
        ("runny_nose", "sore_throat", "cough"),
        ("fever", "shortness_of_breath", "chest_pain", "sweating", "headache"),
        age_years=30,
        sex=Sex.MALE,
    )
    assert scorer.rank(Evidence(f)).scores[0].probability >= 0.8
    choice = choose(selector, scorer, f)
    assert choice.finding_id is None
    assert choice.stop in (StopReason.CONFIDENT, StopReason.NO_GAIN, StopReason.EXHAUSTED)


def test_keeps_asking_while_a_danger_sign_is_pending(
    selector: QuestionSelector, scorer: NaiveBayesScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tummy ache with diarrhoea: gastroenteritis is over 90% likely, but a yes to pain low on
    # the right (likely enough) would make appendicitis an emergency to exclude, so it is asked
    # before the interview stops; without that rule the interview stops at once.
    f = facts(("abdominal_pain", "diarrhoea"), age_years=30, sex=Sex.MALE)
    assert scorer.rank(Evidence(f)).scores[0].probability >= 0.8

    def interview() -> list[str]:
        asked, g = [], f
        while (choice := choose(selector, scorer, g, max_questions=100)).finding_id is not None:
            asked.append(choice.finding_id)
            g = g.with_observations({choice.finding_id: Observation(False)})
        return asked

    assert "right_lower_abdominal_pain" in interview()
    monkeypatch.setattr(questions, "DANGER_MIN_PROBABILITY", 1.0)
    assert interview() == []


def test_exhausted_when_everything_is_answered(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    kb = small_kb()
    f = facts(("headache",), tuple(fid for fid in kb.findings if fid != "headache"))
    choice = choose(selector, scorer, f)
    assert choice.stop is StopReason.EXHAUSTED


def _posterior(selector: QuestionSelector, ranking: Ranking) -> FloatArray:
    return selector.posterior(ranking)


@pytest.mark.parametrize(
    "present",
    [("headache", "fever"), ("chest_pain",), ("vomiting", "abdominal_pain"), ("dysuria",)],
)
def test_predicted_outcomes_match_scoring_and_triage(
    selector: QuestionSelector, scorer: NaiveBayesScorer, present: tuple[str, ...]
) -> None:
    """The selector's look-ahead agrees with re-scoring and re-triaging the answered facts."""
    triager = Triager(small_kb())
    f = facts(present, age_years=30, sex=Sex.FEMALE)
    ranking = scorer.rank(Evidence(f))
    posterior = selector.posterior(ranking)
    candidates = selector.candidates(f, posterior)
    likelihood = scorer.model.answer_likelihood(candidates, f)
    outcomes = selector.outcomes(f, posterior, candidates)
    for k, fid in enumerate(candidates):
        for answer, predicted, need in (
            (True, outcomes.if_yes[k], outcomes.need_yes[:, k]),
            (False, outcomes.if_no[k], outcomes.need_no[:, k]),
        ):
            answered = f.with_observations(
                FindingExtractor(small_kb()).with_implications({fid: Observation(answer)})
            )
            after = scorer.rank(Evidence(answered))
            w = scorer.model.absent_weight
            weights = likelihood[:, k] if answer else (1 - likelihood[:, k]) ** w
            expected = posterior * weights / (posterior * weights).sum()
            assert selector.posterior(after) == pytest.approx(expected, abs=1e-9), fid
            decision = triager.decide(answered, after)
            assert decision.disposition.urgency == predicted, fid
            levels = sorted(decision.need, key=lambda d: d.urgency)
            assert [decision.need[d] for d in levels] == pytest.approx(list(need), abs=1e-9), fid


@pytest.mark.parametrize(
    "present", [("chest_pain",), ("chest_pain", "sweating"), ("headache", "fever")]
)
def test_the_floors_and_a_subset_of_the_look_ahead_are_those_of_the_whole(
    selector: QuestionSelector, scorer: NaiveBayesScorer, present: tuple[str, ...]
) -> None:
    """choose works out the red-flag floors first, then the rest only for the candidates
    the choice can fall on: the same numbers as the whole look-ahead."""
    f = facts(present, age_years=60, sex=Sex.MALE)
    posterior = selector.posterior(scorer.rank(Evidence(f)))
    candidates = selector.candidates(f, posterior)
    whole = selector.outcomes(f, posterior, candidates)
    assert np.array_equal(selector._floors(f, candidates, ()), whole.floor_yes)
    likelihood = scorer.model.answer_likelihood(candidates, f)
    after_yes, after_no = scorer.model.after_answers(posterior, likelihood)
    reachable = _reachable(after_yes, after_no)
    urgency = selector._escalated_need(f, candidates, reachable)
    some = np.arange(0, len(candidates), 3)
    # Each candidate's floor, and the posteriors after its answers, are its own.
    subset = [candidates[i] for i in some]
    assert np.array_equal(selector._floors(f, subset, ()), whole.floor_yes[some])
    part_yes, part_no = scorer.model.after_answers(posterior, likelihood[:, some])
    assert np.array_equal(part_yes, after_yes[:, some])
    assert np.array_equal(part_no, after_no[:, some])
    part = selector._outcomes(
        f,
        [candidates[i] for i in some],
        after_yes[:, some],
        after_no[:, some],
        (),
        urgency=urgency,
        floors=whole.floor_yes[some],
        reachable=reachable[:, some],
    )
    for name in ("if_yes", "if_no", "floor_yes"):
        assert np.array_equal(getattr(part, name), getattr(whole, name)[some]), name
    assert np.array_equal(part.need_yes, whole.need_yes[:, some])
    assert np.array_equal(part.need_no, whole.need_no[:, some])


def test_the_value_of_an_answer_follows_the_triage_costs(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    """The loss the selector minimises is minimised by the triage rule itself, and an answer
    that cannot change the advice is worth nothing to it."""
    thresholds = np.array([NEED_THRESHOLDS[from_urgency(level)] for level in range(1, 5)])
    rng = np.random.default_rng(3)
    for _ in range(200):
        need = np.sort(rng.random(4))[::-1][:, None]  # P(need >= d) falls with d
        losses = [_triage_loss(np.array([float(level)]), need, thresholds)[0] for level in range(5)]
        reached = [level for level in range(1, 5) if need[level - 1, 0] >= thresholds[level - 1]]
        advised = max(reached, default=0)
        contiguous = reached == list(range(1, advised + 1))
        if contiguous:
            assert losses[advised] == pytest.approx(min(losses))
    f = facts(("runny_nose", "sore_throat", "cough"), age_years=30, sex=Sex.MALE)
    posterior = selector.posterior(scorer.rank(Evidence(f)))
    candidates = selector.candidates(f, posterior)
    outcomes = selector.outcomes(f, posterior, candidates)
    now = Triager(small_kb()).decide(f, scorer.rank(Evidence(f))).disposition.urgency
    ones = np.ones(len(candidates))
    yes, no = selector._decision_value(now, outcomes, ones, ones)
    same = (outcomes.if_yes == now) & (outcomes.floor_yes == outcomes.floor_now)
    assert same.any()
    assert np.all(yes[same] == 0.0)
    assert np.all(no[outcomes.if_no == now] == 0.0)


# -- rules in play through related findings and body systems -----------------------------------


def rule_ids(rules: list[RedFlagRule]) -> set[str]:
    return {rule.id for rule in rules}


def test_a_rule_is_in_play_through_a_more_general_finding(selector: QuestionSelector) -> None:
    # "rash" is the parent of "rash that does not fade": the glass-test rule is in play.
    assert "RF-PAED-002" in rule_ids(selector.in_play(facts(("rash",), age_years=2)))
    assert "RF-PAED-002" not in rule_ids(selector.in_play(facts(("cough",), age_years=2)))


def test_a_rule_is_in_play_through_the_same_body_system(selector: QuestionSelector) -> None:
    # Blood in the stool (gastrointestinal) puts "black, tarry stools" in play.
    f = facts(("rectal_bleeding", "dizziness"), age_years=67, sex=Sex.MALE)
    assert "RF-GI-001" in rule_ids(selector.in_play(f))
    assert "melaena" in selector.danger_candidates(f)


def test_a_rule_whose_demographics_fail_is_not_in_play(selector: QuestionSelector) -> None:
    # Sweating (general) shares a system with fever, but the baby rule needs age < 3 months.
    assert "RF-PAED-001" not in rule_ids(selector.in_play(facts(("sweating",), age_years=30)))
    assert "RF-PAED-001" in rule_ids(selector.in_play(facts(("sweating",))))  # age unknown


def test_a_rule_with_a_denied_finding_is_not_in_play(selector: QuestionSelector) -> None:
    f = facts(("rectal_bleeding",), ("melaena",), age_years=67, sex=Sex.MALE)
    assert "RF-GI-001" not in rule_ids(selector.in_play(f))


def test_rules_with_a_reported_finding_are_not_counted_twice(selector: QuestionSelector) -> None:
    # Their missing findings are regular candidates already.
    f = facts(("chest_pain",), age_years=40, sex=Sex.MALE)
    assert "RF-CARD-001" not in rule_ids(selector.in_play(f))


def test_a_plausible_danger_sign_goes_first_within_the_budget(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    f = facts(("rectal_bleeding", "dizziness"), age_years=67, sex=Sex.MALE)
    posterior = selector.posterior(scorer.rank(Evidence(f)))
    # Not linked to any condition that explains what the patient reported ...
    assert "melaena" not in selector.candidates(f, posterior)
    choice = choose(selector, scorer, f)
    # ... but plausible (well above its base rate) and its yes fires a rule.
    assert choice.finding_id == "melaena"
    assert choice.priority is Priority.DANGER
    assert DANGER_PLAUSIBLE <= choice.p_yes < RULE_FIRST_PROBABILITY
    assert choice.p_yes >= DANGER_LIFT * small_kb().findings["melaena"].base_rate
    spent = choose(selector, scorer, f, danger_asked=DANGER_BUDGET)
    assert spent.priority is not Priority.DANGER


def test_danger_signs_at_their_base_rate_are_not_asked_with_priority(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    # For a cough, the glass test is only background noise: no priority, not a candidate.
    f = facts(("cough",), age_years=30, sex=Sex.MALE)
    choice = choose(selector, scorer, f)
    assert choice.priority is not Priority.DANGER
    asked = []
    while (choice := choose(selector, scorer, f, max_questions=100)).finding_id is not None:
        asked.append(choice.finding_id)
        f = f.with_observations({choice.finding_id: Observation(False)})
    assert "melaena" not in asked
    assert "non_blanching_rash" not in asked


# -- "don't know" ------------------------------------------------------------------------------


def test_dont_know_makes_close_variants_less_worth_asking(selector: QuestionSelector) -> None:
    f = facts(("vomiting",), age_years=30, sex=Sex.MALE)
    assert selector.answerability("right_lower_abdominal_pain", f) == 1.0
    unsure = f.with_observations({"abdominal_pain": Observation(None)})
    assert selector.answerability("right_lower_abdominal_pain", unsure) == 0.5
    assert selector.answerability("diarrhoea", unsure) == 1.0  # not a variant
    known = f.with_observations({"abdominal_pain": Observation(True)})
    assert selector.answerability("right_lower_abdominal_pain", known) == 1.0


def test_dont_know_to_a_general_question_does_not_lead_straight_to_its_variant(
    selector: QuestionSelector, scorer: NaiveBayesScorer
) -> None:
    # Sweating: is there chest pain? "Don't know": then not straight on to crushing chest
    # pain, which the same patient probably cannot say either (it would be next otherwise).
    f = facts(("sweating",), age_years=30, sex=Sex.MALE)
    assert choose(selector, scorer, f).finding_id == "chest_pain"
    unsure = f.with_observations({"chest_pain": Observation(None)})
    choice = choose(selector, scorer, unsure, asked=["chest_pain"])
    assert choice.finding_id is not None
    assert choice.finding_id != "crushing_chest_pain"
    naive = QuestionSelector(small_kb(), small_rules(), scorer.model)
    naive.answerability = lambda fid, facts: 1.0  # type: ignore[method-assign]
    assert choose(naive, scorer, unsure, asked=["chest_pain"]).finding_id == "crushing_chest_pain"


@pytest.mark.parametrize("present", [(), ("chest_pain",), ("headache", "fever")])
def test_the_posterior_from_the_scorers_vector_is_that_of_its_ranking(
    selector: QuestionSelector, scorer: NaiveBayesScorer, present: tuple[str, ...]
) -> None:
    ranking = scorer.rank(Evidence(facts(present, age_years=40, sex=Sex.FEMALE)))
    assert ranking.posterior is not None
    from_scores = selector.posterior(dataclasses.replace(ranking, posterior=None))
    assert np.array_equal(selector.posterior(ranking), from_scores)
    assert from_scores.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "present", [(), ("chest_pain",), ("chest_pain", "sweating"), ("headache", "fever")]
)
def test_the_information_gain_is_the_entropy_lost_by_each_answer(
    selector: QuestionSelector, scorer: NaiveBayesScorer, present: tuple[str, ...]
) -> None:
    """Worked out from the answers' likelihoods without the posteriors after them: the
    same as the entropy of those posteriors."""
    f = facts(present, ("cough",), age_years=45, sex=Sex.FEMALE)
    posterior = selector.posterior(scorer.rank(Evidence(f)))
    candidates = sorted(set(small_kb().findings) - set(f.findings))
    tables = scorer.model.answer_tables(candidates, f)
    after_yes, after_no = scorer.model.after_answers(posterior, tables.yes)
    p_yes = posterior @ tables.yes

    def entropy(p: FloatArray) -> FloatArray:
        logs = np.log2(np.where(p > 0, p, 1.0))
        out: FloatArray = -(p * logs).sum(axis=0)
        return out

    expected = entropy(posterior) - (p_yes * entropy(after_yes) + (1 - p_yes) * entropy(after_no))
    gain = questions._information_gain(posterior, p_yes, tables)
    assert gain == pytest.approx(np.maximum(expected, 0.0), abs=1e-12)
    assert gain.max() > 0.1  # some question is worth asking
