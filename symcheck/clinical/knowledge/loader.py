"""Load the knowledge base from its YAML data files.

Layout (``knowledge_base/`` at the repository root)::

    kb.yml                  version, title, attribution, ignored_phrases
    findings/<system>.yml   {system, source: default source, findings: [Finding, ...]}
    conditions/<system>.yml {system, conditions: [Condition, ...]}

``system`` and ``source`` at the top of a file are defaults for its entries (an entry may
still name its own). Files are read in sorted order so loading is deterministic. Any error
names the file and entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from symcheck.clinical.datafiles import read_mapping
from symcheck.clinical.knowledge.base import KnowledgeBase, KnowledgeBaseError
from symcheck.clinical.knowledge.models import Condition, Finding, KnowledgeBaseInfo


def default_kb_dir() -> Path:
    """``knowledge_base/`` next to the package (the repository checkout)."""
    return Path(__file__).resolve().parents[3] / "knowledge_base"


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Read, validate and cross-check every knowledge-base file under ``directory``."""
    root = directory or default_kb_dir()
    info_path = root / "kb.yml"
    try:
        info = KnowledgeBaseInfo.model_validate(_read(info_path))
    except ValidationError as exc:
        raise KnowledgeBaseError(f"{info_path.name}: {exc}") from exc
    findings: dict[str, Finding] = {}
    for path in sorted((root / "findings").glob("*.yml")):
        data = _read(path)
        _only_keys(data, {"system", "source", "findings"}, path)
        defaults = {k: data[k] for k in ("system", "source") if data.get(k)}
        for i, raw in enumerate(_entries(data, "findings", path)):
            finding = _validate(Finding, _with_defaults(raw, defaults), path, i)
            if finding.source is None and finding.rationale is None:
                raise KnowledgeBaseError(f"{path.name}[{i}] {finding.id}: no source or rationale")
            if finding.id in findings:
                raise KnowledgeBaseError(f"{path.name}: duplicate finding id {finding.id!r}")
            findings[finding.id] = finding
    conditions: dict[str, Condition] = {}
    for path in sorted((root / "conditions").glob("*.yml")):
        data = _read(path)
        _only_keys(data, {"system", "conditions"}, path)
        defaults = {k: data[k] for k in ("system",) if data.get(k)}
        for i, raw in enumerate(_entries(data, "conditions", path)):
            condition = _validate(Condition, _with_defaults(raw, defaults), path, i)
            if condition.id in conditions:
                raise KnowledgeBaseError(f"{path.name}: duplicate condition id {condition.id!r}")
            conditions[condition.id] = condition
    try:
        return KnowledgeBase(info=info, findings=findings, conditions=conditions)
    except KnowledgeBaseError as exc:
        raise KnowledgeBaseError(f"{root}: {exc}") from exc


def _read(path: Path) -> dict[str, Any]:
    return read_mapping(path, KnowledgeBaseError)


def _entries(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    entries = data.get(key) or []
    if not isinstance(entries, list):
        raise KnowledgeBaseError(f"{path.name}: '{key}' must be a list")
    return entries


def _with_defaults(raw: Any, defaults: dict[str, Any]) -> Any:
    if not isinstance(raw, dict):
        return raw
    return {**defaults, **{k: v for k, v in raw.items() if v is not None or k not in defaults}}


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
