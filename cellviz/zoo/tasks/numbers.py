"""Number words to digits (N->M): "three thousand forty two" -> "3042", with an encoder and a decoder.

A small translation task: the encoder reads words, its final state starts the decoder, which writes
digits one at a time (fed its previous digit; teacher-forced in training) and then an end mark "$".
The numbers 0-9999 are split at random: 10% are held out (never seen in training), 5% validate.
"""
from __future__ import annotations

import numpy as np
import torch

from .base import IGNORE, Batch, Example, Task

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
       "sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_VALUE = {**{w: i for i, w in enumerate(ONES)}, **{w: 10 * i for i, w in enumerate(TENS) if i >= 2},
              "hundred": 100, "thousand": 1000}
EOS, BOS = "$", "^"
LIMIT = 10_000


def words(n: int) -> list[str]:
    """English words for 0 <= n < 10000, without "and": 2005 -> two thousand five."""
    if n == 0:
        return ["zero"]
    out = []
    if n >= 1000:
        out += [ONES[n // 1000], "thousand"]
    if n % 1000 >= 100:
        out += [ONES[n % 1000 // 100], "hundred"]
    r = n % 100
    if r >= 20:
        out.append(TENS[r // 10])
        if r % 10:
            out.append(ONES[r % 10])
    elif r:
        out.append(ONES[r])
    return out


def value(tokens: list[str]) -> int | None:
    """The number a canonical word sequence names, else None."""
    total, cur = 0, 0
    for t in tokens:
        v = WORD_VALUE[t]
        if v == 1000:
            total, cur = total + cur * 1000, 0
        elif v == 100:
            cur *= 100
        else:
            cur += v
    n = total + cur
    return n if n < LIMIT and words(n) == tokens else None


class NumbersTask(Task):
    name = "translate"
    io = "N->M"
    input_kind = "text"
    max_len = 8
    encoding = "embed"
    description = "Translate English number words (zero to nine thousand ...) into digits."
    better = {"exact_match": "higher", "digit_accuracy": "higher"}
    vocab = ONES + [t for t in TENS if t != "_"] + ["hundred", "thousand"]
    out_vocab = list("0123456789") + [EOS, BOS]

    def __init__(self, n_heldout: int = 1000):
        super().__init__(n_heldout=n_heldout)
        self.n_heldout = n_heldout
        perm = np.random.default_rng(self.heldout_seed).permutation(LIMIT)
        self.split = {"test": perm[:1000][:n_heldout], "val": perm[1000:1500], "train": perm[1500:]}

    @property
    def bos(self) -> int:
        return self.out_vocab.index(BOS)

    def out_ids(self, s: str) -> np.ndarray:
        return np.array([self.out_vocab.index(c) for c in s], dtype=np.int64)

    def example(self, n: int) -> Example:
        w = words(n)
        return Example(w, self.ids(w), self.out_ids(str(n) + EOS), " ".join(w), {"number": n})

    def decoder_inputs(self, ex: Example) -> np.ndarray:
        """Teacher-forced decoder input ids: BOS then the target without its end mark."""
        return np.concatenate([[self.bos], np.asarray(ex.target)[:-1]]).astype(np.int64)

    def decoder_tokens(self, ex: Example) -> list[str]:
        """Display labels of the decoder's input steps."""
        return [self.out_vocab[i] for i in self.decoder_inputs(ex)]

    def sample(self, seed: int) -> Example:
        rng = np.random.default_rng(seed)
        return self.example(int(rng.choice(self.split["test"])))

    def parse(self, user_input: str, **options) -> Example:
        """Number words ("three hundred forty two") or digits ("342"), 0-9999."""
        text = user_input.strip().lower().replace("-", " ")
        if not text:
            raise ValueError("the input is empty: type a number in words, e.g. 'three hundred forty two'")
        if text.isdigit():
            if int(text) >= LIMIT:
                raise ValueError(f"numbers up to {LIMIT - 1} only")
            return self.example(int(text))
        tokens = text.replace(" and ", " ").split()
        self.check_tokens(tokens, "word")
        n = value(tokens)
        if n is None:
            raise ValueError("not a number name in the form the model learned (e.g. 'two thousand five', "
                             "'three hundred forty two')")
        return self.example(n)

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        v = np.array([WORD_VALUE[t] for t in ex.tokens], dtype=float)
        return {"word value": v, "is multiplier": np.isin(v, [100, 1000]).astype(float)}

    def collate_numbers(self, ns) -> Batch:
        ex = [self.example(int(n)) for n in ns]
        S, M = max(len(e.tokens) for e in ex), max(len(e.target) for e in ex)
        x = torch.zeros(S, len(ex), dtype=torch.long)
        dec = torch.full((M, len(ex)), self.bos, dtype=torch.long)
        y = torch.full((M, len(ex)), IGNORE, dtype=torch.long)
        for b, e in enumerate(ex):
            x[:len(e.tokens), b] = torch.as_tensor(e.x_raw)
            dec[:len(e.target), b] = torch.as_tensor(self.decoder_inputs(e))
            y[:len(e.target), b] = torch.as_tensor(e.target)
        return Batch(x, y, torch.tensor([len(e.tokens) for e in ex]), {"dec_in": dec})

    def batch(self, rng: np.random.Generator, n: int) -> Batch:
        return self.collate_numbers(rng.choice(self.split["train"], size=n))

    def heldout(self, split: str = "test") -> list[Batch]:
        ns = self.split[split]
        return [self.collate_numbers(ns[i:i + 500]) for i in range(0, len(ns), 500)]

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        exact, digits_ok, digits = 0, 0, 0
        n = 0
        for b in batches or self.heldout():
            gen = model.generate(b.x, b.lengths, b.y.shape[0])           # (M, B)
            valid = b.y != IGNORE
            exact += int(((gen == b.y) | ~valid).all(0).sum())
            logits = model(b.x, b.lengths, b.extra["dec_in"])
            digits_ok += int(((logits.argmax(-1) == b.y) & valid).sum())
            digits += int(valid.sum())
            n += b.y.shape[1]
        return {"exact_match": exact / n, "digit_accuracy": digits_ok / digits}

    def baseline(self) -> dict[str, float]:
        """Always write the most common training answer's digits, position by position (majority per step)."""
        train = self.collate_numbers(self.split["train"]).y
        guess = torch.tensor([int(torch.bincount(row[row != IGNORE]).argmax()) for row in train])
        exact, ok, total, n = 0, 0, 0, 0
        for b in self.heldout():
            valid = b.y != IGNORE
            g = guess[:b.y.shape[0], None].expand_as(b.y)
            exact += int(((g == b.y) | ~valid).all(0).sum())
            ok += int(((g == b.y) & valid).sum())
            total += int(valid.sum())
            n += b.y.shape[1]
        return {"exact_match": exact / n, "digit_accuracy": ok / total}

    predictions = {"right": "{output}  (right)", "wrong": "{output}  (wrong: {truth})"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        src = torch.as_tensor(ex.x_raw)[:, None]
        gen = model.generate(src, None, 6)[:, 0].tolist()
        s = "".join(self.out_vocab[i] for i in gen)
        s = s.split(EOS)[0] if EOS in s else s + "…"
        truth = str(ex.meta["number"])
        return ("right" if s == truth else "wrong"), {"output": s, "truth": truth}
