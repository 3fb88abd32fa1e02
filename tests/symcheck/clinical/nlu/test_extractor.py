"""The finding extractor: one sentence, one expected outcome per test."""

from __future__ import annotations

from datetime import date

import pytest

from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.nlu import Extraction, FindingExtractor
from symcheck.clinical.patient import Observation, Onset


def _presence(extractor: FindingExtractor, text: str, finding: str) -> bool | str | None:
    obs = extractor.extract(text).observations.get(finding)
    return "unmentioned" if obs is None else obs.present


# --- plain and misspelled phrases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I have a fever", "fever"),
        ("diarhea since this morning", "diarrhoea"),
        ("cant breath", "severe_breathlessness"),
        ("throwing up all day", "vomiting"),
        ("peeing blood", "haematuria"),
        ("sore froat", "sore_throat"),
        ("my head is killing me", "headache"),
        ("cant keep anything down", "persistent_vomiting"),
        ("peeing a lot", "urinary_frequency"),
        ("I'm short of breath", "shortness_of_breath"),
        ("Can't breathe!!", "severe_breathlessness"),
        ("pain in the chest", "chest_pain"),
        ("my chest is tight", "chest_tightness"),
        ("feeling really down", "low_mood"),
        ("pain in my left testicle", "testicular_pain"),
        ("no wet nappies today", "reduced_urine"),
        ("vommiting", "vomiting"),
        ("headaches", "headache"),
    ],
)
def test_phrase_is_found(extractor: FindingExtractor, text: str, finding: str) -> None:
    assert _presence(extractor, text, finding) is True


def test_longest_phrase_wins(extractor: FindingExtractor) -> None:
    mentions = extractor.extract("crushing chest pain").mentions
    assert [m.finding_id for m in mentions] == ["chest_pain_crushing"]


def test_ignored_phrase_reports_nothing(extractor: FindingExtractor) -> None:
    assert not extractor.extract("I'm fit and well")


def test_confused_about_is_not_confusion(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "I'm confused about my tablets", "confusion") == "unmentioned"


# --- negation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("no fever", "fever"),
        ("I don't have a headache", "headache"),
        ("denies chest pain", "chest_pain"),
        ("without any wheeze", "wheeze"),
        ("I haven't been vomiting", "vomiting"),
        ("I don't think I have a fever", "fever"),
        ("fever: no", "fever"),
        ("Cough - none.", "cough"),
        ("no fever and no cough", "cough"),
        ("I have never had asthma", "asthma_history"),
    ],
)
def test_negated(extractor: FindingExtractor, text: str, finding: str) -> None:
    assert _presence(extractor, text, finding) is False


def test_negation_stops_at_but(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "no fever but a bad cough", "cough") is True


def test_negation_stops_at_a_comma(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "no fever, cough for days", "cough") is True


def test_negation_stops_at_a_new_subject(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "No I have crushing chest pain", "chest_pain_crushing") is True


def test_post_negation_needs_the_end_of_the_clause(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "chest pain no fever", "chest_pain") is True


def test_no_before_the_next_finding_negates_that_one(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "chest pain no fever", "fever") is False


def test_absent_parent_makes_children_absent(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "no cough", "haemoptysis") is False


def test_present_child_makes_parent_present(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "coughing up blood", "cough") is True


def test_negation_inside_a_phrase_is_not_a_trigger(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "I can't breathe and my lips are blue", "cyanosis") is True


# --- pseudo-negation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I can't stop coughing", "cough"),
        ("the cough won't go away", "cough"),
        ("paracetamol didn't help my headache", "headache"),
        ("I've never had a headache like this", "headache"),
        ("the rash is not getting better", "rash"),
        ("I don't know why I'm so breathless", "shortness_of_breath"),
        ("the numbness went away", "numbness_tingling"),
    ],
)
def test_pseudo_negation_keeps_the_finding(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is True


# --- uncertainty ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "not sure if I have a fever",
        "maybe a temperature",
        "I think I might have a fever",
        "I don't know if I have a fever",
    ],
)
def test_uncertain(extractor: FindingExtractor, text: str) -> None:
    assert _presence(extractor, text, "fever") is None


def test_hedge_words_are_not_uncertainty(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "my chest is kind of tight", "chest_tightness") is True


