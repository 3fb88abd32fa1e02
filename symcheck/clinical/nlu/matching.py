"""Phrase matching on a message's words: the longest knowledge-base phrase at each position.

Pure and spaCy-free; used by :mod:`symcheck.clinical.nlu.components.findings`. Words are the
stemmed, re-spelt and typo-corrected words of the message (``doc._.match_words``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from symcheck.clinical.nlu.phrase_index import IGNORED, PhraseIndex
from symcheck.clinical.nlu.text import FILLERS, POSSESSIVE_OR_OBJECT
from symcheck.clinical.nlu.triggers import stems

# Skipped in the second matching pass only ("feeling really down" -> "feeling down", "pain in
# my left testicle" -> "pain in testicle"); the first pass keeps them, so "lower right abdomen"
# and "very high temperature" match their own phrases.
INTENSIFIERS = stems(
    {
        "really",
        "very",
        "so",
        "quite",
        "pretty",
        "extremely",
        "super",
        "terribly",
        "awfully",
        "bit",
        "little",
        "kinda",
        "just",
        "totally",
        "completely",
        "absolutely",
        "constantly",
        "always",
        "still",
        "also",
        "too",
        "suddenly",
        "badly",
        "kind",
        "sort",
        "left",
        "right",
        "both",
        "own",
        "keep",
        "keeps",
        "kept",
        "started",
        "starting",
    }
)
COMMA_BRIDGE = 3
# "pain in my back and tummy", "stomach and back pain": a coordinated word shares the phrase.
COORDINATORS = frozenset({"and", "or", "/"})


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found in the message: the finding, its word span and its phrase key.

    ``anchor`` is where negation is looked for: the start of the phrase itself, or of the
    phrase a coordinated word was taken from. ``group`` is the start of the phrase a
    coordinated word was taken from (its own start otherwise): a group shares its attributes.
    """

    finding_id: str
    start: int
    end: int
    key: tuple[str, ...]
    anchor: int
    group: int = -1

    @property
    def group_start(self) -> int:
        return self.start if self.group < 0 else self.group


class _View:
    """The words with some tokens skipped, and the way back to word indices."""

    def __init__(self, words: list[str], skip: list[bool]) -> None:
        self.positions = [i for i in range(len(words)) if not skip[i]]
        self.seq = [words[i] for i in self.positions]
        self.index = {word_index: k for k, word_index in enumerate(self.positions)}
        self.commas = [0]  # commas before each word index, to spot phrases that span one
        for word in words:
            self.commas.append(self.commas[-1] + (word == ","))

    def longest(
        self,
        start: int,
        phrases: Mapping[tuple[str, ...], str],
        prefixes: frozenset[tuple[str, ...]],
    ) -> Hit | None:
        """The longest phrase starting at word ``start`` (which must not be skipped)."""
        k = self.index.get(start)
        if k is None:
            return None
        best: Hit | None = None
        for stop in range(k + 1, len(self.seq) + 1):
            key = tuple(self.seq[k:stop])
            if key not in prefixes:
                break
            fid = phrases.get(key)
            end = self.positions[stop - 1] + 1
            # Only a long, specific phrase may bridge a comma ("blood in my poo, it's black");
            # "eye, the pain" is a list, not eye pain.
            if fid is not None and (
                len(key) >= COMMA_BRIDGE or self.commas[end] == self.commas[start]
            ):
                best = Hit(fid, start, end, key, start)
        return best


