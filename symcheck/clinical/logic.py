"""The small findings-logic language shared by red-flag rules and knowledge-base escalators.

A criterion is written in YAML as one of:

- ``fever``: the finding is present;
- ``{all: [...]}``, ``{any: [...]}``, ``{none: [...]}`` (none of them present),
  ``{at_least: 2, of: [...]}``;
- ``{age: {min: 50, max: 120}}`` in years, min inclusive, max exclusive (an infant under
  3 months is ``{age: {max: 0.25}}``);
- ``{sex: female}``; ``{pregnant: true}``;
- ``{finding: fever, min_hours: 120}`` / ``max_hours``, ``min_severity``, ``onset: sudden``:
  the finding is present and its reported attributes satisfy the bounds;
- ``{absent: cant_bear_weight}``: the patient said they do *not* have it ("I can walk on
  it"). Meant for ``none``: ``{all: [hip_pain, {none: [{absent: cant_bear_weight}]}]}`` holds
  for hip pain unless the patient said they can bear weight (not saying is not enough).

Demographic criteria accept ``if_unknown: true`` to hold when the patient has not said
(for rules where over-triage is the safe error). Unknown findings never satisfy a criterion:
a rule fires on what the patient reported, not on what they were not asked.

Criteria are immutable, strictly validated (unknown keys are rejected by name) and evaluated
by :func:`holds`, a pure function of the criterion and the patient's facts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from symcheck.clinical.patient import Observation, Onset, PatientFacts, Sex


class CriterionError(ValueError):
    """A criterion in a data file is malformed."""


@dataclass(frozen=True)
class Present:
    finding: str


@dataclass(frozen=True)
class Absent(Present):
    """The finding was reported absent (denied), not merely unknown.

    A subclass of :class:`Present` only so that code matching every criterion kind treats it
    as naming its finding (question choice asks about it); :func:`holds` and :func:`to_data`
    handle it first.
    """


@dataclass(frozen=True)
class All:
    parts: tuple[Criterion, ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple[Criterion, ...]


@dataclass(frozen=True)
class NoneOf:
    parts: tuple[Criterion, ...]


@dataclass(frozen=True)
class AtLeast:
    count: int
    parts: tuple[Criterion, ...]


@dataclass(frozen=True)
class AgeRange:
    min_years: float | None
    max_years: float | None
    if_unknown: bool = False


@dataclass(frozen=True)
class SexIs:
    sex: Sex
    if_unknown: bool = False


@dataclass(frozen=True)
class PregnantIs:
    pregnant: bool
    if_unknown: bool = False


@dataclass(frozen=True)
class FindingWith:
    finding: str
    min_hours: float | None = None
    max_hours: float | None = None
    min_severity: int | None = None
    onset: Onset | None = None


Criterion = (
    Present | Absent | All | Any_ | NoneOf | AtLeast | AgeRange | SexIs | PregnantIs | FindingWith
)


def parse(raw: Any, where: str = "criterion") -> Criterion:
    """Parse a criterion from its YAML form, rejecting anything unexpected."""
    if isinstance(raw, str):
        return Present(_finding_id(raw, where))
    if not isinstance(raw, Mapping):
        raise CriterionError(f"{where}: expected a finding id or a mapping, got {raw!r}")
    keys = set(raw)
    if keys == {"all"}:
        return All(_parse_list(raw["all"], f"{where}.all"))
    if keys == {"any"}:
        return Any_(_parse_list(raw["any"], f"{where}.any"))
    if keys == {"none"}:
        return NoneOf(_parse_list(raw["none"], f"{where}.none"))
    if keys == {"at_least", "of"}:
        count = raw["at_least"]
        parts = _parse_list(raw["of"], f"{where}.of")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= len(parts):
            raise CriterionError(f"{where}: at_least must be an integer from 1 to {len(parts)}")
        return AtLeast(count, parts)
    if keys == {"absent"}:
        return Absent(_finding_id(raw["absent"], f"{where}.absent"))
    if "age" in keys:
        _only(keys, {"age", "if_unknown"}, where)
        age = raw["age"]
        if not isinstance(age, Mapping) or not age or set(age) - {"min", "max"}:
            raise CriterionError(f"{where}: age takes a mapping with 'min' and/or 'max'")
        lo, hi = age.get("min"), age.get("max")
        for bound in (lo, hi):
            if bound is not None and (not isinstance(bound, int | float) or bound < 0):
                raise CriterionError(f"{where}: age bounds must be non-negative numbers")
        if lo is not None and hi is not None and lo >= hi:
            raise CriterionError(f"{where}: age min must be below max")
        return AgeRange(lo, hi, _flag(raw, where))
    if "sex" in keys:
        _only(keys, {"sex", "if_unknown"}, where)
        try:
            sex = Sex(raw["sex"])
        except ValueError as exc:
            raise CriterionError(f"{where}: sex must be 'female' or 'male'") from exc
        return SexIs(sex, _flag(raw, where))
    if "pregnant" in keys:
        _only(keys, {"pregnant", "if_unknown"}, where)
        if not isinstance(raw["pregnant"], bool):
            raise CriterionError(f"{where}: pregnant must be true or false")
        return PregnantIs(raw["pregnant"], _flag(raw, where))
    if "finding" in keys:
        _only(keys, {"finding", "min_hours", "max_hours", "min_severity", "onset"}, where)
        if len(keys) == 1:
            raise CriterionError(f"{where}: use the bare finding id when there is no attribute")
        onset = raw.get("onset")
        try:
            onset_value = Onset(onset) if onset is not None else None
        except ValueError as exc:
            raise CriterionError(f"{where}: onset must be 'sudden' or 'gradual'") from exc
        min_hours = _hours(raw.get("min_hours"), "min_hours", where)
        max_hours = _hours(raw.get("max_hours"), "max_hours", where)
        if min_hours is not None and max_hours is not None and min_hours > max_hours:
            raise CriterionError(f"{where}: min_hours must not exceed max_hours")
        min_severity = raw.get("min_severity")
        if min_severity is not None and (
            not isinstance(min_severity, int)
            or isinstance(min_severity, bool)
            or not 0 <= min_severity <= 10
        ):
            raise CriterionError(f"{where}: min_severity must be an integer from 0 to 10")
        return FindingWith(
            finding=_finding_id(raw["finding"], where),
            min_hours=min_hours,
            max_hours=max_hours,
            min_severity=min_severity,
            onset=onset_value,
        )
    raise CriterionError(f"{where}: unknown criterion keys {sorted(keys)}")


def to_data(criterion: Criterion) -> Any:
    """The YAML form of a criterion (inverse of :func:`parse`)."""
    match criterion:
        case Absent(finding):
            return {"absent": finding}
        case Present(finding):
            return finding
        case All(parts):
            return {"all": [to_data(p) for p in parts]}
        case Any_(parts):
            return {"any": [to_data(p) for p in parts]}
        case NoneOf(parts):
            return {"none": [to_data(p) for p in parts]}
        case AtLeast(count, parts):
            return {"at_least": count, "of": [to_data(p) for p in parts]}
        case AgeRange(lo, hi, if_unknown):
            age = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
            return _with_flag({"age": age}, if_unknown)
        case SexIs(sex, if_unknown):
            return _with_flag({"sex": sex.value}, if_unknown)
        case PregnantIs(pregnant, if_unknown):
            return _with_flag({"pregnant": pregnant}, if_unknown)
        case FindingWith(finding, min_hours, max_hours, min_severity, onset):
            out: dict[str, Any] = {"finding": finding}
            for key, value in (
                ("min_hours", min_hours),
                ("max_hours", max_hours),
                ("min_severity", min_severity),
                ("onset", onset.value if onset else None),
            ):
                if value is not None:
                    out[key] = value
            return out
    raise TypeError(f"not a criterion: {criterion!r}")


def holds(criterion: Criterion, facts: PatientFacts) -> bool:
    """Whether the criterion is satisfied by what the patient has reported."""
    match criterion:
        case Absent(finding):
            return facts.is_absent(finding)
        case Present(finding):
            return facts.is_present(finding)
        case All(parts):
            return all(holds(p, facts) for p in parts)
        case Any_(parts):
            return any(holds(p, facts) for p in parts)
        case NoneOf(parts):
            return not any(holds(p, facts) for p in parts)
        case AtLeast(count, parts):
            return sum(holds(p, facts) for p in parts) >= count
        case AgeRange(lo, hi, if_unknown):
            age = facts.age_years
            if age is None:
                return if_unknown
            return (lo is None or age >= lo) and (hi is None or age < hi)
        case SexIs(sex, if_unknown):
            return if_unknown if facts.sex is None else facts.sex == sex
        case PregnantIs(pregnant, if_unknown):
            return if_unknown if facts.pregnant is None else facts.pregnant == pregnant
        case FindingWith():
            return _has_attributes(facts.findings.get(criterion.finding), criterion)
    raise TypeError(f"not a criterion: {criterion!r}")


def _has_attributes(obs: Observation | None, criterion: FindingWith) -> bool:
    """Whether ``obs`` reports the finding present with the criterion's attributes."""
    if obs is None or obs.present is not True:
        return False
    hours = obs.duration_hours
    if criterion.min_hours is not None and (hours is None or hours < criterion.min_hours):
        return False
    if criterion.max_hours is not None and (hours is None or hours > criterion.max_hours):
        return False
    severity = obs.severity
    if criterion.min_severity is not None and (
        severity is None or severity < criterion.min_severity
    ):
        return False
    return criterion.onset is None or obs.onset == criterion.onset


