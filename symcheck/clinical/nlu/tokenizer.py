"""The pipeline's tokenizer: a spaCy ``Doc`` over the normalised message.

Knowledge-base phrases and messages must meet token for token, so the Doc is built from the
same normalisation and tokenisation as every other matcher (:mod:`symcheck.clinical.nlu.text`):
the Doc's text is the normalised message (lowercase, NFKC, "can't" -> "cant"), each word is a
token, and characters that are not words ("°", "&", emoji) and runs of extra whitespace are
tokens too, so that ``doc.text`` is exactly the normalised text and character offsets agree.
``doc._.words`` lists the words only (stemmed and re-spelt), as the components match on them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from symcheck.clinical.nlu.text import RESPELLINGS, Token, normalise, stem

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# A word or punctuation mark (as in text.tokenize), a run of other characters, or whitespace.
_PIECE = re.compile(
    r"(?P<word>\d+(?:\.\d+)?|[a-z]+|[.,;:!?()/-])|(?P<other>[^\sa-z\d.,;:!?()/-]+)|(?P<space>\s+)"
)


class NormalisingTokenizer:
    """Makes the Doc of a message (see the module docstring)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        norm = normalise(text)
        pieces: list[str] = []
        spaces: list[bool] = []
        norm_tokens: list[Token] = []
        word_index: list[int] = []
        for match in _PIECE.finditer(norm):
            piece = match.group()
            if match.lastgroup == "space":
                if pieces and piece[0] == " ":
                    spaces[-1] = True  # the usual single space after a token
                    piece = piece[1:]
                if piece:
                    pieces.append(piece)
                    spaces.append(False)
                continue
            if match.lastgroup == "word":
                norm_tokens.append(
                    Token(stem(RESPELLINGS.get(piece, piece)), match.start(), match.end())
                )
                word_index.append(len(pieces))
            pieces.append(piece)
            spaces.append(False)
        doc = Doc(self.vocab, words=pieces, spaces=spaces)
        doc._.norm_text = norm
        doc._.norm_tokens = norm_tokens
        doc._.words = [t.text for t in norm_tokens]
        doc._.word_index = word_index
        return doc
