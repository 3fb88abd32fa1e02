"""The trained classifier on disk and in memory: files, metadata, loading, scoring.

A model directory (``models/classifier/`` by default) holds:

- ``encoder.int8.onnx`` and ``tokenizer.json``: the sentence encoder (:mod:`.encoder`);
- ``head.npz``: the head's weights (:mod:`.head`) and the per-class log prior shift;
- ``meta.json``: knowledge-base version, class labels, finding ids (the feature layout),
  temperature, pooling weights, and what it was trained from;
- ``metrics.json``, ``model_card.md``, ``reliability.png`` and ``inputs.sha256`` (the
  fingerprint of the training inputs, see :mod:`.fingerprint`).

:func:`load_model` refuses (:class:`ModelUnavailable`) a directory that is missing or
incomplete, or that was trained on another knowledge base (other version, conditions or
findings), so the engine can fall back to the knowledge-base scorer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from symcheck.clinical.classifier.calibration import log_softmax
from symcheck.clinical.classifier.encoder import ONNX_FILE, TOKENIZER_FILE, TextEncoder
from symcheck.clinical.classifier.features import FeatureSpace, text_of
from symcheck.clinical.classifier.head import HeadWeights
from symcheck.clinical.knowledge.base import KnowledgeBase
from symcheck.clinical.scoring.base import Evidence

HEAD_FILE = "head.npz"
META_FILE = "meta.json"
METRICS_FILE = "metrics.json"
CARD_FILE = "model_card.md"
RELIABILITY_PNG = "reliability.png"
FINGERPRINT_FILE = "inputs.sha256"
FORMAT = 1
REQUIRED_FILES = (ONNX_FILE, TOKENIZER_FILE, HEAD_FILE, META_FILE)
FloatArray = npt.NDArray[np.float64]


class ModelUnavailable(RuntimeError):
    """The classifier cannot be used; the message says why (no text, no paths of patients)."""


@dataclass(frozen=True)
class ModelMeta:
    """What ``meta.json`` records about a trained model.

    Attributes:
        labels: class labels in logit order: condition ids, then ``None`` (unexplained).
        pool_kb / pool_classifier: the fitted log-linear pooling weights.
    """

    kb_version: str
    labels: tuple[str | None, ...]
    finding_ids: tuple[str, ...]
    temperature: float
    pool_kb: float
    pool_classifier: float
    extra: Mapping[str, Any]

    @property
    def condition_ids(self) -> tuple[str, ...]:
        return tuple(label for label in self.labels if label is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kb_version": self.kb_version,
            "labels": list(self.labels),
            "finding_ids": list(self.finding_ids),
            "temperature": self.temperature,
            "pool": {"kb": self.pool_kb, "classifier": self.pool_classifier},
            **dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelMeta:
        known = {"format", "kb_version", "labels", "finding_ids", "temperature", "pool"}
        return cls(
            kb_version=str(data["kb_version"]),
            labels=tuple(data["labels"]),
            finding_ids=tuple(data["finding_ids"]),
            temperature=float(data["temperature"]),
            pool_kb=float(data["pool"]["kb"]),
            pool_classifier=float(data["pool"]["classifier"]),
            extra={k: v for k, v in data.items() if k not in known},
        )


class ClassifierModel:
    """The loaded model: evidence in, calibrated log probabilities over the labels out.

    Build once per process with :func:`load_model`; :meth:`log_probs` is thread-safe.
    """

    def __init__(
        self,
        meta: ModelMeta,
        head: HeadWeights,
        log_prior_shift: FloatArray,
        encoder: TextEncoder,
    ) -> None:
        self.meta = meta
        self.head = head
        self.log_prior_shift = log_prior_shift
        self.encoder = encoder
        self.features = FeatureSpace(meta.finding_ids)

    def logits(
        self,
        embeddings: npt.NDArray[np.float32],
        structured: npt.NDArray[np.float32],
        with_prior: bool = True,
    ) -> FloatArray:
        """Logits (before the temperature) for a batch: shifted to the knowledge base's prior,
        or without it (the balanced training prior: the evidence alone, up to a constant)."""
        out: FloatArray = self.head.logits(embeddings, structured).astype(np.float64)
        return out + self.log_prior_shift if with_prior else out

    def embed(self, evidence: Evidence) -> npt.NDArray[np.float32]:
        """The embedding of the patient's words."""
        return self.embedding(evidence)()

    def embedding(self, evidence: Evidence) -> Callable[[], npt.NDArray[np.float32]]:
        """:meth:`embed` in two parts (see :meth:`TextEncoder.encoding`): the call returned
        runs the encoder."""
        return self.encoder.encoding(text_of(evidence.texts))

    def log_probs(
        self,
        evidence: Evidence,
        with_prior: bool = True,
        embedding: npt.NDArray[np.float32] | None = None,
    ) -> FloatArray:
        """Calibrated log probabilities over :attr:`ModelMeta.labels` for one patient
        (``with_prior=False``: under a uniform prior, see :meth:`logits`; ``embedding``:
        :meth:`embed` of the evidence, made here when not given)."""
        if embedding is None:
            embedding = self.embed(evidence)
        embedding = embedding[None, :]
        structured = self.features.structured(evidence.facts)[None, :]
        logits = self.logits(embedding, structured, with_prior)
        return log_softmax(logits, self.meta.temperature)[0]


def read_meta(model_dir: Path) -> ModelMeta:
    """``meta.json`` of a model directory (raises ``OSError``, ``ValueError``, ``KeyError``)."""
    data = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown model format {data.get('format')!r}")
    return ModelMeta.from_dict(data)


def check_compatible(meta: ModelMeta, kb: KnowledgeBase) -> None:
    """Raise :class:`ModelUnavailable` unless ``meta`` was trained on this knowledge base."""
    if meta.kb_version != kb.version:
        raise ModelUnavailable(
            f"trained on knowledge base {meta.kb_version}, loaded {kb.version} (run make train)"
        )
    if sorted(meta.condition_ids) != sorted(kb.conditions) or sorted(meta.finding_ids) != sorted(
        kb.findings
    ):
        raise ModelUnavailable("trained on other conditions or findings (run make train)")


def load_model(model_dir: Path, kb: KnowledgeBase, threads: int = 1) -> ClassifierModel:
    """Load the model for ``kb`` (see the module docstring).

    Raises:
        ModelUnavailable: missing, incomplete, unreadable, or for another knowledge base.
    """
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise ModelUnavailable(f"no trained model in {model_dir} (missing {', '.join(missing)})")
    try:
        meta = read_meta(model_dir)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelUnavailable(f"unreadable {META_FILE}: {type(exc).__name__}") from exc
    check_compatible(meta, kb)
    try:
        head = HeadWeights.load(model_dir / HEAD_FILE)
        with np.load(model_dir / HEAD_FILE) as data:
            shift = data["log_prior_shift"].astype(np.float64)
        encoder = TextEncoder(model_dir, threads=threads)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailable(f"cannot load the model files: {type(exc).__name__}") from exc
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelUnavailable(f"cannot load the encoder: {type(exc).__name__}") from exc
    if shift.shape != (len(meta.labels),):
        raise ModelUnavailable("head does not match the labels")
    return ClassifierModel(meta, head, shift, encoder)


def save_head(path: Path, head: HeadWeights, log_prior_shift: Sequence[float]) -> None:
    """Write the head's weights and the log prior shift into one ``.npz``."""
    head.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    np.savez(path, **arrays, log_prior_shift=np.asarray(log_prior_shift, dtype=np.float64))
