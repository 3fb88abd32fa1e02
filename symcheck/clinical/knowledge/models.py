"""The knowledge base data model: findings and conditions, validated strictly on load.

Each model rejects unknown keys by name (``extra="forbid"``) so a typo in a data file fails
loudly instead of being ignored.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator

from symcheck.clinical import logic
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.knowledge.phrases import PhraseSyntaxError, expand_all

_ICD10 = r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$"
_ID = r"^[a-z][a-z0-9_]*$"


def _parse_criterion(value: Any) -> logic.Criterion:
    if isinstance(
        value,
        logic.Present
        | logic.All
        | logic.Any_
        | logic.NoneOf
        | logic.AtLeast
        | logic.AgeRange
        | logic.SexIs
        | logic.PregnantIs
        | logic.FindingWith,
    ):
        return value
    return logic.parse(value)


CriterionField = Annotated[Any, BeforeValidator(_parse_criterion), PlainSerializer(logic.to_data)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FindingKind(StrEnum):
    SYMPTOM = "symptom"  # what the patient feels: pain, cough, nausea
    SIGN = "sign"  # what can be seen or measured: rash, swelling, temperature reading
    HISTORY = "history"  # context: recent travel, injury, medication, past illness
    RISK_FACTOR = "risk_factor"  # smoking, diabetes, immunosuppression, anticoagulants


class AttributeKind(StrEnum):
    DURATION = "duration"
    SEVERITY = "severity"
    ONSET = "onset"
    LOCATION = "location"
    CHARACTER = "character"


class AskIf(_Strict):
    """Only ask about the finding when this holds (e.g. period questions for females)."""

    criterion: CriterionField


class Finding(_Strict):
    """Something a patient can report: a symptom, sign, history item or risk factor.

    Attributes:
        id: stable snake_case id, never reused.
        name: short clinical name shown to clinicians.
        question: the yes/no question put to the patient.
        synonyms: lay phrases that mean this finding ("throwing up" for vomiting); ``(a|b)``
            lists alternatives, expanded on load (see
            :mod:`symcheck.clinical.knowledge.phrases`).
        misspellings: common misspellings of those phrases ("diarhea").
        denials: lay phrases that say the finding is *absent* without a negation word ("can
            walk on it" for being unable to bear weight, "keeping fluids down" for persistent
            vomiting): the extractor reports the finding absent, and present when the denial
            itself is negated ("not feeding well").
        base_rate: probability a patient with some *other* condition reports it: the
            naive-Bayes leak term (0 < p < 1).
        parent: a more general finding this one implies ("crushing chest pain" implies
            "chest pain"): present child => present parent; absent parent => absent child.
        ask_if: only ask when this criterion holds for the patient.
        reports_inner: the findings named inside this finding's phrases are reported too
            (a context finding such as "we all have headaches": others at home are unwell, and
            the patient has a headache). Normally a phrase inside a longer one is dropped.
    """

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=2)
    question: str = Field(min_length=8)
    kind: FindingKind = FindingKind.SYMPTOM
    system: str = Field(pattern=_ID)
    synonyms: tuple[str, ...] = Field(min_length=1)
    misspellings: tuple[str, ...] = ()
    denials: tuple[str, ...] = ()
    base_rate: float = Field(gt=0, lt=1)
    parent: str | None = Field(default=None, pattern=_ID)
    attributes: tuple[AttributeKind, ...] = ()
    ask_if: CriterionField | None = None
    reports_inner: bool = False
    rationale: str | None = None
    source: str | None = None

    @field_validator("question")
    @classmethod
    def _is_question(cls, value: str) -> str:
        if not value.endswith("?"):
            raise ValueError("a question must end with '?'")
        return value

    @field_validator("synonyms", "misspellings", "denials")
    @classmethod
    def _lowercase_phrases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _clean_phrases(value)


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    CRITICAL = "critical"


class AgeBand(StrEnum):
    """Fixed age bands for priors, in years: [lower, upper)."""

    INFANT = "infant"  # 0-1
    CHILD = "child"  # 1-12
    ADOLESCENT = "adolescent"  # 12-18
    ADULT = "adult"  # 18-45
    MIDDLE_AGED = "middle_aged"  # 45-65
    OLDER = "older"  # 65+

    @classmethod
    def of(cls, age_years: float) -> AgeBand:
        for band, (lo, hi) in AGE_BAND_BOUNDS.items():
            if lo <= age_years < hi:
                return band
        return cls.OLDER


AGE_BAND_BOUNDS: dict[AgeBand, tuple[float, float]] = {
    AgeBand.INFANT: (0, 1),
    AgeBand.CHILD: (1, 12),
    AgeBand.ADOLESCENT: (12, 18),
    AgeBand.ADULT: (18, 45),
    AgeBand.MIDDLE_AGED: (45, 65),
    AgeBand.OLDER: (65, 200),
}


class Requires(_Strict):
    """Hard constraints: the condition is impossible when one is known to fail."""

    sex: str | None = Field(default=None, pattern="^(female|male)$")
    min_age: float | None = Field(default=None, ge=0)
    max_age: float | None = Field(default=None, gt=0)
    pregnant: bool | None = None


class CompiledCriterion:
    """The precomputed forms of a model's ``when`` criterion (rules and escalators), for the
    question selector's look-ahead."""

    when: logic.Criterion

    @cached_property
    def triggers(self) -> logic.Triggers:
        """:func:`symcheck.clinical.logic.triggers` of :attr:`when` (computed once)."""
        return logic.triggers(self.when)

    @cached_property
    def sufficient(self) -> frozenset[str]:
        """:func:`symcheck.clinical.logic.sufficient` of :attr:`when` (computed once)."""
        return logic.sufficient(self.when)

    @cached_property
    def check(self) -> logic.Check:
        """:attr:`when` compiled (:func:`symcheck.clinical.logic.compiled`, once)."""
        return logic.compiled(self.when)


