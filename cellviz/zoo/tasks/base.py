"""What every zoo task provides: examples, training batches, a fixed held-out set, parsing of user input.

A task knows its data and its metrics; it knows nothing about cells. Tensors are time-major:
inputs (T, B) token ids or (T, B, F) floats; targets (B,) class ids (N->1), (T, B) class ids with -100
for "no target" or (T, B) floats with NaN for "no target" (N->N, 1->N).
"""
from __future__ import annotations

import inspect
import types
import typing
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

IGNORE = -100  # class target that the loss skips (torch's default ignore_index)
QUOTE_CHARS = 30  # a piece of user input quoted in an error message is cut to this many characters
QUOTE_COUNT = 10  # and at most this many pieces are listed


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """repr(text) cut to `limit` characters with an ellipsis: error messages stay short whatever was typed."""
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def quoted_list(items, sep: str = " ") -> str:
    """The first QUOTE_COUNT items, each `quoted`, and how many more there are."""
    items = list(items)
    more = f"{sep}… (+{len(items) - QUOTE_COUNT} more)" if len(items) > QUOTE_COUNT else ""
    return sep.join(quoted(str(t)) for t in items[:QUOTE_COUNT]) + more


@dataclass
class Example:
    """One input sequence as the explorer shows it.

    tokens: one display label per input step; x_raw: what the task encodes (ids (T,) or floats (T, F));
    target: class id, per-step ids / values, or output ids (N->M); text: the input as the user reads it;
    meta: generator facts (for `features`), e.g. the lag or the regime boundaries.
    """

    tokens: list[str]
    x_raw: np.ndarray
    target: Any
    text: str
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ParseOption:
    """A keyword option of a task's `parse` (lag, period, ...): its number type and default (None: the task's)."""

    name: str
    type: type                    # int or float, from the parameter's annotation (evaluated, not its text)
    default: int | float | None


@dataclass
class Batch:
    """A training / evaluation batch. lengths: true lengths when sequences are padded (else None)."""

    x: torch.Tensor
    y: torch.Tensor
    lengths: torch.Tensor | None = None
    extra: dict = field(default_factory=dict)


