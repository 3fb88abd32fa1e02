"""Findings from free text: lay-phrase matching with negation and uncertainty.

"my chest is kinda tight and i keep coughing, no fever tho" yields chest tightness and cough
present, fever absent. The matcher indexes every synonym and misspelling in the knowledge base
(normalised and stemmed as in :mod:`symcheck.clinical.nlu.text`), takes the longest match at
each position, then scopes NegEx-style triggers over the remaining tokens:

- a pre-negation ("no", "not", "don't have", "denies", "without") negates findings after it
  until a terminator ("but", "however", sentence punctuation, a comma) or 6 tokens;
- a post-negation ("fever: no", "the rash has gone") negates the finding just before it;
- an uncertainty trigger ("not sure if", "maybe", "might have") makes it unsure (``None``);
- pseudo-triggers ("can't stop", "won't go away", "not getting better") are not negations.

Phrases that contain a negation word ("can't breathe") are matched as findings first, so
their words never act as triggers. Duration, severity and onset in the same clause attach to
the findings of that clause. Reported findings imply their more general parents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu import attributes
from symcheck.clinical.nlu.demographics import Demographics, extract_demographics
from symcheck.clinical.nlu.text import Token, normalise, phrase_key, stem, tokenize
from symcheck.clinical.patient import Observation

_PRE_NEGATION = [
    "no",
    "not",
    "nor",
    "never",
    "without",
    "denies",
    "deny",
    "denied",
    "negative for",
    "free of",
    "no sign of",
    "no signs of",
    "dont have",
    "dont have any",
    "do not have",
    "didnt have",
    "did not have",
    "havent had",
    "have not had",
    "hasnt had",
    "havent got",
    "havent",
    "hasnt",
    "dont get",
    "dont feel",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "none",
    "neither",
    "nothing like",
    "ruled out",
]
_POST_NEGATION = [
    "no",
    "none",
    "gone",
    "has gone",
    "have gone",
    "went away",
    "has stopped",
    "have stopped",
    "resolved",
    "is gone",
    "not really",
    "not present",
    "absent",
]
_UNCERTAIN = [
    "not sure if",
    "not sure whether",
    "not sure about",
    "not sure",
    "unsure if",
    "unsure",
    "not certain",
    "maybe",
    "might have",
    "might be",
    "may have",
    "possibly",
    "perhaps",
    "i think i might",
    "could be",
    "dont know if",
    "do not know if",
    "dont know whether",
    "not too sure",
    "kind of",
]
_PSEUDO = [
    "cant stop",
    "cannot stop",
    "couldnt stop",
    "wont stop",
    "doesnt stop",
    "not stop",
    "not stopping",
    "wont go away",
    "not go away",
    "doesnt go away",
    "not going away",
    "not gone away",
    "not getting better",
    "not get better",
    "not improving",
    "not better",
    "no better",
    "not helping",
    "not only",
    "no idea",
    "not eating",
    "not drinking",
    "not sleeping",
]
_TERMINATORS = frozenset(
    stem(word)
    for word in {
        "but",
        "however",
        "although",
        "though",
        "tho",
        "except",
        "yet",
        "apart",
        "aside",
        "which",
        "whereas",
        "still",
        ".",
        ";",
        "!",
        "?",
        ",",
        ":",
        "(",
        ")",
    }
)
_SENTENCE_END = frozenset({".", ";", "!", "?"})
_SCOPE = 6


@dataclass(frozen=True)
class Mention:
    """One matched finding in the text (for explanations and tests)."""

    finding_id: str
    phrase: str
    start: int  # token index
    end: int  # token index, exclusive
    present: bool | None


@dataclass(frozen=True)
class Extraction:
    """What a message says: findings with presence and attributes, and demographics."""

    observations: Mapping[str, Observation] = field(default_factory=dict)
    mentions: tuple[Mention, ...] = ()
    demographics: Demographics = field(default_factory=Demographics)

    @property
    def present_ids(self) -> list[str]:
        return [fid for fid, obs in self.observations.items() if obs.present is True]

    @property
    def absent_ids(self) -> list[str]:
        return [fid for fid, obs in self.observations.items() if obs.present is False]

    def __bool__(self) -> bool:
        return bool(self.observations)


class FindingExtractor:
    """Extracts findings from text using the knowledge base's lay phrases.

    Build once per knowledge base (the index is precomputed) and call :meth:`extract`
    for each message; it is pure and thread-safe.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._phrases: dict[tuple[str, ...], str] = {}
        for phrase, fid in kb.phrases.items():
            key = phrase_key(phrase)
            if key:
                self._phrases.setdefault(key, fid)
        self._max_len = max((len(k) for k in self._phrases), default=1)
        self._pre = _keys(_PRE_NEGATION)
        self._post = _keys(_POST_NEGATION)
        self._uncertain = _keys(_UNCERTAIN)
        self._pseudo = _keys(_PSEUDO)

    def extract(self, text: str, today: date | None = None) -> Extraction:
        tokens = tokenize(text)
        words = [t.text for t in tokens]
        mentions = self._match(words)
        covered = {i for m in mentions for i in range(m[1], m[2])}
        triggers = self._triggers(words, covered)
        norm = normalise(text)
        observations: dict[str, Observation] = {}
        result: list[Mention] = []
        for fid, start, end in mentions:
            present = _presence(start, end, words, triggers)
            clause = _clause_text(norm, tokens, start, end)
            obs = Observation(
                present=present,
                duration_hours=attributes.duration_hours(clause, today) if present else None,
                severity=attributes.severity(clause) if present else None,
                onset=attributes.onset(clause) if present else None,
            )
            result.append(Mention(fid, " ".join(words[start:end]), start, end, present))
            observations[fid] = observations[fid].merged_with(obs) if fid in observations else obs
        return Extraction(
            observations=self.with_implications(observations),
            mentions=tuple(result),
            demographics=extract_demographics(text),
        )

    def with_implications(self, observations: Mapping[str, Observation]) -> dict[str, Observation]:
        """Add what the reported findings imply through the finding hierarchy.

        A present child makes its ancestors present; an absent parent makes its descendants
        absent. Explicit reports are never overwritten.
        """
        out = dict(observations)
        for fid, obs in observations.items():
            if obs.present is True:
                for ancestor in self._kb.ancestors_of(fid):
                    out.setdefault(ancestor, Observation(present=True))
            elif obs.present is False:
                for descendant in self._kb.descendants_of(fid):
                    out.setdefault(descendant, Observation(present=False))
        return out

    def _match(self, words: list[str]) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        i = 0
        while i < len(words):
            for length in range(min(self._max_len, len(words) - i), 0, -1):
                fid = self._phrases.get(tuple(words[i : i + length]))
                if fid is not None:
                    found.append((fid, i, i + length))
                    i += length
                    break
            else:
                i += 1
        return found

    def _triggers(self, words: list[str], covered: set[int]) -> dict[int, tuple[str, int]]:
        """Token index -> (kind, length) for trigger phrases outside matched findings."""
        triggers: dict[int, tuple[str, int]] = {}
        i = 0
        while i < len(words):
            if i in covered:
                i += 1
                continue
            hit = None
            for kind, table in (
                ("pseudo", self._pseudo),
                ("uncertain", self._uncertain),
                ("pre", self._pre),
                ("post", self._post),
            ):
                for length in sorted(table, reverse=True):
                    window = tuple(words[i : i + length])
                    if (
                        len(window) == length
                        and window in table[length]
                        and not (covered & set(range(i, i + length)))
                    ):
                        hit = (kind, length)
                        break
                if hit:
                    break
            if hit:
                triggers[i] = hit
                i += hit[1]
            else:
                i += 1
        return triggers


