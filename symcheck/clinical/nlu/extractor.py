"""Findings from free text: lay-phrase matching with negation and uncertainty.

"my chest is kinda tight and i keep coughing, no fever tho" yields chest tightness and cough
present, fever absent. The matcher indexes every synonym and misspelling in the knowledge base
(normalised and stemmed as in :mod:`symcheck.clinical.nlu.text`, articles and possessives
dropped), finds the longest match at each position and keeps the longest matches first
("pregnant and bleeding really heavily down below" is heavy bleeding, not just bleeding), except
inside the phrases of context findings marked ``reports_inner`` ("we all have headaches" is both
others at home unwell and the headache). A word joined to a match by "and"/"or" shares it
("pain in my back and tummy" is also tummy pain; "stomach and back pain" also stomach pain).
Then NegEx-style triggers are scoped over the remaining tokens:

- a pre-negation ("no", "not", "don't have", "denies", "without") negates findings after it
  until a terminator or 6 tokens. Terminators mark a new clause: a conjunction ("and",
  "but", "however"), sentence punctuation or a comma, a new subject ("I", "my", "he", "she",
  "there's") or a new main verb ("have", "got", "feel"), so "I'm not well and have crushing
  chest pain" reports the chest pain, while "no fever or cough" negates both and "I haven't
  got a fever" still negates (the verb right after a trigger is what it negates);
- a phrase that carries its own negation ("isn't breathing", "won't wake up", "can't
  breathe", "not responding") is never negated again: "no he isn't breathing" reports it;
- a post-negation ("fever: no", "rash - none") negates the finding just before it, only when
  it closes the clause, so "chest pain no fever" keeps the chest pain;
- an uncertainty trigger ("not sure if", "maybe", "might have") makes it unsure (``None``);
- pseudo-triggers ("can't stop", "won't go away", "not getting better", "paracetamol didn't
  help") are not negations, and "never had a headache like this" reports a headache.

Safety choices: a symptom that has since gone ("the numbness went away") is still reported
(transient stroke signs matter); when one message mentions a finding several times, present
wins over unsure, and unsure over absent. Phrases that contain a negation word ("can't
breathe", "no wet nappies") are matched as findings first, so their words never act as
triggers; ``ignored_phrases`` in the knowledge base ("fit and well") consume their words
without reporting anything. A stated temperature ("temp 39.2", "38.5 degrees", "102F") reports
fever present (or absent when normal; "slight temp of 37.8" is no fever); a stated blood
pressure ("185/110") reports a high or raised reading; a stated number of tablets ("I've taken 30
paracetamol") reports an overdose; a stated stage of pregnancy ("I'm 34 weeks") reports whether
it is preterm and whether it is past 20 weeks. Denials ("can walk on it", "keeping fluids down")
report their finding absent. Duration, severity and onset attach to the findings of the same
sentence ("and now" starts a new one), each taking the nearest expression; an age or stage of
pregnancy ("my little one is 7 weeks") is never a duration. Reported findings imply their
parents. A long word one letter away from a one-word phrase is read as that phrase
("diarrheoa"), except for everyday words listed in ``_NOT_TYPOS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.phrases import expand_all
from symcheck.clinical.nlu import attributes
from symcheck.clinical.nlu.demographics import Demographics, read_demographics
from symcheck.clinical.nlu.numbers import WORD_NUMBERS
from symcheck.clinical.nlu.text import (
    FILLERS,
    POSSESSIVE_OR_OBJECT,
    Token,
    normalise,
    phrase_key,
    stem,
    tokenize,
)
from symcheck.clinical.nlu.typos import TypoCorrector
from symcheck.clinical.patient import Observation


def _stems(words: set[str]) -> frozenset[str]:
    """Word lists are compared with stemmed tokens ("because" is "becaus" after stemming)."""
    return frozenset(stem(w) for w in words)


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
_POST_NEGATION = [
    "no",
    "none",
    "nope",
    "not really",
    "not present",
    "absent",
    "negative",
]
_UNCERTAIN = [
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
]
_PSEUDO = [
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
_TERMINATORS = _stems(
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
# Verbs that end a negation's scope, except right after a trigger ("I haven't got a fever").
_NEGATED_VERBS = _stems({"have", "has", "got", "having", "feel", "feeling", "felt"})
_SENTENCE_END = frozenset({".", ";", "!", "?"})
# Skipped in the second matching pass only ("feeling really down" -> "feeling down", "pain in
# my left testicle" -> "pain in testicle"); the first pass keeps them, so "lower right abdomen"
# and "very high temperature" match their own phrases.
_INTENSIFIERS = _stems(
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
_CLAUSE_END = frozenset({".", ";", "!", "?", ",", ")", "and", "but"})
_POST_GAP = frozenset({":", "-", "?", "="})
_SCOPE = 6
# "never had a headache like this": the finding is reported, with "never" about the past.
_NEVER_LIKE_THIS = re.compile(
    r"\bnever\b[^.;!?]*\b(like this|like that|like it|this bad|this severe|so bad|as bad|"
    r"this painful|so painful|this intense|before like|anything like)\b"
)
# A stated body temperature: "temp 39.2", "temperature of 38.5", "39.5 degrees", "102f".
_TEMP_CONTEXT = re.compile(
    r"(?:\b(?:temp|temps|temperature|temperatures|fever|thermometer|reading|read)\b\D{0,25}?"
    r"(\d{2,3}(?:\.\d)?)(?!\s*(?:days?|hours?|weeks?|years?|months?|%|kg|mins?|minutes?))\b)"
    r"|(?:\b(\d{2,3}(?:\.\d)?)\s*(?:°|degrees?|deg)\s*(c|f|celsius|fahrenheit)?\b)"
    r"|(?:\b(\d{2,3}(?:\.\d)?)\s*(c|f)\b)"
)


# A stated blood glucose: "blood sugar is 3.2", "sugars were 25", "glucose 54 mg/dl".
_GLUCOSE = re.compile(
    r"\b(?:blood sugars?|sugars?|sugar levels?|glucose|bm|bms|blood glucose)\b"
    r"(?:\s+(?:levels?|reading|readings))?\s*(?:is|was|are|were|of|at|reading|reads|read|:|=)?"
    r"\s*(?:only|just|about|around)?\s*(\d{1,3}(?:\.\d)?)\s*(mmol|mg)?"
)


# A stated blood pressure: "185/110" (a three-digit top number), or "150 over 95" / "bp 95/60"
# with "bp" or "blood pressure" just before (group 1 is set for the bare three-digit form).
_BP_READING = re.compile(
    r"(?<![\d/.])(?:(\d{3})\s*/\s*\d{2,3}|\d{2,3}\s*(?:/|over)\s*\d{2,3})(?![\d/.])"
)
_BP_CONTEXT = re.compile(r"\b(?:bp|blood pressure|blood pressures|pressure|reading|readings)\b")


# A stated number of tablets ("I've taken 30 paracetamol", "swallowed about 20 of my pills"):
# at least _OVERDOSE_COUNT is reported as an overdose.
_COUNT_WORDS = {
    **{w: n for w, n in WORD_NUMBERS.items() if len(w) > 2},
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
_DRUG = (
    r"(?:paracetamols?|tablets?|pills?|ibuprofens?|co codamol|cocodamol|codeine|aspirins?|"
    r"painkillers?|pain killers?|sleeping (?:pills?|tablets?)|antidepressants?|sertraline|"
    r"citalopram|fluoxetine|amitriptyline|diazepam|tramadol|naproxen|propranolol|capsules?|"
    r"caps|meds|anadin|nurofen|panadol|tylenol|advil)"
)
_COUNT = "|".join(sorted(_COUNT_WORDS, key=len, reverse=True))
_PILL_COUNT = re.compile(
    r"\b(?:took|taken|swallowed|had|ate|eaten|downed|necked|popped|overdosed on)\s+"
    r"(?:about |around |like |over |maybe |at least |nearly |almost |more than |another |"
    r"all |roughly |approximately )?"
    rf"(\d{{1,3}}|{_COUNT})\s+(?:of\s+(?:my|his|her|their|the|mums?|dads?)\s+)?"
    r"(?:(?!(?:mg|ml|g|mcg|micrograms?|milligrams?|grams?|units?|x)\b)[a-z0-9]+\s+)?"
    rf"{_DRUG}\b"
)
_NEGATED_BEFORE = re.compile(
    r"\b(?:not|never|didnt|did not|havent|have not|hasnt|has not|dont|do not|wont|no)\b"
    r"(?:\s+[a-z]+){0,2}\s*$"
)
_OVERDOSE_COUNT = 8
# Words that make a phrase carry its own negation ("isnt breathing", "cant breathe", "wont
# wake up", "not responding"): a negation trigger before such a phrase never flips it.
_NEGATION_WORDS = _stems(
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
# Phrases of at least this many words may span a comma (in the loose matching pass).
_COMMA_BRIDGE = 3
# "pain in my back and tummy", "stomach and back pain": a coordinated word shares the phrase.
_COORDINATORS = frozenset({"and", "or", "/"})


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


_IGNORED = ""  # marker id for ignored phrases in the phrase index
_UNSAID = Observation(present=None)
# Words that may only name a temperature reading ("temperature 36.8").
_WEAK_FEVER = frozenset(" ".join(phrase_key(w)) for w in ("temperature", "temp", "temps"))
_T = TypeVar("_T")


class FindingExtractor:
    """Extracts findings from text using the knowledge base's lay phrases.

    Build once per knowledge base (the index is precomputed) and call :meth:`extract`
    for each message; it is pure and thread-safe.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._phrases: dict[tuple[str, ...], str] = {}
        for phrase in kb.info.ignored_phrases:
            key = phrase_key(phrase)
            if key:
                self._phrases[key] = _IGNORED
        for phrase, fid in kb.phrases.items():
            key = phrase_key(phrase)
            if key:
                self._phrases.setdefault(key, fid)
        # Findings whose phrases name other findings that are reported too ("we all have
        # headaches": others at home are unwell, and so is the patient).
        self._reports_inner = frozenset(fid for fid, f in kb.findings.items() if f.reports_inner)
        self._inner_phrases = {
            k: fid for k, fid in self._phrases.items() if fid not in self._reports_inner
        }
        self._inner_prefixes = frozenset(
            key[:n] for key in self._inner_phrases for n in range(1, len(key) + 1)
        )
        # Denials ("can walk on it") report their finding absent; a synonym always wins.
        self._denials: set[tuple[str, ...]] = set()
        for phrase, fid in kb.denial_phrases.items():
            key = phrase_key(phrase)
            if key and key not in self._phrases:
                self._phrases[key] = fid
                self._denials.add(key)
        self._prefixes = frozenset(key[:n] for key in self._phrases for n in range(1, len(key) + 1))
        owners: dict[str, set[str]] = {}
        for key, fid in self._phrases.items():
            for word in key:
                owners.setdefault(word, set()).add(fid)
        singles = {key[0]: fid for key, fid in self._phrases.items() if len(key) == 1 and fid}
        self._typos = TypoCorrector(owners, singles)
        self._fever = "fever" if "fever" in kb.findings else None
        self._high_fever = "high_fever" if "high_fever" in kb.findings else None
        self._overdose = "overdose" if "overdose" in kb.findings else None
        self._preterm = "preterm_pregnancy" if "preterm_pregnancy" in kb.findings else None
        self._later = "later_pregnancy" if "later_pregnancy" in kb.findings else None
        self._high_bp = "high_bp_reading" if "high_bp_reading" in kb.findings else None
        self._raised_bp = "raised_bp_reading" if "raised_bp_reading" in kb.findings else None
        self._pre = _keys(_PRE_NEGATION)
        self._post = _keys(_POST_NEGATION)
        self._uncertain = _keys(_UNCERTAIN)
        self._pseudo = _keys(_PSEUDO)

    def extract(self, text: str, today: date | None = None) -> Extraction:
        norm = normalise(text)
        tokens = tokenize(text)
        words = [t.text for t in tokens]
        hits = self._match([self._typos.correct(w) for w in words])
        covered = {i for hit in hits for i in range(hit.start, hit.end)}
        triggers = self._triggers(words, covered)
        never_like_this = bool(_NEVER_LIKE_THIS.search(norm))
        found = [hit for hit in hits if hit.finding_id != _IGNORED]
        spans = [(hit.finding_id, hit.start, hit.end) for hit in found]
        demographics, statements = read_demographics(norm)
        # "my little one is 7 weeks and burning up": an age is not how long the fever lasted.
        context = _blank(norm, statements)
        sentences = [_sentence_span(tokens, start, end) for _, start, end in spans]
        duration = _nearest(
            context, tokens, spans, sentences, lambda c: attributes.durations(c, today)
        )
        severity = _nearest(context, tokens, spans, sentences, attributes.severities)
        onset = _nearest(context, tokens, spans, sentences, attributes.onsets)
        observations: dict[str, Observation] = {}
        result: list[Mention] = []
        for index, hit in enumerate(found):
            fid, start, end = hit.finding_id, hit.start, hit.end
            present = _presence(
                hit.anchor,
                end,
                words,
                triggers,
                never_like_this,
                own_negation=not _NEGATION_WORDS.isdisjoint(hit.key),
            )
            if hit.key in self._denials:
                # "keeping fluids down" denies persistent vomiting; "not keeping fluids down"
                # (a negated denial) reports it.
                present = None if present is None else not present
            obs = Observation(
                present=present,
                duration_hours=duration[index] if present else None,
                severity=severity[index] if present else None,
                onset=onset[index] if present else None,
            )
            result.append(Mention(fid, " ".join(words[start:end]), start, end, present))
            observations[fid] = _merge(observations[fid], obs) if fid in observations else obs
        fever_phrases = {m.phrase for m in result if m.finding_id == self._fever}
        self._add_temperature(
            norm, observations, bool(fever_phrases) and fever_phrases <= _WEAK_FEVER
        )
        self._add_glucose(norm, observations)
        self._add_blood_pressure(norm, observations)
        self._add_tablet_count(norm, observations)
        self._add_gestation(demographics, observations)
        return Extraction(
            observations=self.with_implications(observations),
            mentions=tuple(result),
            demographics=demographics,
        )

    def with_implications(self, observations: Mapping[str, Observation]) -> dict[str, Observation]:
        """Add what the reported findings imply through the finding hierarchy.

        A present child makes its ancestors present, with its duration, severity and onset
        ("crushing chest pain for 20 minutes" is chest pain for 20 minutes); an absent parent
        makes its descendants absent. Explicit reports are never overwritten.
        """
        out = dict(observations)
        for fid, obs in observations.items():
            if fid not in self._kb.findings:
                continue
            if obs.present is True:
                for ancestor in self._kb.ancestors_of(fid):
                    out.setdefault(ancestor, obs)
            elif obs.present is False:
                for descendant in self._kb.descendants_of(fid):
                    out.setdefault(descendant, Observation(present=False))
        return out

    def _add_temperature(
        self, norm: str, observations: dict[str, Observation], weak_only: bool
    ) -> None:
        """A stated temperature reading decides fever when the words did not say it."""
        if self._fever is None:
            return
        celsius = _stated_temperature(norm)
        if celsius is None:
            return
        fever = observations.get(self._fever)
        if celsius < 38.0 and fever is not None and fever.present is True and weak_only:
            # "temperature 36.8", "slight temp of 37.8": the word named the reading, which is
            # not a fever (38 °C or more, NICE NG143)
            fever = None
            del observations[self._fever]
        if celsius >= 38.0:
            if fever is None or fever.present is not True:
                observations[self._fever] = Observation(present=True)
            if celsius >= 39.0 and self._high_fever and self._high_fever not in observations:
                observations[self._high_fever] = Observation(present=True)
        elif 35.0 <= celsius < 37.5 and fever is None:
            observations[self._fever] = Observation(present=False)

    def _add_glucose(self, norm: str, observations: dict[str, Observation]) -> None:
        """A stated blood glucose reading reports low (< 4 mmol/L) or high (>= 15) sugar."""
        for match in _GLUCOSE.finditer(norm):
            value = float(match.group(1))
            if match.group(2) == "mg" or value > 35:
                value /= 18.0  # mg/dL to mmol/L
            fid = "low_blood_sugar" if value < 4.0 else "high_blood_sugar" if value >= 15 else None
            if fid and fid in self._kb.findings and fid not in observations:
                observations[fid] = Observation(present=True)

    def _add_blood_pressure(self, norm: str, observations: dict[str, Observation]) -> None:
        """A stated blood pressure ("185/110", "bp 150 over 95") reports a high (180/120 or
        more) or raised (140/90 or more) reading, unless the words already said which."""
        for match in _BP_READING.finditer(norm):
            if match.group(1) is None and not _BP_CONTEXT.search(
                norm[max(0, match.start() - 40) : match.start()]
            ):
                continue  # "150 over 95" needs "bp" or "blood pressure" nearby
            systolic, diastolic = (int(g) for g in match.group(0).replace("over", "/").split("/"))
            if not (70 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic):
                continue
            if systolic >= 180 or diastolic >= 120:
                fid = self._high_bp
            elif systolic >= 140 or diastolic >= 90:
                fid = self._raised_bp
            else:
                continue
            if fid and not {self._high_bp, self._raised_bp} & set(observations):
                observations[fid] = Observation(present=True)

    def _add_tablet_count(self, norm: str, observations: dict[str, Observation]) -> None:
        """ "I've taken 30 paracetamol": a stated number of tablets that is an overdose."""
        if self._overdose is None or observations.get(self._overdose, _UNSAID).present:
            return
        for match in _PILL_COUNT.finditer(norm):
            raw = match.group(1)
            count = int(raw) if raw.isdigit() else _COUNT_WORDS[raw]
            before = norm[max(0, match.start() - 30) : match.start()]
            if count >= _OVERDOSE_COUNT and not _NEGATED_BEFORE.search(before):
                observations[self._overdose] = Observation(present=True)
                return

    def _add_gestation(
        self, demographics: Demographics, observations: dict[str, Observation]
    ) -> None:
        """A stated stage of pregnancy says whether it is preterm (before 37 weeks) and whether
        it is the second half of pregnancy (20 weeks or more)."""
        weeks = demographics.gestation_weeks
        if weeks is None:
            return
        for fid, present in ((self._preterm, weeks < 37), (self._later, weeks >= 20)):
            if fid is not None and fid not in observations:
                observations[fid] = Observation(present=present)

    def _match(self, words: list[str]) -> list[_Hit]:
        """Longest phrase match at each position, skipping fillers inside phrases.

        Each position is tried twice: skipping fillers only, and also skipping intensifiers,
        sides, possessive-or-object words and (within phrases of three words or more) commas
        ("feeling really down" meets "feeling down", "pain in her left testicle" meets "pain
        in testicle", "blood in my poo, it's black" meets "blood in poo its black"). The match
        reaching furthest wins; on a tie the stricter one does, so "very high temperature"
        keeps its own phrase. Then words joined to a match by "and"/"or" are tried in its
        place (see :meth:`_coordinated`).
        """
        strict = [w in FILLERS for w in words]
        loose = [
            w in FILLERS
            or w in POSSESSIVE_OR_OBJECT
            or w in _INTENSIFIERS
            or w == ","
            or (w == "of" and i > 0 and words[i - 1] in ("kind", "sort"))
            for i, w in enumerate(words)
        ]
        views = [_View(words, strict), _View(words, loose)]
        candidates: list[_Hit] = []
        for i in range(len(words)):
            best: _Hit | None = None
            for view in views:
                hit = view.longest(i, self._phrases, self._prefixes)
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
        found: list[_Hit] = []
        for hit in sorted(candidates, key=lambda h: (-len(h.key), h.start)):
            span = range(hit.start, hit.end)
            if not taken.issuperset(span):
                found.append(hit)
                taken.update(span)
        found += self._inner(words, views, found)
        found.sort(key=lambda h: h.start)
        return found + self._coordinated(words, found)

    def _inner(self, words: list[str], views: list[_View], found: list[_Hit]) -> list[_Hit]:
        """Findings named inside the phrase of a ``reports_inner`` finding ("we all have
        headaches" also reports the headache), matched without the context findings' phrases."""
        extra: list[_Hit] = []
        for outer in found:
            if outer.finding_id not in self._reports_inner:
                continue
            i = outer.start
            while i < outer.end:
                best: _Hit | None = None
                for view in views:
                    hit = view.longest(i, self._inner_phrases, self._inner_prefixes)
                    if (
                        hit is not None
                        and hit.end <= outer.end
                        and (best is None or hit.end > best.end)
                    ):
                        best = hit
                if best is not None and best.finding_id not in (_IGNORED, outer.finding_id):
                    extra.append(_Hit(best.finding_id, best.start, best.end, best.key, best.start))
                    i = best.end
                else:
                    i += 1
        return extra

    def _coordinated(self, words: list[str], hits: list[_Hit]) -> list[_Hit]:
        """Findings named by a word coordinated with a matched phrase.

        "pain in my back and tummy" also reports "pain in my tummy" (the last word of the
        phrase swapped for the word after "and"/"or"), and "stomach and back pain" also
        reports "stomach pain" (the first word swapped for the word before). The new mention
        shares the negation of the phrase it came from ("no pain in my back or tummy").
        """
        taken = {i for hit in hits for i in range(hit.start, hit.end)}
        extra: list[_Hit] = []
        for hit in hits:
            if hit.finding_id == _IGNORED or len(hit.key) < 2:
                continue
            k = hit.end + 1
            if hit.end < len(words) and words[hit.end] in _COORDINATORS:
                while k < len(words) and (words[k] in FILLERS or words[k] in POSSESSIVE_OR_OBJECT):
                    k += 1
                if k < len(words) and k not in taken:
                    key = (*hit.key[:-1], words[k])
                    fid = self._phrases.get(key)
                    if fid and fid != hit.finding_id:
                        extra.append(_Hit(fid, k, k + 1, key, hit.anchor))
                        taken.add(k)
            k = hit.start - 2
            if k >= 0 and words[hit.start - 1] in _COORDINATORS and k not in taken:
                key = (words[k], *hit.key[1:])
                fid = self._phrases.get(key)
                if fid and fid != hit.finding_id:
                    extra.append(_Hit(fid, k, k + 1, key, k))
                    taken.add(k)
        return extra

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


