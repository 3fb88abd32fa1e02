"""How fast this machine is, in the units issue 4 set its latency target in.

Issue 4 asks for an assessment p95 <= 10 ms "on this machine" and gives the scale it was
written against: all-MiniLM-L6-v2 encodes a 40-token message in about 11 ms in PyTorch eager
with 2 threads, and in about 2.5 ms as an int8 ONNX Runtime model. The machines these
benchmarks run on differ from day to day by a factor of two and more, so this script repeats
exactly those two measurements (the pretrained six-layer encoder from its PyPI package, the
same 40-token message) and reports how much slower this machine is than the issue's: the
ratio of each measurement to the issue's figure, and their geometric mean (the factor).
The int8 model is the product's own export (with fused attention), which runs about 5-8%
faster than a plain export: if anything, the factor comes out low, and a p95 divided by it
high.

Runs in its own process (PyTorch sets process-wide thread counts). Usage:
``.venv/bin/python -m benchmarks.machine_yardstick [--repeat 200]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: A 40-token complaint (with the [CLS] and [SEP] tokens) in the patient's own words.
MESSAGE = (
    "my chest is kinda tight and i keep coughing up green stuff, no fever tho, it started "
    "three days ago after a cold and now i get short of breath on the stairs at home too"
)
#: The issue's figures (ms) for this message on the machine the target was set on.
ISSUE_TORCH_EAGER_2_THREADS_MS = 11.0
ISSUE_ONNX_INT8_MS = 2.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(measure(args.repeat), indent=2))
    return 0


def measure(repeat: int) -> dict[str, Any]:
    """The two measurements of the issue on this machine, and the factor."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel

    from symcheck.clinical.classifier.encoder import (
        TOKENIZER_FILE,
        TextEncoder,
        export_encoder,
        load_tokenizer,
        pretrained_dir,
    )

    source = pretrained_dir()
    token_ids = load_tokenizer(source / TOKENIZER_FILE).encode(MESSAGE).ids

    torch.set_num_threads(2)
    model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()
    ids = torch.tensor([token_ids])
    mask = torch.ones_like(ids)

    def eager() -> None:
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask)

    torch_ms = _median_ms(eager, repeat)

    work = Path(tempfile.mkdtemp(prefix="yardstick-"))
    try:
        export_encoder(work / "model", work)
        # encode_batch: tokenise and run, with nothing remembered between calls
        encoder = TextEncoder(work / "model", threads=2)
        onnx_ms = _median_ms(lambda: encoder.encode_batch([MESSAGE]), repeat)
        single = TextEncoder(work / "model", threads=1)
        onnx_1_ms = _median_ms(lambda: single.encode_batch([MESSAGE]), repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ratios = (torch_ms / ISSUE_TORCH_EAGER_2_THREADS_MS, onnx_ms / ISSUE_ONNX_INT8_MS)
    return {
        "message_tokens": len(token_ids),
        "torch_eager_2_threads_ms": round(torch_ms, 2),
        "issue_torch_eager_2_threads_ms": ISSUE_TORCH_EAGER_2_THREADS_MS,
        "onnx_int8_2_threads_ms": round(onnx_ms, 2),
        "onnx_int8_1_thread_ms": round(onnx_1_ms, 2),
        "issue_onnx_int8_ms": ISSUE_ONNX_INT8_MS,
        "slower_than_issue_machine": round(math.sqrt(ratios[0] * ratios[1]), 2),
    }


def _median_ms(call: Callable[[], Any], repeat: int) -> float:
    for _ in range(10):  # warm up
        call()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    raise SystemExit(main())
