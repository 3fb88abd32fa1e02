"""The naive-Bayes scorer on the small fixture knowledge base."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import ConditionScorer, Evidence
from symcheck.clinical.scoring.naive_bayes import NaiveBayesModel, NaiveBayesScorer, xlogx
from tests.fixtures.kb_small import small_kb


@pytest.fixture(scope="module")
def scorer() -> NaiveBayesScorer:
    return NaiveBayesScorer(small_kb())


def facts(
    present: tuple[str, ...] = (),
    absent: tuple[str, ...] = (),
    unsure: tuple[str, ...] = (),
    **demographics: object,
) -> PatientFacts:
    observations = {f: Observation(True) for f in present}
    observations |= {f: Observation(False) for f in absent}
    observations |= {f: Observation(None) for f in unsure}
    return PatientFacts(**demographics).with_observations(observations)  # type: ignore[arg-type]


def rank(scorer: NaiveBayesScorer, f: PatientFacts) -> dict[str, float]:
    ranking = scorer.rank(Evidence(f))
    return {s.condition_id: s.probability for s in ranking.scores}


def test_implements_the_scorer_protocol(scorer: NaiveBayesScorer) -> None:
    assert isinstance(scorer, ConditionScorer)


@pytest.mark.parametrize(
    "f",
    [
        facts(),
        facts(("cough", "runny_nose")),
        facts(("headache",), ("fever",), ("photophobia",), age_years=30, sex=Sex.FEMALE),
        facts(("crushing_chest_pain", "chest_pain", "sweating"), age_years=70, sex=Sex.MALE),
        facts(("rash", "dysuria", "photophobia", "diarrhoea")),
    ],
)
def test_posterior_sums_to_one_and_is_sorted(scorer: NaiveBayesScorer, f: PatientFacts) -> None:
    ranking = scorer.rank(Evidence(f))
    total = sum(s.probability for s in ranking.scores) + ranking.unexplained
    assert total == pytest.approx(1.0, abs=1e-9)
    keys = [(-s.probability, s.condition_id) for s in ranking.scores]
    assert keys == sorted(keys)
    assert ranking == scorer.rank(Evidence(f))  # deterministic


def test_matches_a_brute_force_computation(scorer: NaiveBayesScorer) -> None:
    kb = small_kb()
    f = facts(("cough", "fever"), ("runny_nose",), age_years=40, sex=Sex.MALE)
    weights: dict[str, float] = {}
    for cid, c in kb.conditions.items():
        if c.requires.sex == "female":
            continue
        w = c.prevalence * c.age_prior.get("adult", 1.0) * c.sex_prior.get("male", 1.0)
        weights[cid] = w
    total = sum(weights.values())
    joint = {cid: 0.9 * w / total for cid, w in weights.items()}
    joint["*"] = 0.1

    def p(cid: str, fid: str) -> float:
        if cid == "*":
            return kb.findings[fid].base_rate
        return kb.conditions[cid].findings.get(fid, kb.findings[fid].base_rate)

    for cid in joint:
        joint[cid] *= p(cid, "cough") * p(cid, "fever") * (1 - p(cid, "runny_nose")) ** 0.5
    norm = sum(joint.values())
    got = scorer.rank(Evidence(f))
    for score in got.scores:
        assert score.probability == pytest.approx(joint[score.condition_id] / norm, rel=1e-6)
    assert got.unexplained == pytest.approx(joint["*"] / norm, rel=1e-6)


def test_fitting_findings_raise_a_condition_with_supporting_findings(
    scorer: NaiveBayesScorer,
) -> None:
    ranking = scorer.rank(Evidence(facts(("cough", "runny_nose"))))
    top = ranking.scores[0]
    assert top.condition_id == "common_cold"
    assert top.probability > 0.8
    # runny nose: 0.85 / 0.06 beats cough: 0.6 / 0.1
    assert top.supporting == ("runny_nose", "cough")


def test_supporting_only_lists_findings_with_a_likelihood_ratio_above_one(
    scorer: NaiveBayesScorer,
) -> None:
    ranking = scorer.rank(Evidence(facts(("cough", "diarrhoea"))))
    by_id = {s.condition_id: s for s in ranking.scores}
    assert by_id["gastroenteritis"].supporting == ("diarrhoea",)
    assert by_id["common_cold"].supporting == ("cough",)
    assert by_id["tension_headache"].supporting == ()


def test_absent_findings_lower_and_unsure_findings_are_ignored(scorer: NaiveBayesScorer) -> None:
    base = rank(scorer, facts(("cough",)))
    denied = rank(scorer, facts(("cough",), ("runny_nose",)))
    unsure = rank(scorer, facts(("cough",), unsure=("runny_nose",)))
    assert denied["common_cold"] < base["common_cold"]
    assert unsure == pytest.approx(base)


def test_requires_excludes_conditions_only_when_known_to_fail(scorer: NaiveBayesScorer) -> None:
    pain = ("abdominal_pain",)
    assert "ectopic_pregnancy" in rank(scorer, facts(pain))
    assert "ectopic_pregnancy" in rank(scorer, facts(pain, sex=Sex.FEMALE, age_years=30))
    assert "ectopic_pregnancy" not in rank(scorer, facts(pain, sex=Sex.MALE))
    assert "ectopic_pregnancy" not in rank(scorer, facts(pain, sex=Sex.FEMALE, age_years=60))
    assert "acute_coronary_syndrome" not in rank(scorer, facts(("chest_pain",), age_years=16))
    assert "acute_coronary_syndrome" in rank(scorer, facts(("chest_pain",), age_years=18))


def test_age_and_sex_priors(scorer: NaiveBayesScorer) -> None:
    cough = ("cough", "fever")
    assert (
        rank(scorer, facts(cough, age_years=80))["pneumonia"]
        > rank(scorer, facts(cough, age_years=30))["pneumonia"]
    )
    headache = ("headache", "photophobia")
    assert (
        rank(scorer, facts(headache, sex=Sex.FEMALE))["migraine"]
        > rank(scorer, facts(headache, sex=Sex.MALE))["migraine"]
    )
    unknown = rank(scorer, facts(headache))["migraine"]
    assert rank(scorer, facts(headache, sex=Sex.MALE))["migraine"] < unknown
    assert unknown < rank(scorer, facts(headache, sex=Sex.FEMALE))["migraine"]


def test_unexplained_mass_grows_when_nothing_fits(scorer: NaiveBayesScorer) -> None:
    fits = scorer.rank(Evidence(facts(("cough", "runny_nose", "sore_throat"))))
    hallmarks = ("runny_nose", "cough", "headache", "abdominal_pain", "diarrhoea", "dysuria")
    misfit = scorer.rank(Evidence(facts(("rash",), (*hallmarks, "chest_pain", "fever"))))
    assert fits.unexplained < 0.01
    assert misfit.unexplained > 0.3
    assert misfit.unexplained > max(s.probability for s in misfit.scores)


def test_a_specific_finding_is_not_counted_twice_with_its_parent(
    scorer: NaiveBayesScorer,
) -> None:
    child_only = rank(scorer, facts(("crushing_chest_pain",), age_years=60))
    both = rank(scorer, facts(("crushing_chest_pain", "chest_pain"), age_years=60))
    assert both == pytest.approx(child_only)
    denied_parent = rank(scorer, facts(absent=("chest_pain",), age_years=60))
    denied_both = rank(scorer, facts(absent=("chest_pain", "crushing_chest_pain"), age_years=60))
    assert denied_both == pytest.approx(denied_parent)


def test_hierarchy_leaks() -> None:
    model = NaiveBayesModel.from_kb(small_kb())
    col = model.finding_index
    row = {cid: i for i, cid in enumerate(model.condition_ids)}
    # Pneumonia lists chest pain (0.4) but not crushing chest pain: it inherits a share.
    leaked = model.likelihood[row["pneumonia"], col["crushing_chest_pain"]]
    assert leaked == pytest.approx(0.4 * 0.01 / 0.04)
    # Appendicitis lists both; the parent is at least as likely as the child.
    parent = model.likelihood[row["appendicitis"], col["abdominal_pain"]]
    child = model.likelihood[row["appendicitis"], col["right_lower_abdominal_pain"]]
    assert parent >= child
    # The unexplained row is the base rates.
    assert model.likelihood[-1, col["fever"]] == pytest.approx(0.1)


def test_numerically_stable_with_every_finding_reported(scorer: NaiveBayesScorer) -> None:
    kb = small_kb()
    everything = facts(tuple(kb.findings), age_years=40, sex=Sex.FEMALE)
    nothing = facts(absent=tuple(kb.findings), age_years=40, sex=Sex.FEMALE)
    for f in (everything, nothing):
        ranking = scorer.rank(Evidence(f))
        probs = [s.probability for s in ranking.scores] + [ranking.unexplained]
        assert all(math.isfinite(p) and 0 <= p <= 1 for p in probs)
        assert sum(probs) == pytest.approx(1.0)


def test_unknown_finding_ids_are_ignored(scorer: NaiveBayesScorer) -> None:
    assert rank(scorer, facts(("cough", "not_a_finding"))) == pytest.approx(
        rank(scorer, facts(("cough",)))
    )


def test_order_of_reports_does_not_matter(scorer: NaiveBayesScorer) -> None:
    findings = ("fever", "cough", "headache")
    results = {
        tuple(s.condition_id for s in scorer.rank(Evidence(facts(order))).scores)
        for order in itertools.permutations(findings)
    }
    assert len(results) == 1


def test_model_arrays_are_read_only() -> None:
    model = NaiveBayesModel.from_kb(small_kb())
    with pytest.raises(ValueError, match="read-only"):
        model.likelihood[0, 0] = 0.5


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="unexplained_prior"):
        NaiveBayesModel.from_kb(small_kb(), unexplained_prior=1.0)
    with pytest.raises(ValueError, match="absent_weight"):
        NaiveBayesModel.from_kb(small_kb(), absent_weight=0.0)


def test_denials_count_at_half_weight(scorer: NaiveBayesScorer) -> None:
    full = NaiveBayesScorer(small_kb(), absent_weight=1.0)
    denied = facts(("diarrhoea",), ("vomiting", "abdominal_pain", "fever"))
    half = rank(scorer, denied)["gastroenteritis"]
    strict = rank(full, denied)["gastroenteritis"]
    assert strict < half < rank(scorer, facts(("diarrhoea",)))["gastroenteritis"]


@pytest.mark.parametrize(
    "present",
    [(), ("fever",), ("chest_pain", "sweating", "shortness_of_breath"), tuple(small_kb().findings)],
)
def test_supporting_of_every_row_at_once_is_that_of_each(
    scorer: NaiveBayesScorer, present: tuple[str, ...]
) -> None:
    model = scorer.model
    columns = [model.finding_index[f] for f in present]
    rows = np.arange(len(model.condition_ids))
    assert model.supporting_all(columns, rows) == [model.supporting(r, columns) for r in rows]


def test_the_answer_tables_are_the_likelihoods_of_each_answer_and_their_x_log_x(
    scorer: NaiveBayesScorer,
) -> None:
    """A yes to a finding under a reported-present ancestor is conditional on it: the tables
    are worked out for it, the others taken from the model's."""
    model = scorer.model
    f = facts(("chest_pain", "fever"), ("cough",))
    asked = ["crushing_chest_pain", "headache", "non_blanching_rash", "sweating"]
    tables = model.answer_tables(asked, f)
    yes = model.answer_likelihood(asked, f)
    no = (1 - yes) ** model.absent_weight
    assert np.array_equal(tables.yes, yes)
    assert np.allclose(tables.no, no, rtol=1e-15, atol=0)
    assert np.allclose(tables.yes_xlogx, yes * np.log2(yes), rtol=1e-12, atol=0)
    assert np.allclose(tables.no_xlogx, no * np.log2(no), rtol=1e-12, atol=0)
    # The finding under chest pain, reported: conditional on it, not the model's own column.
    assert not np.allclose(tables.yes[:, 0], model.likelihood[:, model.finding_index[asked[0]]])
    after_yes, after_no = model.after_answers(np.full(model.n_hypotheses, 0.1), yes)
    given = model.after_answers(np.full(model.n_hypotheses, 0.1), yes, tables.no)
    assert np.array_equal(given[0], after_yes)
    assert np.allclose(given[1], after_no, rtol=1e-14, atol=0)


def test_x_log_x_is_zero_at_zero() -> None:
    assert np.array_equal(xlogx(np.array([0.0, 1.0, 0.5])), np.array([0.0, 0.0, -0.5]))
