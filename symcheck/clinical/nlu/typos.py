"""One-letter typo correction for long symptom words ("diarrheoa" -> "diarrhoea").

Used by :class:`symcheck.clinical.nlu.extractor.FindingExtractor` on the stemmed words of a
message before phrase matching. Pure and precomputed: build once per knowledge base.
"""

from __future__ import annotations

from collections.abc import Mapping

from symcheck.clinical.nlu.text import stem


class TypoCorrector:
    """Corrects one-letter typos of long phrase words ("diarrheoa", "headahce").

    Conservative on purpose: only words of 6+ letters that are not phrase words themselves,
    corrected to a one-word phrase ("vomiting", "diarrhoea") of the same first letter one edit
    away (insertion, deletion, substitution or swap), and never the everyday words in
    ``_NOT_TYPOS`` ("painting" is not "panting"). Several candidates are accepted only when
    they all belong to the same finding.
    """

    def __init__(self, words: Mapping[str, set[str]], singles: Mapping[str, str]) -> None:
        self._words = words  # every phrase word (never corrected)
        self._singles = singles  # one-word phrase -> its finding: the only correction targets
        self._deletions: dict[str, set[str]] = {}
        for word in singles:
            if len(word) >= 5 and word.isalpha():
                for variant in _deletes(word) | {word}:
                    self._deletions.setdefault(variant, set()).add(word)

    def correct(self, word: str) -> str:
        if len(word) < 6 or word in self._words or word in _NOT_TYPOS or not word.isalpha():
            return word
        candidates: set[str] = set(self._deletions.get(word, ()))
        for variant in _deletes(word):
            candidates |= self._deletions.get(variant, set())
        matches = sorted(c for c in candidates if c[0] == word[0] and _one_edit_apart(word, c))
        if not matches:
            return word
        # Several near words are fine when they all belong to the same one finding
        # ("diarrheoa" is one edit from both "diarrhea" and "diarrhoea").
        findings = {self._singles[m] for m in matches}
        return matches[0] if len(matches) == 1 or len(findings) == 1 else word


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1 (one insertion, deletion, substitution or swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Everyday words one letter away from a one-word phrase (found by running the corrector over
# a large English corpus); compared after stemming.
_NOT_TYPOS = frozenset(
    stem(word)
    for word in (
        "always",
        "around",
        "baking",
        "barring",
        "bearing",
        "beating",
        "before",
        "better",
        "blinking",
        "booted",
        "breeding",
        "brother",
        "burping",
        "caring",
        "chilly",
        "clough",
        "conclusion",
        "conclusions",
        "cutting",
        "daring",
        "dinner",
        "doctor",
        "drinking",
        "dripping",
        "dropping",
        "either",
        "family",
        "father",
        "feeding",
        "filing",
        "firing",
        "fitness",
        "fixing",
        "flappy",
        "flooring",
        "friend",
        "getting",
        "granting",
        "grassy",
        "having",
        "heading",
        "hearing",
        "heating",
        "hiding",
        "hitting",
        "hospital",
        "keeping",
        "kenton",
        "leading",
        "letter",
        "letting",
        "lipping",
        "little",
        "making",
        "meeting",
        "migrate",
        "migrates",
        "mother",
        "needing",
        "neither",
        "number",
        "office",
        "painter",
        "painting",
        "panning",
        "parting",
        "pasting",
        "pastry",
        "patched",
        "people",
        "pinker",
        "please",
        "polled",
        "poller",
        "polley",
        "pollin",
        "punting",
        "putting",
        "rather",
        "reading",
        "really",
        "riding",
        "saving",
        "scaring",
        "school",
        "seating",
        "setting",
        "sewing",
        "shading",
        "shaker",
        "shaping",
        "sharing",
        "shaving",
        "shopping",
        "should",
        "sinking",
        "sister",
        "sitting",
        "skewing",
        "sleeping",
        "sliding",
        "slotting",
        "slurping",
        "smelling",
        "sneaking",
        "spitting",
        "sporting",
        "spouting",
        "staring",
        "stinking",
        "stopping",
        "summer",
        "swearing",
        "sweeping",
        "tablets",
        "taking",
        "talking",
        "tearing",
        "thanks",
        "things",
        "thinking",
        "thirty",
        "thresh",
        "thrust",
        "trevor",
        "tripping",
        "upright",
        "voting",
        "walking",
        "wearing",
        "weather",
        "weeding",
        "wheeling",
        "whether",
        "winter",
        "working",
    )
)
