"""Every sentence the interview says to a patient, in one place.

The clinic name and the emergency number are injected (from settings), never hard-coded.
Wording rules: plain words, one thing per message, always something the patient can do next,
and the emergency number on every path where something went wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.protocol import Button
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.safety import emergency_message

YES = Button("Yes", "/affirm")
NO = Button("No", "/deny")
DONT_KNOW = Button("Don't know", "/dont_know")
YES_NO_DONT_KNOW = (YES, NO, DONT_KNOW)
SEX_BUTTONS = (
    Button("Female", '/inform_sex{"sex": "female"}'),
    Button("Male", '/inform_sex{"sex": "male"}'),
    Button("Prefer not to say", "/dont_know"),
)
PREGNANCY_BUTTONS = (YES, NO, Button("Not sure", "/dont_know"))
AGE_BUTTONS = (Button("Prefer not to say", "/dont_know"),)
CLINICIAN_BUTTONS = (Button("Yes, please", "/affirm"), Button("No, thanks", "/deny"))
START_OVER = Button("Start a new check", "/restart_conversation")
TALK_TO_CLINICIAN = Button("Talk to a clinician", "/request_human")
AFTER_BUTTONS = (START_OVER, TALK_TO_CLINICIAN)

_EXAMPLES = (
    'For example: "I have a sore throat and a fever since yesterday" or '
    '"my 4-year-old has been sick and has tummy ache".'
)


@dataclass(frozen=True)
class Copy:
    """Patient-facing wording for one clinic."""

    clinic_name: str
    emergency_number: str

    def _emergency_aside(self) -> str:
        return f"(In an emergency, call {self.emergency_number}.)"

    # -- start ------------------------------------------------------------------------------

    def consent(self) -> str:
        return (
            f"Hello. I'm an automated symptom checker for {self.clinic_name}, not a doctor. "
            "I'll ask you some questions and suggest what to do next; this is not a diagnosis. "
            f"If this is an emergency, call {self.emergency_number} now."
        )

    def ask_complaint(self) -> str:
        return "What is the main problem today? Please describe it in your own words."

    def ask_complaint_again(self) -> str:
        return (
            "What is the main problem today? Please describe it in your own words. "
            f"{self._emergency_aside()}"
        )

    def complaint_still_needed(self) -> str:
        return (
            "Thanks, I've noted that. I couldn't pick out a symptom yet, so please tell me the "
            f"main problem in a few words. {_EXAMPLES} {self._emergency_aside()}"
        )

    def complaint_not_understood(self) -> str:
        return (
            "Sorry, I couldn't pick out a symptom from that. "
            f"Please tell me what you are feeling in a few words. {_EXAMPLES} "
            f"{self._emergency_aside()}"
        )

    def offer_clinician_not_understood(self) -> str:
        return (
            "I'm sorry, I'm having trouble understanding. Would you like a clinician from "
            f"{self.clinic_name} to read your messages and reply here? If this is an emergency, "
            f"call {self.emergency_number} now."
        )

    def describe_again(self) -> str:
        return (
            f"All right. Please describe your main symptom in a few words. {_EXAMPLES} "
            f"{self._emergency_aside()}"
        )

    # -- demographics -----------------------------------------------------------------------

    def ask_age(self) -> str:
        return 'How old are you? (For a baby, you can say "6 months" or "3 weeks".)'

    def age_not_understood(self) -> str:
        return (
            'Sorry, I didn\'t catch the age. Please type it as a number, like "34". '
            f"{self._emergency_aside()}"
        )

    def ask_sex(self) -> str:
        return "What sex were you assigned at birth? It helps me judge which conditions fit."

    def sex_not_understood(self) -> str:
        return (
            "Sorry, I didn't catch that. Please choose one of the options. "
            f"{self._emergency_aside()}"
        )

    def ask_pregnancy(self) -> str:
        return "Could you be pregnant?"

    # -- questions --------------------------------------------------------------------------

    def answer_not_understood(self) -> str:
        return (
            "Sorry, I didn't understand that answer. Please choose Yes, No or Don't know. "
            f"{self._emergency_aside()}"
        )

    def answer_still_not_understood(self) -> str:
        return (
            "Sorry, I still didn't understand. Please use the buttons, or say "
            f'"talk to a clinician" to reach a person. {self._emergency_aside()}'
        )

    def noted(self, names: Sequence[str]) -> str:
        return f"Thanks, I've noted: {_join(names)}."

    # -- anytime ----------------------------------------------------------------------------

    def help(self) -> str:
        return (
            "I ask about your symptoms, then suggest how urgently you should get care and "
            'which conditions might fit. You can say "start over", "I made a mistake" or '
            f'"talk to a clinician" at any time. In an emergency call {self.emergency_number}.'
        )

    def out_of_scope(self) -> str:
        return (
            "I can only help with health symptoms. For anything else, please contact "
            f"{self.clinic_name} directly."
        )

    def greet_again(self) -> str:
        return "Hello again. Let's carry on."

    def goodbye_midway(self) -> str:
        return (
            "Goodbye for now. If you want to carry on later, just reply here and I'll pick up "
            f"where we left off. If things get worse, call {self.emergency_number}."
        )

    def goodbye(self) -> str:
        return (
            f"Take care. If anything gets worse or you are worried, contact {self.clinic_name}, "
            f"and call {self.emergency_number} in an emergency."
        )

    def start_over(self) -> str:
        return "OK, let's start again."

    def corrected(self, changes: Sequence[str]) -> str:
        return f"Thanks, I've updated that: {_join(changes)}."

    def undone(self) -> str:
        return "No problem, let's go back to the last question."

    def nothing_to_undo(self) -> str:
        return "No problem. There's no earlier answer to change, so let's carry on."

    def maybe_emergency(self) -> str:
        return f"If you think this could be an emergency, call {self.emergency_number} now."

    # -- handoff ----------------------------------------------------------------------------

    def emergency(self, rules: Sequence[RedFlagRule]) -> str:
        return emergency_message(rules, self.emergency_number)

    def alerted(self) -> str:
        return "I have alerted a clinician, who may message you here."

    def handoff_requested(self) -> str:
        return (
            f"I've asked a clinician from {self.clinic_name} to look at your answers. They will "
            "reply to you here. If things get worse while you wait, or it is an emergency, call "
            f"{self.emergency_number}."
        )

    def handoff_waiting(self) -> str:
        return (
            "A clinician has your case and will reply here. If things get worse while you "
            f"wait, call {self.emergency_number}."
        )

    def handoff_not_understood(self) -> str:
        return (
            f"OK, I've asked a clinician from {self.clinic_name} to read your messages. They "
            "will reply to you here. If it is an emergency, call "
            f"{self.emergency_number} now."
        )

    # -- result -----------------------------------------------------------------------------

    def headline(self, disposition: Disposition) -> str:
        return disposition.headline.replace(
            "the emergency number", f"the emergency number ({self.emergency_number})"
        )

    def raised_because(self, details: Sequence[str]) -> str:
        return f"I've made this more urgent because of: {_join(d.lower() for d in details)}."

    def default_advice(self) -> str:
        return "A doctor should examine you to find out what is causing this."

    def likely_conditions(self, lines: Sequence[str]) -> str:
        return "What might be causing it:\n" + "\n".join(lines)

    def condition_line(self, rank: int, name: str, percent: str, because: Sequence[str]) -> str:
        line = f"{rank}. {name} ({percent})"
        if because:
            line += f" - because you said: {_join(because)}"
        return line

    def no_condition_match(self) -> str:
        return "I couldn't match your symptoms to a condition I know about."

    def not_a_diagnosis(self) -> str:
        return "This is not a diagnosis; only a doctor who examines you can give one."

    def safety_net(self, specific: str | None) -> str:
        general = (
            "If you get worse, or something new appears that worries you, get help sooner: "
            f"contact {self.clinic_name}, or call {self.emergency_number} in an emergency."
        )
        return f"{specific}\n{general}" if specific else general

    def offer_clinician(self) -> str:
        return f"Would you like a clinician from {self.clinic_name} to look at your answers?"

    def low_confidence(self) -> str:
        return (
            "I'm not confident about what is causing this, so a clinician will review your "
            "answers and may message you here."
        )

    def after_result(self) -> str:
        return "Would you like a clinician to look at your answers? Please choose Yes or No."

    def new_symptoms_after_result(self) -> str:
        return (
            "It sounds like something new. Would you like to start a new check, or talk to a "
            f"clinician? If it is an emergency, call {self.emergency_number} now."
        )

    def closed(self) -> str:
        return (
            "This check is finished. You can start a new one or talk to a clinician. In an "
            f"emergency call {self.emergency_number}."
        )


def percent(probability: float) -> str:
    """A probability as patients read it: "45%", "<1%"."""
    if probability < 0.005:
        return "<1%"
    return f"{round(probability * 100)}%"


def yes_no(present: bool | None) -> str:
    return {True: "yes", False: "no", None: "not sure"}[present]


def _join(items: Iterable[str]) -> str:
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
