"""Component: negation and uncertainty of each finding, NegEx-style (see ``triggers``).

- a pre-negation ("no", "not", "don't have", "denies", "without") negates findings after it
  until a terminator or :data:`~symcheck.clinical.nlu.triggers.SCOPE` words. Terminators mark
  a new clause: a conjunction ("and", "but", "however"), sentence punctuation or a comma, a new
  subject ("I", "my", "he", "she", "there's") or a new main verb ("have", "got", "feel"), so
  "I'm not well and have crushing chest pain" reports the chest pain, while "no fever or
  cough" negates both and "I haven't got a fever" still negates (the verb right after a
  trigger is what it negates);
- a phrase that carries its own negation ("isn't breathing", "won't wake up", "can't
  breathe", "not responding") is never negated again: "no he isn't breathing" reports it;
- a post-negation ("fever: no", "rash - none") negates the finding just before it, only when
  it closes the clause, so "chest pain no fever" keeps the chest pain;
- an uncertainty trigger ("not sure if", "maybe", "might have") makes it unsure (``None``),
  also across the subject and verb of the clause it introduces ("not sure if he has a
  fever", "don't know whether my neck is stiff");
- pseudo-triggers ("can't stop", "won't go away", "not getting better", "paracetamol didn't
  help") are not negations, and "never had a headache like this" reports a headache.

Words inside matched phrases are never triggers ("no wet nappies" is a finding). A denial
phrase ("can walk on it") reports its finding absent, and present when negated ("not feeding
well").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symcheck.clinical.nlu import triggers as rules
from symcheck.clinical.nlu.extensions import CONTEXT, FindingRecord

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_context"

_KINDS = ("pseudo", "uncertain", "pre", "post")  # tried in this order at each word
_COMPLEMENT_REACH = 3  # subject and verb words an uncertainty trigger's clause may start with
# Uncertainty triggers that introduce a clause ("not sure if", "don't know whether"); a bare
# "maybe" before a new clause keeps only its own words.
_COMPLEMENTIZERS = frozenset({"if", "whether"})
Triggers = dict[int, tuple[str, int]]  # word index -> (kind, length in words)


class ConText:
    """Sets each finding record's ``present`` and ``doc.spans["context"]`` (the triggers,
    labelled ``pre``, ``post``, ``uncertain`` or ``pseudo``)."""

    def __init__(self) -> None:
        self._tables = {
            "pseudo": rules.phrase_table(rules.PSEUDO),
            "uncertain": rules.phrase_table(rules.UNCERTAIN),
            "pre": rules.phrase_table(rules.PRE_NEGATION),
            "post": rules.phrase_table(rules.POST_NEGATION),
        }
        self._lengths = {kind: sorted(table, reverse=True) for kind, table in self._tables.items()}

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        words: list[str] = doc._.words
        found = self.triggers(words, doc._.covered)
        never_like_this = bool(rules.NEVER_LIKE_THIS.search(doc._.norm_text))
        records: list[FindingRecord] = doc._.finding_records
        for record in records:
            present = self.presence(
                record.anchor,
                record.end,
                words,
                found,
                never_like_this,
                own_negation=not rules.NEGATION_WORDS.isdisjoint(record.key),
            )
            if record.denial:
                # "keeping fluids down" denies persistent vomiting; "not keeping fluids down"
                # (a negated denial) reports it.
                present = None if present is None else not present
            record.present = present
        word_index: list[int] = doc._.word_index
        doc.spans[CONTEXT] = [
            Span(doc, word_index[i], word_index[i + length - 1] + 1, label=kind)
            for i, (kind, length) in sorted(found.items())
        ]
        return doc

    def triggers(self, words: list[str], covered: frozenset[int]) -> Triggers:
        """Word index -> (kind, length) for trigger phrases outside matched findings."""
        found: Triggers = {}
        i = 0
        while i < len(words):
            if i in covered:
                i += 1
                continue
            hit = None
            for kind in _KINDS:
                table = self._tables[kind]
                for length in self._lengths[kind]:
                    window = tuple(words[i : i + length])
                    if (
                        len(window) == length
                        and window in table[length]
                        and covered.isdisjoint(range(i, i + length))
                    ):
                        hit = (kind, length)
                        break
                if hit:
                    break
            if hit:
                found[i] = hit
                i += hit[1]
            else:
                i += 1
        return found

    def presence(
        self,
        start: int,
        end: int,
        words: list[str],
        found: Triggers,
        never_like_this: bool,
        own_negation: bool = False,
    ) -> bool | None:
        """Present, absent or unsure, from the triggers around a mention.

        A phrase that carries its own negation ("isnt breathing", "wont wake up") is never
        negated again: "no he isn't breathing" and "not well and can't breathe" report it.
        """
        # Look back for a pre-negation or uncertainty trigger in scope. Words inside a trigger
        # ("not sure if i have") are part of it, not terminators.
        inside = {k: t for t, (_, n) in found.items() for k in range(t, t + n)}
        j = start - 1
        distance = 0
        while j >= 0 and distance < rules.SCOPE:
            if j in inside:
                t = inside[j]
                kind, _ = found[t]
                if kind == "uncertain":
                    return None
                if kind == "pre":
                    if own_negation or (words[t] == "never" and never_like_this):
                        break
                    return False
                if kind == "pseudo":
                    break
                j = t - 1
                distance += 1
                continue
            if words[j] in rules.TERMINATORS:
                if words[j] in rules.NEGATED_VERBS and j - 1 in inside:
                    j -= 1  # "i havent | got": the verb is what the trigger before it negates
                    distance += 1
                    continue
                if _opens_complement(j, words, inside, found):
                    return None  # "not sure if | he has | a fever": the clause it introduces
                break
            j -= 1
            distance += 1
        if own_negation:
            return True
        # Look ahead for a post-negation that closes the clause ("fever: no", "rash - none.").
        k = end
        while k < len(words) and words[k] in rules.POST_GAP:
            k += 1
        if k < len(words) and k in found and found[k][0] in ("post", "pre"):
            length = found[k][1]
            window = tuple(words[k : k + length])
            if window in self._tables["post"].get(length, set()):
                after = k + length
                if after >= len(words) or words[after] in rules.CLAUSE_END:
                    return False
        return True


def _opens_complement(j: int, words: list[str], inside: dict[int, int], found: Triggers) -> bool:
    """Whether the terminator at ``j`` is the subject or verb of a clause that an uncertainty
    trigger ending in "if" or "whether" introduces ("not sure if | my neck is | stiff", "don't
    know whether | she has | a fever"): a new clause there does not end the trigger's scope."""
    k = j
    while k >= 0 and k not in inside and words[k] in rules.COMPLEMENT_STARTS:
        if j - k >= _COMPLEMENT_REACH:
            return False
        k -= 1
    if k not in inside:
        return False
    trigger = inside[k]
    kind, length = found[trigger]
    return kind == "uncertain" and words[trigger + length - 1] in _COMPLEMENTIZERS
