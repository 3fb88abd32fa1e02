"""The knowledge base: findings and conditions as validated, versioned data."""

from symcheck.clinical.knowledge.base import KnowledgeBase, KnowledgeBaseError
from symcheck.clinical.knowledge.loader import default_kb_dir, load_knowledge_base
from symcheck.clinical.knowledge.models import (
    AgeBand,
    Condition,
    Escalator,
    Finding,
    FindingKind,
    KnowledgeBaseInfo,
    Requires,
    Severity,
)

__all__ = [
    "AgeBand",
    "Condition",
    "Escalator",
    "Finding",
    "FindingKind",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseInfo",
    "Requires",
    "Severity",
    "default_kb_dir",
    "load_knowledge_base",
]
