"""Component: duration, severity and onset of each present finding."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import FindingKind
from symcheck.clinical.nlu import attributes
from symcheck.clinical.nlu.extensions import FindingRecord
from symcheck.clinical.nlu.spans import blank, nearest, sentence_span

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_attributes"


class AttributeReader:
    """Attaches the duration ("for 3 days", "since Tuesday"), severity ("7/10", "worst
    ever") and onset ("came on suddenly") said in a finding's sentence to the finding, each
    taking the nearest expression that may be its (see :func:`~symcheck.clinical.nlu.spans.
    nearest` and :mod:`symcheck.clinical.nlu.attributes`). Only present findings carry
    attributes, and long-term conditions and risk factors carry none ("had a heart attack 2
    years ago" says when, not for how long). A stated age or stage of pregnancy ("my little
    one is 7 weeks") is never a duration; "since Tuesday" counts from ``doc._.today``.
    """

    def __init__(self) -> None:
        self._long_term: frozenset[str] = frozenset()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Any = None,
        kb: KnowledgeBase | None = None,
    ) -> None:
        """Give the component the knowledge base (to know its long-term conditions)."""
        if kb is not None:
            self._long_term = frozenset(
                fid for fid, f in kb.findings.items() if f.kind is FindingKind.RISK_FACTOR
            )

    def __call__(self, doc: Doc) -> Doc:
        records: list[FindingRecord] = doc._.finding_records
        if not records:
            return doc
        tokens = doc._.norm_tokens
        # "my little one is 7 weeks and burning up": an age is not how long the fever lasted.
        text = blank(doc._.norm_text, doc._.statements or ())
        mentions = [(r.start, r.end) for r in records]
        groups = [r.group for r in records]
        sentences = [sentence_span(tokens, start, end) for start, end in mentions]
        today = doc._.today
        duration = nearest(
            text,
            tokens,
            mentions,
            sentences,
            lambda c: attributes.durations(c, today),
            groups,
            modifies_after=False,
        )
        severity = nearest(text, tokens, mentions, sentences, attributes.severities, groups)
        onset = nearest(text, tokens, mentions, sentences, attributes.onsets, groups)
        for index, record in enumerate(records):
            if record.present and record.finding_id not in self._long_term:
                record.duration_hours = duration[index]
                record.severity = severity[index]
                record.onset = onset[index]
        return doc
