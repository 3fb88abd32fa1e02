"""The classifier's view of the evidence: the patient's words and a structured vector.

- **text**: the patient's messages as the interview keeps them (the opening message and the
  latest replies, see :func:`symcheck.clinical.interview.state.kept_texts`) joined into one
  string for the encoder;
- **structured**: per knowledge-base finding a *present* and an *absent* indicator (unsure
  and unknown findings are both zeros), then one-hot age band (or unknown), sex (or unknown)
  and pregnancy (yes / no / unknown).

The layout is fixed by the finding ids saved with the model (:class:`FeatureSpace`), so a
model is only used with the knowledge base it was trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from symcheck.clinical.knowledge.models import AgeBand
from symcheck.clinical.patient import PatientFacts, Sex

FloatArray = npt.NDArray[np.float32]
_BANDS = tuple(AgeBand)
_SEXES = (Sex.FEMALE, Sex.MALE)
#: Separator between messages in the encoder's input.
MESSAGE_SEPARATOR = " | "


@dataclass(frozen=True)
class FeatureSpace:
    """Maps facts to the structured vector for a fixed list of finding ids."""

    finding_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {fid: i for i, fid in enumerate(self.finding_ids)})

    @property
    def size(self) -> int:
        """Length of the structured vector."""
        return 2 * len(self.finding_ids) + len(_BANDS) + 1 + len(_SEXES) + 1 + 3

    def structured(self, facts: PatientFacts) -> FloatArray:
        """The structured vector of ``facts`` (see the module docstring)."""
        n = len(self.finding_ids)
        out = np.zeros(self.size, dtype=np.float32)
        index: dict[str, int] = self._index  # type: ignore[attr-defined]
        for fid, obs in facts.findings.items():
            col = index.get(fid)
            if col is None or obs.present is None:
                continue
            out[col if obs.present else n + col] = 1.0
        at = 2 * n
        band = len(_BANDS) if facts.age_years is None else _BANDS.index(AgeBand.of(facts.age_years))
        out[at + band] = 1.0
        at += len(_BANDS) + 1
        out[at + (len(_SEXES) if facts.sex is None else _SEXES.index(facts.sex))] = 1.0
        at += len(_SEXES) + 1
        pregnant = {True: 0, False: 1, None: 2}[facts.pregnant]
        out[at + pregnant] = 1.0
        return out

    def structured_many(self, facts: Sequence[PatientFacts]) -> FloatArray:
        """:meth:`structured` of each, stacked (rows in order)."""
        if not facts:
            return np.zeros((0, self.size), dtype=np.float32)
        return np.stack([self.structured(f) for f in facts])


def text_of(texts: Sequence[str]) -> str:
    """The encoder's input: the messages, trimmed and joined (empty ones dropped)."""
    return MESSAGE_SEPARATOR.join(t.strip() for t in texts if t.strip())
