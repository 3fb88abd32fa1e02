"""The transformer classifier as a :class:`~symcheck.clinical.scoring.base.ConditionScorer`.

It ranks every condition of the knowledge base (and the unexplained hypothesis) from the
patient's words and the structured answers. Conditions whose hard ``requires`` constraints
fail for the patient (sex, age, pregnancy) are excluded exactly as the knowledge-base scorer
excludes them; supporting findings are the reported findings the condition explains
(likelihood ratio above 1), as the knowledge-base scorer gives them (skipped in a pool, which
takes them from the knowledge-base scorer).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from symcheck.clinical.classifier.model import ClassifierModel
from symcheck.clinical.scoring.base import (
    Evidence,
    Posterior,
    Ranking,
    condition_scores,
)
from symcheck.clinical.scoring.naive_bayes import NaiveBayesModel


class ClassifierScorer:
    """Scores conditions with the trained classifier; implements ``ConditionScorer``.

    Build once per process (the model is loaded by the engine factory); :meth:`rank` is pure
    given the model and thread-safe.
    """

    def __init__(
        self,
        model: ClassifierModel,
        kb_model: NaiveBayesModel,
        *,
        with_prior: bool = True,
        with_supporting: bool = True,
    ) -> None:
        labels = model.meta.labels
        if labels[-1] is not None or set(labels[:-1]) != set(kb_model.condition_ids):
            raise ValueError("the classifier's labels do not match the knowledge base")
        self.model = model
        self.with_prior = with_prior
        self.with_supporting = with_supporting  # off in a pool that takes them elsewhere
        self._kb_model = kb_model
        # Classifier label order -> knowledge-base row, for exclusions and supporting findings.
        rows = {cid: i for i, cid in enumerate(kb_model.condition_ids)}
        self._rows = np.array([rows[label] for label in labels[:-1]], dtype=np.intp)

    def rank(self, evidence: Evidence) -> Ranking:
        """Posterior over the conditions (excluded ones omitted), best first, ties by id."""
        return self.rank_encoded(evidence, self.encode(evidence))

    def encode(self, evidence: Evidence) -> npt.NDArray[np.float32]:
        """The encoder's part of :meth:`rank`: the embedding of the patient's words."""
        return self.encoding(evidence)()

    def encoding(self, evidence: Evidence) -> Callable[[], npt.NDArray[np.float32]]:
        """:meth:`encode`, prepared: the call returned runs the encoder, which lets go of the
        GIL (see :class:`~symcheck.clinical.scoring.base.EncodingScorer`)."""
        return self.model.embedding(evidence)

    def rank_encoded(self, evidence: Evidence, encoded: npt.NDArray[np.float32]) -> Ranking:
        """:meth:`rank` given :meth:`encode` of the evidence."""
        facts = evidence.facts
        posterior = self.posterior_encoded(evidence, encoded)
        probs = posterior.probabilities
        index = self._kb_model.finding_index
        present = [index[f] for f in facts.present_ids if f in index]
        # Best first, ties by condition id (the knowledge-base rows are in id order).
        kept = np.flatnonzero(probs[:-1] > 0)
        order = kept[np.argsort(-probs[kept], kind="stable")]
        if self.with_supporting:
            supporting = self._kb_model.supporting_all(present, order)
        else:
            supporting = [()] * len(order)
        ids = posterior.ids
        scores = condition_scores(
            map(ids.__getitem__, order.tolist()), probs[order].tolist(), supporting
        )
        return Ranking(scores=scores, unexplained=float(probs[-1]), posterior=posterior)

    def posterior_encoded(self, evidence: Evidence, encoded: npt.NDArray[np.float32]) -> Posterior:
        """The probabilities of :meth:`rank_encoded` as a vector over the knowledge base's
        conditions (its row order; excluded ones 0), then the unexplained hypothesis."""
        log_probs = self.model.log_probs(evidence, self.with_prior, encoded)
        excluded = self._kb_model.excluded(evidence.facts)[self._rows]
        log_probs = np.where(np.append(excluded, False), -np.inf, log_probs)
        probs = np.exp(log_probs - np.max(log_probs))
        probs /= probs.sum()
        out = np.zeros(len(self._kb_model.condition_ids) + 1)
        out[self._rows] = probs[:-1]
        out[-1] = probs[-1]
        out.flags.writeable = False
        return Posterior(self._kb_model.condition_ids, out)