#: A criterion compiled into a predicate on the patient's facts (see :func:`compiled`).
Check = Callable[[PatientFacts], bool]


def compiled(criterion: Criterion) -> Check:
    """The criterion as a function of the facts, equal to ``holds(criterion, facts)``.

    :func:`holds` is the definition and walks the criterion on every call; the question
    selector's look-ahead evaluates the rules and escalators thousands of times per step, so
    they keep a compiled form (closures, one per node, no dispatch on the node type). The
    findings an ``all`` or ``any`` names directly (present or absent) are looked up in its
    own loop, before its other parts, without a call each (the criteria have no side
    effects, so the order does not change the result).
    """
    match criterion:
        case Absent(finding):  # before Present, its base class
            return _reported(finding, False)
        case Present(finding):
            return _reported(finding, True)
        case All(parts):
            return _every(*_leaves(parts))
        case Any_(parts):
            return _some(*_leaves(parts))
        case NoneOf(parts):
            some = _some(*_leaves(parts))
            return lambda facts: not some(facts)
        case AtLeast(count, parts):
            checks = tuple(map(compiled, parts))
            return lambda facts: sum(check(facts) for check in checks) >= count
        case AgeRange(lo, hi, if_unknown):

            def age(facts: PatientFacts) -> bool:
                years = facts.age_years
                if years is None:
                    return if_unknown
                return (lo is None or years >= lo) and (hi is None or years < hi)

            return age
        case SexIs(sex, if_unknown):
            return lambda facts: if_unknown if facts.sex is None else facts.sex == sex
        case PregnantIs(pregnant, if_unknown):
            return lambda facts: (
                if_unknown if facts.pregnant is None else facts.pregnant == pregnant
            )
        case FindingWith(finding):
            return lambda facts: _has_attributes(facts.findings.get(finding), criterion)
    raise TypeError(f"not a criterion: {criterion!r}")