def test_present_wins_over_absent_within_one_message(extractor: FindingExtractor) -> None:
    text = "I had a fever yesterday but no fever today"
    assert _presence(extractor, text, "fever") is True


# --- stated temperatures ----------------------------------------------------------------------


def test_temperature_reading_reports_fever(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "temp 38.4", "fever") is True


def test_high_temperature_reading_reports_high_fever(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "temperature of 39.5", "high_fever") is True


def test_fahrenheit_reading_is_converted(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "it was 102F this morning", "fever") is True


def test_normal_reading_means_no_fever(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "temperature 36.8, just a cough", "fever") is False


def test_durations_are_not_temperatures(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "cough for 38 days", "fever") == "unmentioned"


# --- attributes -------------------------------------------------------------------------------


def _obs(extractor: FindingExtractor, text: str, finding: str) -> Observation:
    return extractor.extract(text).observations[finding]


def test_duration_attaches_to_the_finding(extractor: FindingExtractor) -> None:
    assert _obs(extractor, "I've had a cough for 3 weeks", "cough").duration_hours == 504


def test_each_finding_takes_its_nearest_duration(extractor: FindingExtractor) -> None:
    text = "cough for 3 weeks and a fever since yesterday"
    assert _obs(extractor, text, "fever").duration_hours == 24


def test_one_duration_can_cover_two_findings(extractor: FindingExtractor) -> None:
    text = "headache and stiff neck for 2 days"
    assert _obs(extractor, text, "neck_stiffness").duration_hours == 48


def test_duration_does_not_cross_sentences(extractor: FindingExtractor) -> None:
    text = "I have a headache. My son has had a cough for a week."
    assert _obs(extractor, text, "headache").duration_hours is None


def test_weekday_duration_uses_today(extractor: FindingExtractor) -> None:
    obs = extractor.extract("fever since Monday", today=date(2026, 6, 4)).observations["fever"]
    assert obs.duration_hours == 72  # Thursday


def test_severity_attaches_to_the_nearest_finding(extractor: FindingExtractor) -> None:
    assert _obs(extractor, "severe headache and mild nausea", "nausea").severity == 3


def test_worst_ever_is_ten(extractor: FindingExtractor) -> None:
    assert _obs(extractor, "worst headache of my life", "headache").severity == 10


def test_scale_severity(extractor: FindingExtractor) -> None:
    assert _obs(extractor, "back pain 7/10", "back_pain").severity == 7


def test_sudden_onset(extractor: FindingExtractor) -> None:
    assert _obs(extractor, "the headache came on suddenly", "headache").onset is Onset.SUDDEN


def test_gradual_onset(extractor: FindingExtractor) -> None:
    text = "the headache built up gradually"
    assert _obs(extractor, text, "headache").onset is Onset.GRADUAL


def test_absent_findings_carry_no_attributes(extractor: FindingExtractor) -> None:
    assert _obs(extractor, "no severe headache for 3 days", "headache") == Observation(False)


# --- the extraction object --------------------------------------------------------------------


def test_extraction_carries_demographics(extractor: FindingExtractor) -> None:
    assert extractor.extract("my baby is 6 weeks old and has a fever").demographics.age_years == (
        pytest.approx(0.115)
    )


def test_empty_extraction_is_falsy(extractor: FindingExtractor) -> None:
    assert not extractor.extract("hello there")


def test_present_and_absent_ids(extractor: FindingExtractor) -> None:
    extraction = extractor.extract("cough, no fever")
    assert ("cough" in extraction.present_ids, "fever" in extraction.absent_ids) == (True, True)


def test_mentions_record_token_spans(extractor: FindingExtractor) -> None:
    (mention,) = extractor.extract("a cough").mentions
    assert (mention.finding_id, mention.start, mention.end) == ("cough", 1, 2)


def test_with_implications_never_overwrites_a_report(extractor: FindingExtractor) -> None:
    implied = extractor.with_implications(
        {"haemoptysis": Observation(present=True), "cough": Observation(present=False)}
    )
    assert implied["cough"].present is False


def test_extraction_default_is_empty() -> None:
    assert Extraction().observations == {}


def test_every_shipped_phrase_is_found_in_isolation(
    extractor: FindingExtractor, kb: KnowledgeBase
) -> None:
    missed = [
        (phrase, fid)
        for phrase, fid in kb.phrases.items()
        if extractor.extract(phrase).observations.get(fid, Observation(None)).present is not True
    ]
    assert missed == []


