"""Load red-flag rules from ``triage_rules/*.yml``.

Layout::

    ruleset.yml        {version, title}
    <system>.yml       {system, rules: [RedFlagRule, ...]}

Files are read in sorted order. Every error names the file and the rule (index and id), so a
typo in one rule is found in one look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from symcheck.clinical.datafiles import read_mapping
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.rules.models import RedFlagRule, RuleFile, RuleSetInfo
from symcheck.clinical.rules.ruleset import RuleSet, RuleSetError

_FILE_KEYS = {"system", "rules"}


def default_rules_dir() -> Path:
    """``triage_rules/`` at the repository root."""
    return Path(__file__).resolve().parents[3] / "triage_rules"


def load_rules(directory: Path | None = None, kb: KnowledgeBase | None = None) -> RuleSet:
    """Read and validate every rule file; with ``kb``, also check finding references."""
    root = directory or default_rules_dir()
    info_path = root / "ruleset.yml"
    try:
        info = RuleSetInfo.model_validate(_read(info_path))
    except ValidationError as exc:
        raise RuleSetError(f"{info_path.name}: {exc}") from exc
    rules: dict[str, RedFlagRule] = {}
    systems: dict[str, str] = {}
    for path in sorted(root.glob("*.yml")):
        if path.name == info_path.name:
            continue
        rule_file = _rule_file(path)
        for rule in rule_file.rules:
            if rule.id in rules:
                raise RuleSetError(f"{path.name}: duplicate rule id {rule.id}")
            rules[rule.id] = rule
            systems[rule.id] = rule_file.system
    ruleset = RuleSet(info=info, rules=rules, systems=systems)
    if kb is not None:
        problems = ruleset.check_against(kb)
        if problems:
            raise RuleSetError("; ".join(problems))
    return ruleset


def _rule_file(path: Path) -> RuleFile:
    data = _read(path)
    extra = set(data) - _FILE_KEYS
    if extra:
        raise RuleSetError(f"{path.name}: unexpected top-level keys {sorted(extra)}")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleSetError(f"{path.name}: 'rules' must be a non-empty list")
    rules = []
    for index, raw in enumerate(raw_rules):
        try:
            rules.append(RedFlagRule.model_validate(raw))
        except (ValidationError, ValueError) as exc:
            ident = raw.get("id") if isinstance(raw, dict) else None
            raise RuleSetError(f"{path.name}[{index}] {ident or ''}: {exc}") from exc
    try:
        return RuleFile(system=data.get("system"), rules=tuple(rules))
    except ValidationError as exc:
        raise RuleSetError(f"{path.name}: {exc}") from exc


def _read(path: Path) -> dict[str, Any]:
    return read_mapping(path, RuleSetError)
