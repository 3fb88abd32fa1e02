"""Build the interview engine from settings (once per process, never at import time)."""

from __future__ import annotations

import logging
from enum import StrEnum

from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.knowledge.loader import load_knowledge_base
from symcheck.clinical.rules.loader import load_rules
from symcheck.clinical.scoring.base import ConditionScorer
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from symcheck.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class ScorerChoice(StrEnum):
    """Which condition scorer the engine uses."""

    AUTO = "auto"  # the combination when the classifier is enabled and loads, else the KB
    KB = "kb"  # the knowledge-base naive-Bayes scorer alone
    CLASSIFIER = "classifier"  # the transformer classifier alone (for evaluation)
    COMBINED = "combined"  # the log-linear pool of both (the product default)


class ScorerUnavailable(RuntimeError):
    """An explicitly requested classifier scorer cannot be loaded (the message says why)."""


def load_interview_engine(
    settings: Settings | None = None, scorer: ScorerChoice = ScorerChoice.AUTO
) -> InterviewEngine:
    """Load the knowledge base and red-flag rules (checked against it) and build the engine.

    With ``AUTO`` the engine pools the knowledge-base scorer with the transformer classifier
    when ``SYMCHECK_CLASSIFIER_ENABLED`` is on and a model for this knowledge base is in
    ``SYMCHECK_CLASSIFIER_DIR``; otherwise it logs why and uses the knowledge-base scorer
    alone.

    Raises:
        KnowledgeBaseError: the knowledge base is missing or inconsistent.
        RuleSetError: the rules are malformed or name findings the knowledge base lacks.
        ScorerUnavailable: ``CLASSIFIER`` or ``COMBINED`` was asked for and cannot load.
    """
    settings = settings or get_settings()
    kb = load_knowledge_base(settings.kb_dir)
    rules = load_rules(settings.rules_dir, kb)
    return InterviewEngine(
        kb,
        rules,
        scorer=build_scorer(kb, settings, scorer),
        config=EngineConfig(
            clinic_name=settings.clinic_name,
            emergency_number=settings.emergency_number,
            max_questions=settings.max_questions,
            # The classifier alone is measured as it is (evaluation only).
            kb_triage_floor=scorer is not ScorerChoice.CLASSIFIER,
        ),
    )


def build_scorer(
    kb: KnowledgeBase, settings: Settings, choice: ScorerChoice = ScorerChoice.AUTO
) -> ConditionScorer:
    """The condition scorer for ``choice`` (see :func:`load_interview_engine`)."""
    naive_bayes = NaiveBayesScorer(kb)
    if choice is ScorerChoice.KB:
        return naive_bayes
    if choice is ScorerChoice.AUTO and not settings.classifier_enabled:
        logger.info(
            "transformer classifier off (SYMCHECK_CLASSIFIER_ENABLED=false): "
            "using the knowledge-base scorer alone"
        )
        return naive_bayes
    from symcheck.clinical.classifier.model import ModelUnavailable, load_model
    from symcheck.clinical.classifier.scorer import ClassifierScorer

    try:
        model = load_model(settings.classifier_dir, kb, threads=settings.classifier_threads)
    except ModelUnavailable as exc:
        if choice is not ScorerChoice.AUTO:
            raise ScorerUnavailable(f"the transformer classifier cannot load: {exc}") from exc
        logger.warning(
            "transformer classifier not loaded (%s): using the knowledge-base scorer alone", exc
        )
        return naive_bayes
    if choice is ScorerChoice.CLASSIFIER:
        return ClassifierScorer(model, naive_bayes.model)
    meta = model.meta
    logger.info(
        "transformer classifier loaded (knowledge base %s): pooled with weights kb=%g "
        "classifier=%g",
        meta.kb_version,
        meta.pool_kb,
        meta.pool_classifier,
    )
    if meta.pool_classifier <= 0:
        return naive_bayes
    # The knowledge-base scorer brings the prior; the classifier only its evidence (see
    # symcheck.clinical.classifier.pooling).
    evidence = ClassifierScorer(model, naive_bayes.model, with_prior=False, with_supporting=False)
    return CombinedScorer([(naive_bayes, meta.pool_kb), (evidence, meta.pool_classifier)])
