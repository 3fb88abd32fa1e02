"""The trained head: a small network from [text embedding; structured vector] to logits.

``logits = relu(x W1 + b1) W2 + b2`` (one hidden layer), or ``x W + b`` when there is no
hidden layer. The text embedding is scaled by :attr:`HeadWeights.text_scale` so both parts
start on a similar footing. Inference is numpy only (:meth:`HeadWeights.logits`); training
(:func:`train_head`) uses PyTorch, imported only there, deterministic given the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class HeadConfig:
    """Training hyper-parameters of the head."""

    hidden: int = 512
    epochs: int = 30
    batch_size: int = 256
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    dropout: float = 0.2
    text_scale: float = 2.0


@dataclass(frozen=True, eq=False)
class HeadWeights:
    """The head's parameters (``w2``/``b2`` are ``None`` for a linear head)."""

    w1: FloatArray
    b1: FloatArray
    w2: FloatArray | None
    b2: FloatArray | None
    text_scale: float
    text_size: int

    def logits(self, embeddings: FloatArray, structured: FloatArray) -> FloatArray:
        """Logits for a batch (rows: examples; columns: classes).

        For one example the structured vector (a few ones among thousands of zeros) enters
        as the sum of its nonzero entries' rows of ``w1``, not a product with all of them:
        the same numbers, read from a fifth of the 4 MB of ``w1``.
        """
        if embeddings.shape[0] == 1:
            scaled = embeddings.astype(np.float32) * np.float32(self.text_scale)
            h = np.asarray(scaled @ self.w1[: self.text_size], dtype=np.float32)
            active = np.flatnonzero(structured[0])
            if active.size:
                values = structured[0, active].astype(np.float32)
                h += values @ self.w1[self.text_size + active]
            h += self.b1
        else:
            h = inputs(embeddings, structured, self.text_scale) @ self.w1 + self.b1
        if self.w2 is None or self.b2 is None:
            return h
        out: FloatArray = np.maximum(h, 0.0) @ self.w2 + self.b2
        return out

    def save(self, path: Path) -> None:
        arrays = {"w1": self.w1, "b1": self.b1}
        if self.w2 is not None and self.b2 is not None:
            arrays |= {"w2": self.w2, "b2": self.b2}
        np.savez(
            path,
            **arrays,
            text_scale=np.array(self.text_scale),
            text_size=np.array(self.text_size),
        )

    @classmethod
    def load(cls, path: Path) -> HeadWeights:
        with np.load(path) as data:
            return cls(
                w1=data["w1"].astype(np.float32),
                b1=data["b1"].astype(np.float32),
                w2=data["w2"].astype(np.float32) if "w2" in data else None,
                b2=data["b2"].astype(np.float32) if "b2" in data else None,
                text_scale=float(data["text_scale"]),
                text_size=int(data["text_size"]),
            )


def inputs(embeddings: FloatArray, structured: FloatArray, text_scale: float) -> FloatArray:
    """The head's input rows: the scaled embedding, then the structured vector."""
    out: FloatArray = np.concatenate(
        [embeddings.astype(np.float32) * np.float32(text_scale), structured.astype(np.float32)],
        axis=-1,
    )
    return out


def train_head(
    embeddings: FloatArray,
    structured: FloatArray,
    labels: IntArray,
    n_classes: int,
    config: HeadConfig,
    seed: int,
    progress: Callable[[int, float], None] | None = None,
) -> HeadWeights:
    """Fit the head by minimising cross-entropy with Adam (deterministic given ``seed``).

    Args:
        progress: called after each epoch with the epoch number and its mean loss.
    """
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    generator = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(inputs(embeddings, structured, config.text_scale))
    y = torch.from_numpy(labels.astype(np.int64))
    layers: list[torch.nn.Module] = [torch.nn.Dropout(config.dropout)]
    if config.hidden:
        layers += [
            torch.nn.Linear(x.shape[1], config.hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(config.dropout),
            torch.nn.Linear(config.hidden, n_classes),
        ]
    else:
        layers.append(torch.nn.Linear(x.shape[1], n_classes))
    net = torch.nn.Sequential(*layers)
    optimiser = torch.optim.AdamW(
        net.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(config.epochs):
        net.train()
        order = torch.randperm(x.shape[0], generator=generator)
        total = 0.0
        for start in range(0, x.shape[0], config.batch_size):
            rows = order[start : start + config.batch_size]
            optimiser.zero_grad()
            loss = loss_fn(net(x[rows]), y[rows])
            loss.backward()
            optimiser.step()
            total += loss.item() * len(rows)
        schedule.step()
        if progress is not None:
            progress(epoch + 1, total / x.shape[0])
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]

    def numpy(t: torch.Tensor) -> FloatArray:
        return t.detach().numpy().astype(np.float32).copy()

    first = linears[0]
    last = linears[-1] if len(linears) > 1 else None
    return HeadWeights(
        w1=numpy(first.weight.T),
        b1=numpy(first.bias),
        w2=numpy(last.weight.T) if last is not None else None,
        b2=numpy(last.bias) if last is not None else None,
        text_scale=config.text_scale,
        text_size=embeddings.shape[1],
    )
