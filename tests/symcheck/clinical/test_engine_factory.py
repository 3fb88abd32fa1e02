"""Which condition scorer the engine factory builds, and the fallback without a model."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from symcheck.clinical.classifier.scorer import ClassifierScorer
from symcheck.clinical.engine_factory import ScorerChoice, ScorerUnavailable, load_interview_engine
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.clinical.scoring.naive_bayes import NaiveBayesScorer
from symcheck.settings import Settings
from tests.fixtures.kb_small import KB_DIR, RULES_DIR


def _settings(model_dir: Path, **changes: object) -> Settings:
    return Settings(kb_dir=KB_DIR, rules_dir=RULES_DIR, classifier_dir=model_dir, **changes)


def test_without_a_model_the_engine_falls_back_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="symcheck.clinical.engine_factory"):
        engine = load_interview_engine(_settings(tmp_path / "missing"))
    assert isinstance(engine.scorer, NaiveBayesScorer)
    assert "using the knowledge-base scorer alone" in caplog.text
    assert "no trained model" in caplog.text


def test_with_a_model_the_engine_pools_both_scorers(tiny_model_dir: Path) -> None:
    engine = load_interview_engine(_settings(tiny_model_dir))
    assert isinstance(engine.scorer, CombinedScorer)
    (kb, w_kb), (classifier, w_clf) = engine.scorer.scorers
    assert isinstance(kb, NaiveBayesScorer)
    assert isinstance(classifier, ClassifierScorer)
    assert classifier.with_prior is False  # the prior is counted once, by the kb scorer
    assert (w_kb, w_clf) == (1.0, classifier.model.meta.pool_classifier)


def test_the_operator_can_turn_the_classifier_off(
    tiny_model_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="symcheck.clinical.engine_factory"):
        engine = load_interview_engine(_settings(tiny_model_dir, classifier_enabled=False))
    assert isinstance(engine.scorer, NaiveBayesScorer)
    assert "SYMCHECK_CLASSIFIER_ENABLED=false" in caplog.text


def test_the_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_CLASSIFIER_ENABLED", "false")
    assert Settings().classifier_enabled is False


def test_explicit_choices(tiny_model_dir: Path) -> None:
    settings = _settings(tiny_model_dir)
    kb_only = load_interview_engine(settings, ScorerChoice.KB)
    alone = load_interview_engine(settings, ScorerChoice.CLASSIFIER)
    assert isinstance(kb_only.scorer, NaiveBayesScorer)
    assert isinstance(alone.scorer, ClassifierScorer)
    assert alone.config.kb_triage_floor is False


def test_an_explicit_classifier_without_a_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScorerUnavailable):
        load_interview_engine(_settings(tmp_path / "missing"), ScorerChoice.COMBINED)


def test_a_broken_model_falls_back(tiny_model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, broken)
    (broken / "encoder.int8.onnx").write_bytes(b"not a model")
    engine = load_interview_engine(_settings(broken))
    assert isinstance(engine.scorer, NaiveBayesScorer)