def _keys(phrases: list[str]) -> dict[int, set[tuple[str, ...]]]:
    table: dict[int, set[tuple[str, ...]]] = {}
    for phrase in phrases:
        key = phrase_key(phrase)
        table.setdefault(len(key), set()).add(key)
    return table


def _presence(
    start: int, end: int, words: list[str], triggers: dict[int, tuple[str, int]]
) -> bool | None:
    # Look back for a pre-negation or uncertainty trigger in scope.
    j = start - 1
    distance = 0
    while j >= 0 and distance < _SCOPE:
        if j in triggers:
            kind, _ = triggers[j]
            if kind == "uncertain":
                return None
            if kind == "pre":
                return False
            if kind == "pseudo":
                break
        if words[j] in _TERMINATORS:
            break
        j -= 1
        distance += 1
    # Look ahead for a post-negation right after the finding ("fever: no", "rash has gone").
    k = end
    while k < len(words) and k <= end + 2:
        if k in triggers and triggers[k][0] == "post":
            return False
        if k in triggers and triggers[k][0] == "pre" and words[k] == "no" and k == end + 1:
            return False  # "fever: no" where ":" sits between
        if words[k] in _SENTENCE_END:
            break
        k += 1
    return True


def _clause_text(norm: str, tokens: list[Token], start: int, end: int) -> str:
    """The sentence around a mention, where its duration, severity and onset are said."""
    lo = start
    while lo > 0 and tokens[lo - 1].text not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(tokens) and tokens[hi].text not in _SENTENCE_END:
        hi += 1
    if not tokens:
        return ""
    first = tokens[lo].start if lo < len(tokens) else len(norm)
    last = tokens[hi - 1].end if hi - 1 < len(tokens) else len(norm)
    return norm[first:last]
