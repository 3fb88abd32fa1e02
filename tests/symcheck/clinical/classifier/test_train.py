"""Training end to end on the fixture knowledge base (the code path of ``make train``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from symcheck.clinical.classifier.model import FINGERPRINT_FILE, METRICS_FILE, read_meta
from symcheck.clinical.classifier.train import is_up_to_date
from tests.auxil.classifier import TINY
from tests.fixtures.kb_small import KB_DIR, small_kb


def test_the_model_is_up_to_date_for_its_inputs(tiny_model_dir: Path) -> None:
    assert is_up_to_date(tiny_model_dir, KB_DIR, TINY)


def test_another_seed_makes_it_stale(tiny_model_dir: Path) -> None:
    from dataclasses import replace

    assert not is_up_to_date(tiny_model_dir, KB_DIR, replace(TINY, seed=TINY.seed + 1))


def test_changed_knowledge_base_content_makes_it_stale(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    kb_copy = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb_copy)
    assert is_up_to_date(tiny_model_dir, kb_copy, TINY)
    info = kb_copy / "kb.yml"
    info.write_text(info.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert not is_up_to_date(tiny_model_dir, kb_copy, TINY)


def test_a_model_without_its_stamp_is_stale(tiny_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(tiny_model_dir, copy)
    (copy / FINGERPRINT_FILE).unlink()
    assert not is_up_to_date(copy, KB_DIR, TINY)


def test_the_metrics_are_sane(tiny_model_dir: Path) -> None:
    metrics = json.loads((tiny_model_dir / METRICS_FILE).read_text())
    meta = read_meta(tiny_model_dir)
    assert metrics["conditions"] == len(small_kb().conditions)
    assert metrics["temperature"] > 0
    assert meta.pool_kb > 0
    assert 0 <= metrics["ece"]["after_calibration"] <= 1
    for scorer in ("knowledge_base", "classifier", "combination"):
        result = metrics["test"][scorer]
        assert 0 <= result["top1"] <= result["top3"] <= result["top5"] <= 1
    # 13 conditions and "none of these": far better than chance after training.
    assert metrics["test"]["classifier"]["top3"] > 0.5
