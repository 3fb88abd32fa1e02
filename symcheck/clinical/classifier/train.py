"""Training the condition classifier end to end (``make train``, ``symcheck classifier train``).

1. sample synthetic patients from the knowledge base (:mod:`.synthetic`) and render what they
   would type (:mod:`.narratives`); turn them into the evidence the interview would hold
   (:mod:`.dataset`). The training split is class-balanced; the held-out splits are drawn
   from the knowledge base's prior, as patients arrive;
2. export the packaged encoder to int8 ONNX (:mod:`.encoder`) and embed every text with it
   (the same model inference uses);
3. train the head (:mod:`.head`), shift its logits from the balanced training prior to the
   knowledge base's prior, fit the temperature on held-out split A (:mod:`.calibration`),
   fit the pooling weights with the knowledge-base scorer on split B (:mod:`.pooling`), and
   report metrics on split C;
4. write the model directory (:mod:`.model`) atomically, with ``metrics.json``, the model
   card and a reliability diagram.

Deterministic given the seed (numpy and PyTorch generators, single-order loops).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from symcheck.clinical.classifier import calibration, pooling
from symcheck.clinical.classifier.card import render_card
from symcheck.clinical.classifier.dataset import Example, build_examples
from symcheck.clinical.classifier.encoder import (
    ENCODER_PACKAGE,
    TextEncoder,
    encoder_version,
    export_encoder,
)
from symcheck.clinical.classifier.features import FeatureSpace, text_of
from symcheck.clinical.classifier.fingerprint import fingerprint, package_versions
from symcheck.clinical.classifier.head import HeadConfig, train_head
from symcheck.clinical.classifier.model import (
    CARD_FILE,
    FINGERPRINT_FILE,
    HEAD_FILE,
    META_FILE,
    METRICS_FILE,
    RELIABILITY_PNG,
    ModelMeta,
    save_head,
)
from symcheck.clinical.classifier.narratives import render
from symcheck.clinical.classifier.synthetic import (
    PatientSampler,
    condition_schedule,
    label_index,
    prior_schedule,
)
from symcheck.clinical.knowledge.loader import load_knowledge_base
from symcheck.clinical.nlu.extractor import FindingExtractor
from symcheck.clinical.scoring.naive_bayes import NaiveBayesModel

logger = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
DEFAULT_SEED = 20240604


@dataclass(frozen=True)
class TrainConfig:
    """What a training run does (all of it goes into the inputs fingerprint)."""

    seed: int = DEFAULT_SEED
    per_condition: int = 100
    unexplained: int = 1000
    held_out: int = 9000
    threads: int = 2
    head: HeadConfig = field(default_factory=HeadConfig)

    def fingerprint_settings(self) -> dict[str, object]:
        return {k: str(v) for k, v in asdict(self).items() if k != "threads"}


@dataclass(frozen=True)
class Split:
    """Examples with their features and labels."""

    examples: list[Example]
    embeddings: npt.NDArray[np.float32]
    structured: npt.NDArray[np.float32]
    labels: IntArray

    def take(self, rows: npt.NDArray[np.intp]) -> Split:
        return Split(
            [self.examples[i] for i in rows],
            self.embeddings[rows],
            self.structured[rows],
            self.labels[rows],
        )


Progress = Callable[[str, int], Any]


def is_up_to_date(model_dir: Path, kb_dir: Path, config: TrainConfig) -> bool:
    """Whether ``model_dir`` holds a model trained from exactly these inputs."""
    stamp = model_dir / FINGERPRINT_FILE
    try:
        saved = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    required = (HEAD_FILE, META_FILE)
    if not all((model_dir / name).is_file() for name in required):
        return False
    return saved == fingerprint(kb_dir, config.fingerprint_settings())


def train(
    kb_dir: Path,
    model_dir: Path,
    config: TrainConfig | None = None,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Train and write the model directory; returns the metrics (also in ``metrics.json``)."""
    config = config or TrainConfig()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from tqdm import tqdm

    # The head is small: one PyTorch thread trains it in seconds, and more threads stall
    # badly when the 2-core machine is busy with anything else (encoding uses ``threads``).
    torch.set_num_threads(1)
    started = time.perf_counter()
    stamp = fingerprint(kb_dir, config.fingerprint_settings())
    kb = load_knowledge_base(kb_dir)
    nb = NaiveBayesModel.from_kb(kb)
    sampler = PatientSampler(kb, nb)
    extractor = FindingExtractor(kb)
    rng = np.random.default_rng(config.seed)
    labels_of = label_index(nb.condition_ids)
    prior = sampler.prior()

    train_labels = condition_schedule(nb.condition_ids, config.per_condition, config.unexplained)
    held_labels = prior_schedule(nb.condition_ids, prior, config.held_out, rng)
    everything = [*train_labels, *held_labels]
    patients, narratives = [], []
    for label in tqdm(
        everything, desc="synthetic patients", disable=not show_progress, mininterval=2.0
    ):
        patient = sampler.sample(label, rng)
        patients.append(patient)
        narratives.append(render(patient, kb, rng))
    examples = build_examples(patients, narratives, extractor)

    staging = Path(tempfile.mkdtemp(prefix=".classifier-", dir=model_dir.parent))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            export_encoder(staging, Path(scratch))
        encoder = TextEncoder(staging, threads=config.threads)
        texts = [text_of(e.evidence.texts) for e in examples]
        with tqdm(
            total=len(texts), desc="encoding texts", disable=not show_progress, mininterval=2.0
        ) as bar:
            embeddings = encoder.encode_many(texts, progress=bar.update)
        space = FeatureSpace(nb.finding_ids)
        structured = space.structured_many([e.evidence.facts for e in examples])
        labels = np.array([labels_of[e.condition_id] for e in examples], dtype=np.int64)
        data = Split(examples, embeddings, structured, labels)
        n_train = len(train_labels)
        train_split = data.take(np.arange(n_train))
        held = data.take(np.arange(n_train, len(examples)))
        thirds = np.array_split(np.arange(len(held.labels)), 3)
        calib, pool, test = (held.take(rows) for rows in thirds)

        n_classes = len(labels_of)
        with tqdm(
            total=config.head.epochs,
            desc="training head",
            disable=not show_progress,
            mininterval=2.0,
        ) as bar:

            def epoch_done(epoch: int, loss: float) -> None:
                bar.set_postfix(loss=f"{loss:.3f}")
                bar.update(1)

            head = train_head(
                train_split.embeddings,
                train_split.structured,
                train_split.labels,
                n_classes,
                config.head,
                config.seed,
                epoch_done,
            )
        # Balanced training -> the knowledge base's prior (Saerens et al. 2002).
        train_share = np.bincount(train_split.labels, minlength=n_classes) / n_train
        shift = np.log(prior) - np.log(train_share)

        def logits(split: Split, with_prior: bool = True) -> FloatArray:
            out: FloatArray = head.logits(split.embeddings, split.structured)
            return out + shift if with_prior else out

        temperature = calibration.fit_temperature(logits(calib), calib.labels)
        log_kb_pool, log_kb_test = (_kb_log_posteriors(nb, s.examples) for s in (pool, test))
        # In the pool the classifier brings its evidence without the prior (see pooling).
        log_clf_pool = calibration.log_softmax(logits(pool, with_prior=False), temperature)
        free = pooling.fit_pool_weights(log_kb_pool, log_clf_pool, pool.labels)
        anchored = pooling.fit_pool_weights(
            log_kb_pool, log_clf_pool, pool.labels, kb_grid=(pooling.KB_WEIGHT,)
        )
        w_kb, w_clf = anchored.kb, anchored.classifier
        test_raw = calibration.log_softmax(logits(test), 1.0)
        test_cal = calibration.log_softmax(logits(test), temperature)
        test_evidence = calibration.log_softmax(logits(test, with_prior=False), temperature)
        test_pooled = pooling.pooled_log_probs(log_kb_test, test_evidence, w_kb, w_clf)
        reliability = {
            "classifier, before calibration": calibration.top1_reliability(test_raw, test.labels),
            "classifier, calibrated": calibration.top1_reliability(test_cal, test.labels),
            "knowledge-base scorer": calibration.top1_reliability(log_kb_test, test.labels),
            "combination": calibration.top1_reliability(test_pooled, test.labels),
        }
        elapsed = time.perf_counter() - started
        metrics = {
            "kb_version": kb.version,
            "conditions": len(nb.condition_ids),
            "findings": len(nb.finding_ids),
            "seed": config.seed,
            "examples": {
                "train": n_train,
                "calibration": len(calib.labels),
                "pooling": len(pool.labels),
                "test": len(test.labels),
            },
            "temperature": round(temperature, 4),
            "pool": {
                "kb": w_kb,
                "classifier": w_clf,
                "fitted_free": {
                    "kb": free.kb,
                    "classifier": free.classifier,
                    "held_out_nll": round(free.nll, 4),
                },
                "held_out_nll": round(anchored.nll, 4),
            },
            "ece": {
                "before_calibration": round(reliability["classifier, before calibration"].ece, 4),
                "after_calibration": round(reliability["classifier, calibrated"].ece, 4),
                "knowledge_base": round(reliability["knowledge-base scorer"].ece, 4),
                "combination": round(reliability["combination"].ece, 4),
            },
            "test": {
                "knowledge_base": _accuracy(log_kb_test, test.labels),
                "classifier": _accuracy(test_cal, test.labels),
                "combination": _accuracy(test_pooled, test.labels),
            },
            "training_seconds": round(elapsed, 1),
            "packages": package_versions(),
            "head": asdict(config.head),
        }
        meta = ModelMeta(
            kb_version=kb.version,
            labels=(*nb.condition_ids, None),
            finding_ids=nb.finding_ids,
            temperature=temperature,
            pool_kb=w_kb,
            pool_classifier=w_clf,
            extra={
                "encoder_package": f"{ENCODER_PACKAGE}=={encoder_version()}",
                "seed": config.seed,
                "trained_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            },
        )
        save_head(staging / HEAD_FILE, head, shift)
        (staging / META_FILE).write_text(json.dumps(meta.to_dict(), indent=1) + "\n", "utf-8")
        _write_reliability(staging / RELIABILITY_PNG, reliability)
        metrics["size_on_disk_mb"] = round(_size_mb(staging), 1)
        (staging / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n", "utf-8")
        (staging / CARD_FILE).write_text(render_card(metrics, meta), "utf-8")
        (staging / FINGERPRINT_FILE).write_text(stamp + "\n", "utf-8")
        _replace_dir(staging, model_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return metrics


def _kb_log_posteriors(nb: NaiveBayesModel, examples: Sequence[Example]) -> FloatArray:
    return np.stack([nb.log_posterior(e.evidence.facts) for e in examples])


def _accuracy(log_probs: FloatArray, labels: IntArray) -> dict[str, float]:
    order = np.argsort(-log_probs, axis=1, kind="stable")
    hit = order == labels[:, None]
    rows = np.arange(len(labels))
    nll = float(-np.maximum(log_probs[rows, labels], math.log(pooling.FLOOR)).mean())
    return {
        "top1": round(float(hit[:, :1].any(axis=1).mean()), 4),
        "top3": round(float(hit[:, :3].any(axis=1).mean()), 4),
        "top5": round(float(hit[:, :5].any(axis=1).mean()), 4),
        "nll": round(nll, 4),
    }


def _write_reliability(path: Path, series: dict[str, calibration.Reliability]) -> None:
    from symcheck.evaluation.charts import reliability_figure

    reliability_figure(series, "Reliability on held-out synthetic patients").savefig(
        path, format="png"
    )


def _size_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6


def _replace_dir(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target`` (the old model is removed only afterwards)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
