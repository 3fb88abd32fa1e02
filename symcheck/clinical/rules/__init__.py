"""Deterministic red-flag rules: data in ``triage_rules/``, evaluated before anything else."""

from symcheck.clinical.rules.loader import default_rules_dir, load_rules
from symcheck.clinical.rules.models import RedFlagRule, RuleCase, RuleCases, RuleSetInfo
from symcheck.clinical.rules.ruleset import RuleSet, RuleSetError, fired_rules, floor

__all__ = [
    "RedFlagRule",
    "RuleCase",
    "RuleCases",
    "RuleSet",
    "RuleSetError",
    "RuleSetInfo",
    "default_rules_dir",
    "fired_rules",
    "floor",
    "load_rules",
]
