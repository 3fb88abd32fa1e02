"""Load red-flag rules from ``triage_rules/*.yml``.

Layout::

    ruleset.yml        {version, title}
    <system>.yml       {system, rules: [RedFlagRule, ...]}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.rules.models import RedFlagRule, RuleFile, RuleSetInfo
from symcheck.clinical.rules.ruleset import RuleSet, RuleSetError


def default_rules_dir() -> Path:
    """``triage_rules/`` at the repository root."""
    return Path(__file__).resolve().parents[3] / "triage_rules"


def load_rules(directory: Path | None = None, kb: KnowledgeBase | None = None) -> RuleSet:
    """Read and validate every rule file; with ``kb``, also check finding references."""
    root = directory or default_rules_dir()
    info = RuleSetInfo.model_validate(_read(root / "ruleset.yml"))
    rules: dict[str, RedFlagRule] = {}
    systems: dict[str, str] = {}
    for path in sorted(root.glob("*.yml")):
        if path.name == "ruleset.yml":
            continue
        try:
            rule_file = RuleFile.model_validate(_read(path))
        except (ValidationError, ValueError) as exc:
            raise RuleSetError(f"{path.name}: {exc}") from exc
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


def _read(path: Path) -> Any:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleSetError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleSetError(f"{path}: expected a mapping at the top level")
    return data
