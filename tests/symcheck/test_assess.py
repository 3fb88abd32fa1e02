"""``symcheck assess``: the simulated patient and the output contract."""

from __future__ import annotations

import json

import pytest

from symcheck.assess import Case, SimulatedPatient, assess_case, assess_lines, parse_case
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine
from symcheck.clinical.interview.protocol import Act
from symcheck.clinical.interview.state import InterviewState, Phase
from tests.fixtures.kb_small import small_kb, small_rules

LEVELS = {d.value for d in Disposition}


@pytest.fixture(scope="module")
def engine() -> InterviewEngine:
    return InterviewEngine(small_kb(), small_rules(), config=EngineConfig(max_questions=15))


def line(**case: object) -> str:
    return json.dumps(case)


def check_contract(record: dict[str, object]) -> None:
    assert set(record) == {"id", "triage", "red_flags", "conditions", "questions_asked"}
    assert record["triage"] in LEVELS
    assert isinstance(record["red_flags"], list)
    conditions = record["conditions"]
    assert isinstance(conditions, list)
    assert len(conditions) <= 5
    scores = [c["score"] for c in conditions]  # type: ignore[index]
    assert scores == sorted(scores, reverse=True)
    for c in conditions:
        assert set(c) == {"name", "icd10", "score"}  # type: ignore[arg-type]
    assert isinstance(record["questions_asked"], int)


def test_a_simple_case(engine: InterviewEngine) -> None:
    [record] = assess_lines(
        engine,
        [
            line(
                id="cold",
                text="I have a cough and a runny nose",
                age=30,
                sex="male",
                facts={"sore throat": True, "fever": False, "short of breath": False},
            )
        ],
    )
    check_contract(record)
    assert record["id"] == "cold"
    assert record["triage"] == "self_care"
    assert record["red_flags"] == []
    top = record["conditions"][0]  # type: ignore[index]
    assert (top["name"], top["icd10"]) == ("Common cold", "J00")


def test_a_red_flag_case_reports_the_rule_and_conditions_so_far(engine: InterviewEngine) -> None:
    [record] = assess_lines(
        engine,
        [line(id="mi", text="I have chest pain", age=60, sex="male", facts={"sweating": True})],
    )
    check_contract(record)
    assert record["triage"] == "emergency_ambulance"
    assert record["red_flags"] == ["RF-CARD-001"]
    assert record["conditions"]
    assert record["questions_asked"] <= 2  # the danger sign is asked first


def test_string_facts_carry_attributes(engine: InterviewEngine) -> None:
    [record] = assess_lines(
        engine,
        [line(id="f", text="headache", age=25, sex="female", facts={"fever": "6 days"})],
    )
    assert "RF-GEN-001" in record["red_flags"]  # fever for more than 5 days
    assert Disposition(record["triage"]).urgency >= Disposition.CONSULTATION_24.urgency


def test_null_age_and_sex_mean_the_patient_would_not_say(engine: InterviewEngine) -> None:
    case = parse_case(line(id="x", text="I have a cough", age=None, sex=None, facts=None), 1)
    patient = SimulatedPatient(engine, case)
    age_turn = patient.reply(InterviewState(phase=Phase.AGE))
    sex_turn = patient.reply(InterviewState(phase=Phase.SEX))
    assert age_turn.act is Act.DONT_KNOW
    assert sex_turn.act is Act.DONT_KNOW
    record = assess_case(engine, case)
    check_contract(record)


def test_fact_phrases_are_matched_like_the_bot_does(engine: InterviewEngine) -> None:
    case = Case(
        id="x",
        text="tummy ache",
        facts={
            "no vomiting": True,  # negated phrase: vomiting absent
            "pain in the lower right side": True,  # implies abdominal pain
            "diarrhoea": False,
            "photophobia": True,  # exact finding id
            "Stiff neck": False,  # exact finding name
            "something unknown": True,
        },
    )
    patient = SimulatedPatient(engine, case)

    def answer(fid: str) -> Act:
        return patient.reply(InterviewState(phase=Phase.QUESTIONS, current=fid)).act

    assert answer("vomiting") is Act.DENY
    assert answer("right_lower_abdominal_pain") is Act.AFFIRM
    assert answer("abdominal_pain") is Act.AFFIRM
    assert answer("diarrhoea") is Act.DENY
    assert answer("photophobia") is Act.AFFIRM
    assert answer("neck_stiffness") is Act.DENY
    assert answer("rash") is Act.DONT_KNOW