@dataclass(frozen=True, slots=True)
class _Hit:
    """A phrase found in the message: the finding, its word span and its phrase key.

    ``anchor`` is where negation is looked for: the start of the phrase itself, or of the
    phrase a coordinated word was taken from.
    """

    finding_id: str
    start: int
    end: int
    key: tuple[str, ...]
    anchor: int


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
    ) -> _Hit | None:
        """The longest phrase starting at word ``start`` (which must not be skipped)."""
        k = self.index.get(start)
        if k is None:
            return None
        best: _Hit | None = None
        for stop in range(k + 1, len(self.seq) + 1):
            key = tuple(self.seq[k:stop])
            if key not in prefixes:
                break
            fid = phrases.get(key)
            end = self.positions[stop - 1] + 1
            # Only a long, specific phrase may bridge a comma ("blood in my poo, it's black");
            # "eye, the pain" is a list, not eye pain.
            if fid is not None and (
                len(key) >= _COMMA_BRIDGE or self.commas[end] == self.commas[start]
            ):
                best = _Hit(fid, start, end, key, start)
        return best


def _keys(phrases: list[str]) -> dict[int, set[tuple[str, ...]]]:
    table: dict[int, set[tuple[str, ...]]] = {}
    for phrase in expand_all(phrases):
        key = tuple(t.text for t in tokenize(phrase) if not t.is_punct)
        table.setdefault(len(key), set()).add(key)
    return table


