"""Process settings for inference."""

from __future__ import annotations


def test_math_threads_can_be_limited() -> None:
    from threadpoolctl import threadpool_info

    from symcheck.clinical.classifier.runtime import limit_math_threads

    limit_math_threads(1)
    assert {pool["num_threads"] for pool in threadpool_info()} == {1}


def test_inference_processes_keep_pytorch_out() -> None:
    import subprocess
    import sys

    code = (
        "from symcheck.clinical.classifier.runtime import keep_training_libraries_out\n"
        "keep_training_libraries_out()\n"
        "import spacy, sys\n"
        "try:\n"
        "    import torch\n"
        "except ImportError:\n"
        "    print('blocked', sys.modules.get('torch'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "blocked None"