def test_unrecognised_opening_is_rephrased_from_facts(engine: InterviewEngine) -> None:
    [record] = assess_lines(
        engine,
        [line(id="x", text="I feel off", age=40, sex="male", facts={"sore throat": True})],
    )
    check_contract(record)
    assert record["conditions"][0]["name"] == "Common cold"  # type: ignore[index]


def test_nothing_recognised_is_an_error_not_a_triage(engine: InterviewEngine) -> None:
    # The bot did not understand and handed the patient to a clinician: no assessment.
    [record] = assess_lines(engine, [line(id="x", text="I feel off", age=40, sex="male")])
    assert record == {
        "id": "x",
        "error": "interview did not finish: the complaint was not understood "
        "(handed to a clinician)",
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        (line(text="cough"), "'id'"),
        (line(id="x"), "'text'"),
        (line(id="x", text="  "), "'text'"),
        (line(id="x", text="cough", age="old"), "'age'"),
        (line(id="x", text="cough", age=True), "'age'"),
        (line(id="x", text="cough", sex="other"), "'sex'"),
        (line(id="x", text="cough", facts={"fever": 3}), "'facts'"),
        (line(id="x", text="cough", facts=["fever"]), "'facts'"),
    ],
)
def test_bad_lines_become_error_records(engine: InterviewEngine, raw: str, message: str) -> None:
    [record] = assess_lines(engine, [raw])
    assert set(record) == {"id", "error"}
    assert message in str(record["error"])
    assert isinstance(record["id"], str)
    assert record["id"]


def test_order_is_preserved_and_errors_do_not_stop_the_run(engine: InterviewEngine) -> None:
    lines = [
        line(id="a", text="cough"),
        "oops",
        "",
        line(id="c", text="crushing chest pain", age=50),
        line(id="d"),
        line(id="e", text="diarrhoea and vomiting", age=20, sex="female"),
    ]
    records = list(assess_lines(engine, lines))
    assert [r["id"] for r in records] == ["a", "line-2", "c", "d", "e"]
    assert ["error" in r for r in records] == [False, True, False, True, False]
    assert records[2]["triage"] == "emergency_ambulance"


def test_an_engine_failure_is_an_error_record(engine: InterviewEngine) -> None:
    class Broken(InterviewEngine):
        def step(self, state, turn):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    broken = Broken(small_kb(), small_rules())
    records = list(assess_lines(broken, [line(id="a", text="cough"), line(id="b", text="x")]))
    assert records == [
        {"id": "a", "error": "RuntimeError: boom"},
        {"id": "b", "error": "RuntimeError: boom"},
    ]


def test_an_interview_cut_off_by_the_turn_limit_is_an_error(
    engine: InterviewEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("symcheck.assess._turn_limit", lambda engine: 2)
    record = assess_case(engine, Case("t", "I have a headache", 30, "male"))
    assert set(record) == {"id", "error"}
    assert record["error"] == "interview did not finish: turn limit reached (phase: sex)"


def test_a_low_confidence_result_is_still_a_result(engine: InterviewEngine) -> None:
    case = Case("r", "I have a rash", 30, "male")  # "don't know" to everything
    record = assess_case(engine, case)
    check_contract(record)
    state = engine.new_state()
    patient = SimulatedPatient(engine, case)
    turn = patient.opening()
    while state.phase not in (Phase.RESULT, Phase.HANDOFF, Phase.CLOSED):
        state = engine.step(state, turn).state
        turn = patient.reply(state)
    assert state.result is not None
    assert state.result.low_confidence  # handed to a clinician, but assessed
    assert record["triage"] == state.result.disposition.value


def test_a_fact_mention_without_an_observation_is_skipped(
    engine: InterviewEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "temperature 37.9" names the fever finding but is deliberately not read as a fever:
    # the extractor returns a mention with no observation. The simulated patient must not
    # crash on it (it used to raise KeyError: 'fever') and answers "don't know".
    from symcheck.clinical.nlu.extractor import Extraction, Mention

    real_extract = engine.extractor.extract

    def extract(text: str) -> Extraction:
        if "37.9" in text:
            return Extraction(mentions=(Mention("fever", "temperature", 0, 1, True),))
        return real_extract(text)

    monkeypatch.setattr(engine.extractor, "extract", extract)
    case = Case("t", "I have a cough", 30, "male", facts={"temperature 37.9": True})
    patient = SimulatedPatient(engine, case)
    answer = patient.reply(InterviewState(phase=Phase.QUESTIONS, current="fever"))
    assert answer.act is Act.DONT_KNOW
    check_contract(assess_case(engine, case))
