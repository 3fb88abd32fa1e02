"""Red-flag rule data model: one rule per dangerous pattern, with its own test cases."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge.models import CompiledCriterion, CriterionField

RULE_ID_PATTERN = r"^RF-[A-Z]{2,5}-\d{3}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RuleCase(_Strict):
    """A patient that must (``fire``) or must not (``near_miss``) trigger the rule.

    ``text`` goes through the same language understanding as a chat message; ``findings``
    adds structured answers (finding id -> present?) as if given to the bot's questions.
    """

    text: str = Field(min_length=1)
    age: float | None = Field(default=None, ge=0, le=130)
    sex: str | None = Field(default=None, pattern="^(female|male)$")
    pregnant: bool | None = None
    findings: dict[str, bool] = Field(default_factory=dict)


class RuleCases(_Strict):
    fire: tuple[RuleCase, ...] = Field(min_length=1)
    near_miss: tuple[RuleCase, ...] = Field(min_length=1)


class RedFlagRule(_Strict, CompiledCriterion):
    """A deterministic red-flag rule.

    Attributes:
        id: ``RF-<SYSTEM>-NNN``, stable and never reused.
        when: the findings logic (see :mod:`symcheck.clinical.logic`).
        disposition: the floor this rule sets; nothing may advise below it.
        advice: what to do now, in plain words; ``{emergency_number}`` is filled in.
        while_waiting: what to do while help comes, where it matters.
    """

    id: str = Field(pattern=RULE_ID_PATTERN)
    title: str = Field(min_length=5)
    when: CriterionField
    disposition: Disposition
    advice: str = Field(min_length=20)
    while_waiting: tuple[str, ...] = ()
    rationale: str = Field(min_length=10)
    source: str = Field(min_length=5)
    cases: RuleCases

    @field_validator("advice")
    @classmethod
    def _names_the_action(cls, value: str) -> str:
        placeholders = {p.split("}")[0] for p in value.split("{")[1:]}
        unknown = placeholders - {"emergency_number"}
        if unknown:
            raise ValueError(f"unknown placeholders {sorted(unknown)} in advice")
        return value

    def render_advice(self, emergency_number: str) -> str:
        return self.advice.replace("{emergency_number}", emergency_number)


class RuleFile(_Strict):
    """One ``triage_rules/<system>.yml`` file."""

    system: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    rules: tuple[RedFlagRule, ...] = Field(min_length=1)


class RuleSetInfo(_Strict):
    """``triage_rules/ruleset.yml``: version of the rule set as a whole."""

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str

    @classmethod
    def from_yaml(cls, data: Any) -> RuleSetInfo:
        return cls.model_validate(data)
