"""Everything the gateway itself says to patients, in one place.

Every message that could leave a patient without an answer names the emergency number.
"""

from __future__ import annotations

from dataclasses import dataclass

from symcheck.gateway.text.validation import CheckedText, InputProblem


@dataclass(frozen=True)
class PatientCopy:
    emergency_number: str
    clinic_name: str = "the clinic"

    @property
    def empty(self) -> str:
        return "Please type a message: tell me in a few words what is bothering you."

    @property
    def no_words(self) -> str:
        return (
            "I can only read words. Please describe how you feel in a few words, "
            'for example "I have a sore throat".'
        )

    @property
    def other_language(self) -> str:
        return (
            "Sorry, I can only understand English for now. Please write your message in "
            f"English. If this is an emergency, call {self.emergency_number} now."
        )

    def truncated(self, max_chars: int) -> str:
        return (
            f"Your message was long, so I only read the first {max_chars} characters. "
            "If something important was cut off, please send it in a new message."
        )

    @property
    def unavailable(self) -> str:
        return (
            "Sorry, I can't answer right now. If this is an emergency, call "
            f"{self.emergency_number} now. Otherwise, please try again in a few minutes "
            f"or contact {self.clinic_name} directly."
        )

    @property
    def waiting_for_clinician(self) -> str:
        return (
            "Thank you, your message has been passed on. A clinician will reply here as soon "
            f"as possible. If this is an emergency, call {self.emergency_number} now."
        )

    @property
    def case_closed(self) -> str:
        return (
            "The clinician has closed this chat. If you have a new problem, describe it here "
            f"and I will help. If this is an emergency, call {self.emergency_number}."
        )

    def for_problem(self, checked: CheckedText) -> str:
        if checked.problem is InputProblem.EMPTY:
            return self.empty
        if checked.problem is InputProblem.NO_WORDS:
            return self.no_words
        if checked.problem is InputProblem.OTHER_LANGUAGE:
            return self.other_language
        raise ValueError("the text has no problem")
