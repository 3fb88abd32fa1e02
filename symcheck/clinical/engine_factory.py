"""Build the interview engine from settings (once per process, never at import time)."""

from __future__ import annotations

from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine
from symcheck.clinical.knowledge.loader import load_knowledge_base
from symcheck.clinical.rules.loader import load_rules
from symcheck.settings import Settings, get_settings


def load_interview_engine(settings: Settings | None = None) -> InterviewEngine:
    """Load the knowledge base and red-flag rules (checked against it) and build the engine.

    Raises:
        KnowledgeBaseError: the knowledge base is missing or inconsistent.
        RuleSetError: the rules are malformed or name findings the knowledge base lacks.
    """
    settings = settings or get_settings()
    kb = load_knowledge_base(settings.kb_dir)
    rules = load_rules(settings.rules_dir, kb)
    return InterviewEngine(
        kb,
        rules,
        config=EngineConfig(
            clinic_name=settings.clinic_name,
            emergency_number=settings.emergency_number,
            max_questions=settings.max_questions,
        ),
    )