# --- stated blood glucose ---------------------------------------------------------------------


def test_low_glucose_reading_reports_a_hypo(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "my blood sugar is 3.2", "low_blood_sugar") is True


def test_high_glucose_reading_in_mg_per_dl(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "glucose 400 mg/dl", "high_blood_sugar") is True


def test_normal_glucose_reading_reports_nothing(extractor: FindingExtractor) -> None:
    extraction = extractor.extract("sugar was 6.5")
    assert set(extraction.present_ids) & {"low_blood_sugar", "high_blood_sugar"} == set()


def test_implied_parent_inherits_attributes(extractor: FindingExtractor) -> None:
    obs = extractor.extract("crushing chest pain for 20 minutes").observations["chest_pain"]
    assert obs.duration_hours == pytest.approx(20 / 60)


# --- one-letter typos -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("diarrheoa for two days", "diarrhoea"),
        ("terrible headahce", "headache"),
        ("palpitatoins at night", "palpitations"),
        ("been vomitng all night", "vomiting"),
    ],
)
def test_one_letter_typos_are_corrected(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is True


@pytest.mark.parametrize(
    "text",
    ["I've been painting the house", "I'm thirty", "went voting today", "I was spitting feathers"],
)
def test_everyday_words_are_not_corrected_into_findings(
    extractor: FindingExtractor, text: str
) -> None:
    assert not extractor.extract(text)


# --- negation scope ends at a new clause ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I'm not well and have crushing chest pain", "chest_pain_crushing"),
        ("he's not well and isn't breathing", "not_breathing"),
        ("she's not responding and won't wake up", "unresponsive"),
        ("she's not herself and is floppy", "floppy"),
        ("not good have crushing chest pain", "chest_pain_crushing"),
        ("no fever he has a cough", "cough"),
        ("not much fever there's a rash", "rash"),
    ],
)
def test_negation_ends_at_a_new_clause(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("no fever or cough", "cough"),
        ("I haven't got chest pain", "chest_pain"),
        ("I don't feel sick", "nausea"),
        ("she doesn't have a temperature", "fever"),
        ("I'm not feeling sick", "nausea"),
    ],
)
def test_negation_still_covers_its_own_clause(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is False


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("no he isn't breathing", "not_breathing"),
        ("no, I can't breathe", "severe_breathlessness"),
        ("not sure what to do, she's not responding", "unresponsive"),
        ("I don't think he's breathing", "not_breathing"),
        ("I'm not ok, she won't wake up", "unresponsive"),
    ],
)
def test_a_phrase_with_its_own_negation_is_never_negated(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is True


def test_terminators_are_compared_after_stemming(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "no fever because I have a cough", "cough") is True


def test_intensifiers_are_compared_after_stemming(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "my chest is quite tight", "chest_tightness") is True


# --- who a pronoun points at -------------------------------------------------------------------


def test_wanting_to_kill_oneself_is_not_harm_to_others(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "I want to kill myself", "harm_to_others") == "unmentioned"


def test_wanting_to_kill_oneself_is_a_suicide_plan(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "I want to kill myself", "suicide_plan") is True


@pytest.mark.parametrize("text", ["I want to kill her", "I want to kill him"])
def test_wanting_to_kill_someone_is_harm_to_others(extractor: FindingExtractor, text: str) -> None:
    assert _presence(extractor, text, "harm_to_others") is True


def test_her_as_a_possessive_is_still_skipped(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "pain in her chest", "chest_pain") is True


# --- matching -----------------------------------------------------------------------------------


def test_longest_phrase_wins_over_an_earlier_shorter_one(extractor: FindingExtractor) -> None:
    text = "I'm pregnant and bleeding really heavily down below"
    assert _presence(extractor, text, "heavy_vaginal_bleeding") is True


def test_a_phrase_may_span_a_comma(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "there's blood in my poo, it's black", "melaena") is True


def test_a_word_coordinated_after_a_phrase_shares_it(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "pain in my back and tummy", "abdominal_pain") is True


def test_a_word_coordinated_before_a_phrase_shares_it(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "stomach and back pain", "abdominal_pain") is True


def test_the_phrase_itself_is_kept_alongside_the_coordinated_one(
    extractor: FindingExtractor,
) -> None:
    assert _presence(extractor, "pain in my back and tummy", "back_pain") is True


def test_a_coordinated_word_shares_the_negation(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "no pain in my back or tummy", "abdominal_pain") is False


def test_a_coordinated_word_takes_the_attributes(extractor: FindingExtractor) -> None:
    text = "really bad pain in my back and tummy all of a sudden"
    assert _obs(extractor, text, "abdominal_pain").onset is Onset.SUDDEN


def test_keep_is_skipped_in_the_loose_pass(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "my heart keeps fluttering", "palpitations") is True


def test_not_responding_to_treatment_is_not_unresponsive(extractor: FindingExtractor) -> None:
    text = "my cough is not responding to antibiotics"
    assert _presence(extractor, text, "unresponsive") == "unmentioned"


# --- ages and stages of pregnancy are not durations ----------------------------------------------


def test_an_age_without_old_is_not_a_duration(extractor: FindingExtractor) -> None:
    obs = _obs(extractor, "my little one is 7 weeks and burning up", "fever")
    assert obs.duration_hours is None


def test_a_stage_of_pregnancy_is_not_a_duration(extractor: FindingExtractor) -> None:
    obs = _obs(extractor, "I'm 34 weeks and have had a headache", "headache")
    assert obs.duration_hours is None


def test_a_real_duration_next_to_an_age_is_kept(extractor: FindingExtractor) -> None:
    obs = _obs(extractor, "my baby is 3 months and has had a fever for 2 days", "fever")
    assert obs.duration_hours == 48


def test_a_stated_stage_under_37_weeks_is_preterm(extractor: FindingExtractor) -> None:
    text = "I'm 34 weeks and my waters have broken"
    assert _presence(extractor, text, "preterm_pregnancy") is True


def test_a_stated_stage_at_term_is_not_preterm(extractor: FindingExtractor) -> None:
    text = "I'm 39 weeks and my waters have broken"
    assert _presence(extractor, text, "preterm_pregnancy") is False


# --- a stated number of tablets ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i've taken 30 paracetamol",
        "she swallowed about twenty of her tablets",
        "took 16 500mg paracetamol",
    ],
)
def test_many_tablets_are_an_overdose(extractor: FindingExtractor, text: str) -> None:
    assert _presence(extractor, text, "overdose") is True