def match(index: PhraseIndex, words: list[str]) -> list[Hit]:
    """Longest phrase match at each position, skipping fillers inside phrases.

    Each position is tried twice: skipping fillers only, and also skipping intensifiers,
    sides, possessive-or-object words, "has been" (as "is") and (within phrases of three
    words or more) commas
    ("feeling really down" meets "feeling down", "pain in her left testicle" meets "pain
    in testicle", "blood in my poo, it's black" meets "blood in poo its black"). The match
    reaching furthest wins; on a tie the stricter one does, so "very high temperature"
    keeps its own phrase. Then words joined to a match by "and"/"or" are tried in its
    place (see :func:`_coordinated`).
    """
    strict = [w in FILLERS for w in words]
    loose = [
        w in FILLERS
        or w in POSSESSIVE_OR_OBJECT
        or w in INTENSIFIERS
        or w == ","
        or (w == "of" and i > 0 and words[i - 1] in ("kind", "sort"))
        or _perfect_copula(words, i)
        for i, w in enumerate(words)
    ]
    views = [_View(words, strict), _View(words, loose)]
    candidates: list[Hit] = []
    for i in range(len(words)):
        best: Hit | None = None
        for view in views:
            hit = view.longest(i, index.phrases, index.prefixes)
            if hit is not None and (best is None or hit.end > best.end):
                best = hit
        if best is not None:
            candidates.append(best)
    # Longest phrases first, so "pregnant and bleeding really heavily down below" keeps
    # "bleeding really heavily down below" even though "pregnant and bleeding" starts
    # earlier. A phrase inside a longer one is dropped ("chest pain" in "crushing chest
    # pain"); one that only overlaps it is kept ("chest pain spreading to my jaw" is chest
    # pain and "pain spreading to my jaw"): dropping either would lose a finding.
    taken: set[int] = set()
    found: list[Hit] = []
    for hit in sorted(candidates, key=lambda h: (-len(h.key), h.start)):
        span = range(hit.start, hit.end)
        if not taken.issuperset(span):
            found.append(hit)
            taken.update(span)
    found += _inner(index, words, views, found)
    found.sort(key=lambda h: h.start)
    return found + _coordinated(index, words, found)


def _perfect_copula(words: list[str], i: int) -> bool:
    """ "has been" / "have been" / "had been" count as "is" ("my knee has been swollen" meets
    "knee is swollen")."""
    if words[i] == "been":
        return i > 0 and words[i - 1] in _PERFECT
    return words[i] in _PERFECT and i + 1 < len(words) and words[i + 1] == "been"


_PERFECT = frozenset({"has", "hav", "had"})  # stemmed: "have" is "hav"


def _inner(index: PhraseIndex, words: list[str], views: list[_View], found: list[Hit]) -> list[Hit]:
    """Findings named inside the phrase of a ``reports_inner`` finding ("we all have
    headaches" also reports the headache), matched without the context findings' phrases."""
    extra: list[Hit] = []
    for outer in found:
        if outer.finding_id not in index.reports_inner:
            continue
        i = outer.start
        while i < outer.end:
            best: Hit | None = None
            for view in views:
                hit = view.longest(i, index.inner_phrases, index.inner_prefixes)
                if (
                    hit is not None
                    and hit.end <= outer.end
                    and (best is None or hit.end > best.end)
                ):
                    best = hit
            if best is not None and best.finding_id not in (IGNORED, outer.finding_id):
                extra.append(Hit(best.finding_id, best.start, best.end, best.key, best.start))
                i = best.end
            else:
                i += 1
    return extra


def _coordinated(index: PhraseIndex, words: list[str], hits: list[Hit]) -> list[Hit]:
    """Findings named by a word coordinated with a matched phrase.

    "pain in my back and tummy" also reports "pain in my tummy" (the last word of the
    phrase swapped for the word after "and"/"or"), and "stomach and back pain" also
    reports "stomach pain" (the first word swapped for the word before). The new mention
    shares the negation of the phrase it came from ("no pain in my back or tummy").
    """
    taken = {i for hit in hits for i in range(hit.start, hit.end)}
    extra: list[Hit] = []
    for hit in hits:
        if hit.finding_id == IGNORED or len(hit.key) < 2:
            continue
        k = hit.end + 1
        if hit.end < len(words) and words[hit.end] in COORDINATORS:
            while k < len(words) and (words[k] in FILLERS or words[k] in POSSESSIVE_OR_OBJECT):
                k += 1
            if k < len(words) and k not in taken:
                key = (*hit.key[:-1], words[k])
                fid = index.phrases.get(key)
                if fid and fid != hit.finding_id:
                    extra.append(Hit(fid, k, k + 1, key, hit.anchor, hit.group_start))
                    taken.add(k)
        k = hit.start - 2
        if k >= 0 and words[hit.start - 1] in COORDINATORS and k not in taken:
            key = (words[k], *hit.key[1:])
            fid = index.phrases.get(key)
            if fid and fid != hit.finding_id:
                extra.append(Hit(fid, k, k + 1, key, k, hit.group_start))
                taken.add(k)
    return extra