def _merge(earlier: Observation, later: Observation) -> Observation:
    """Two mentions in one message: present beats unsure beats absent (over-triage is safer)."""
    rank = {True: 2, None: 1, False: 0}
    keep, other = (
        (later, earlier) if rank[later.present] >= rank[earlier.present] else (earlier, later)
    )
    return Observation(
        present=keep.present,
        duration_hours=keep.duration_hours
        if keep.duration_hours is not None
        else other.duration_hours,
        severity=keep.severity if keep.severity is not None else other.severity,
        onset=keep.onset if keep.onset is not None else other.onset,
    )


def _presence(
    start: int,
    end: int,
    words: list[str],
    triggers: dict[int, tuple[str, int]],
    never_like_this: bool,
    own_negation: bool = False,
) -> bool | None:
    """Present, absent or unsure, from the triggers around a mention.

    A phrase that carries its own negation ("isnt breathing", "wont wake up") is never
    negated again: "no he isn't breathing" and "not well and can't breathe" report it.
    """
    # Look back for a pre-negation or uncertainty trigger in scope. Words inside a trigger
    # ("not sure if i have") are part of it, not terminators.
    inside = {k: t for t, (_, n) in triggers.items() for k in range(t, t + n)}
    j = start - 1
    distance = 0
    while j >= 0 and distance < _SCOPE:
        if j in inside:
            t = inside[j]
            kind, _ = triggers[t]
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
        if words[j] in _TERMINATORS:
            if words[j] in _NEGATED_VERBS and j - 1 in inside:
                j -= 1  # "i havent | got": the verb is what the trigger before it negates
                distance += 1
                continue
            break
        j -= 1
        distance += 1
    if own_negation:
        return True
    # Look ahead for a post-negation that closes the clause ("fever: no", "rash - none.").
    k = end
    while k < len(words) and words[k] in _POST_GAP:
        k += 1
    if k < len(words) and k in triggers and triggers[k][0] in ("post", "pre"):
        length = triggers[k][1]
        window = tuple(words[k : k + length])
        if window in _POST_WORDS.get(length, set()):
            after = k + length
            if after >= len(words) or words[after] in _CLAUSE_END:
                return False
    return True


