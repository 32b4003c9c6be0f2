"""Long-lag recall after a distractor prefix (N->1): decoys, a marked cue, `lag` steps of distractors, a query.

The lag task's cue is always the first input, so "latch the first thing you see" solves it. Here the cue comes
after a random-length prefix of decoys (cue symbols A-D and distractors w-z mixed, unmarked), right after a mark
'!'; then `lag` - 1 distractors w-z and the query '?'. The answer is the marked cue, so the cell has to ignore
(or overwrite) what the prefix wrote and store the symbol after the mark.
Sequence: prefix (p symbols of A-D / w-z), '!', cue, lag-1 distractors, '?'; T = p + lag + 2.
"""
from __future__ import annotations

import numpy as np
import torch

from .base import Batch, Example, Task, majority_accuracy, n1_predictions, softmax_np
from .lag import LagLevels

CUES, DISTRACTORS, MARK, QUERY = "ABCD", "wxyz", "!", "?"
DECOYS = CUES + DISTRACTORS
EXAMPLE_INPUT = "xAzC!Bxwzy?"


class PrefixTask(LagLevels, Task):
    name = "prefix"
    io = "N->1"
    input_kind = "symbols"
    max_len = 400
    encoding = "onehot"
    description = ("Ignore a prefix of decoys and remember the marked cue (the symbol after '!'), `lag` steps "
                   "before the '?'.")
    better = {"accuracy": "higher", "accuracy_at_max_lag": "higher"}
    vocab = list(CUES + DISTRACTORS + MARK + QUERY)
    classes = list(CUES)

    def __init__(self, min_lag: int = 5, max_lag: int = 40, min_prefix: int = 1, max_prefix: int = 20,
                 n_heldout: int = 64):
        min_lag, max_lag, min_prefix, max_prefix = int(min_lag), int(max_lag), int(min_prefix), int(max_prefix)
        if not 1 <= min_lag <= max_lag:
            raise ValueError(f"need 1 <= min_lag <= max_lag, got {min_lag}, {max_lag}")
        if not 0 <= min_prefix <= max_prefix:
            raise ValueError(f"need 0 <= min_prefix <= max_prefix, got {min_prefix}, {max_prefix}")
        super().__init__(min_lag=min_lag, max_lag=max_lag, min_prefix=min_prefix, max_prefix=max_prefix,
                         n_heldout=n_heldout)
        self.min_lag, self.max_lag, self.n_heldout = min_lag, max_lag, n_heldout
        self.min_prefix, self.max_prefix = min_prefix, max_prefix

    # --- examples -----------------------------------------------------------------------------------
    def example(self, tokens: list[str]) -> Example:
        at = tokens.index(MARK) + 1
        cue = CUES.index(tokens[at])
        return Example(tokens, self.ids(tokens), cue, "".join(tokens),
                       {"lag": len(tokens) - 1 - at, "cue": cue, "cue_at": at, "prefix": at - 1})

    def make(self, rng: np.random.Generator, lag: int | None = None, prefix: int | None = None) -> Example:
        lag = int(rng.integers(self.min_lag, self.max_lag + 1)) if lag is None else int(lag)
        p = int(rng.integers(self.min_prefix, self.max_prefix + 1)) if prefix is None else int(prefix)
        cue = int(rng.integers(len(CUES)))
        tokens = ([DECOYS[i] for i in rng.integers(len(DECOYS), size=p)] + [MARK, CUES[cue]]
                  + [DISTRACTORS[i] for i in rng.integers(len(DISTRACTORS), size=lag - 1)] + [QUERY])
        return self.example(tokens)

    def sample(self, seed: int) -> Example:
        return self.make(np.random.default_rng(seed))

    def parse(self, user_input: str, lag: int | None = None, **options) -> Example:
        """A sequence such as "xAzC!Bxwzy?": decoys (A-D, w-z), '!', the cue, distractors (w-z); '?' is appended
        if missing. lag=n: keep what was typed after the cue, then pad with fixed random distractors (or cut) so
        that the cue sits n steps before the query."""
        how = f"type decoys (A-D, w-z), then '{MARK}' and the cue (A-D), then distractors (w-z), e.g. '{EXAMPLE_INPUT}'"
        tokens = [c for c in user_input.strip() if not c.isspace()]
        if not tokens:
            raise ValueError(f"the input is empty: {how}")
        if tokens[-1] == QUERY:
            tokens = tokens[:-1]
        self.check_tokens(tokens + [QUERY], "symbol")
        if QUERY in tokens:
            raise ValueError("'?' may only appear at the end (it asks for the answer)")
        marks = tokens.count(MARK)
        if marks != 1:
            raise ValueError(f"mark the cue with exactly one '{MARK}' (the input has {marks}): {how}")
        at = tokens.index(MARK) + 1
        if at == len(tokens) or tokens[at] not in CUES:
            got = repr(tokens[at]) if at < len(tokens) else "nothing"
            raise ValueError(f"'{MARK}' must be followed by the cue, one of {', '.join(CUES)}; got {got}")
        after = tokens[at + 1:]
        bad = sorted({c for c in after if c not in DISTRACTORS})
        if bad:
            raise ValueError(f"after the cue only distractors ({', '.join(DISTRACTORS)}) may follow; got "
                             f"{', '.join(repr(c) for c in bad)}")
        if lag is not None:
            lag = int(lag)
            if not 1 <= lag <= self.max_len - at - 1:
                raise ValueError(f"lag must be between 1 and {self.max_len - at - 1} for this prefix, got {lag}")
            rng = np.random.default_rng(lag)
            fill = [DISTRACTORS[i] for i in rng.integers(len(DISTRACTORS), size=self.max_len)]
            after = (after + fill[len(after):])[:lag - 1]
        tokens = tokens[:at + 1] + after + [QUERY]
        if len(tokens) > self.max_len:
            raise ValueError(f"the input has {len(tokens)} steps; the limit is {self.max_len}")
        return self.example(tokens)

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        T, at = len(ex.tokens), ex.meta["cue_at"]
        steps = np.arange(T, dtype=float) - at
        return {"remembered symbol": np.where(steps >= 0, float(ex.target), -1.0),      # -1: before the cue
                "steps since cue": np.where(steps >= 0, steps, -1.0),
                "marked": (np.arange(T) == at).astype(float)}

    # --- batches ------------------------------------------------------------------------------------
    def batch(self, rng: np.random.Generator, n: int, lag: int | None = None, prefix: int | None = None) -> Batch:
        """n sequences of one lag and one prefix length (drawn when not given): ids (T, n), targets (n,)."""
        lag = int(rng.integers(self.min_lag, self.max_lag + 1)) if lag is None else int(lag)
        p = int(rng.integers(self.min_prefix, self.max_prefix + 1)) if prefix is None else int(prefix)
        v = {c: i for i, c in enumerate(self.vocab)}
        cues = rng.integers(len(CUES), size=n)
        decoys = rng.integers(len(DECOYS), size=(p, n))                   # A-D and w-z are ids 0..7
        noise = rng.integers(len(DISTRACTORS), size=(lag - 1, n)) + len(CUES)
        x = np.concatenate([decoys, np.full((1, n), v[MARK]), cues[None], noise,
                            np.full((1, n), v[QUERY])]).astype(np.int64)
        return Batch(torch.as_tensor(x), torch.as_tensor(cues.astype(np.int64)))

    def eval_lags(self) -> list[int]:
        return sorted({int(round(v)) for v in np.linspace(self.min_lag, self.max_lag, 6)})

    def heldout(self, split: str = "test") -> list[Batch]:
        """Per evaluation lag, a few batches with different prefix lengths (the last batches: the longest lag)."""
        rng = np.random.default_rng(self.heldout_seed + (split == "val"))
        out = []
        for lag in self.eval_lags():
            for p in _spread(self.min_prefix, self.max_prefix, 4):
                out.append(self.batch(rng, max(1, self.n_heldout // 4), lag, p))
        return out

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        batches = batches or self.heldout()
        pred, y = n1_predictions(model, batches)
        k = len(_spread(self.min_prefix, self.max_prefix, 4))
        pl, yl = n1_predictions(model, batches[-k:])
        return {"accuracy": float((pred == y).float().mean()), "accuracy_at_max_lag": float((pl == yl).float().mean())}

    def baseline(self) -> dict[str, float]:
        batches = self.heldout()
        k = len(_spread(self.min_prefix, self.max_prefix, 4))
        return {"accuracy": majority_accuracy(torch.cat([b.y for b in batches])),
                "accuracy_at_max_lag": majority_accuracy(torch.cat([b.y for b in batches[-k:]]))}

    def extra_baselines(self) -> dict[str, dict[str, float]]:
        """What reading the wrong symbol scores: the first symbol (the lag task's strategy) and the last decoy
        A-D of the prefix, on the held-out set (chance when the mark is ignored)."""
        out = {}
        for name, pick in (("first_symbol", _first_cue_like), ("last_decoy", _last_decoy)):
            hits = tot = 0
            for b in self.heldout():
                guess = torch.as_tensor([pick(b.x[:, i]) for i in range(b.x.shape[1])])
                hits += int((guess == b.y).sum())
                tot += b.y.numel()
            out[name] = {"accuracy": round(hits / tot, 5)}
        return out

    # --- the claims experiment's levels (LagLevels; level = the lag) ---------------------------------------
    @torch.no_grad()
    def level_score(self, model, level: int, n: int, seed: int) -> float:
        """Accuracy on n sequences of exactly lag `level`, in 4 batches spanning the prefix lengths."""
        model.eval()
        rng = np.random.default_rng(seed)
        hits = tot = 0
        for p in _spread(self.min_prefix, self.max_prefix, 4):
            b = self.batch(rng, max(1, n // 4), level, p)
            hits += int((model(b.x).argmax(-1) == b.y).sum())
            tot += b.y.numel()
        return hits / tot

    predictions = {"class": "{cue} ({p:.2f})"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        p = softmax_np(model(model.x_tensor(ex)))
        k = int(p.argmax())
        return "class", {"cue": CUES[k], "p": float(p[k])}


def _spread(lo: int, hi: int, n: int) -> list[int]:
    """n (or fewer) distinct integers spread evenly over [lo, hi]."""
    return sorted({int(round(v)) for v in np.linspace(lo, hi, n)})


def _first_cue_like(ids: torch.Tensor) -> int:
    return int(ids[0]) if int(ids[0]) < len(CUES) else 0


def _last_decoy(ids: torch.Tensor) -> int:
    mark = int((ids == len(DECOYS)).nonzero()[0])
    cues = [int(i) for i in ids[:mark] if int(i) < len(CUES)]
    return cues[-1] if cues else 0
