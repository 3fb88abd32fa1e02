"""The red-flag check run on every patient message before anything else.

Pure: given the facts known so far and the new text, it returns the facts with the message's
findings merged in and the rules that fire, marking which ones are new.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.nlu.extractor import Extraction, FindingExtractor
from symcheck.clinical.patient import PatientFacts
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.rules.ruleset import RuleSet, floor


@dataclass(frozen=True)
class SafetyCheck:
    facts: PatientFacts
    extraction: Extraction
    fired: tuple[RedFlagRule, ...] = ()
    new: tuple[RedFlagRule, ...] = field(default=())

    @property
    def floor(self) -> Disposition | None:
        return floor(self.fired)

    @property
    def new_emergencies(self) -> tuple[RedFlagRule, ...]:
        """Newly fired rules that demand emergency care: these interrupt the dialogue."""
        return tuple(rule for rule in self.new if rule.disposition.is_emergency)


def check_message(
    text: str,
    facts: PatientFacts,
    extractor: FindingExtractor,
    rules: RuleSet,
    already_fired: Collection[str] = (),
    today: date | None = None,
) -> SafetyCheck:
    """Merge what ``text`` says into ``facts`` and evaluate every red-flag rule.

    Demographics read from free text only fill what is not known yet ("my husband's face has
    dropped" must not overwrite an age or sex the patient already gave), except that a
    statement of pregnancy always counts: wrongly assuming pregnancy over-triages, missing it
    under-triages.
    """
    extraction = extractor.extract(text, today=today)
    demo = extraction.demographics
    updated = facts.with_observations(extraction.observations).with_demographics(
        age_years=demo.age_years if facts.age_years is None else None,
        sex=demo.sex if facts.sex is None else None,
        pregnant=demo.pregnant if facts.pregnant is None or demo.pregnant else None,
    )
    return check_facts(updated, rules, already_fired, extraction)


def check_facts(
    facts: PatientFacts,
    rules: RuleSet,
    already_fired: Collection[str] = (),
    extraction: Extraction | None = None,
) -> SafetyCheck:
    """Evaluate every red-flag rule on ``facts``."""
    fired = tuple(rules.evaluate(facts))
    seen = set(already_fired)
    return SafetyCheck(
        facts=facts,
        extraction=extraction or Extraction(),
        fired=fired,
        new=tuple(rule for rule in fired if rule.id not in seen),
    )


def emergency_message(rules: Collection[RedFlagRule], emergency_number: str) -> str:
    """The patient-facing advice for fired emergency rules, most urgent rule first.

    Names the action (call the emergency number / go to the emergency department) and what
    to do while waiting, de-duplicated across rules. The number to call is always there: when
    the rules only say "go to the emergency department", the patient is told to call it if
    they cannot get there safely.
    """
    ordered = sorted(rules, key=lambda r: (-r.disposition.urgency, r.id))
    if not ordered:
        raise ValueError("no rules to explain")
    lines = [ordered[0].render_advice(emergency_number)]
    for rule in ordered[1:]:
        advice = rule.render_advice(emergency_number)
        if advice not in lines:
            lines.append(advice)
    waiting: list[str] = []
    for rule in ordered:
        for step in rule.while_waiting:
            if step not in waiting:
                waiting.append(step)
    text = "\n".join(lines)
    if f"call {emergency_number}".lower() not in text.lower():
        text += f"\nIf you cannot get there safely, or you get worse, call {emergency_number} now."
    if waiting:
        text += "\nWhile you wait:\n" + "\n".join(f"- {step}" for step in waiting)
    return text