#: Findings named directly by a criterion: (finding id, reported present?) pairs.
_Leaves = tuple[tuple[str, bool], ...]


def _leaves(parts: Sequence[Criterion]) -> tuple[_Leaves, tuple[Check, ...]]:
    """``parts`` split into the findings they name directly (a ``Present`` or an ``Absent``)
    and the others, compiled."""
    leaves = tuple((p.finding, type(p) is Present) for p in parts if type(p) in (Present, Absent))
    rest = tuple(compiled(p) for p in parts if type(p) not in (Present, Absent))
    return leaves, rest


def _every(leaves: _Leaves, checks: tuple[Check, ...]) -> Check:
    def every(facts: PatientFacts) -> bool:
        get = facts.findings.get
        for finding, present in leaves:
            obs = get(finding)
            if obs is None or obs.present is not present:
                return False
        for check in checks:  # noqa: SIM110 (a loop: cheaper than a generator)
            if not check(facts):
                return False
        return True

    return every


def _reported(finding: str, present: bool) -> Check:
    def reported(facts: PatientFacts) -> bool:
        obs = facts.findings.get(finding)
        return obs is not None and obs.present is present

    return reported


def _some(leaves: _Leaves, checks: tuple[Check, ...]) -> Check:
    def some(facts: PatientFacts) -> bool:
        get = facts.findings.get
        for finding, present in leaves:
            obs = get(finding)
            if obs is not None and obs.present is present:
                return True
        for check in checks:  # noqa: SIM110 (a loop: cheaper than a generator)
            if check(facts):
                return True
        return False

    return some


