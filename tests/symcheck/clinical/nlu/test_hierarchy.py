"""Implications through the finding hierarchy."""

from __future__ import annotations

from symcheck.clinical.knowledge import KnowledgeBase
from symcheck.clinical.nlu.hierarchy import with_implications
from symcheck.clinical.patient import Observation


def test_a_present_child_makes_its_parent_present(kb: KnowledgeBase) -> None:
    implied = with_implications(kb, {"chest_pain_crushing": Observation(True)})
    assert implied["chest_pain"].present is True


def test_an_absent_parent_makes_its_children_absent(kb: KnowledgeBase) -> None:
    implied = with_implications(kb, {"fever": Observation(False)})
    assert implied["high_fever"].present is False


def test_an_unknown_finding_is_kept_as_is(kb: KnowledgeBase) -> None:
    assert with_implications(kb, {"not_a_finding": Observation(True)}) == {
        "not_a_finding": Observation(True)
    }
