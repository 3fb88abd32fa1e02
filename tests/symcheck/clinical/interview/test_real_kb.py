"""Smoke test over the shipped knowledge base and red-flag rules.

Short development cases written for this project in patient language (not published
symptom-checker vignettes), each with the range of dispositions a clinician would accept.
They run through ``symcheck assess`` exactly as the evaluator does.
"""

from __future__ import annotations

import pytest

from symcheck.assess import Case, assess_case
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.engine_factory import load_interview_engine
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.settings import Settings

D = Disposition

# id, text, age, sex, facts, (least urgent, most urgent) acceptable, a condition expected in
# the top five (or None), red flag expected
CASES = [
    (
        "cold",
        "I've had a runny nose and sneezing and a bit of a sore throat since yesterday",
        28,
        "female",
        {"fever": False, "cough": True, "short of breath": False, "blocked nose": True},
        (D.SELF_CARE, D.CONSULTATION),
        "Common cold",
        False,
    ),
    (
        "heart",
        "really bad crushing pain in my chest and I'm all sweaty",
        62,
        "male",
        {},
        (D.EMERGENCY_AMBULANCE, D.EMERGENCY_AMBULANCE),
        None,
        True,
    ),
    (
        "throat",
        "my throat is really sore and it hurts to swallow, I've got a temperature",
        19,
        "male",
        {
            "swollen glands": True,
            "white spots on my tonsils": True,
            "cough": False,
            "runny nose": False,
            "drooling": False,
            "hoarse": False,
            "can't swallow": False,
            "earache": False,
        },
        (D.SELF_CARE, D.CONSULTATION_24),
        None,
        False,
    ),
    (
        "cystitis",
        "it burns when I pee and I keep needing to go",
        30,
        "female",
        {"fever": False, "back pain": False, "pregnant": False, "vomiting": False},
        (D.SELF_CARE, D.CONSULTATION_24),
        None,
        False,
    ),
    (
        "migraine",
        "pounding headache on one side, light hurts my eyes and I feel sick",
        35,
        "female",
        {"stiff neck": False, "fever": False, "worst headache of my life": False},
        (D.SELF_CARE, D.CONSULTATION),
        "Migraine",
        False,
    ),
    (
        "appendix",
        "the pain started around my belly button and has moved to the lower right side, "
        "and I've been sick",
        22,
        "male",
        {"fever": True, "diarrhoea": False},
        (D.EMERGENCY, D.EMERGENCY_AMBULANCE),
        "Appendicitis",
        False,
    ),
    (
        "ankle",
        "I twisted my ankle playing football and it's swollen",
        25,
        "male",
        {"can't put weight on it": False, "bone sticking out": False},
        (D.SELF_CARE, D.CONSULTATION_24),
        None,
        False,
    ),
    (
        "chest_infection",
        "I've got a cough with green phlegm, a fever and I get out of breath walking",
        70,
        "male",
        {"chest pain": False},
        (D.CONSULTATION_24, D.EMERGENCY_AMBULANCE),
        None,
        True,
    ),
    (
        "low_mood",
        "I've felt really down for a month, can't sleep and I'm not interested in anything",
        30,
        "female",
        {"pregnant": False},
        (D.CONSULTATION, D.EMERGENCY),
        None,
        False,
    ),
    (
        "meningitis",
        "I've got a stiff neck, a high fever and a headache, and a rash that doesn't fade",
        19,
        "female",
        {},
        (D.EMERGENCY, D.EMERGENCY_AMBULANCE),
        None,
        False,
    ),
    (
        "back",
        "my lower back aches since I lifted some heavy boxes",
        40,
        "male",
        {"numbness": False, "fever": False, "leg weakness": False},
        (D.SELF_CARE, D.CONSULTATION),
        None,
        False,
    ),
    (
        "tummy_bug",
        "diarrhoea and being sick since last night, keeping water down ok",
        33,
        "female",
        {"blood in stool": False, "fever": False, "pregnant": False},
        (D.SELF_CARE, D.CONSULTATION),
        None,
        False,
    ),
    (
        # Only "rash" is said: the glass test (a red flag under "rash") must still be asked.
        "toddler_rash",
        "my toddler has a rash",
        2,
        "male",
        {"rash that doesn't fade when I press a glass on it": True},
        (D.EMERGENCY, D.EMERGENCY_AMBULANCE),
        None,
        True,
    ),
]


@pytest.fixture(scope="module")
def engine() -> InterviewEngine:
    return load_interview_engine(Settings())


@pytest.mark.parametrize(
    ("case_id", "text", "age", "sex", "facts", "accepted", "condition", "red_flag"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_development_case(
    engine: InterviewEngine,
    case_id: str,
    text: str,
    age: int,
    sex: str,
    facts: dict[str, bool | str],
    accepted: tuple[Disposition, Disposition],
    condition: str | None,
    red_flag: bool,
) -> None:
    record = assess_case(engine, Case(case_id, text, age, sex, facts))
    triage = Disposition(record["triage"])
    least, most = accepted
    assert least.urgency <= triage.urgency <= most.urgency, record
    if condition is not None:
        assert condition in [c["name"] for c in record["conditions"]], record
    if red_flag:
        assert record["red_flags"], record
    assert record["questions_asked"] <= engine.config.max_questions


def test_blood_in_the_stool_and_dizziness_are_asked_about_black_stools(
    engine: InterviewEngine,
) -> None:
    record = assess_case(
        engine,
        Case(
            "gi_bleed",
            "I'm dizzy and there's blood in my poo",
            67,
            "male",
            {"black tarry stools": True},
        ),
    )
    assert "RF-GI-002" in record.get("red_flags", []), record