class Task:
    """Base class. Subclasses set the class attributes and implement the generators."""

    name: str = ""
    io: str = ""                  # "N->N" | "N->1" | "1->N" | "N->M"
    input_kind: str = "text"      # "text" | "series" | "symbols": what the input box should offer
    max_len: int = 200
    encoding: str = "onehot"      # "onehot" | "embed" (token ids) | "float" (feature vectors)
    output: str = "class"         # "class" | "value"
    description: str = ""
    better: dict[str, str] = {}   # metric -> "higher" | "lower"
    # what `predict` says: one English template per kind of answer; `prediction` picks the kind and the values
    # (the app shows the same answer in its own language from these parts, catalogue keys `pred.<task>.<kind>`)
    predictions: dict[str, str] = {}
    heldout_seed: int = 1_000_003

    def __init__(self, **options):
        self.options = options

    # --- vocabulary ---------------------------------------------------------------------------
    vocab: list[str] = []         # token strings for id-encoded inputs
    classes: list[str] = []       # output class labels

    @property
    def in_features(self) -> int:
        """Vocabulary size (onehot/embed) or number of float features per step."""
        return len(self.vocab)

    @property
    def n_out(self) -> int:
        return len(self.classes) if self.output == "class" else 1

    @property
    def choices(self) -> list[str]:
        """Accepted input tokens, for the UI (empty for free-form series input)."""
        return list(self.vocab)

    def ids(self, tokens: list[str]) -> np.ndarray:
        index = {t: i for i, t in enumerate(self.vocab)}
        return np.array([index[t] for t in tokens], dtype=np.int64)

    def check_tokens(self, tokens: list[str], what: str = "character") -> None:
        """ValueError naming unknown tokens, the accepted alphabet, or a too long / empty input."""
        if not tokens:
            raise ValueError("the input is empty: type something")
        unknown = sorted({t for t in tokens if t not in self.vocab})
        if unknown:
            accepted = " ".join(repr(t) for t in self.vocab)
            raise ValueError(f"unknown {what}(s) {quoted_list(unknown)}; accepted: {accepted}")
        if len(tokens) > self.max_len:
            raise ValueError(f"the input has {len(tokens)} steps; the limit is {self.max_len}")

    # --- data ----------------------------------------------------------------------------------
    def sample(self, seed: int) -> Example:
        raise NotImplementedError

    def parse(self, user_input: str, **options) -> Example:
        raise NotImplementedError

    def parse_options(self) -> dict[str, ParseOption]:
        """The keyword options `parse` names after the text, with their types read from the evaluated
        annotations (`lag: int | None` -> int; float wins when a parameter takes both)."""
        hints = typing.get_type_hints(self.parse)
        out = {}
        for p in list(inspect.signature(self.parse).parameters.values())[1:]:      # after the text
            if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                continue
            hint = hints.get(p.name, float)
            args = set(typing.get_args(hint)) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is \
                typing.Union else {hint}
            kind = float if float in args else int if int in args else None
            if kind is None:
                raise TypeError(f"{type(self).__name__}.parse option {p.name!r}: annotate it int or float, got {hint}")
            out[p.name] = ParseOption(p.name, kind, None if p.default is p.empty else p.default)
        return out

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        return {}

    def make(self, rng: np.random.Generator) -> Example:
        """One random training example (tasks that generate their data)."""
        raise NotImplementedError

    def batch(self, rng: np.random.Generator, n: int) -> Batch:
        return self.collate([self.make(rng) for _ in range(n)])

    def heldout_examples(self, split: str = "test") -> list[Example]:
        """The fixed held-out examples (deterministic): n_heldout for "test", half as many for "val"."""
        rng = np.random.default_rng(self.heldout_seed + (split == "val"))
        return [self.make(rng) for _ in range(self.n_heldout if split == "test" else self.n_heldout // 2)]

    def heldout(self, split: str = "test") -> list[Batch]:
        """The fixed held-out set (deterministic), as a few batches."""
        raise NotImplementedError

    def collate(self, examples: list[Example]) -> Batch:
        """Pad examples into a batch (generic for id / float inputs and class / value targets)."""
        lengths = [len(e.tokens) for e in examples]
        T, B = max(lengths), len(examples)
        if self.encoding == "float":
            x = torch.zeros(T, B, self.in_features)
        else:
            x = torch.zeros(T, B, dtype=torch.long)
        for b, e in enumerate(examples):
            x[:len(e.tokens), b] = torch.as_tensor(e.x_raw)
        if self.io == "N->1" and self.output == "class":
            y = torch.tensor([int(e.target) for e in examples])
        elif self.io == "N->1":
            y = torch.tensor([float(e.target) for e in examples], dtype=torch.float32)
        elif self.output == "class":
            y = torch.full((T, B), IGNORE, dtype=torch.long)
            for b, e in enumerate(examples):
                y[:len(e.tokens), b] = torch.as_tensor(np.asarray(e.target, dtype=np.int64))
        else:
            y = torch.full((T, B), float("nan"))
            for b, e in enumerate(examples):
                y[:len(e.tokens), b] = torch.as_tensor(np.asarray(e.target, dtype=np.float32))
        same = len(set(lengths)) == 1
        return Batch(x, y, None if same else torch.tensor(lengths))

    # --- metrics ---------------------------------------------------------------------------------
    def metrics(self, model) -> dict[str, float]:
        """Held-out metrics of `model` (a ZooModel)."""
        raise NotImplementedError

    def baseline(self) -> dict[str, float]:
        """A trivial predictor's held-out metrics (majority class, last value, unigram ...)."""
        raise NotImplementedError

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        """What `model` predicts for `ex` as (kind, values): `predictions[kind]` formatted with the values."""
        raise NotImplementedError

    def predict(self, model, ex: Example) -> str:
        """What `model` predicts for `ex`, in English words."""
        kind, values = self.prediction(model, ex)
        return self.predictions[kind].format(**values)


# --- metric helpers shared by tasks ------------------------------------------------------------------
def n1_predictions(model, batches: list[Batch]) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted class, true class) over all held-out N->1 examples."""
    preds, ys = [], []
    for b in batches:
        preds.append(model(b.x, b.lengths).argmax(-1))
        ys.append(b.y)
    return torch.cat(preds), torch.cat(ys)


def tag_predictions(model, batches: list[Batch]) -> tuple[torch.Tensor, torch.Tensor]:
    """(per-step predictions, per-step targets) flattened over the valid steps of every batch."""
    preds, ys = [], []
    for b in batches:
        out = model(b.x, b.lengths)
        if model.task.output == "class":
            keep = b.y != IGNORE
            preds.append(out.argmax(-1)[keep]), ys.append(b.y[keep])
        else:
            keep = ~torch.isnan(b.y)
            preds.append(out[keep]), ys.append(b.y[keep])
    return torch.cat(preds), torch.cat(ys)


def majority_accuracy(labels: torch.Tensor) -> float:
    """Accuracy of always predicting the most frequent label."""
    return float(torch.bincount(labels.flatten()).max()) / labels.numel()


def softmax_np(logits: torch.Tensor) -> np.ndarray:
    return torch.softmax(logits, -1).numpy()
