"""The transformer classifier as a :class:`~symcheck.clinical.scoring.base.ConditionScorer`.

It ranks every condition of the knowledge base (and the unexplained hypothesis) from the
patient's words and the structured answers. Conditions whose hard ``requires`` constraints
fail for the patient (sex, age, pregnancy) are excluded exactly as the knowledge-base scorer
excludes them; supporting findings are the reported findings the condition explains
(likelihood ratio above 1), as the knowledge-base scorer gives them (skipped in a pool, which
takes them from the knowledge-base scorer).
"""

from __future__ import annotations

import numpy as np

from symcheck.clinical.classifier.model import ClassifierModel
from symcheck.clinical.scoring.base import ConditionScore, Evidence, Ranking
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
        facts = evidence.facts
        log_probs = self.model.log_probs(evidence, self.with_prior)
        excluded = self._kb_model.excluded(facts)[self._rows]
        log_probs = np.where(np.append(excluded, False), -np.inf, log_probs)
        probs = np.exp(log_probs - np.max(log_probs))
        probs /= probs.sum()
        labels = self.model.meta.labels
        index = self._kb_model.finding_index
        present = [index[f] for f in facts.present_ids if f in index]
        # Best first, ties by condition id (the knowledge-base rows are in id order).
        kept = np.flatnonzero(probs[:-1] > 0)
        order = kept[np.lexsort((self._rows[kept], -probs[kept]))].tolist()
        rows = self._rows[np.array(order, dtype=np.intp)]
        if self.with_supporting:
            supporting = self._kb_model.supporting_all(present, rows)
        else:
            supporting = [()] * len(order)
        scores = tuple(
            ConditionScore(
                condition_id=str(labels[i]),
                probability=float(probs[i]),
                supporting=support,
            )
            for i, support in zip(order, supporting, strict=True)
        )
        return Ranking(scores=scores, unexplained=float(probs[-1]))
