"""Component: whom each finding is about (the ConText "experiencer").

Each finding takes the nearest person named before it in its sentence: "I", "me", "my chest"
make it the writer's (``self``); "he", "she", "my son", "the baby" someone the writer speaks
for (``other``), who is then the patient ("my son has a fever and a cough"). With no one named
before it in its sentence, a finding takes the person named inside its own phrase or, failing
that, the last one named in an earlier sentence; otherwise it is the writer's.

A finding is someone else's history (``family``), and not the patient's, when:

- a family-history cue covers it: "family history of heart disease", "diabetes runs in the
  family", "asthma on my mum's side";
- it is what a relative died of: "my mum died of bowel cancer", "lost my dad to a stroke";
- a blood relative (parent, sibling, grandparent, aunt, uncle, cousin) has or had it, it is a
  long-term condition or risk factor (the knowledge base's ``risk_factor`` findings: heart
  disease, diabetes, asthma, cancer, a previous clot ...), and the message is otherwise about
  the writer: "I've got chest pain, my dad had a heart attack at 52". When anything in the
  message is said of someone else ("my dad has diabetes and his sugar is low"), or the writer
  only says they are worried, the relative is taken to be the patient and nothing is moved
  out, because losing the patient's own history would be the unsafe mistake. Several relatives
  at once ("both my parents have diabetes") cannot all be the patient.

The component also marks text that is not about the patient (``doc._.not_patient``), so that
a relative's age or sex is not taken for the patient's: the family-history clauses, the
relatives named in a message that is about the writer ("I'm 70 and my husband says I've been
confused"), and the writer's own statements in a message about someone else ("I'm 30 and my
son is 2, he has a fever"). When the patient is only someone else, ``doc._.referent_sex`` is
the sex the words for them give ("he", "my daughter").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.models import FindingKind
from symcheck.clinical.nlu.extensions import FindingRecord
from symcheck.clinical.nlu.extraction import Subject
from symcheck.clinical.nlu.text import Token
from symcheck.clinical.nlu.triggers import SENTENCE_END, TERMINATORS, phrase_table, stems
from symcheck.clinical.patient import Sex

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_subject"

_SELF = stems({"i", "im", "iam", "ive", "id", "me", "myself"})
_POSSESSIVE_SELF = "my"
_BLOOD_RELATIVES = stems(
    {
        "mum",
        "mom",
        "mam",
        "mother",
        "dad",
        "father",
        "parent",
        "parents",
        "brother",
        "brothers",
        "sister",
        "sisters",
        "sibling",
        "siblings",
        "grandma",
        "grandmother",
        "nan",
        "nana",
        "nanna",
        "gran",
        "granny",
        "grandad",
        "grandpa",
        "grandfather",
        "grandparent",
        "grandparents",
        "aunt",
        "auntie",
        "aunty",
        "uncle",
        "cousin",
    }
)
_PEOPLE = _BLOOD_RELATIVES | stems(
    {
        "son",
        "daughter",
        "child",
        "children",
        "kid",
        "kids",
        "baby",
        "boy",
        "girl",
        "toddler",
        "husband",
        "wife",
        "partner",
        "friend",
        "boyfriend",
        "girlfriend",
        "fiance",
        "fiancee",
        "twin",
        "twins",
        "grandson",
        "granddaughter",
        "niece",
        "nephew",
        "newborn",
        "infant",
        "teenager",
        "flatmate",
        "housemate",
        "neighbour",
        "neighbor",
        "colleague",
    }
)
# Words between "my" and the person: "my little boy", "my 4 year old son", "my 2yo".
_AGE_WORDS = stems({"old", "yo", "yr", "yrs"})
_AGE_UNITS = stems({"year", "years", "month", "months", "week", "weeks", "day", "days"})
_PERSON_MODIFIERS = (
    _AGE_WORDS
    | _AGE_UNITS
    | stems(
        {
            "little",
            "eldest",
            "oldest",
            "youngest",
            "older",
            "younger",
            "elderly",
            "new",
            "teenage",
            "disabled",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        }
    )
)
_MALE_PEOPLE = stems(
    {
        "son",
        "boy",
        "husband",
        "dad",
        "father",
        "brother",
        "grandad",
        "grandpa",
        "grandfather",
        "grandson",
        "nephew",
        "uncle",
        "boyfriend",
        "fiance",
    }
)
_FEMALE_PEOPLE = stems(
    {
        "daughter",
        "girl",
        "wife",
        "mum",
        "mom",
        "mam",
        "mother",
        "sister",
        "grandma",
        "grandmother",
        "nan",
        "nana",
        "nanna",
        "gran",
        "granny",
        "granddaughter",
        "niece",
        "aunt",
        "auntie",
        "aunty",
        "girlfriend",
        "fiancee",
    }
)
_MALE_PRONOUNS = frozenset({"he", "hes", "him", "his", "himself"})  # as typed
_FEMALE_PRONOUNS = frozenset({"she", "shes", "her", "hers", "herself"})
_PRONOUNS = stems(_MALE_PRONOUNS | _FEMALE_PRONOUNS)
_SUBJECT_PRONOUNS = frozenset({"he", "hes", "she", "shes"})
# Verbs after a person that make them the subject of a clause ("my son is 4").
_CLAUSE_VERBS = stems(
    {"is", "isnt", "was", "wasnt", "has", "hasnt", "had", "seems", "looks", "keeps", "cant"}
)
_PLURAL_RELATIVES = frozenset(
    {"parents", "grandparents", "brothers", "sisters", "siblings", "cousins", "aunts", "uncles"}
)
# Family-history cues: before the findings they cover, or after them.
_HISTORY_BEFORE = [
    "family history of",
    "family history",
    "family hx of",
    "fh of",
    "history in the family of",
    "history in my family of",
    "strong family history of",
]
_HISTORY_AFTER = [
    "(runs|run|running) in (the|my|our) family",
    "in (the|my|our) family",
    "on (my|his|her) (mums|moms|mothers|dads|fathers) side",
    "on both sides of the family",
    "is hereditary",
    "hereditary",
]
_DIED = [
    "(died|dying|passed away|passed|dead) (of|from|with)",
    "(died|passed away) (last year|years ago|) (of|from|with)",
]
_LOST_TO = "lost"  # "lost my dad to cancer"
_OWNERS = stems({"my", "our", "his", "her", "their"})
_NEARLY = stems({"nearly", "almost", "practically", "virtually"})
_FAMILY_HISTORY = "family_history_"  # findings that are already the patient's family history
_CLAUSE_BREAKS = SENTENCE_END | frozenset({",", ";", ":", "(", ")", "but", "however"})
_HISTORY_SCOPE = 8  # words a family-history cue reaches
# Findings a worried writer reports about themselves while writing about a relative.
_WRITER_REACTIONS = frozenset({"anxiety"})


@dataclass(frozen=True, slots=True)
class _Reference:
    """A person named in the text: where (word indices) and who."""

    start: int
    end: int
    subject: Subject
    word: str  # the person word, stemmed ("parent")
    typed: str  # and as typed (normalised): "parents", "he"


class SubjectReader:
    """Sets each finding record's ``subject`` and ``doc._.not_patient`` /
    ``doc._.referent_sex`` (see the module docstring)."""

    def __init__(self) -> None:
        self._kb: KnowledgeBase | None = None
        self._before = phrase_table(_HISTORY_BEFORE)
        self._after = phrase_table(_HISTORY_AFTER)
        self._died = phrase_table(_DIED)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Any = None,
        kb: KnowledgeBase | None = None,
    ) -> None:
        """Give the component the knowledge base (for the kinds of findings)."""
        self._kb = kb

    def __call__(self, doc: Doc) -> Doc:
        kb = self._kb
        if kb is None:
            raise RuntimeError(f"{NAME} is not initialised with a knowledge base")
        words: list[str] = doc._.words
        tokens: list[Token] = doc._.norm_tokens
        records: list[FindingRecord] = doc._.finding_records
        doc._.not_patient = ()
        doc._.referent_sex = None
        if not records:
            return doc
        text = doc._.norm_text
        typed = [text[t.start : t.end] for t in tokens]
        covered: frozenset[int] = doc._.covered
        references = _references(words, typed, covered)
        referent: dict[int, _Reference | None] = {}
        for index, record in enumerate(records):
            ref = _referent(record, words, typed, references)
            referent[index] = ref
            record.subject = ref.subject if ref is not None else Subject.SELF
        cues: dict[int, int] = {}
        for index, record in enumerate(records):
            if record.finding_id.startswith(_FAMILY_HISTORY):
                continue  # already the patient's family history
            ref = referent[index]
            cue = self._family_cue(record, words, ref, kb)
            if (
                cue is None
                and ref is not None
                and self._relatives_history(index, records, referent, kb)
            ):
                cue = ref.start
            if cue is not None:
                cues[index] = cue
        not_patient: list[tuple[int, int]] = []
        for index, cue in cues.items():
            record = records[index]
            record.subject = Subject.FAMILY
            not_patient.append((tokens[min(cue, record.start)].start, tokens[record.end - 1].end))
        not_patient += _not_about_patient(records, referent, references, words, tokens)
        doc._.not_patient = tuple(not_patient)
        doc._.referent_sex = _referent_sex(records, referent)
        return doc

    def _family_cue(
        self,
        record: FindingRecord,
        words: list[str],
        ref: _Reference | None,
        kb: KnowledgeBase,
    ) -> int | None:
        """The word index of a family-history or death cue covering the record, if any.

        A cue reaches no further than its own clause ("family history of stroke and now my
        face is drooping" keeps the drooping face the patient's), and a family-history cue
        only covers conditions, not symptoms ("family history of migraine" is not a headache).
        """
        condition = _condition(kb, record.finding_id)
        lo = max(0, record.start - _HISTORY_SCOPE)
        for start in range(record.start - 1, lo - 1, -1):
            if condition and _phrase_at(words, start, self._before, record.start):
                return start
            if _phrase_at(words, start, self._died, record.start) and not (
                start > 0 and words[start - 1] in _NEARLY  # "he nearly died of ..." is alive
            ):
                return ref.start if ref is not None and ref.subject is Subject.OTHER else start
            lost = _lost_to(words, start)
            if lost is not None:
                return lost  # "lost my dad to cancer"
            if words[start] in TERMINATORS:
                break
        end = record.end
        while condition and end < len(words) and end - record.end < 3:
            if _phrase_at(words, end, self._after, len(words)):
                return record.start
            if words[end] in TERMINATORS:
                break
            end += 1
        return None

    def _relatives_history(
        self,
        index: int,
        records: list[FindingRecord],
        referent: dict[int, _Reference | None],
        kb: KnowledgeBase,
    ) -> bool:
        """Whether a blood relative's long-term condition is family history here."""
        record, ref = records[index], referent[index]
        if ref is None or ref.subject is not Subject.OTHER or ref.word not in _BLOOD_RELATIVES:
            return False
        if not _long_term(kb, record.finding_id):
            return False
        if ref.typed in _PLURAL_RELATIVES:
            return True
        others = [
            (other, referent[k])
            for k, other in enumerate(records)
            if k != index and other.present is not False and referent[k] is not ref
        ]
        about_writer = [
            other
            for other, other_ref in others
            if other_ref is not None
            and other_ref.subject is Subject.SELF
            and other.finding_id not in _WRITER_REACTIONS
        ]
        # Someone else's current problem ("his sugar is low") makes them the patient.
        about_someone_else = any(
            other_ref.subject is Subject.OTHER and not _long_term(kb, other.finding_id)
            for other, other_ref in others
            if other_ref is not None
        )
        return bool(about_writer) and not about_someone_else


def _lost_to(words: list[str], to: int) -> int | None:
    """The index of "lost" when ``to`` ends "lost (my|our) <person> to": what follows it is
    what a relative died of."""
    if words[to] != "to" or to < 2 or words[to - 1] not in _PEOPLE:
        return None
    k = to - 2
    if words[k] in _OWNERS:
        k -= 1
    return k if k >= 0 and words[k] == _LOST_TO else None


def _condition(kb: KnowledgeBase, finding_id: str) -> bool:
    """A history item or risk factor (an illness someone has or had), not a symptom."""
    finding = kb.findings.get(finding_id)
    return finding is not None and finding.kind in (FindingKind.HISTORY, FindingKind.RISK_FACTOR)


def _long_term(kb: KnowledgeBase, finding_id: str) -> bool:
    finding = kb.findings.get(finding_id)
    return finding is not None and finding.kind is FindingKind.RISK_FACTOR


def _references(words: list[str], typed: list[str], covered: frozenset[int]) -> list[_Reference]:
    """Every person named outside matched phrases, in text order."""
    refs: list[_Reference] = []
    i = 0
    while i < len(words):
        word = words[i]
        if i in covered:
            i += 1
            continue
        if word == _POSSESSIVE_SELF:
            person = _person_after_my(words, i + 1)
            if person is not None:
                end, noun = person
                refs.append(_Reference(i, end, Subject.OTHER, words[noun], typed[noun]))
                i = end
                continue
            refs.append(_Reference(i, i + 1, Subject.SELF, word, typed[i]))
        elif word in _SELF:
            refs.append(_Reference(i, i + 1, Subject.SELF, word, typed[i]))
        elif word in _PEOPLE or word in _PRONOUNS:
            refs.append(_Reference(i, i + 1, Subject.OTHER, word, typed[i]))
        i += 1
    return refs


def _person_after_my(words: list[str], k: int) -> tuple[int, int] | None:
    """After "my": the end of a person ("my son", "my little boy", "my baby girl", "my 4 year
    old", "my 2yo son") and the index of the word that names them, or ``None`` ("my chest")."""
    start = k
    while k < len(words):
        word = words[k]
        if word in _PERSON_MODIFIERS or word.replace(".", "").isdigit():
            k += 1
        elif word == "one" and k + 1 < len(words) and words[k + 1] in _AGE_UNITS:
            k += 1  # "my one year old"
        else:
            break
    if k < len(words) and words[k] in _PEOPLE:
        while k + 1 < len(words) and words[k + 1] in _PEOPLE:
            k += 1  # "my baby girl"
        return k + 1, k
    if k < len(words) and words[k] == "one" and k > start:  # "my little one"
        return k + 1, k
    if k > start and words[k - 1] in _AGE_WORDS:  # "my 4 year old"
        return k, k - 1
    return None


def _referent(
    record: FindingRecord,
    words: list[str],
    typed: list[str],
    references: list[_Reference],
) -> _Reference | None:
    """The person a finding is about: the nearest named before it in its sentence, else one
    named inside its phrase ("my dad fell"), else the subject of a clause later in its
    sentence ("no stiff neck and she isn't bothered by light", "fever and cough, my son is 4"),
    else the nearest named in an earlier sentence ("My son. Fever and a cough."). Someone merely
    mentioned after it is not taken ("bleeding after sex, new boyfriend")."""
    sentence_start, sentence_end = record.start, record.end
    while sentence_start > 0 and words[sentence_start - 1] not in SENTENCE_END:
        sentence_start -= 1
    while sentence_end < len(words) and words[sentence_end] not in SENTENCE_END:
        sentence_end += 1
    before = [r for r in references if r.end <= record.start]
    in_sentence = [r for r in before if r.start >= sentence_start]
    if in_sentence:
        return in_sentence[-1]
    inside = _references(words[: record.end], typed[: record.end], frozenset(range(record.start)))
    if inside:
        return inside[0]
    later = [
        r
        for r in references
        if record.end <= r.start
        and r.end < sentence_end
        and r.subject is Subject.OTHER
        and (r.typed in _SUBJECT_PRONOUNS or words[r.end] in _CLAUSE_VERBS)
    ]
    if later:
        return later[0]
    return before[-1] if before else None


def _phrase_at(
    words: list[str], start: int, table: dict[int, set[tuple[str, ...]]], limit: int
) -> bool:
    return any(
        start + length <= limit and tuple(words[start : start + length]) in keys
        for length, keys in table.items()
    )


def _not_about_patient(
    records: list[FindingRecord],
    referent: dict[int, _Reference | None],
    references: list[_Reference],
    words: list[str],
    tokens: list[Token],
) -> list[tuple[int, int]]:
    """Character spans whose ages and sexes are not the patient's (see the module docstring)."""
    patient = [
        (record, referent[k])
        for k, record in enumerate(records)
        if record.subject is not Subject.FAMILY and record.present is not False
    ]
    if not patient:
        return []
    subjects = {record.subject for record, _ in patient}
    spans: list[tuple[int, int]] = []
    if subjects == {Subject.SELF} and all(ref is not None for _, ref in patient):
        # About the writer: the relatives they mention are not the patient.
        for ref in references:
            if ref.subject is Subject.OTHER and ref.word not in _PRONOUNS:
                spans.append((tokens[ref.start].start, tokens[ref.end - 1].end))
    elif subjects == {Subject.OTHER}:
        # About someone else: the writer's own statements ("I'm 30") are not the patient's.
        for ref in references:
            if ref.subject is not Subject.SELF or words[ref.start] == _POSSESSIVE_SELF:
                continue
            end = ref.start + 1
            while (
                end < len(words)
                and words[end] not in _CLAUSE_BREAKS
                and words[end] != "and"
                and not any(r.start == end and r.subject is Subject.OTHER for r in references)
            ):
                end += 1
            spans.append((tokens[ref.start].start, tokens[end - 1].end))
    return spans


def _referent_sex(
    records: list[FindingRecord], referent: dict[int, _Reference | None]
) -> Sex | None:
    """The patient's sex when every finding about them is said of someone else, and all the
    words for that person that have a sex agree ("my son ... he", "she", "my wife")."""
    refs = [
        referent[k]
        for k, record in enumerate(records)
        if record.subject is not Subject.FAMILY and record.present is not False
    ]
    if not refs or any(ref is None or ref.subject is not Subject.OTHER for ref in refs):
        return None
    sexes = {_sex_of(ref) for ref in refs if ref is not None} - {None}
    return sexes.pop() if len(sexes) == 1 else None


def _sex_of(ref: _Reference) -> Sex | None:
    if ref.typed in _MALE_PRONOUNS or ref.word in _MALE_PEOPLE:
        return Sex.MALE
    if ref.typed in _FEMALE_PRONOUNS or ref.word in _FEMALE_PEOPLE:
        return Sex.FEMALE
    return None
