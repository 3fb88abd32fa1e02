"""The five triage dispositions shared by every part of the product.

See ``TRIAGE_LEVELS.md``: the ids are stable identifiers; the patient sees plain words.
"""

from __future__ import annotations

from enum import StrEnum


class Disposition(StrEnum):
    """A triage disposition, from most to least urgent."""

    EMERGENCY_AMBULANCE = "emergency_ambulance"
    EMERGENCY = "emergency"
    CONSULTATION_24 = "consultation_24"
    CONSULTATION = "consultation"
    SELF_CARE = "self_care"

    @property
    def urgency(self) -> int:
        """Higher is more urgent: ``self_care`` is 0, ``emergency_ambulance`` is 4."""
        return _URGENCY[self]

    @property
    def is_emergency(self) -> bool:
        return self in (Disposition.EMERGENCY_AMBULANCE, Disposition.EMERGENCY)

    def raised(self, levels: int = 1) -> Disposition:
        """The disposition ``levels`` steps more urgent, capped at ``emergency_ambulance``."""
        return from_urgency(min(self.urgency + levels, 4))

    @property
    def headline(self) -> str:
        """What the patient is told to do, in plain words."""
        return _HEADLINES[self]

    @property
    def label(self) -> str:
        """A short label for clinicians and reports."""
        return _LABELS[self]


_URGENCY = {
    Disposition.SELF_CARE: 0,
    Disposition.CONSULTATION: 1,
    Disposition.CONSULTATION_24: 2,
    Disposition.EMERGENCY: 3,
    Disposition.EMERGENCY_AMBULANCE: 4,
}

_HEADLINES = {
    Disposition.EMERGENCY_AMBULANCE: "Call the emergency number now.",
    Disposition.EMERGENCY: "Go to the emergency department now.",
    Disposition.CONSULTATION_24: "See a doctor within 24 hours.",
    Disposition.CONSULTATION: "Book an appointment with your doctor.",
    Disposition.SELF_CARE: "You can look after this at home.",
}

_LABELS = {
    Disposition.EMERGENCY_AMBULANCE: "Emergency - ambulance",
    Disposition.EMERGENCY: "Emergency department",
    Disposition.CONSULTATION_24: "Doctor within 24 h",
    Disposition.CONSULTATION: "Routine appointment",
    Disposition.SELF_CARE: "Self-care",
}


def from_urgency(urgency: int) -> Disposition:
    """The disposition with the given urgency rank (0-4)."""
    for disposition, rank in _URGENCY.items():
        if rank == urgency:
            return disposition
    raise ValueError(f"urgency must be 0-4, got {urgency}")


def most_urgent(*dispositions: Disposition | None) -> Disposition | None:
    """The most urgent of the given dispositions, ignoring ``None``; ``None`` if all are."""
    present = [d for d in dispositions if d is not None]
    if not present:
        return None
    return max(present, key=lambda d: d.urgency)