@pytest.mark.parametrize(
    "text",
    [
        "I took 2 paracetamol for my headache",
        "I took 500 mg paracetamol this morning",
        "I take 12 tablets a day for my heart",
        "I haven't taken 30 paracetamol",
    ],
)
def test_a_normal_dose_is_not_an_overdose(extractor: FindingExtractor, text: str) -> None:
    assert _presence(extractor, text, "overdose") == "unmentioned"


def test_a_short_phrase_does_not_span_a_comma(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "poked in the eye, the pain is mild", "eye_pain") == "unmentioned"


# --- denials: phrases that say a finding is absent ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("rolled my ankle but I can walk on it", "cant_bear_weight"),
        ("dad fell yesterday but he is walking ok", "cant_bear_weight"),
        ("been sick twice but keeping fluids down now", "persistent_vomiting"),
        ("she has a cold but is feeding well", "poor_feeding"),
        ("plenty of wet nappies", "reduced_urine"),
        ("hives all over, breathing fine", "shortness_of_breath"),
        ("itchy welts but my lips are fine", "lip_face_swelling"),
        ("cut my hand, the bleeding has stopped", "major_bleeding"),
        ("diarrhoea since last night but drinking ok", "drinking_little"),
    ],
)
def test_a_denial_reports_the_finding_absent(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is False


def test_a_negated_denial_reports_the_finding(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "she isn't keeping fluids down", "persistent_vomiting") is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("only 1 wet nappy today", "reduced_urine"),
        ("not many wet nappies", "reduced_urine"),
        ("barely keeping fluids down", "persistent_vomiting"),
        ("it hasn't stopped bleeding", "major_bleeding"),
    ],
)
def test_a_qualified_denial_is_not_a_denial(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is True


def test_every_shipped_denial_reports_its_finding_absent_in_isolation(
    extractor: FindingExtractor, kb: KnowledgeBase
) -> None:
    missed = [
        (phrase, fid)
        for phrase, fid in kb.denial_phrases.items()
        if extractor.extract(phrase).observations.get(fid, Observation(None)).present is not False
    ]
    assert missed == []


# --- phrase regressions: one sentence, one finding ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("it burns when she wees", "dysuria"),
        ("he says it stings when he pees", "dysuria"),
        ("my wee is very dark", "dark_urine"),
        ("grandad has had a couple of falls this month", "fall"),
        ("mum fell and now she can't get up", "fall"),
        ("mum fell and now she can't get up", "long_lie"),
        ("bitten by my neighbours dog", "dog_cat_bite"),
        ("getting over a cold", "recent_infection"),
        ("had a cold last week and now my ear hurts", "recent_infection"),
        ("I can't get a full breath in and my chest hurts", "pleuritic_chest_pain"),
        ("sharp pain right side of my chest", "chest_pain"),
        ("pain on one side when i breath in", "pleuritic_chest_pain"),
        ("found my mate passed out, his breathing is really slow", "slow_shallow_breathing"),
        ("my toddler got into my iron tablets", "poisoning"),
        ("took my blood pressure tablets twice by mistake", "accidental_extra_dose"),
        ("he's freezing cold and mumbling", "low_body_temperature"),
        ("he's freezing cold and mumbling", "confusion"),
        ("the others in the house are unwell", "household_same_symptoms"),
        ("I feel better outside the house", "symptoms_better_away_from_home"),
        ("we have an old boiler", "carbon_monoxide_exposure"),
        ("my calf is swolen and sore", "calf_swelling_one_side"),
        ("started amoxicillin 3 days ago", "antibiotic_started"),
        ("I sometimes wish I wasn't here", "suicidal_thoughts"),
        ("I'd never act on it", "denies_suicidal_intent"),
        ("he thinks the neighbours are spying on him", "paranoid_beliefs"),
        ("my pee went red after I had beetroot", "red_food_or_medicine"),
        ("had a cough for 5 weeks that won't go", "persistent_cough"),
        ("smoked 40 years", "smoker"),
        ("dad had diabetes", "family_history_diabetes"),
        ("heart racing and all over the place", "irregular_heartbeat"),
        ("awful sore throat on one side", "one_sided_sore_throat"),
        ("coughing up pink frothy stuff", "pink_frothy_sputum"),
        ("drank way too much last night, hanging", "hangover"),
        ("a lump on the side of my neck", "swollen_glands"),
        ("shingles on my forehead", "shingles_near_eye"),
        ("scratched my eye with a fingernail", "eye_injury"),
        ("a bit of metal flew into my eye when I was grinding", "penetrating_eye_injury"),
        ("my leg feels hot and red", "red_hot_swollen_skin"),
        ("since bench pressing at the gym", "muscle_strain_injury"),
        ("6 weeks pregnant with mild cramps", "abdominal_pain"),
        ("my 6 year old stops breathing for a bit in her sleep", "witnessed_apnoea"),
        ("had 3 energy drinks today", "caffeine_or_stimulants"),
        ("it's passed now", "episode_resolved"),
        ("I've had these before", "similar_episodes_before"),
        ("coughing up black stuff after the house fire", "smoke_inhalation"),
        ("his pupils are tiny", "pinpoint_pupils"),
        ("headlights dazzle me when I drive at night", "glare_night_driving"),
        ("now there's a red ring spreading out from the bite", "bullseye_rash"),
        ("my calves cramp up when I walk", "claudication"),
        ("he took loads of his methadone", "overdose"),
        ("she swallowed a bottle of pills", "overdose"),
        ("my son ate some of his nan's tablets", "poisoning"),
        ("we got out of a burning house", "smoke_inhalation"),
        ("the pain is unbearable, way worse than it looks", "pain_out_of_proportion"),
        ("he says he is god", "elevated_mood"),
        ("he hasn't slept for 4 days", "reduced_need_for_sleep"),
        ("my ankle is swollen after rolling it", "ankle_injury"),
        ("I'm freezing, she's freezing cold to touch", "low_body_temperature"),
        ("everyone in the house feels sick and dizzy", "household_same_symptoms"),
        ("found mum on the floor, she can't get up", "long_lie"),
        ("my family would be better off without me", "suicidal_thoughts"),
    ],
)
def test_phrase_regression(extractor: FindingExtractor, text: str, finding: str) -> None:
    assert _presence(extractor, text, finding) is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I can't sit still", "hyperactive_impulsive"),
        ("dropped a weight on my foot at the gym", "weight_loss"),
        ("hives after eating prawns", "suspect_food"),
        ("pain in my tummy going through to my back", "arm_jaw_pain"),
        ("my legs are weak", "one_sided_weakness"),
        ("my leg feels hot", "fever"),
        ("barking cough, worse at nite", "head_lice"),
        ("heart racing and it won't settle", "inconsolable_cry"),
        ("stung by a wasp, hand swollen", "swollen_red_hands_feet"),
        ("thirsty all the time and my dad had diabetes", "diabetes"),
        ("I have a plan to lose weight this year", "suicide_plan"),
        ("my baby has a slight temp of 37.8", "fever"),
        ("my calves cramp up when I walk", "abdominal_pain"),
        ("his breathing is slow and he won't wake up", "loud_snoring"),
        ("heart racing, the chest pain goes away when I rest", "claudication"),
    ],
)
def test_misreading_regression(extractor: FindingExtractor, text: str, finding: str) -> None:
    assert _presence(extractor, text, finding) in ("unmentioned", False)


