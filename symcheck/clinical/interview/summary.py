"""The structured summary a clinician sees with a handed-off case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ConditionLine:
    condition_id: str
    name: str
    icd10: str
    score: float  # posterior probability, 0-1
    supporting: tuple[str, ...] = ()  # names of reported findings that support it


@dataclass(frozen=True)
class RuleLine:
    rule_id: str
    title: str
    disposition: str


@dataclass(frozen=True)
class CaseSummary:
    """Age, sex, chief complaint, findings present and absent, red flags, disposition and
    top conditions, as known at the moment of the summary.

    ``extra`` carries engine details: ``rules_version``, ``handoff_reason``,
    ``low_confidence``, ``decided_by``, ``unexplained`` and ``assessed`` (see
    :attr:`assessed`).
    """

    age_years: float | None = None
    sex: str | None = None
    pregnant: bool | None = None
    chief_complaint: str | None = None
    findings_present: tuple[str, ...] = ()
    findings_absent: tuple[str, ...] = ()
    findings_unsure: tuple[str, ...] = ()
    red_flags: tuple[RuleLine, ...] = ()
    disposition: str | None = None
    top_conditions: tuple[ConditionLine, ...] = ()
    questions_asked: int = 0
    phase: str = "start"
    kb_version: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def assessed(self) -> bool | None:
        """Whether the interview reached an assessment (a result or a red-flag interrupt).

        ``False``: the disposition is only a placeholder for the clinician queue (the patient
        was not understood, or asked for a clinician before any result). ``None`` for
        summaries written before the flag existed.
        """
        value = self.extra.get("assessed")
        return value if isinstance(value, bool) else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseSummary:
        return cls(
            age_years=data.get("age_years"),
            sex=data.get("sex"),
            pregnant=data.get("pregnant"),
            chief_complaint=data.get("chief_complaint"),
            findings_present=tuple(data.get("findings_present") or ()),
            findings_absent=tuple(data.get("findings_absent") or ()),
            findings_unsure=tuple(data.get("findings_unsure") or ()),
            red_flags=tuple(RuleLine(**r) for r in data.get("red_flags") or ()),
            disposition=data.get("disposition"),
            top_conditions=tuple(
                ConditionLine(**{**c, "supporting": tuple(c.get("supporting") or ())})
                for c in data.get("top_conditions") or ()
            ),
            questions_asked=int(data.get("questions_asked") or 0),
            phase=str(data.get("phase") or "start"),
            kb_version=data.get("kb_version"),
            extra=dict(data.get("extra") or {}),
        )
