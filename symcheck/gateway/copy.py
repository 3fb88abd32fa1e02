"""Everything the gateway itself says to patients, in one place.

Every sentence here names the emergency number: a patient can be reading any of them in an
emergency (an emoji-only "🚑", an empty message, an error). Error messages of the patient API
get the same advice through :meth:`PatientCopy.with_safe_advice`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.safety import emergency_message
from symcheck.gateway.text.validation import CheckedText, InputProblem


@dataclass(frozen=True)
class PatientCopy:
    emergency_number: str
    clinic_name: str = "the clinic"

    @property
    def safe_advice(self) -> str:
        return f"If this is an emergency, call {self.emergency_number} now."

    def with_safe_advice(self, text: str) -> str:
        """``text`` followed by :attr:`safe_advice`, unless it already tells the patient to call."""
        if self._names_the_number(text):
            return text
        text = text.strip()
        if text and text[-1] not in ".!?":
            text += "."
        return f"{text} {self.safe_advice}" if text else self.safe_advice

    def emergency(self, rules: Collection[RedFlagRule]) -> str:
        """The emergency advice for fired rules, always with the number to call."""
        return emergency_message(rules, self.emergency_number)

    def _names_the_number(self, text: str) -> bool:
        return f"call {self.emergency_number}".lower() in text.lower()

    @property
    def empty(self) -> str:
        return (
            "Please type a message: tell me in a few words what is bothering you. "
            f"{self.safe_advice}"
        )

    @property
    def no_words(self) -> str:
        return (
            "I can only read words. Please describe how you feel in a few words, "
            f'for example "I have a sore throat". {self.safe_advice}'
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
            "If something important was cut off, please send it in a new message. "
            f"{self.safe_advice}"
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
            f"and I will help. {self.safe_advice}"
        )

    # -- forget me ------------------------------------------------------------------------

    @property
    def erase_prompt(self) -> str:
        return (
            "To erase this conversation and everything you told us, reply YES DELETE. "
            "Anything else keeps it. Once erased it cannot be recovered, and a clinician "
            f"will no longer see it. {self.safe_advice}"
        )

    @property
    def erased(self) -> str:
        return (
            "Your conversation and everything you sent us have been erased. If you need help "
            f"again, send a new message. {self.safe_advice}"
        )

    # -- SMS keywords ---------------------------------------------------------------------

    @property
    def sms_help(self) -> str:
        return (
            f"{self.clinic_name} symptom checker: describe how you feel and I will suggest "
            "what to do; a clinician may reply here. Reply STOP to stop messages, DELETE to "
            f"erase your data. Not for emergencies: if this is an emergency, call "
            f"{self.emergency_number} now."
        )

    # -- Telegram -------------------------------------------------------------------------

    @property
    def telegram_help(self) -> str:
        return (
            f"{self.clinic_name} symptom checker: describe how you feel in your own words and "
            "I will suggest what to do; a clinician may reply here. Send /restart to start a "
            "new check, DELETE to erase your data. Not for emergencies: if this is an "
            f"emergency, call {self.emergency_number} now."
        )

    def help(self, channel: str) -> str:
        """The answer to the channel's help command (SMS HELP, Telegram /help)."""
        return self.telegram_help if channel == "telegram" else self.sms_help

    def unsupported(self, kind: str) -> str:
        """The answer to something the bot cannot read (``edit``, ``voice``, ``sticker``...)."""
        if kind == "edit":
            return (
                "I can't see changes to messages you have already sent. Please send the "
                f"correction as a new message. {self.safe_advice}"
            )
        return (
            "Sorry, I can only read text messages and photos. Please describe in words how "
            f"you feel. {self.safe_advice}"
        )

    @property
    def stale_button(self) -> str:
        """A short notice (Telegram shows at most 200 characters) for an old button."""
        return (
            "This button is no longer active: use the latest message or type your answer. "
            f"{self.safe_advice}"
        )

    @property
    def opted_in(self) -> str:
        return (
            f"You will get messages from {self.clinic_name} again. Tell me in a few words what "
            f"is bothering you. {self.safe_advice}"
        )

    # -- photos ---------------------------------------------------------------------------

    @property
    def photo_in_case(self) -> str:
        return (
            "Thank you. I can't look at photos myself, but I have added it to your case and a "
            f"clinician will see it. {self.safe_advice}"
        )

    @property
    def photo_no_case(self) -> str:
        return (
            "Thank you. I can't look at photos, so please describe in words what it shows "
            f"(where it is, its size and colour, and since when). {self.safe_advice}"
        )

    @property
    def photo_not_kept(self) -> str:
        return (
            "Sorry, I couldn't keep your photo (it was too large or not a picture). Please "
            f"describe in words what it shows. {self.safe_advice}"
        )

    def for_problem(self, checked: CheckedText) -> str:
        if checked.problem is InputProblem.EMPTY:
            return self.empty
        if checked.problem is InputProblem.NO_WORDS:
            return self.no_words
        if checked.problem is InputProblem.OTHER_LANGUAGE:
            return self.other_language
        raise ValueError("the text has no problem")
