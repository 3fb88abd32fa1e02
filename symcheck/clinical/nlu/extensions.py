"""The custom attributes the extraction pipeline sets on spaCy ``Doc`` and ``Span`` objects.

Each matched finding is a span in ``doc.spans["findings"]`` labelled with its finding id; its
state lives in a :class:`FindingRecord` that the components fill in turn and that the span's
attributes read (``span._.present``, ``span._.subject``, ``span._.duration_hours``, ...).
Keeping the state in one record per mention, rather than in spaCy's per-offset extension
storage, keeps two findings matched on the same words apart.

Doc attributes (set by the tokenizer and the components, in pipeline order):

- ``norm_text``: the Doc's text (the normalised message), kept so components need not rebuild
  it from the tokens;
- ``norm_tokens``: the message's words as :class:`~symcheck.clinical.nlu.text.Token` (stemmed
  and re-spelt, with offsets in the normalised text, which is the Doc's text); ``words`` their
  texts and ``word_index`` the index of each word's spaCy token. Matching and scoping work on
  words: characters such as "°" or extra whitespace are tokens of the Doc but not words;
- ``today``: the date "since Tuesday" is counted from (``None``: unknown);
- ``match_words``: the words with one-letter typos corrected (matching only);
- ``finding_records``: one :class:`FindingRecord` per finding span; ``covered``: the word
  indices inside matched phrases (ignored phrases included);
- ``demographics`` and ``statements``: age, sex and pregnancy statements, and the character
  spans of ages and stages of pregnancy (never read as durations);
- ``not_patient``: character spans that speak of someone who is not the patient;
  ``referent_sex``: the patient's sex from the words for them ("he", "my daughter");
- ``observations``: finding id -> :class:`~symcheck.clinical.patient.Observation`, the
  result; ``implied``: those only the finding hierarchy gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symcheck.clinical.nlu.extraction import Subject
from symcheck.clinical.patient import Onset

FINDINGS = "findings"  # doc.spans key: matched findings, labelled with their finding id
IGNORED = "ignored"  # doc.spans key: ignored phrases ("fit and well")
CONTEXT = "context"  # doc.spans key: negation / uncertainty / pseudo triggers, by kind
LOCATIONS = "locations"  # doc.spans key: body sites, labelled with the canonical site


@dataclass(slots=True)
class FindingRecord:
    """The state of one matched finding, filled in by the pipeline's components.

    Attributes:
        finding_id: the knowledge-base finding.
        key: the phrase key it matched on.
        start: first word index (among ``doc._.words``).
        end: word index after the match.
        anchor: where negation is looked for (the phrase's start, or that of the phrase a
            coordinated word shares).
        group: the start of the phrase a coordinated word shares ("pain in my back and
            tummy"); mentions of one group share their attributes.
        denial: matched on one of the finding's denial phrases ("can walk on it").
        present: ``True``, ``False`` (negated) or ``None`` (unsure).
        subject: whom it is about.
        duration_hours, severity, onset: attributes said in its sentence (present only).
        location: the body site said with it.
    """

    finding_id: str
    key: tuple[str, ...]
    start: int
    end: int
    anchor: int
    group: int
    denial: bool = False
    present: bool | None = True
    subject: Subject = Subject.SELF
    duration_hours: float | None = None
    severity: int | None = None
    onset: Onset | None = None
    location: str | None = None


_DOC_ATTRIBUTES = (
    "norm_text",
    "norm_tokens",
    "words",
    "word_index",
    "today",
    "match_words",
    "finding_records",
    "covered",
    "demographics",
    "statements",
    "not_patient",
    "referent_sex",
    "observations",
    "implied",
)
_RECORD_FIELDS = (
    "finding_id",
    "present",
    "subject",
    "duration_hours",
    "severity",
    "onset",
    "location",
)


def register_extensions() -> None:
    """Register the attributes on ``Doc`` and ``Span`` (idempotent; called by the pipeline
    factory, never at import)."""
    from spacy.tokens import Doc, Span

    for name in _DOC_ATTRIBUTES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Span.has_extension("finding"):
        Span.set_extension("finding", getter=record_of)
    for name in _RECORD_FIELDS:
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_field_getter(name))
    for name, getter in (("negated", _negated), ("uncertain", _uncertain)):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


def record_of(span: Any) -> FindingRecord:
    """The record behind a span of ``doc.spans["findings"]``."""
    records: list[FindingRecord] = span.doc._.finding_records
    index: int = span.id
    return records[index]


def _field_getter(name: str) -> Any:
    def getter(span: Any) -> Any:
        return getattr(record_of(span), name)

    return getter


def _negated(span: Any) -> bool:
    return record_of(span).present is False


def _uncertain(span: Any) -> bool:
    return record_of(span).present is None