class Escalator(_Strict, CompiledCriterion):
    """A combination of findings that makes this condition more urgent than its default."""

    when: CriterionField
    disposition: Disposition
    reason: str = Field(min_length=5)

    @cached_property
    def urgency(self) -> int:
        """``disposition.urgency`` (kept: the question selector reads it very often)."""
        return self.disposition.urgency


class Condition(_Strict):
    """A condition the engine can suggest.

    Attributes:
        prevalence: relative base rate among people using a symptom checker (0-1); the
            scorer normalises across conditions, so only ratios matter.
        age_prior / sex_prior: multipliers on the prevalence (default 1.0; 0 = impossible).
        findings: finding id -> P(finding reported | condition).
        disposition: default triage when this condition is the likely cause.
        escalators: findings that make it more urgent than the default.
    """

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=3)
    icd10: str = Field(pattern=_ICD10)
    system: str = Field(pattern=_ID)
    prevalence: float = Field(gt=0, le=1)
    age_prior: dict[AgeBand, float] = Field(default_factory=dict)
    sex_prior: dict[str, float] = Field(default_factory=dict)
    requires: Requires = Field(default_factory=Requires)
    severity: Severity
    disposition: Disposition
    findings: dict[str, float] = Field(min_length=3)
    escalators: tuple[Escalator, ...] = ()
    advice: str = Field(min_length=20)
    safety_net: str = Field(min_length=20)
    description: str | None = None
    source: str = Field(min_length=5)

    @field_validator("findings")
    @classmethod
    def _likelihoods(cls, value: dict[str, float]) -> dict[str, float]:
        for fid, p in value.items():
            if not 0 < p < 1:
                raise ValueError(f"likelihood of {fid!r} must be strictly between 0 and 1")
        return value

    @field_validator("age_prior", "sex_prior")
    @classmethod
    def _multipliers(cls, value: dict[Any, float]) -> dict[Any, float]:
        for key, m in value.items():
            if m < 0 or m > 50:
                raise ValueError(f"prior multiplier for {key} must be in [0, 50]")
        return value

    @field_validator("sex_prior")
    @classmethod
    def _sexes(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - {"female", "male"}
        if unknown:
            raise ValueError(f"sex_prior keys must be female/male, got {sorted(unknown)}")
        return value


class KnowledgeBaseInfo(_Strict):
    """``knowledge_base/kb.yml``: the version and provenance of the content as a whole.

    Attributes:
        ignored_phrases: lay phrases that contain a finding's words but do not report it
            ("fit and well" is not a seizure, "normal temperature" is not a fever); the
            extractor consumes them so no finding is matched inside.
    """

    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str = Field(min_length=3)
    attribution: tuple[str, ...] = ()
    ignored_phrases: tuple[str, ...] = ()

    @field_validator("ignored_phrases")
    @classmethod
    def _lowercase_phrases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _clean_phrases(value)


def _clean_phrases(value: tuple[str, ...]) -> tuple[str, ...]:
    """Lowercase, reject empty and duplicate entries, expand ``(a|b)`` alternatives."""
    cleaned = tuple(v.strip().lower() for v in value)
    if any(not v for v in cleaned):
        raise ValueError("phrases must not be empty")
    seen: set[str] = set()
    for phrase in cleaned:
        if phrase in seen:
            raise ValueError(f"duplicate phrase {phrase!r}")
        seen.add(phrase)
    try:
        return expand_all(cleaned)
    except PhraseSyntaxError as exc:
        raise ValueError(str(exc)) from exc