def test_allergy_foods_are_allergen_exposure(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "hives after eating prawns", "allergen_exposure") is True


def test_a_household_phrase_also_reports_the_symptom(extractor: FindingExtractor) -> None:
    found = extractor.extract("we all have headaches").present_ids
    assert {"household_same_symptoms", "headache"} <= set(found)


def test_a_symptom_at_the_start_of_a_household_phrase_is_reported(
    extractor: FindingExtractor,
) -> None:
    found = extractor.extract("headaches go away when I leave the house").present_ids
    assert {"symptoms_better_away_from_home", "headache"} <= set(found)


# --- blood pressure readings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("185/110", "high_bp_reading"),
        ("my reading was 150/125", "high_bp_reading"),
        ("bp 150 over 95", "raised_bp_reading"),
        ("blood pressure was 145/85 at the chemist", "raised_bp_reading"),
    ],
)
def test_a_stated_blood_pressure_is_read(
    extractor: FindingExtractor, text: str, finding: str
) -> None:
    assert _presence(extractor, text, finding) is True


@pytest.mark.parametrize("text", ["bp 120/80", "I'm 34/40", "pain is 8/10", "150 over the limit"])
def test_a_normal_or_other_number_is_not_a_high_reading(
    extractor: FindingExtractor, text: str
) -> None:
    found = set(extractor.extract(text).present_ids)
    assert found & {"high_bp_reading", "raised_bp_reading"} == set()


