"""Component: the patient's findings, from the mentions, the stated readings and the
finding hierarchy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu.extensions import FindingRecord
from symcheck.clinical.nlu.extraction import Subject
from symcheck.clinical.nlu.hierarchy import with_implications
from symcheck.clinical.nlu.readings import Readings
from symcheck.clinical.nlu.text import phrase_key
from symcheck.clinical.patient import Observation

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_observations"

# Words that may only name a temperature reading ("temperature 36.8").
_WEAK_FEVER = frozenset(" ".join(phrase_key(w)) for w in ("temperature", "temp", "temps"))
_FAMILY_HISTORY = "family_history_"  # "my mum has diabetes": family_history_diabetes


class ObservationBuilder:
    """Sets ``doc._.observations``: finding id -> observation for the patient.

    When one message mentions a finding several times, present wins over unsure and unsure
    over absent (over-triage is safer). Mentions about someone who is not the patient are
    left out, except that a relative's finding ``x`` reports ``family_history_x`` when the
    knowledge base has it. Stated readings add what they imply
    (:class:`~symcheck.clinical.nlu.readings.Readings`), then reported findings imply their
    parents (:func:`~symcheck.clinical.nlu.hierarchy.with_implications`).
    """

    def __init__(self) -> None:
        self._kb: KnowledgeBase | None = None
        self._readings: Readings | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Any = None,
        kb: KnowledgeBase | None = None,
    ) -> None:
        """Give the component the knowledge base."""
        self._kb = kb
        self._readings = Readings(kb.findings) if kb is not None else None

    def __call__(self, doc: Doc) -> Doc:
        kb, readings = self._kb, self._readings
        if kb is None or readings is None:
            raise RuntimeError(f"{NAME} is not initialised with a knowledge base")
        words: list[str] = doc._.words
        records: list[FindingRecord] = doc._.finding_records
        observations: dict[str, Observation] = {}
        fever_phrases: set[str] = set()
        for record in records:
            fid = record.finding_id
            if record.subject is Subject.FAMILY:
                fid = _FAMILY_HISTORY + fid
                if fid not in kb.findings or record.present is not True:
                    continue
                obs = Observation(present=True)
            else:
                obs = Observation(
                    present=record.present,
                    duration_hours=record.duration_hours,
                    severity=record.severity,
                    onset=record.onset,
                )
                if fid == "fever":
                    fever_phrases.add(" ".join(words[record.start : record.end]))
            observations[fid] = _merge(observations[fid], obs) if fid in observations else obs
        readings.add(
            doc._.norm_text,
            observations,
            doc._.demographics,
            fever_named_by_reading_only=bool(fever_phrases) and fever_phrases <= _WEAK_FEVER,
        )
        doc._.observations = with_implications(kb, observations)
        doc._.implied = frozenset(doc._.observations) - frozenset(observations)
        return doc


def _merge(earlier: Observation, later: Observation) -> Observation:
    """Two mentions in one message: present beats unsure beats absent (over-triage is safer)."""
    rank = {True: 2, None: 1, False: 0}
    keep, other = (
        (later, earlier) if rank[later.present] >= rank[earlier.present] else (earlier, later)
    )
    return Observation(
        present=keep.present,
        duration_hours=keep.duration_hours
        if keep.duration_hours is not None
        else other.duration_hours,
        severity=keep.severity if keep.severity is not None else other.severity,
        onset=keep.onset if keep.onset is not None else other.onset,
    )
