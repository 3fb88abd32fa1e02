"""Load the knowledge base from its YAML data files.

Layout (``knowledge_base/`` at the repository root)::

    kb.yml                  version, title, attribution
    findings/<system>.yml   {source: default source, findings: [Finding, ...]}
    conditions/<system>.yml {conditions: [Condition, ...]}

Files are read in sorted order so loading is deterministic. Any error names the file and entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from symcheck.clinical.knowledge.base import KnowledgeBase, KnowledgeBaseError
from symcheck.clinical.knowledge.models import Condition, Finding, KnowledgeBaseInfo


def default_kb_dir() -> Path:
    """``knowledge_base/`` next to the package (the repository checkout)."""
    return Path(__file__).resolve().parents[3] / "knowledge_base"


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Read, validate and cross-check every knowledge-base file under ``directory``."""
    root = directory or default_kb_dir()
    info = KnowledgeBaseInfo.model_validate(_read(root / "kb.yml"))
    findings: dict[str, Finding] = {}
    for path in sorted((root / "findings").glob("*.yml")):
        data = _read(path)
        _only_keys(data, {"source", "findings"}, path)
        default_source = data.get("source")
        for i, raw in enumerate(data.get("findings") or []):
            if isinstance(raw, dict) and default_source and not raw.get("source"):
                raw = {**raw, "source": default_source}
            finding = _validate(Finding, raw, path, i)
            if finding.source is None and finding.rationale is None:
                raise KnowledgeBaseError(f"{path.name}[{i}] {finding.id}: no source or rationale")
            if finding.id in findings:
                raise KnowledgeBaseError(f"{path.name}: duplicate finding id {finding.id!r}")
            findings[finding.id] = finding
    conditions: dict[str, Condition] = {}
    for path in sorted((root / "conditions").glob("*.yml")):
        data = _read(path)
        _only_keys(data, {"conditions"}, path)
        for i, raw in enumerate(data.get("conditions") or []):
            condition = _validate(Condition, raw, path, i)
            if condition.id in conditions:
                raise KnowledgeBaseError(f"{path.name}: duplicate condition id {condition.id!r}")
            conditions[condition.id] = condition
    return KnowledgeBase(info=info, findings=findings, conditions=conditions)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    return data


def _only_keys(data: dict[str, Any], allowed: set[str], path: Path) -> None:
    extra = set(data) - allowed
    if extra:
        raise KnowledgeBaseError(f"{path.name}: unexpected top-level keys {sorted(extra)}")


_M = TypeVar("_M", Finding, Condition)


def _validate(model: type[_M], raw: Any, path: Path, index: int) -> _M:
    try:
        return model.model_validate(raw)
    except (ValidationError, ValueError) as exc:
        ident = raw.get("id") if isinstance(raw, dict) else None
        raise KnowledgeBaseError(f"{path.name}[{index}] {ident or ''}: {exc}") from exc
