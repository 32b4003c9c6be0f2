"""Time-series forecasting (N->N): noisy seasonal signals whose regime changes part-way through.

Each series is level + amplitude * sin(2*pi*t/period + phase) + Gaussian noise; at a random point the
level, amplitude and period jump to new values. At every step the model predicts the next value.
Metric: mean squared error (lower is better); baseline: "tomorrow = today" (the last value).
"""
from __future__ import annotations

import re

import numpy as np
import torch

from .base import Batch, Example, Task, quoted_list, tag_predictions

NOISE = 0.1


class ForecastTask(Task):
    name = "forecast"
    io = "N->N"
    input_kind = "series"
    max_len = 300
    encoding = "float"
    output = "value"
    description = "Predict the next value of a noisy seasonal series that changes regime part-way."
    better = {"mse": "lower", "mse_after_change": "lower"}

    def __init__(self, min_len: int = 60, max_train_len: int = 120, n_heldout: int = 300):
        super().__init__(min_len=min_len, max_train_len=max_train_len, n_heldout=n_heldout)
        self.min_len, self.max_train_len, self.n_heldout = min_len, max_train_len, n_heldout

    @property
    def in_features(self) -> int:
        return 1

    @property
    def choices(self) -> list[str]:
        return []

    def make(self, rng: np.random.Generator) -> Example:
        T = int(rng.integers(self.min_len, self.max_train_len + 1))
        change = int(rng.integers(int(0.3 * T), int(0.7 * T)))
        t = np.arange(T)
        values, regime = np.empty(T), (t >= change).astype(float)
        for r, sl in enumerate([slice(0, change), slice(change, T)]):
            level, amp = rng.uniform(-1, 1), rng.uniform(0.3, 1.2)
            period, phase = rng.uniform(6, 24), rng.uniform(0, 2 * np.pi)
            values[sl] = level + amp * np.sin(2 * np.pi * t[sl] / period + phase)
        values += NOISE * rng.standard_normal(T)
        return self.example(values.astype(np.float32), {"regime": regime, "change": change})

    def example(self, values: np.ndarray, meta: dict | None = None) -> Example:
        target = np.append(values[1:], np.nan).astype(np.float32)
        tokens = [f"{v:.2f}" for v in values]
        return Example(tokens, values[:, None], target, ", ".join(tokens), meta or {})

    def sample(self, seed: int) -> Example:
        return self.make(np.random.default_rng(seed))

    def parse(self, user_input: str, **options) -> Example:
        """Numbers separated by commas, semicolons or spaces, e.g. "0.1, 0.5, 0.9, 0.5, 0.1"."""
        parts = [p for p in re.split(r"[,;\s]+", user_input.strip()) if p]
        if not parts:
            raise ValueError("the input is empty: type numbers separated by commas, e.g. 0.1, 0.5, 0.9, 0.5")
        bad = [p for p in parts if not _is_number(p)]
        if bad:
            raise ValueError(f"not numbers: {quoted_list(bad, ', ')}; type numbers separated by "
                             "commas, e.g. 0.1, 0.5, 0.9")
        if len(parts) > self.max_len:
            raise ValueError(f"the input has {len(parts)} values; the limit is {self.max_len}")
        values = np.array([float(p) for p in parts])
        if np.abs(values).max() > 100:
            raise ValueError("values must lie between -100 and 100 (the models saw values around -2..2)")
        return self.example(values.astype(np.float32))

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        if "regime" not in ex.meta:
            return {"value": ex.x_raw[:, 0].astype(float)}
        return {"value": ex.x_raw[:, 0].astype(float), "regime": ex.meta["regime"],
                "steps since change": np.maximum(0, np.arange(len(ex.tokens)) - ex.meta["change"]).astype(float)}

    def heldout(self, split: str = "test") -> list[Batch]:
        ex = self.heldout_examples(split)
        return [self.collate(ex[i:i + 100]) for i in range(0, len(ex), 100)]

    def _after_change_mask(self, batches_ex: list[Example]) -> np.ndarray:
        out = []
        for e in batches_ex:
            k = np.arange(len(e.tokens) - 1)
            out.append((k >= e.meta["change"]) & (k < e.meta["change"] + 20))
        return np.concatenate(out)

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        if batches is not None:
            pred, y = tag_predictions(model, batches)
            return {"mse": float(((pred - y) ** 2).mean())}
        ex = self.heldout_examples()
        err = np.concatenate([((model(torch.as_tensor(e.x_raw)).numpy()[:-1] - e.target[:-1]) ** 2) for e in ex])
        return {"mse": float(err.mean()), "mse_after_change": float(err[self._after_change_mask(ex)].mean())}

    def baseline(self) -> dict[str, float]:
        ex = self.heldout_examples()
        err = np.concatenate([(e.x_raw[:-1, 0] - e.target[:-1]) ** 2 for e in ex])
        return {"mse": float(err.mean()), "mse_after_change": float(err[self._after_change_mask(ex)].mean())}

    predictions = {"next": "next value ≈ {value:.2f} (last value {last:.2f})"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        pred = model(torch.as_tensor(ex.x_raw)).numpy()
        return "next", {"value": float(pred[-1]), "last": float(ex.x_raw[-1, 0])}


def _is_number(s: str) -> bool:
    try:
        return np.isfinite(float(s))
    except ValueError:
        return False
