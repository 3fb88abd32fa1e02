"""Component: one-letter typo correction of the words used for matching ("diarrheoa")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from symcheck.clinical.nlu.phrase_index import PhraseIndex

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_typos"


class TypoCorrection:
    """Sets ``doc._.match_words``: the words, with long one-letter typos of one-word phrases
    corrected (see :class:`~symcheck.clinical.nlu.typos.TypoCorrector`). Negation and
    attributes keep reading the words as written."""

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
        if self._index is None:
            raise RuntimeError(f"{NAME} is not initialised with a phrase index")
        correct = self._index.typos.correct
        doc._.match_words = [correct(word) for word in doc._.words]
        return doc
