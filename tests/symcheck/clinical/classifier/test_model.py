"""The model directory: loading, compatibility with the knowledge base, refusal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from symcheck.clinical.classifier.model import (
    CARD_FILE,
    FINGERPRINT_FILE,
    META_FILE,
    METRICS_FILE,
    ModelUnavailable,
    load_model,
    read_meta,
)
from symcheck.clinical.knowledge import load_knowledge_base
from symcheck.clinical.patient import Observation, PatientFacts
from symcheck.clinical.scoring import Evidence
from tests.fixtures.kb_small import small_kb


def test_a_missing_directory_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="no trained model"):
        load_model(tmp_path / "nothing", small_kb())


def test_a_model_for_another_knowledge_base_is_refused(tiny_model_dir: Path) -> None:
    with pytest.raises(ModelUnavailable, match="knowledge base"):
        load_model(tiny_model_dir, load_knowledge_base())


def test_unreadable_metadata_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, broken)
    (broken / META_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="unreadable"):
        load_model(broken, small_kb())


def test_the_trained_directory_has_everything(tiny_model_dir: Path) -> None:
    for name in (CARD_FILE, METRICS_FILE, FINGERPRINT_FILE, "reliability.png"):
        assert (tiny_model_dir / name).is_file()
    meta = read_meta(tiny_model_dir)
    assert meta.kb_version == small_kb().version
    assert meta.labels[-1] is None
    assert sorted(meta.condition_ids) == sorted(small_kb().conditions)
    metrics = json.loads((tiny_model_dir / METRICS_FILE).read_text())
    assert {"ece", "test", "training_seconds", "size_on_disk_mb", "pool"} <= set(metrics)
    card = (tiny_model_dir / CARD_FILE).read_text()
    assert small_kb().version in card
    assert "Expected calibration error" in card


def test_log_probs_are_a_distribution_over_the_labels(tiny_model_dir: Path) -> None:
    model = load_model(tiny_model_dir, small_kb())
    facts = PatientFacts(age_years=30).with_observations({"headache": Observation(True)})
    log_probs = model.log_probs(Evidence(facts, ("my head is pounding",)))
    assert log_probs.shape == (len(model.meta.labels),)
    assert np.exp(log_probs).sum() == pytest.approx(1.0)


def test_the_encoder_tokenises_first_and_runs_the_model_when_asked(
    tiny_model_dir: Path,
) -> None:
    model = load_model(tiny_model_dir, small_kb())
    encoder = model.encoder
    encoder.clear_cache()
    text = "my head is pounding"
    run = encoder.encoding(text)  # tokenised; the model has not run
    first = run()
    assert first.shape == (384,)
    assert np.array_equal(encoder.encoding(text)(), first)  # remembered
    assert np.array_equal(encoder.encode(text), first)
    # One text on its own (tokenized alone) embeds as in a batch of texts of its length.
    batch = encoder.encode_batch([text, text])
    assert np.allclose(batch, first[None, :], atol=1e-6)
