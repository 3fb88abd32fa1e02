"""What the finding extractor returns: mentions, observations and demographics of a message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from symcheck.clinical.nlu.demographics import Demographics
from symcheck.clinical.patient import Observation


class Subject(StrEnum):
    """Whom a mention is about.

    ``SELF`` and ``OTHER`` are both the patient: the writer ("I have a cough"), or someone the
    writer speaks for ("my son has a fever", "he is vomiting"), who is then the patient.
    ``FAMILY`` is someone who is not the patient: a relative's illness given as family history
    ("my dad had a heart attack at 52", "diabetes runs in the family") while the message is
    about the writer. Such mentions are never reported as the patient's findings.
    """

    SELF = "self"
    OTHER = "other"
    FAMILY = "family"


@dataclass(frozen=True)
class Mention:
    """One matched finding in the text (for explanations, the engine and tests).

    Attributes:
        finding_id: the knowledge-base finding.
        phrase: the matched words (normalised and stemmed).
        start: index of the first matched word among the message's words.
        end: index after the last matched word.
        present: ``True`` present, ``False`` negated, ``None`` unsure.
        subject: whom it is about (see :class:`Subject`).
        location: the body site said with it ("left knee", "lower back"), if any.
    """

    finding_id: str
    phrase: str
    start: int
    end: int
    present: bool | None
    subject: Subject = Subject.SELF
    location: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What a message says: findings with presence and attributes, and demographics.

    Attributes:
        observations: the patient's findings (those the words state, the readings they give
            and what these imply through the finding hierarchy).
        mentions: the matched phrases about the patient, in text order.
        demographics: age, sex and pregnancy statements about the patient.
        family: mentions about someone who is not the patient (family history); they are not
            in ``observations``.
        implied: the ids in ``observations`` that only the finding hierarchy gives (chest pain
            from crushing chest pain).
    """

    observations: Mapping[str, Observation] = field(default_factory=dict)
    mentions: tuple[Mention, ...] = ()
    demographics: Demographics = field(default_factory=Demographics)
    family: tuple[Mention, ...] = ()
    implied: frozenset[str] = frozenset()

    @property
    def present_ids(self) -> list[str]:
        return [fid for fid, obs in self.observations.items() if obs.present is True]

    @property
    def absent_ids(self) -> list[str]:
        return [fid for fid, obs in self.observations.items() if obs.present is False]

    def __bool__(self) -> bool:
        return bool(self.observations)