def sufficient(criterion: Criterion) -> frozenset[str]:
    """The findings each of which, reported present, makes the criterion hold whatever else is
    known ("any of fever, rash": either; "chest pain and sweating": neither alone).

    Lets the question selector's look-ahead see that a yes fires a rule without evaluating it.
    """
    match criterion:
        case Absent():  # before Present, its base class
            return frozenset()
        case Present(finding):
            return frozenset((finding,))
        case Any_(parts):
            return frozenset().union(*map(sufficient, parts))
        case All(parts):
            found = [sufficient(p) for p in parts]
            return frozenset.intersection(*found) if found else frozenset()
        case AtLeast(count, parts):
            if count <= 0:
                return frozenset()
            counts: dict[str, int] = {}
            for part in parts:
                for finding in sufficient(part):
                    counts[finding] = counts.get(finding, 0) + 1
            return frozenset(f for f, n in counts.items() if n >= count)
        case NoneOf() | AgeRange() | SexIs() | PregnantIs() | FindingWith():
            return frozenset()
    raise TypeError(f"not a criterion: {criterion!r}")


#: What a criterion needs reported present to hold: one finding of each set (a conjunction
#: of disjunctions; empty: it can hold with nothing present). See :func:`triggers`.
Triggers = tuple[frozenset[str], ...]


def triggers(criterion: Criterion) -> Triggers:
    """A necessary condition on the present findings for the criterion to hold: for each set,
    one of its findings is reported present.

    For skipping criteria cheaply (:func:`could_hold`): most rules and escalators name the
    findings they need ("any of fever, rash"; "chest pain and sweating"), so most of them can
    be ruled out by a set intersection, without walking the criterion. Denials, demographics
    and ``none`` need nothing present.
    """
    match criterion:
        case Absent():  # before Present, its base class
            return ()
        case Present(finding) | FindingWith(finding=finding):
            return (frozenset((finding,)),)
        case All(parts):  # every part must hold
            return tuple(dict.fromkeys(t for part in parts for t in triggers(part)))
        case Any_(parts):
            return _one_of(parts)
        case AtLeast(count, parts):
            return _one_of(parts) if count > 0 else ()
        case NoneOf() | AgeRange() | SexIs() | PregnantIs():
            return ()
    raise TypeError(f"not a criterion: {criterion!r}")


def could_hold(needed: Triggers, present: AbstractSet[str]) -> bool:
    """False only when a criterion with these :func:`triggers` cannot hold, given the findings
    reported present."""
    for one_of in needed:  # noqa: SIM110 (a loop: cheaper than a generator, and this is hot)
        if one_of.isdisjoint(present):
            return False
    return True


def _one_of(parts: Sequence[Criterion]) -> Triggers:
    """Triggers when one of ``parts`` must hold: a finding that one of them needs (the
    smallest set of each), if each part needs some."""
    found = [triggers(p) for p in parts]
    if not all(found):
        return ()
    return (frozenset().union(*(min(t, key=len) for t in found)),)


def finding_ids(criterion: Criterion) -> Iterator[str]:
    """Every finding id the criterion mentions (for validation and question choice)."""
    match criterion:
        case Present(finding) | FindingWith(finding=finding):
            yield finding
        case All(parts) | Any_(parts) | NoneOf(parts) | AtLeast(parts=parts):
            for part in parts:
                yield from finding_ids(part)
        case _:
            return


_FINDING_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _finding_id(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise CriterionError(f"{where}: expected a finding id, got {raw!r}")
    value = raw.strip()
    if not _FINDING_ID.match(value):
        raise CriterionError(f"{where}: {value!r} is not a finding id (lowercase snake_case)")
    return value


def _hours(value: Any, key: str, where: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise CriterionError(f"{where}: {key} must be a non-negative number of hours")
    return float(value)


def _parse_list(raw: Any, where: str) -> tuple[Criterion, ...]:
    if not isinstance(raw, list) or not raw:
        raise CriterionError(f"{where}: expected a non-empty list")
    return tuple(parse(item, f"{where}[{i}]") for i, item in enumerate(raw))


def _only(keys: set[str], allowed: set[str], where: str) -> None:
    extra = keys - allowed
    if extra:
        raise CriterionError(f"{where}: unexpected keys {sorted(extra)}")


def _flag(raw: Mapping[str, Any], where: str) -> bool:
    value = raw.get("if_unknown", False)
    if not isinstance(value, bool):
        raise CriterionError(f"{where}: if_unknown must be true or false")
    return value


def _with_flag(data: dict[str, Any], if_unknown: bool) -> dict[str, Any]:
    if if_unknown:
        data["if_unknown"] = True
    return data
