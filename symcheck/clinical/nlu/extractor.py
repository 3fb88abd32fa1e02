"""Findings from free text: lay-phrase matching with negation, uncertainty, subject and
attributes, as a spaCy pipeline of rule components (:mod:`symcheck.clinical.nlu.pipeline`).

"my chest is kinda tight and i keep coughing, no fever tho" yields chest tightness and cough
present, fever absent. The matcher (:mod:`~symcheck.clinical.nlu.matching`) indexes every
synonym and misspelling in the knowledge base (normalised and stemmed as in
:mod:`symcheck.clinical.nlu.text`, articles and possessives dropped), finds the longest match at
each position and keeps the longest matches first ("pregnant and bleeding really heavily down
below" is heavy bleeding, not just bleeding), except inside the phrases of context findings
marked ``reports_inner`` ("we all have headaches" is both others at home unwell and the
headache). A word joined to a match by "and"/"or" shares it ("pain in my back and tummy" is
also tummy pain; "stomach and back pain" also stomach pain). Then NegEx-style triggers are
scoped over the remaining words (:mod:`~symcheck.clinical.nlu.components.context`: "no",
"denies", "not sure if", pseudo-triggers such as "can't stop" and "won't go away").

Safety choices: a symptom that has since gone ("the numbness went away") is still reported
(transient stroke signs matter); when one message mentions a finding several times, present
wins over unsure, and unsure over absent. Phrases that contain a negation word ("can't
breathe", "no wet nappies") are matched as findings first, so their words never act as
triggers; ``ignored_phrases`` in the knowledge base ("fit and well") consume their words
without reporting anything. A finding said of someone the writer speaks for ("my son has a
fever") is the patient's; a relative's past illness given as family history while the message
is about the writer ("I have chest pain, my dad had a heart attack at 52") is not
(:mod:`~symcheck.clinical.nlu.components.subject`), and is reported as ``family_history_<id>``
when the knowledge base has that finding. Stated readings report what they imply
(:mod:`~symcheck.clinical.nlu.readings`: "temp 39.2", "185/110", "I've taken 30 paracetamol",
"I'm 34 weeks"). Denials ("can walk on it", "keeping fluids down") report their finding absent.
Duration, severity and onset attach to the findings of the same sentence ("and now" starts a
new one), each taking the nearest expression; an age or stage of pregnancy ("my little one is
7 weeks") is never a duration. The body site said with a finding ("pain in my left knee")
becomes its location. Reported findings imply their parents. A long word one letter away from a
one-word phrase is read as that phrase ("diarrheoa"), except for everyday words listed in
``_NOT_TYPOS`` (:mod:`~symcheck.clinical.nlu.typos`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu.extensions import FindingRecord
from symcheck.clinical.nlu.extraction import Extraction, Mention, Subject
from symcheck.clinical.nlu.hierarchy import with_implications
from symcheck.clinical.nlu.phrase_index import PhraseIndex
from symcheck.clinical.nlu.pipeline import build_pipeline
from symcheck.clinical.patient import Observation

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Extraction", "FindingExtractor", "Mention", "Subject"]

# spaCy keeps every string it has seen in the pipeline's vocabulary; past this many the
# pipeline is rebuilt, so a long-running server's memory stays bounded whatever it is sent.
MAX_VOCABULARY = 200_000


class FindingExtractor:
    """Extracts findings from text using the knowledge base's lay phrases.

    Build once per knowledge base (this builds the spaCy pipeline and the phrase index) and
    call :meth:`extract` for each message; it is pure (the same text gives the same result).
    """

    def __init__(self, kb: KnowledgeBase, *, max_vocabulary: int = MAX_VOCABULARY) -> None:
        self._kb = kb
        self._index = PhraseIndex.from_kb(kb)
        self._max_vocabulary = max_vocabulary
        self._nlp = build_pipeline(kb, self._index)

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline (for inspection: ``extractor.nlp("no fever").spans``)."""
        return self._nlp

    def extract(self, text: str, today: date | None = None) -> Extraction:
        """What ``text`` says about the patient.

        Args:
            text: the message as typed.
            today: the date "since Tuesday" is counted from (``None``: the middle of the week).
        """
        nlp = self._nlp
        doc = nlp.make_doc(text)
        doc._.today = today
        doc = nlp(doc)
        if len(nlp.vocab.strings) > self._max_vocabulary:
            self._nlp = build_pipeline(self._kb, self._index)
        words: list[str] = doc._.words
        records: list[FindingRecord] = doc._.finding_records
        mentions = [_mention(record, words) for record in records]
        return Extraction(
            observations=doc._.observations,
            mentions=tuple(m for m in mentions if m.subject is not Subject.FAMILY),
            demographics=doc._.demographics,
            family=tuple(m for m in mentions if m.subject is Subject.FAMILY),
            implied=doc._.implied,
        )

    def with_implications(self, observations: Mapping[str, Observation]) -> dict[str, Observation]:
        """Add what the reported findings imply through the finding hierarchy (see
        :func:`symcheck.clinical.nlu.hierarchy.with_implications`)."""
        return with_implications(self._kb, observations)


def _mention(record: FindingRecord, words: list[str]) -> Mention:
    return Mention(
        finding_id=record.finding_id,
        phrase=" ".join(words[record.start : record.end]),
        start=record.start,
        end=record.end,
        present=record.present,
        subject=record.subject,
        location=record.location,
    )
