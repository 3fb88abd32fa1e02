"""``symcheck classifier``: train the transformer condition classifier, or say if it is stale.

- ``symcheck classifier train [--if-stale] [--seed N] [--out DIR]``: train on synthetic
  patients from the knowledge base and write the model directory (default
  ``SYMCHECK_CLASSIFIER_DIR``, ``models/classifier``). With ``--if-stale`` it does nothing
  when the directory already holds a model trained from the same inputs (knowledge-base
  content, training code, seed, package versions).
- ``symcheck classifier status``: whether the model is present and up to date (exit 0), or
  not (exit 1).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from symcheck.settings import get_settings

EXIT_OK = 0
EXIT_STALE = 1
EXIT_FAILED = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    train = sub.add_parser("train", help="train the classifier (writes the model directory)")
    train.add_argument(
        "--if-stale",
        action="store_true",
        help="do nothing when the model was trained from the same inputs",
    )
    train.add_argument("--seed", type=int, help="random seed (default: the fixed project seed)")
    train.add_argument("--no-progress", action="store_true", help="no progress bars")
    for action in (train, sub.add_parser("status", help="is the model present and up to date?")):
        action.add_argument("--out", type=Path, help="model directory (SYMCHECK_CLASSIFIER_DIR)")
        action.add_argument("--kb-dir", type=Path, help="knowledge base (SYMCHECK_KB_DIR)")


def run(args: argparse.Namespace) -> int:
    from symcheck.clinical.classifier.train import TrainConfig, is_up_to_date

    settings = get_settings()
    model_dir: Path = args.out or settings.classifier_dir
    kb_dir: Path = args.kb_dir or settings.kb_dir
    config = TrainConfig() if getattr(args, "seed", None) is None else TrainConfig(seed=args.seed)
    fresh = is_up_to_date(model_dir, kb_dir, config)
    if args.action == "status":
        print(f"classifier model {'up to date' if fresh else 'missing or stale'}: {model_dir}")
        return EXIT_OK if fresh else EXIT_STALE
    if args.if_stale and fresh:
        print(f"==> classifier model is up to date ({model_dir})")
        return EXIT_OK
    return _train(kb_dir, model_dir, config, progress=not args.no_progress)


def _train(kb_dir: Path, model_dir: Path, config: object, *, progress: bool) -> int:
    from symcheck.clinical.classifier.train import TrainConfig, train
    from symcheck.clinical.knowledge.base import KnowledgeBaseError

    assert isinstance(config, TrainConfig)
    logging.getLogger("onnxruntime").setLevel(logging.ERROR)
    print(f"==> training the condition classifier (seed {config.seed}) into {model_dir}")
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        metrics = train(kb_dir, model_dir, config, show_progress=progress)
    except KnowledgeBaseError as exc:
        print(f"symcheck classifier: cannot load the knowledge base: {exc}", file=sys.stderr)
        return EXIT_FAILED
    test = metrics["test"]
    print(
        "==> classifier trained in {s:.0f} s ({mb} MB): held-out synthetic top-1 kb {a:.1%}, "
        "classifier {b:.1%}, combination {c:.1%}; ECE {e0:.3f} -> {e1:.3f} calibrated".format(
            s=metrics["training_seconds"],
            mb=metrics["size_on_disk_mb"],
            a=test["knowledge_base"]["top1"],
            b=test["classifier"]["top1"],
            c=test["combination"]["top1"],
            e0=metrics["ece"]["before_calibration"],
            e1=metrics["ece"]["after_calibration"],
        )
    )
    return EXIT_OK
