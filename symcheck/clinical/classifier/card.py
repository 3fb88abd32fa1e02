"""The model card (``model_card.md``): what the classifier is, what it was trained on, how
well it does. Pure: metrics and metadata in, Markdown out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from symcheck.clinical.classifier.model import ModelMeta


def render_card(metrics: Mapping[str, Any], meta: ModelMeta) -> str:
    """The model card as Markdown."""
    examples = metrics["examples"]
    ece = metrics["ece"]
    pool = metrics["pool"]
    test = metrics["test"]
    rows = "\n".join(
        f"| {name} | {_pct(m['top1'])} | {_pct(m['top3'])} | {_pct(m['top5'])} | {m['nll']:.3f} |"
        for name, m in (
            ("knowledge-base scorer", test["knowledge_base"]),
            ("classifier (calibrated)", test["classifier"]),
            ("combination", test["combination"]),
        )
    )
    packages = ", ".join(f"{k} {v}" for k, v in sorted(metrics["packages"].items()))
    return f"""# Model card: symcheck condition classifier

**What it does.** Scores every condition of the symcheck knowledge base (and "none of these")
from a patient's own words plus the structured answers of the interview. It is one of two
scorers the interview engine pools (log-linear) with the knowledge-base naive-Bayes scorer;
the red-flag rules, not the scores, set the floor of the advice. Not a medical device; it
does not diagnose.

**Architecture.** The pretrained sentence encoder all-MiniLM-L6-v2
({meta.extra.get("encoder_package")}, shipped inside that PyPI package; never downloaded),
exported to ONNX with fused attention and quantised to int8, frozen; mean-pooled,
normalised 384-d text embedding. A head (one hidden layer of
{metrics["head"]["hidden"]} ReLU units, dropout {metrics["head"]["dropout"]}) over the
embedding and a structured vector (present / absent per finding, age band, sex, pregnancy),
trained with cross-entropy; logits shifted from the balanced training prior to the knowledge
base's prior; temperature-scaled.

## Data

Synthetic only, sampled from knowledge base **{metrics["kb_version"]}**
({metrics["conditions"]} conditions, {metrics["findings"]} findings) with seed
{metrics["seed"]}: demographics from the age and sex priors, findings from the conditions'
likelihoods (and the base rates for "none of these"), a complaint of 1-3 findings rendered
into varied lay narratives (synonyms, misspellings, statements, durations, filler, who it is
about), then 3-12 simulated follow-up answers. Training: {examples["train"]} patients, class-
balanced. Held out, drawn from the knowledge base's prior: {examples["calibration"]} to fit the
temperature, {examples["pooling"]} to fit the pooling weights, {examples["test"]} to test. No
real patient data and no published vignettes were used.

## Metrics (held-out synthetic test split)

| scorer | top-1 | top-3 | top-5 | NLL |
|---|---|---|---|---|
{rows}

Expected calibration error (top-1, 15 bins): {ece["before_calibration"]:.3f} before temperature
scaling, **{ece["after_calibration"]:.3f}** after (temperature {metrics["temperature"]:.3f}); the
knowledge-base scorer {ece["knowledge_base"]:.3f}, the combination {ece["combination"]:.3f}.
Reliability diagram: `reliability.png`.

Pooling with the knowledge-base scorer (`P ∝ P_kb ** w_kb x Q ** w_clf`, where `Q` is the
classifier's calibrated output without the prior, so the prior is counted once): knowledge
base {pool["kb"]} (anchored), classifier {pool["classifier"]}, fitted on the pooling split by
held-out NLL ({pool["held_out_nll"]}); fitting both freely gives kb {pool["fitted_free"]["kb"]},
classifier {pool["fitted_free"]["classifier"]}. The "combination" row above uses the product
weights.

Results on the development case set (real-world style vignettes): `symcheck evaluate`.

## Training

`make train` (or `symcheck classifier train`): {metrics["training_seconds"]:.0f} s on the
2-core development machine; model directory {metrics["size_on_disk_mb"]} MB on disk.
Packages: {packages}.

## Limits

Trained on synthetic patients that follow the knowledge base's own likelihoods: it cannot know
what the knowledge base does not, and the narratives are simpler than real messages. English
only. Probabilities are calibrated on synthetic data, not on real patients.
"""


def _pct(value: float) -> str:
    return f"{value:.1%}"
