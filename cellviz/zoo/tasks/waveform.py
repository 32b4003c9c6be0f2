"""Waveform generation (1->N): one input (shape, period, amplitude) at step 0, then the model must
produce the whole waveform from its own state: the recurrent cell has to become an oscillator.

Inputs after step 0 are zeros. Metric: mean squared error against the true waveform (lower is better);
baseline: predicting 0 (the waveforms' mean) at every step.
"""
from __future__ import annotations

import numpy as np
import torch

from .base import Batch, Example, Task, quoted

SHAPES = ["sine", "square", "triangle", "sawtooth"]


def wave(shape: str, t: np.ndarray, period: float, amplitude: float) -> np.ndarray:
    u = (t / period) % 1.0
    y = {"sine": np.sin(2 * np.pi * u), "square": np.where(u < 0.5, 1.0, -1.0),
         "triangle": 1 - 4 * np.abs(((u + 0.25) % 1.0) - 0.5), "sawtooth": 2 * ((u + 0.5) % 1.0) - 1}[shape]
    return (amplitude * y).astype(np.float32)


class WaveformTask(Task):
    name = "waveform"
    io = "1->N"
    input_kind = "symbols"
    max_len = 200
    encoding = "float"
    output = "value"
    description = "Generate a whole waveform (sine, square, triangle, sawtooth) from one input at step 0."
    better = {"mse": "lower"}
    vocab = list(SHAPES)

    def __init__(self, length: int = 48, min_period: float = 8.0, max_period: float = 24.0, n_heldout: int = 200):
        super().__init__(length=length, min_period=min_period, max_period=max_period, n_heldout=n_heldout)
        self.length, self.min_period, self.max_period, self.n_heldout = length, min_period, max_period, n_heldout

    @property
    def in_features(self) -> int:
        return len(SHAPES) + 2

    def example(self, shape: str, period: float, amplitude: float, length: int) -> Example:
        x = np.zeros((length, self.in_features), dtype=np.float32)
        x[0, SHAPES.index(shape)] = 1.0
        x[0, -2:] = period / self.max_period, amplitude
        tokens = [f"{shape} p={period:.1f} a={amplitude:.2f}"] + ["·"] * (length - 1)
        target = wave(shape, np.arange(length), period, amplitude)
        return Example(tokens, x, target, tokens[0],
                       {"shape": shape, "period": period, "amplitude": amplitude})

    def make(self, rng: np.random.Generator) -> Example:
        return self.example(SHAPES[rng.integers(len(SHAPES))], float(rng.uniform(self.min_period, self.max_period)),
                            float(rng.uniform(0.5, 1.0)), self.length)

    def sample(self, seed: int) -> Example:
        return self.make(np.random.default_rng(seed))

    def parse(self, user_input: str, period: float = 16.0, amplitude: float = 1.0, length: int | None = None,
              **options) -> Example:
        """A shape name (sine, square, triangle, sawtooth); options period (steps), amplitude, length."""
        shape = user_input.strip().lower()
        if not shape:
            raise ValueError(f"the input is empty: choose a shape, one of {', '.join(SHAPES)}")
        if shape not in SHAPES:
            raise ValueError(f"unknown shape {quoted(shape)}; accepted: {', '.join(SHAPES)}")
        length = self.length if length is None else int(length)
        if not 2 <= length <= self.max_len:
            raise ValueError(f"length must be between 2 and {self.max_len}, got {length}")
        if not 2 <= float(period) <= 100:
            raise ValueError(f"period must be between 2 and 100 steps (trained on {self.min_period:g}-"
                             f"{self.max_period:g}), got {period}")
        if not 0 < float(amplitude) <= 2:
            raise ValueError(f"amplitude must be in (0, 2] (trained on 0.5-1), got {amplitude}")
        return self.example(shape, float(period), float(amplitude), length)

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        t = np.arange(len(ex.tokens))
        return {"true value": ex.target.astype(float), "phase": (t / ex.meta["period"]) % 1.0}

    def heldout(self, split: str = "test") -> list[Batch]:
        rng = np.random.default_rng(self.heldout_seed + (split == "val"))
        n = self.n_heldout if split == "test" else self.n_heldout // 2
        return [self.batch(rng, n)]

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        err = [((model(b.x) - b.y) ** 2).mean() for b in batches or self.heldout()]
        return {"mse": float(torch.stack(err).mean())}

    def baseline(self) -> dict[str, float]:
        return {"mse": float(torch.stack([(b.y ** 2).mean() for b in self.heldout()]).mean())}

    predictions = {"generated": "generated: {values}  (mse {mse:.3f} vs the true {shape})"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        y = model(torch.as_tensor(ex.x_raw)).numpy()
        mse = float(((y - ex.target) ** 2).mean())
        values = ", ".join(f"{v:.2f}" for v in y[:16]) + (" …" if len(y) > 16 else "")
        return "generated", {"values": values, "mse": mse, "shape": str(ex.meta["shape"])}
