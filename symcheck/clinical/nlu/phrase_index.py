"""The knowledge base's lay phrases, indexed for matching (built once per knowledge base)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu.text import phrase_key
from symcheck.clinical.nlu.typos import TypoCorrector

IGNORED = ""  # finding id of ignored phrases ("fit and well"): they match and report nothing


@dataclass(frozen=True)
class PhraseIndex:
    """Every synonym, misspelling, denial and ignored phrase as a word tuple.

    Attributes:
        phrases: phrase key -> finding id (:data:`IGNORED` for ignored phrases).
        prefixes: every prefix of a key, so a match can stop as soon as no phrase continues.
        reports_inner: findings whose phrases name other findings that are reported too
            ("we all have headaches": others at home are unwell, and so is the patient).
        inner_phrases, inner_prefixes: the index without those findings' phrases.
        denials: keys of denial phrases ("can walk on it"), which report their finding absent.
        typos: the one-letter typo corrector over the phrases' words.
    """

    phrases: Mapping[tuple[str, ...], str]
    prefixes: frozenset[tuple[str, ...]]
    reports_inner: frozenset[str]
    inner_phrases: Mapping[tuple[str, ...], str]
    inner_prefixes: frozenset[tuple[str, ...]]
    denials: frozenset[tuple[str, ...]]
    typos: TypoCorrector

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> PhraseIndex:
        phrases: dict[tuple[str, ...], str] = {}
        for phrase in kb.info.ignored_phrases:
            key = phrase_key(phrase)
            if key:
                phrases[key] = IGNORED
        for phrase, fid in kb.phrases.items():
            key = phrase_key(phrase)
            if key:
                phrases.setdefault(key, fid)
        reports_inner = frozenset(fid for fid, f in kb.findings.items() if f.reports_inner)
        inner = {k: fid for k, fid in phrases.items() if fid not in reports_inner}
        # Denials report their finding absent; a synonym always wins.
        denials: set[tuple[str, ...]] = set()
        for phrase, fid in kb.denial_phrases.items():
            key = phrase_key(phrase)
            if key and key not in phrases:
                phrases[key] = fid
                denials.add(key)
        owners: dict[str, set[str]] = {}
        for key, fid in phrases.items():
            for word in key:
                owners.setdefault(word, set()).add(fid)
        singles = {key[0]: fid for key, fid in phrases.items() if len(key) == 1 and fid}
        return cls(
            phrases=phrases,
            prefixes=_prefixes(phrases),
            reports_inner=reports_inner,
            inner_phrases=inner,
            inner_prefixes=_prefixes(inner),
            denials=frozenset(denials),
            typos=TypoCorrector(owners, singles),
        )


def _prefixes(phrases: Mapping[tuple[str, ...], str]) -> frozenset[tuple[str, ...]]:
    return frozenset(key[:n] for key in phrases for n in range(1, len(key) + 1))
