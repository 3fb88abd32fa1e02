"""Process settings for inference."""

from __future__ import annotations


def test_math_threads_can_be_limited() -> None:
    from threadpoolctl import threadpool_info

    from symcheck.clinical.classifier.runtime import limit_math_threads

    limit_math_threads(1)
    assert {pool["num_threads"] for pool in threadpool_info()} == {1}


def _in_a_new_interpreter(code: str) -> str:
    """What ``code`` prints, run in a new Python process (these settings are per process)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout


def test_inference_processes_keep_pytorch_out() -> None:
    code = (
        "from symcheck.clinical.classifier.runtime import keep_training_libraries_out\n"
        "keep_training_libraries_out()\n"
        "import spacy, sys\n"
        "try:\n"
        "    import torch\n"
        "except ImportError:\n"
        "    print('blocked', sys.modules.get('torch'))\n"
    )
    assert _in_a_new_interpreter(code).strip() == "blocked None"


def test_what_start_up_loaded_is_kept_out_of_the_collector() -> None:
    code = (
        "import gc\n"
        "from symcheck.clinical.classifier.runtime import freeze_loaded_objects\n"
        "from symcheck.clinical.knowledge.loader import load_knowledge_base\n"
        "kb = load_knowledge_base()\n"
        "before = len(gc.get_objects())\n"
        "freeze_loaded_objects()\n"
        "print(before, gc.get_freeze_count(), len(gc.get_objects()))\n"
    )
    before, frozen, tracked = map(int, _in_a_new_interpreter(code).split())
    assert before > 10_000  # the knowledge base and the libraries
    assert frozen > 0.9 * before  # all but what the last collection freed
    assert tracked < 1_000  # a full collection walks only what comes after
