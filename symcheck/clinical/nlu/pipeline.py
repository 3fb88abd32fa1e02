"""The extraction pipeline: a blank English spaCy pipeline with rule components.

``build_pipeline(kb)`` makes the ``Language`` once per knowledge base (the finding extractor
does it when it is built, once per process; nothing is built at import). No statistical
model is loaded or downloaded: the tokenizer and every component are rules and the
knowledge base's phrases. Components, in order (one module each in ``components/``):

==========================  ===================================================================
``symcheck_typos``          ``doc._.match_words``: one-letter typos corrected ("diarrheoa")
``symcheck_findings``       ``doc.spans["findings"]``: knowledge-base phrases, labelled by finding
``symcheck_context``        ``span._.present`` / ``negated`` / ``uncertain`` (NegEx-style)
``symcheck_subject``        ``span._.subject``: self, someone else (the patient), family history
``symcheck_demographics``   ``doc._.demographics``: age, sex, pregnancy
``symcheck_attributes``     ``span._.duration_hours`` / ``severity`` / ``onset``
``symcheck_location``       ``span._.location``: body site ("left knee")
``symcheck_observations``   ``doc._.observations``: the patient's findings, readings, implications
==========================  ===================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.nlu.components import (
    attributes,
    context,
    demographics,
    findings,
    location,
    observations,
    subject,
    typos,
)
from symcheck.clinical.nlu.extensions import register_extensions
from symcheck.clinical.nlu.phrase_index import PhraseIndex
from symcheck.clinical.nlu.tokenizer import NormalisingTokenizer

if TYPE_CHECKING:
    from spacy.language import Language

# Component name -> the class the factory makes, in pipeline order.
COMPONENTS: dict[str, Any] = {
    typos.NAME: typos.TypoCorrection,
    findings.NAME: findings.FindingMatcher,
    context.NAME: context.ConText,
    subject.NAME: subject.SubjectReader,
    demographics.NAME: demographics.DemographicsReader,
    attributes.NAME: attributes.AttributeReader,
    location.NAME: location.LocationReader,
    observations.NAME: observations.ObservationBuilder,
}


def build_pipeline(kb: KnowledgeBase, index: PhraseIndex | None = None) -> Language:
    """A blank English pipeline with the extraction components, ready for the knowledge base.

    Registers the custom attributes and the component factories on first use. The phrase index
    (built from ``kb`` unless given) is shared by the components that match.
    """
    import spacy

    register_extensions()
    register_factories()
    nlp = spacy.blank("en")
    nlp.tokenizer = NormalisingTokenizer(nlp.vocab)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    index = index or PhraseIndex.from_kb(kb)
    cast(typos.TypoCorrection, nlp.get_pipe(typos.NAME)).initialize(nlp=nlp, index=index)
    cast(findings.FindingMatcher, nlp.get_pipe(findings.NAME)).initialize(nlp=nlp, index=index)
    cast(subject.SubjectReader, nlp.get_pipe(subject.NAME)).initialize(nlp=nlp, kb=kb)
    cast(attributes.AttributeReader, nlp.get_pipe(attributes.NAME)).initialize(nlp=nlp, kb=kb)
    cast(observations.ObservationBuilder, nlp.get_pipe(observations.NAME)).initialize(
        nlp=nlp, kb=kb
    )
    return nlp


def register_factories() -> None:
    """Register a spaCy factory for each component (idempotent)."""
    from spacy.language import Language

    for name, component in COMPONENTS.items():
        if not Language.has_factory(name):
            Language.factory(name, func=_factory(component))


def _factory(component: Any) -> Any:
    def make(nlp: Language, name: str) -> Any:
        return component()

    return make
