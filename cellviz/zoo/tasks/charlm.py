"""Character-level language model (N->N) on public-domain English shipped in assets/corpus/.

At every step the model guesses the next character. The text is lower-cased, whitespace becomes one
space, and only letters and common punctuation are kept. Each file's first 80% trains, 80-90% validates,
the last 10% is the held-out test text. Metric: bits per character (lower is better) and top-1 accuracy;
baseline: a unigram model of the training text.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from .. import store
from .base import IGNORE, Batch, Example, Task, softmax_np

ALPHABET = " abcdefghijklmnopqrstuvwxyz.,;:'!?-\""
SHOW = {" ": "␣"}


def clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.lower())
    return "".join(c for c in text if c in ALPHABET)


@lru_cache(maxsize=4)
def splits(corpus_dir: str) -> dict[str, str]:
    """{"train", "val", "test"} text, each the concatenation of the same slice of every corpus file."""
    out = {"train": [], "val": [], "test": []}
    for path in sorted(Path(corpus_dir).glob("*.txt")):
        t = clean(path.read_text(encoding="utf-8"))
        a, b = int(len(t) * 0.8), int(len(t) * 0.9)
        out["train"].append(t[:a]), out["val"].append(t[a:b]), out["test"].append(t[b:])
    return {k: " ".join(v) for k, v in out.items()}


class CharLMTask(Task):
    name = "charlm"
    io = "N->N"
    input_kind = "text"
    max_len = 300
    encoding = "onehot"
    description = "Guess the next character of English text (sonnets, Lincoln, Poe, the Declaration)."
    better = {"bpc": "lower", "accuracy": "higher"}
    vocab = list(ALPHABET)
    classes = list(ALPHABET)

    def __init__(self, seq_len: int = 64, n_heldout: int = 0):
        super().__init__(seq_len=seq_len, n_heldout=n_heldout)
        self.seq_len, self.n_heldout = seq_len, n_heldout
        self.text = splits(str(store.ASSETS / "corpus"))
        self.arr = {k: self.ids(list(v)) for k, v in self.text.items()}

    def example(self, chars: list[str], target: np.ndarray) -> Example:
        return Example([SHOW.get(c, c) for c in chars], self.ids(chars), target, "".join(chars))

    def sample(self, seed: int) -> Example:
        rng = np.random.default_rng(seed)
        t = self.text["test"]
        start = int(rng.integers(0, len(t) - 81))
        w = t[start:start + 81]
        return self.example(list(w[:-1]), self.ids(list(w[1:])))

    def parse(self, user_input: str, **options) -> Example:
        """Any text in the alphabet (lower-cased; whitespace runs become one space)."""
        text = re.sub(r"\s+", " ", user_input.lower()).strip()
        chars = list(text)
        self.check_tokens(chars)
        target = np.append(self.ids(chars[1:]), IGNORE)     # the character after the last is unknown
        return self.example(chars, target)

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        in_word = np.array([c.isalpha() or c == "'" for c in ex.text], dtype=float)
        pos = np.zeros(len(ex.text))
        for k in range(len(ex.text)):
            pos[k] = (pos[k - 1] + 1 if k else 1) if in_word[k] else 0
        return {"in word": in_word, "position in word": pos,
                "after punctuation": np.array([c in ".,;:!?" for c in ex.text], dtype=float)}

    def windows(self, arr: np.ndarray, starts: np.ndarray) -> Batch:
        w = np.stack([arr[s:s + self.seq_len + 1] for s in starts], axis=1)
        return Batch(torch.as_tensor(w[:-1]), torch.as_tensor(w[1:]))

    def batch(self, rng: np.random.Generator, n: int) -> Batch:
        arr = self.arr["train"]
        return self.windows(arr, rng.integers(0, len(arr) - self.seq_len - 1, size=n))

    def heldout(self, split: str = "test") -> list[Batch]:
        """Consecutive non-overlapping windows of the split (n_heldout > 0 keeps only that many)."""
        arr = self.arr[split]
        starts = np.arange(0, len(arr) - self.seq_len - 1, self.seq_len)
        if self.n_heldout:
            starts = starts[:self.n_heldout]
        return [self.windows(arr, starts[i:i + 64]) for i in range(0, len(starts), 64)]

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        nll, correct, n = 0.0, 0, 0
        for b in batches or self.heldout():
            logits = model(b.x)
            nll += float(torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                           b.y.reshape(-1), reduction="sum"))
            correct += int((logits.argmax(-1) == b.y).sum())
            n += b.y.numel()
        return {"bpc": nll / n / math.log(2), "accuracy": correct / n}

    def baseline(self) -> dict[str, float]:
        counts = np.bincount(self.arr["train"], minlength=len(self.vocab)) + 1.0
        p = counts / counts.sum()
        y = torch.cat([b.y.flatten() for b in self.heldout()]).numpy()
        return {"bpc": float(-np.log2(p[y]).mean()), "accuracy": float((y == p.argmax()).mean())}

    predictions = {"next": "next: {guesses} · continues: \"{text}\""}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        x = model.x_tensor(ex)
        p = softmax_np(model(x)[-1])
        top = np.argsort(-p)[:3]
        guesses = ", ".join(f"'{SHOW.get(self.vocab[k], self.vocab[k])}' {p[k]:.2f}" for k in top)
        ids = list(x.numpy())
        for _ in range(40):                        # greedy continuation
            ids.append(int(model(torch.as_tensor(ids[-self.max_len:]))[-1].argmax()))
        cont = "".join(self.vocab[k] for k in ids[len(x):])
        return "next", {"guesses": guesses, "text": cont}
