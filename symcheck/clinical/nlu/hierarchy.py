"""What reported findings imply through the knowledge base's finding hierarchy."""

from __future__ import annotations

from collections.abc import Mapping

from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.patient import Observation


def with_implications(
    kb: KnowledgeBase, observations: Mapping[str, Observation]
) -> dict[str, Observation]:
    """Add what the reported findings imply through the finding hierarchy.

    A present child makes its ancestors present, with its duration, severity and onset
    ("crushing chest pain for 20 minutes" is chest pain for 20 minutes); an absent parent
    makes its descendants absent. Explicit reports are never overwritten.
    """
    out = dict(observations)
    for fid, obs in observations.items():
        if fid not in kb.findings:
            continue
        if obs.present is True:
            for ancestor in kb.ancestors_of(fid):
                out.setdefault(ancestor, obs)
        elif obs.present is False:
            for descendant in kb.descendants_of(fid):
                out.setdefault(descendant, Observation(present=False))
    return out
