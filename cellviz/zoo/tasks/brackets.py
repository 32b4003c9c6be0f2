"""Bracket depth (N->N): after every character, how deeply nested are we? A known answer per step.

The network has to count: a model that solves it usually has a "counter unit" whose activation tracks
the depth, which `features(ex)["depth"]` lets the explorer look for. Letters a-d are filler.
"""
from __future__ import annotations

import numpy as np
import torch

from .base import Batch, Example, Task, majority_accuracy, softmax_np, tag_predictions

OPEN, CLOSE, FILLER = "(", ")", "abcd"
MAX_DEPTH = 8


def depths(tokens: list[str]) -> np.ndarray:
    """Depth after each token (no validation)."""
    steps = [1 if t == OPEN else -1 if t == CLOSE else 0 for t in tokens]
    return np.cumsum(steps)


class BracketsTask(Task):
    name = "brackets"
    io = "N->N"
    input_kind = "text"
    max_len = 200
    encoding = "onehot"
    description = "Tag every character of a bracketed string with its nesting depth (0-8)."
    better = {"accuracy": "higher", "sequence_accuracy": "higher"}
    vocab = [OPEN, CLOSE, *FILLER]
    classes = [str(d) for d in range(MAX_DEPTH + 1)]

    def __init__(self, min_len: int = 10, max_train_len: int = 60, n_heldout: int = 400):
        super().__init__(min_len=min_len, max_train_len=max_train_len, n_heldout=n_heldout)
        self.min_len, self.max_train_len, self.n_heldout = min_len, max_train_len, n_heldout

    def example(self, tokens: list[str], meta: dict | None = None) -> Example:
        return Example(tokens, self.ids(tokens), depths(tokens), "".join(tokens), meta or {})

    def make(self, rng: np.random.Generator) -> Example:
        T = int(rng.integers(self.min_len, self.max_train_len + 1))
        p_filler = rng.uniform(0.1, 0.5)
        tokens, d = [], 0
        for _ in range(T):
            if rng.random() < p_filler:
                tokens.append(FILLER[rng.integers(len(FILLER))])
                continue
            opening = d == 0 or (d < MAX_DEPTH and rng.random() < 0.5)
            tokens.append(OPEN if opening else CLOSE)
            d += 1 if opening else -1
        return self.example(tokens)

    def sample(self, seed: int) -> Example:
        return self.make(np.random.default_rng(seed))

    def parse(self, user_input: str, **options) -> Example:
        """Brackets and the letters a-d, e.g. "(a(b)(c(d)))"; spaces are ignored."""
        tokens = [c for c in user_input if not c.isspace()]
        self.check_tokens(tokens)
        d = depths(tokens)
        if (d < 0).any():
            k = int(np.argmax(d < 0))
            raise ValueError(f"')' at position {k + 1} closes a bracket that was never opened")
        if d.max() > MAX_DEPTH:
            raise ValueError(f"nested {int(d.max())} deep; the models know depths up to {MAX_DEPTH}")
        return self.example(tokens)

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        return {"depth": depths(ex.tokens).astype(float),
                "is bracket": np.array([t in (OPEN, CLOSE) for t in ex.tokens], dtype=float)}

    def heldout(self, split: str = "test") -> list[Batch]:
        rng = np.random.default_rng(self.heldout_seed + (split == "val"))
        n = self.n_heldout if split == "test" else self.n_heldout // 2
        return [self.batch(rng, 100) for _ in range(max(1, n // 100))]

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        batches = batches or self.heldout()
        pred, y = tag_predictions(model, batches)
        seq_ok = []
        for b in batches:
            out = model(b.x, b.lengths).argmax(-1)
            seq_ok.append(((out == b.y) | (b.y < 0)).all(0))
        return {"accuracy": float((pred == y).float().mean()),
                "sequence_accuracy": float(torch.cat(seq_ok).float().mean())}

    def baseline(self) -> dict[str, float]:
        batches = self.heldout()
        ys = torch.cat([b.y[b.y >= 0] for b in batches])
        top = int(torch.bincount(ys).argmax())
        seq_ok = torch.cat([((b.y == top) | (b.y < 0)).all(0) for b in batches])
        return {"accuracy": majority_accuracy(ys), "sequence_accuracy": float(seq_ok.float().mean())}

    predictions = {"right": "depth {depths}  (all right)", "wrong": "depth {depths}  ({wrong} wrong)"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        p = softmax_np(model(model.x_tensor(ex)))
        guess = p.argmax(-1)
        wrong = int((guess != np.asarray(ex.target)).sum())
        return ("wrong" if wrong else "right"), {"depths": " ".join(str(int(g)) for g in guess), "wrong": wrong}
