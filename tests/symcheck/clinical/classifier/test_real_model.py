"""The real model trained by ``make train`` on the shipped knowledge base (``make test``
trains before testing, so it is there)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from symcheck.clinical.classifier.encoder import ONNX_FILE, pretrained_dir
from symcheck.clinical.classifier.model import load_model
from symcheck.clinical.classifier.scorer import ClassifierScorer
from symcheck.clinical.engine_factory import ScorerChoice, load_interview_engine
from symcheck.clinical.knowledge import KnowledgeBase, load_knowledge_base
from symcheck.clinical.patient import Observation, PatientFacts, Sex
from symcheck.clinical.scoring import Evidence
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.clinical.scoring.naive_bayes import NaiveBayesModel
from symcheck.settings import Settings


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def scorer(kb: KnowledgeBase) -> ClassifierScorer:
    model = load_model(Settings().classifier_dir, kb)
    return ClassifierScorer(model, NaiveBayesModel.from_kb(kb))


def test_the_trained_model_loads_for_the_shipped_knowledge_base(kb: KnowledgeBase) -> None:
    model = load_model(Settings().classifier_dir, kb)
    assert model.meta.kb_version == kb.version
    assert len(model.meta.condition_ids) == len(kb.conditions)


def test_every_layer_of_the_encoder_runs_as_one_fused_int8_attention() -> None:
    import onnx

    layers = json.loads((pretrained_dir() / "config.json").read_text())["num_hidden_layers"]
    graph = onnx.load(str(Settings().classifier_dir / ONNX_FILE)).graph
    ops = Counter(node.op_type for node in graph.node)
    assert layers == 6
    assert ops["QAttention"] == layers
    assert ops["QEmbedLayerNormalization"] == 1
    assert ops["Transpose"] == 0  # no unfused attention left


def test_words_alone_point_to_the_right_kind_of_condition(scorer: ClassifierScorer) -> None:
    evidence = Evidence(
        PatientFacts(age_years=8, sex=Sex.MALE),
        ("my son has a really itchy scalp and i can see little lice crawling in his hair",),
    )
    top = [s.condition_id for s in scorer.rank(evidence).top(5)]
    assert "head_lice" in top


def test_a_classic_presentation_is_ranked_first(scorer: ClassifierScorer) -> None:
    facts = PatientFacts(age_years=24, sex=Sex.FEMALE, pregnant=False).with_observations(
        {
            "dysuria": Observation(True),
            "urinary_frequency": Observation(True),
            "fever": Observation(False),
        }
    )
    evidence = Evidence(facts, ("it burns when i pee and i keep needing to go",))
    assert scorer.rank(evidence).scores[0].condition_id == "cystitis"


def test_the_product_engine_pools_the_classifier() -> None:
    engine = load_interview_engine(Settings())
    assert isinstance(engine.scorer, CombinedScorer)
    explicit = load_interview_engine(Settings(), ScorerChoice.CLASSIFIER)
    assert isinstance(explicit.scorer, ClassifierScorer)