# --- attributes, temperature and stage of pregnancy ----------------------------------------------


def test_and_now_starts_a_new_clause_for_durations(extractor: FindingExtractor) -> None:
    obs = extractor.extract("went to Spain last week and now have a fever").observations["fever"]
    assert obs.duration_hours is None


def test_a_duration_after_now_still_attaches(extractor: FindingExtractor) -> None:
    obs = extractor.extract("fever, now for 5 days").observations["fever"]
    assert obs.duration_hours == 120


def test_a_temperature_word_with_a_normal_reading_is_no_fever(extractor: FindingExtractor) -> None:
    assert _presence(extractor, "slight temp of 37.8", "fever") == "unmentioned"


@pytest.mark.parametrize(
    ("text", "later"), [("I'm 8 weeks pregnant", False), ("I'm 30 weeks pregnant", True)]
)
def test_a_stated_stage_of_pregnancy_says_whether_it_is_past_20_weeks(
    extractor: FindingExtractor, text: str, later: bool
) -> None:
    assert _presence(extractor, text, "later_pregnancy") is later


# --- the spaCy pipeline underneath ----------------------------------------------------------------


def test_the_pipeline_is_rebuilt_when_its_vocabulary_grows_too_large(kb: KnowledgeBase) -> None:
    extractor = FindingExtractor(kb, max_vocabulary=1)
    first = extractor.nlp
    extractor.extract("zzqx fever")
    assert extractor.nlp is not first


def test_a_rebuilt_pipeline_reads_the_same(kb: KnowledgeBase) -> None:
    extractor = FindingExtractor(kb, max_vocabulary=1)
    readings = [extractor.extract("no fever, bad cough").observations for _ in range(2)]
    assert readings[0] == readings[1]
