"""Long-lag recall (N->1): a cue symbol, `lag` steps of distractors, a query; answer the cue.

The classic test of long-term memory (Hochreiter & Schmidhuber 1997, experiment 2): the only
information needed sits `lag` steps before the loss, and the steps in between are noise.
Sequence: cue in A-D, lag-1 distractors in w-z, then "?"; T = lag + 1; target = the cue.
"""
from __future__ import annotations

import numpy as np
import torch

from .base import Batch, Example, Task, majority_accuracy, n1_predictions, softmax_np

CUES, DISTRACTORS, QUERY = "ABCD", "wxyz", "?"
LEARNED_AT = 0.95           # the claims experiment counts a lag as learned at this held-out accuracy


class LagLevels:
    """The claims experiment's levels of a recall task (level = the lag, learned at LEARNED_AT accuracy); the task
    provides `batch(rng, n, lag)` and its own `level_score`."""

    level_name = "lag"
    level_metric = "accuracy"

    def level_batch(self, rng: np.random.Generator, n: int, level: int) -> Batch:
        return self.batch(rng, n, level)

    @staticmethod
    def level_learned(score: float) -> bool:
        return score >= LEARNED_AT


class LagTask(LagLevels, Task):
    name = "lag"
    io = "N->1"
    input_kind = "symbols"
    max_len = 400
    encoding = "onehot"
    description = "Remember the cue symbol (A-D) seen `lag` steps before the '?' and name it."
    better = {"accuracy": "higher", "accuracy_at_max_lag": "higher"}
    vocab = list(CUES + DISTRACTORS + QUERY)
    classes = list(CUES)

    def __init__(self, min_lag: int = 5, max_lag: int = 40, n_heldout: int = 64, curriculum: float = 0.0):
        super().__init__(min_lag=min_lag, max_lag=max_lag, n_heldout=n_heldout, curriculum=curriculum)
        self.min_lag, self.max_lag, self.n_heldout = min_lag, max_lag, n_heldout
        self.curriculum, self.train_max_lag = curriculum, max_lag

    def set_progress(self, fraction: float) -> None:
        """Curriculum: training lags grow to max_lag over the first `curriculum` fraction of training."""
        if self.curriculum > 0:
            reach = min(1.0, fraction / self.curriculum)
            self.train_max_lag = int(round(self.min_lag + reach * (self.max_lag - self.min_lag)))

    def make(self, rng: np.random.Generator, lag: int, cue: int | None = None) -> Example:
        cue = int(rng.integers(len(CUES))) if cue is None else cue
        tokens = [CUES[cue]] + [DISTRACTORS[i] for i in rng.integers(len(DISTRACTORS), size=lag - 1)] + [QUERY]
        return Example(tokens, self.ids(tokens), cue, "".join(tokens), {"lag": lag, "cue": cue})

    def sample(self, seed: int) -> Example:
        rng = np.random.default_rng(seed)
        return self.make(rng, int(rng.integers(self.min_lag, self.max_lag + 1)))

    def parse(self, user_input: str, lag: int | None = None, **options) -> Example:
        """A sequence such as "Bxwzy?" (the first symbol is the cue; "?" is appended if missing).

        lag=n: keep the cue and typed distractors, then pad with fixed random distractors (or cut) so that
        the cue sits n steps before the query.
        """
        tokens = [c for c in user_input.strip() if not c.isspace()]
        if not tokens:
            raise ValueError(f"the input is empty: start with a cue ({', '.join(CUES)}) then distractors "
                             f"({', '.join(DISTRACTORS)}), e.g. 'Bxwzyx?'")
        if tokens[-1] == QUERY:
            tokens = tokens[:-1]
        if not tokens:
            raise ValueError(f"the input has no cue: start with a cue ({', '.join(CUES)}) then distractors "
                             f"({', '.join(DISTRACTORS)}), e.g. 'Bxwzyx?'")
        self.check_tokens(tokens + [QUERY], "symbol")
        if tokens[0] not in CUES:
            raise ValueError(f"the first symbol must be the cue to remember, one of {', '.join(CUES)}; "
                             f"got {tokens[0]!r}")
        if QUERY in tokens:
            raise ValueError("'?' may only appear at the end (it asks for the answer)")
        if lag is not None:
            lag = int(lag)
            if not 1 <= lag < self.max_len:
                raise ValueError(f"lag must be between 1 and {self.max_len - 1}, got {lag}")
            rng = np.random.default_rng(lag)
            fill = [DISTRACTORS[i] for i in rng.integers(len(DISTRACTORS), size=self.max_len)]
            tokens = (tokens + fill[len(tokens) - 1:])[:lag]
        tokens = tokens + [QUERY]
        cue = CUES.index(tokens[0])
        return Example(tokens, self.ids(tokens), cue, "".join(tokens), {"lag": len(tokens) - 1, "cue": cue})

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        T = len(ex.tokens)
        return {"remembered symbol": np.full(T, float(ex.target)), "steps since cue": np.arange(T, dtype=float)}

    def collate_same_lag(self, examples: list[Example]) -> Batch:
        x = torch.as_tensor(np.stack([e.x_raw for e in examples], axis=1))
        return Batch(x, torch.tensor([e.target for e in examples]))

    def batch(self, rng: np.random.Generator, n: int, lag: int | None = None) -> Batch:
        """n sequences of one lag (drawn from [min_lag, train_max_lag] when not given), ids (T, n), targets (n,)."""
        lag = int(rng.integers(self.min_lag, self.train_max_lag + 1)) if lag is None else int(lag)
        cues = rng.integers(len(CUES), size=n)
        noise = rng.integers(len(DISTRACTORS), size=(lag - 1, n)) + len(CUES)      # vocab: cues, distractors, '?'
        x = np.concatenate([cues[None], noise, np.full((1, n), len(CUES) + len(DISTRACTORS))]).astype(np.int64)
        return Batch(torch.as_tensor(x), torch.as_tensor(cues.astype(np.int64)))

    # --- the claims experiment's levels (LagLevels; level = the lag) ---------------------------------------
    @torch.no_grad()
    def level_score(self, model, level: int, n: int, seed: int) -> float:
        """Accuracy on n sequences of exactly lag `level` (data from `seed`)."""
        model.eval()
        b = self.batch(np.random.default_rng(seed), n, level)
        return float((model(b.x).argmax(-1) == b.y).float().mean())

    def eval_lags(self) -> list[int]:
        return sorted({int(round(v)) for v in np.linspace(self.min_lag, self.max_lag, 6)})

    def heldout(self, split: str = "test") -> list[Batch]:
        rng = np.random.default_rng(self.heldout_seed + (split == "val"))
        return [self.batch(rng, self.n_heldout, lag) for lag in self.eval_lags()]

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        batches = batches or self.heldout()
        pred, y = n1_predictions(model, batches)
        last = batches[-1]
        pred_last = model(last.x).argmax(-1)
        return {"accuracy": float((pred == y).float().mean()),
                "accuracy_at_max_lag": float((pred_last == last.y).float().mean())}

    def baseline(self) -> dict[str, float]:
        batches = self.heldout()
        return {"accuracy": majority_accuracy(torch.cat([b.y for b in batches])),
                "accuracy_at_max_lag": majority_accuracy(batches[-1].y)}

    predictions = {"class": "{cue} ({p:.2f})"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        p = softmax_np(model(model.x_tensor(ex)))
        k = int(p.argmax())
        return "class", {"cue": CUES[k], "p": float(p[k])}
