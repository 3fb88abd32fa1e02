"""What is known about the patient at a point in the conversation.

``PatientFacts`` is the single input of every clinical decision (red-flag rules, scoring,
question choice, triage). It is immutable; updates return a new object, so decisions are pure
functions of the facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class Onset(StrEnum):
    SUDDEN = "sudden"
    GRADUAL = "gradual"


@dataclass(frozen=True)
class Observation:
    """One finding as reported by the patient.

    Attributes:
        present: ``True`` reported present, ``False`` reported absent, ``None`` unsure
            ("I don't know", "not sure if I had a temperature").
        duration_hours: how long it has been going on, when said.
        severity: 0-10 when said ("worst ever" is 10).
        onset: sudden or gradual, when said.
    """

    present: bool | None
    duration_hours: float | None = None
    severity: int | None = None
    onset: Onset | None = None

    def merged_with(self, newer: Observation) -> Observation:
        """The newer report wins on presence; attributes the newer one lacks are kept."""
        return Observation(
            present=newer.present,
            duration_hours=(
                newer.duration_hours if newer.duration_hours is not None else self.duration_hours
            ),
            severity=newer.severity if newer.severity is not None else self.severity,
            onset=newer.onset if newer.onset is not None else self.onset,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"present": self.present}
        if self.duration_hours is not None:
            out["duration_hours"] = self.duration_hours
        if self.severity is not None:
            out["severity"] = self.severity
        if self.onset is not None:
            out["onset"] = self.onset.value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observation:
        onset = data.get("onset")
        return cls(
            present=data.get("present"),
            duration_hours=data.get("duration_hours"),
            severity=data.get("severity"),
            onset=Onset(onset) if onset else None,
        )


@dataclass(frozen=True)
class PatientFacts:
    """Demographics and findings known so far.

    Attributes:
        age_years: age in years (a 6-week-old baby is about 0.115); ``None`` if not said.
        sex: ``None`` if not said.
        pregnant: ``True``/``False`` when said, ``None`` if unknown or not asked.
        findings: finding id -> observation.
    """

    age_years: float | None = None
    sex: Sex | None = None
    pregnant: bool | None = None
    findings: Mapping[str, Observation] = field(default_factory=dict)

    def is_present(self, finding_id: str) -> bool:
        obs = self.findings.get(finding_id)
        return obs is not None and obs.present is True

    def is_absent(self, finding_id: str) -> bool:
        obs = self.findings.get(finding_id)
        return obs is not None and obs.present is False

    @property
    def present_ids(self) -> list[str]:
        return [fid for fid, obs in self.findings.items() if obs.present is True]

    @property
    def absent_ids(self) -> list[str]:
        return [fid for fid, obs in self.findings.items() if obs.present is False]

    def with_observations(self, observations: Mapping[str, Observation]) -> PatientFacts:
        """New facts with ``observations`` merged in (newer reports win)."""
        merged = dict(self.findings)
        for fid, obs in observations.items():
            merged[fid] = merged[fid].merged_with(obs) if fid in merged else obs
        # Not dataclasses.replace: the question selector's look-ahead makes these by the
        # hundred per message.
        return PatientFacts(self.age_years, self.sex, self.pregnant, merged)

    def without(self, finding_ids: Iterable[str]) -> PatientFacts:
        drop = set(finding_ids)
        return replace(self, findings={k: v for k, v in self.findings.items() if k not in drop})

    def with_demographics(
        self,
        *,
        age_years: float | None = None,
        sex: Sex | None = None,
        pregnant: bool | None = None,
    ) -> PatientFacts:
        """New facts with any given (non-``None``) demographic replaced."""
        return replace(
            self,
            age_years=age_years if age_years is not None else self.age_years,
            sex=sex if sex is not None else self.sex,
            pregnant=pregnant if pregnant is not None else self.pregnant,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "age_years": self.age_years,
            "sex": self.sex.value if self.sex else None,
            "pregnant": self.pregnant,
            "findings": {fid: obs.to_dict() for fid, obs in self.findings.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PatientFacts:
        sex = data.get("sex")
        return cls(
            age_years=data.get("age_years"),
            sex=Sex(sex) if sex else None,
            pregnant=data.get("pregnant"),
            findings={
                fid: Observation.from_dict(obs) for fid, obs in (data.get("findings") or {}).items()
            },
        )
