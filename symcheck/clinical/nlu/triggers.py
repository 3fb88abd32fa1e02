"""NegEx-style context rules: the trigger phrases of negation, uncertainty and pseudo-negation.

Data for :mod:`symcheck.clinical.nlu.components.context`, in the spirit of medspacy's ConText
rules: each list is one category; the direction is fixed by the category (pre-negations and
uncertainty look forward to the findings after them, post-negations back to the finding just
before). Phrases are written normalised ("dont", not "don't"); ``(a|b)`` lists alternatives as
in the knowledge base. Terminators end a trigger's scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from symcheck.clinical.knowledge.phrases import expand_all
from symcheck.clinical.nlu.text import stem, tokenize


def stems(words: Iterable[str]) -> frozenset[str]:
    """Word lists are compared with stemmed tokens ("because" is "becaus" after stemming)."""
    return frozenset(stem(w) for w in words)


def phrase_table(phrases: list[str]) -> dict[int, set[tuple[str, ...]]]:
    """Trigger phrases as word tuples (as the message's words are), grouped by length."""
    table: dict[int, set[tuple[str, ...]]] = {}
    for phrase in expand_all(phrases):
        key = tuple(t.text for t in tokenize(phrase) if not t.is_punct)
        table.setdefault(len(key), set()).add(key)
    return table


PRE_NEGATION = [
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
    "no longer",
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
    "not had",
    "not got",
    "dont think i have",
    "dont think i",
    "dont think im",
    "dont think ive",
    "do not think i have",
    "dont believe i have",
    "i havent",
    "i have not",
    "i dont have",
    "i do not have",
    "im not",
    "i am not",
    # Negated verbs whose verb would otherwise end the scope ("have", "got", "feel" do).
    "(doesnt|does not|didnt|did not|dont|do not|not|never|no longer) (have|has|get|got|feel)",
    "(hasnt|has not|havent|have not|hadnt) (got|had|felt)",
    "(not|without|never) (having|getting|feeling)",
    "(dont|do not|doesnt|didnt) (really|seem to|think|think i) (have|has|get|feel)",
    "dont think (he|she|hes|shes|they|it|its|he has|she has|they have|there is|theres)",
    "do not think (he|she|they|it) (has|have|is|)",
]
# Only when they close the clause ("fever: no", "vomiting - none", "rash? no.").
POST_NEGATION = [
    "no",
    "none",
    "nope",
    "not really",
    "not present",
    "absent",
    "negative",
]
UNCERTAIN = [
    "not sure if i have",
    "not sure if i",
    "not sure if im",
    "not sure if its",
    "not sure i have",
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
    "may be",
    "could have",
    "possibly",
    "perhaps",
    "i think i might",
    "i think i might have",
    "i might have",
    "i may have",
    "could be",
    "dont know if i have",
    "dont know if i",
    "dont know if its",
    "dont know if",
    "do not know if",
    "dont know whether",
    "not too sure",
    "wonder if",
    "hard to tell if",
    "(cant|cannot|can not) tell (if|whether)",
    "(im|i am|i was|iam) (not|not too|not really) (sure|certain) (if|whether|about|)",
    "not certain (if|whether)",
    "unsure whether",
]
PSEUDO = [
    "cant stop",
    "cannot stop",
    "couldnt stop",
    "wont stop",
    "doesnt stop",
    "not stop",
    "not stopping",
    "hasnt stopped",
    "havent stopped",
    "not stopped",
    "wont go away",
    "not go away",
    "doesnt go away",
    "not going away",
    "not gone away",
    "hasnt gone away",
    "not getting better",
    "not get better",
    "isnt getting better",
    "not improving",
    "not better",
    "no better",
    "not any better",
    "no improvement",
    "not helping",
    "not helped",
    "isnt helping",
    "hasnt helped",
    "havent helped",
    "didnt help",
    "doesnt help",
    "dont help",
    "didnt work",
    "doesnt work",
    "not working",
    "no relief",
    "not easing",
    "not settling",
    "not only",
    "not just",
    "no idea",
    "not eating",
    "not sure what",
    "not sure why",
    "not sure how",
    "dont know what",
    "dont know why",
    "dont know how",
    "no idea what",
    "no idea why",
    "no one",
    "no matter",
    "not to mention",
    "never had anything like",
    "never felt anything like",
]
# A pre-negation's scope ends at a new clause: a conjunction ("and": "I'm not well and have
# crushing chest pain"), a new subject ("no he isn't breathing") or a new main verb ("not
# good have chest pain"). "or" and "nor" continue the list ("no fever or cough").
TERMINATORS = stems(
    {
        "and",
        "plus",
        "then",
        "he",
        "she",
        "hes",
        "shes",
        "they",
        "theyre",
        "we",
        "you",
        "it",
        "its",
        "there",
        "theres",
        "have",
        "has",
        "got",
        "having",
        "feel",
        "feeling",
        "felt",
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
        "because",
        "cause",
        "i",
        "im",
        "ive",
        "id",
        "my",
        "now",
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
# The subject and verb words a clause introduced by an uncertainty trigger may start with:
# "not sure if | he has | a fever" keeps the uncertainty across them.
COMPLEMENT_STARTS = stems(
    {
        "i",
        "im",
        "ive",
        "my",
        "he",
        "hes",
        "his",
        "she",
        "shes",
        "her",
        "it",
        "its",
        "they",
        "theyre",
        "their",
        "there",
        "theres",
        "we",
        "you",
        "have",
        "has",
        "had",
        "got",
        "having",
        "feel",
        "feeling",
        "felt",
        "get",
        "gets",
        "getting",
        "been",
        "is",
        "was",
        "be",
        "do",
        "does",
        "did",
    }
)
# Verbs that end a negation's scope, except right after a trigger ("I haven't got a fever").
NEGATED_VERBS = stems({"have", "has", "got", "having", "feel", "feeling", "felt"})
SENTENCE_END = frozenset({".", ";", "!", "?"})
CLAUSE_END = frozenset({".", ";", "!", "?", ",", ")", "and", "but"})
POST_GAP = frozenset({":", "-", "?", "="})
SCOPE = 6
# "never had a headache like this": the finding is reported, with "never" about the past.
NEVER_LIKE_THIS = re.compile(
    r"\bnever\b[^.;!?]*\b(like this|like that|like it|this bad|this severe|so bad|as bad|"
    r"this painful|so painful|this intense|before like|anything like)\b"
)
# Words that make a phrase carry its own negation ("isnt breathing", "cant breathe", "wont
# wake up", "not responding"): a negation trigger before such a phrase never flips it.
NEGATION_WORDS = stems(
    {
        "no",
        "not",
        "nor",
        "never",
        "none",
        "nothing",
        "cant",
        "cannot",
        "wont",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "hasnt",
        "havent",
        "hadnt",
        "couldnt",
        "wouldnt",
        "unable",
        "without",
    }
)