_POST_WORDS = _keys(_POST_NEGATION)


def _blank(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` with the character spans replaced by spaces (offsets unchanged)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _sentence_span(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """Token range of the sentence around a mention.

    "and now" / "but now" starts a new sentence for attributes: in "went to Spain last week
    and now have a fever" the week is when they travelled, not how long the fever has lasted.
    """
    lo = start
    while lo > 0 and tokens[lo - 1].text not in _SENTENCE_END and not _now_clause(tokens, lo - 1):
        lo -= 1
    hi = end
    while hi < len(tokens) and tokens[hi].text not in _SENTENCE_END and not _now_clause(tokens, hi):
        hi += 1
    return lo, hi


def _now_clause(tokens: list[Token], k: int) -> bool:
    """Whether token ``k`` is the "now" of "and now ..." ("fever, now for 5 days" is not)."""
    return (
        tokens[k].text == "now"
        and k > 0
        and tokens[k - 1].text in _NOW_OPENERS
        and not (k + 1 < len(tokens) and tokens[k + 1].text in ("for", "since"))
    )


_NOW_OPENERS = frozenset({"and", "but", "then", ","})


def _nearest(
    norm: str,
    tokens: list[Token],
    found: list[tuple[str, int, int]],
    sentences: list[tuple[int, int]],
    finder: Callable[[str], list[tuple[int, int, _T]]],
) -> list[_T | None]:
    """For each mention, the attribute expressed nearest to it within its sentence.

    ``finder`` returns ``(start, end, value)`` character spans in the sentence text. Every
    mention takes the closest expression, so "a cough for 3 weeks and a fever since
    yesterday" gives each its own duration, and "headache and stiff neck for 2 days" gives
    both the same one.
    """
    cache: dict[tuple[int, int], tuple[int, list[tuple[int, int, _T]]]] = {}
    out: list[_T | None] = []
    for (_, start, end), (lo, hi) in zip(found, sentences, strict=True):
        if (lo, hi) not in cache:
            first = tokens[lo].start
            last = tokens[hi - 1].end
            cache[(lo, hi)] = (first, finder(norm[first:last]))
        offset, spans = cache[(lo, hi)]
        if not spans:
            out.append(None)
            continue
        m_start = tokens[start].start - offset
        m_end = tokens[end - 1].end - offset
        best = min(spans, key=lambda s: _gap(m_start, m_end, s[0], s[1]))
        out.append(best[2])
    return out


def _gap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    if b_start >= a_end:
        return b_start - a_end
    if a_start >= b_end:
        return a_start - b_end
    return 0


def _stated_temperature(norm: str) -> float | None:
    """The highest plausible body temperature stated in the text, in °C."""
    best: float | None = None
    for match in _TEMP_CONTEXT.finditer(norm):
        raw = match.group(1) or match.group(2) or match.group(4)
        unit = (match.group(3) or match.group(5) or "").lower()
        value = float(raw)
        if unit.startswith("f") or (not unit.startswith("c") and 95 <= value <= 110):
            value = (value - 32) * 5 / 9
        if 34.0 <= value <= 43.0 and (best is None or value > best):
            best = value
    return best
