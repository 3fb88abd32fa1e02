"""Component: the knowledge base's findings named in the message, as spans."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from symcheck.clinical.nlu.extensions import FINDINGS, IGNORED, FindingRecord
from symcheck.clinical.nlu.matching import match
from symcheck.clinical.nlu.phrase_index import IGNORED as IGNORED_ID
from symcheck.clinical.nlu.phrase_index import PhraseIndex

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_findings"


class FindingMatcher:
    """Matches every synonym, misspelling and denial of the knowledge base.

    Sets ``doc.spans["findings"]`` (one span per mention, labelled with its finding id, in
    text order, then the words that share a phrase through "and"/"or"), their records in
    ``doc._.finding_records``, ``doc.spans["ignored"]`` for ignored phrases ("fit and well")
    and ``doc._.covered``, the words inside any matched phrase (which are never read as
    negation or uncertainty triggers). See :func:`symcheck.clinical.nlu.matching.match`.
    """

    def __init__(self) -> None:
        self._index: PhraseIndex | None = None

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Any = None,
        index: PhraseIndex | None = None,
    ) -> None:
        """Give the component the knowledge base's phrase index."""
        self._index = index

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        index = self._index
        if index is None:
            raise RuntimeError(f"{NAME} is not initialised with a phrase index")
        hits = match(index, doc._.match_words)
        word_index: list[int] = doc._.word_index
        records: list[FindingRecord] = []
        spans: list[Span] = []
        ignored: list[Span] = []
        covered: set[int] = set()
        for hit in hits:
            covered.update(range(hit.start, hit.end))
            start, end = word_index[hit.start], word_index[hit.end - 1] + 1
            if hit.finding_id == IGNORED_ID:
                ignored.append(Span(doc, start, end, label="ignored"))
                continue
            span = Span(doc, start, end, label=hit.finding_id, span_id=len(records))
            records.append(
                FindingRecord(
                    finding_id=hit.finding_id,
                    key=hit.key,
                    start=hit.start,
                    end=hit.end,
                    anchor=hit.anchor,
                    group=hit.group_start,
                    denial=hit.key in index.denials,
                )
            )
            spans.append(span)
        doc._.finding_records = records
        doc._.covered = frozenset(covered)
        doc.spans[FINDINGS] = spans
        doc.spans[IGNORED] = ignored
        return doc
