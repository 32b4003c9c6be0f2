"""Sentiment of templated sentences (N->1), where negation and contrast decide the label.

"the plot was not very good" is negative; "the acting was good , although the music was not fun" is
positive (the main clause wins); "it was dull but the ending was great" is positive (after "but" wins).
The label comes from these rules, so it is known exactly for any sentence a user types.
"""
from __future__ import annotations

import re

import numpy as np
import torch

from .base import Batch, Example, Task, majority_accuracy, n1_predictions, softmax_np

POSITIVE = "good great fun wonderful brilliant lovely charming excellent moving clever".split()
NEGATIVE = "bad awful boring dull terrible weak silly tedious bland poor".split()
NEGATORS = ["not", "never"]
INTENSIFIERS = "very really so quite truly".split()
SUBJECTS = ["the movie", "the film", "the plot", "the acting", "the music", "the story", "the ending",
            "the cast", "it"]
VERBS = ["was", "is", "seemed", "felt"]
ASIDES = [", i think ,", ", honestly ,", ", in the end ,", ", to be fair ,"]
CONNECTIVES = ["but", "although", "and", ","]
POLARITY = {**{w: 1 for w in POSITIVE}, **{w: -1 for w in NEGATIVE}}


def tokenize(text: str) -> list[str]:
    """Lower-cased words and commas; full stops, "!" and "?" are dropped."""
    return re.findall(r"[^\s,.!?]+|,", text.lower())


def main_clause(tokens: list[str]) -> tuple[int, int]:
    """[start, end) of the clause that decides the sentiment: after the last "but"; the clause that is
    not introduced by "although"; otherwise the whole sentence."""
    if "but" in tokens:
        return len(tokens) - tokens[::-1].index("but"), len(tokens)
    if "although" in tokens:
        k = tokens.index("although")
        if k == 0:
            return (tokens.index(",") + 1 if "," in tokens else len(tokens)), len(tokens)
        return 0, k
    return 0, len(tokens)


def word_polarities(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(polarity of each word after negation, 1 where the word sits under a negation), per clause."""
    pol, neg = np.zeros(len(tokens)), np.zeros(len(tokens))
    flips = 0
    for k, t in enumerate(tokens):
        if t in ("but", "although", "and", ","):
            flips = 0
        elif t in NEGATORS:
            flips += 1
        neg[k] = flips % 2
        if t in POLARITY:
            pol[k] = POLARITY[t] * (-1) ** flips
    return pol, neg


def label(tokens: list[str]) -> int | None:
    """1 positive, 0 negative, None if the main clause has no clear sentiment."""
    a, b = main_clause(tokens)
    s = word_polarities(tokens)[0][a:b].sum()
    return None if s == 0 else int(s > 0)


class SentimentTask(Task):
    name = "sentiment"
    io = "N->1"
    input_kind = "text"
    max_len = 40
    encoding = "embed"
    description = "Positive or negative? Templated movie-review sentences with negation and contrast."
    better = {"accuracy": "higher", "accuracy_negated": "higher", "accuracy_contrast": "higher"}
    vocab = sorted(set(" ".join(SUBJECTS + VERBS + ASIDES + CONNECTIVES).split() + POSITIVE + NEGATIVE
                       + NEGATORS + INTENSIFIERS))
    classes = ["negative", "positive"]

    def __init__(self, n_heldout: int = 1000):
        super().__init__(n_heldout=n_heldout)
        self.n_heldout = n_heldout

    def clause(self, rng: np.random.Generator, positive: bool, aside: bool = False) -> list[str]:
        """subject [aside] verb [negator] [intensifiers] adjective; asides only in main clauses, so a
        comma inside a clause never ends an "although" clause early."""
        negate = rng.random() < 0.5
        words = POSITIVE if positive != negate else NEGATIVE
        out = SUBJECTS[rng.integers(len(SUBJECTS))].split()
        if aside and rng.random() < 0.15:
            out += ASIDES[rng.integers(len(ASIDES))].split()
        out.append(VERBS[rng.integers(len(VERBS))])
        if negate:
            out.append(NEGATORS[rng.integers(len(NEGATORS))])
        out += [INTENSIFIERS[i] for i in rng.integers(len(INTENSIFIERS), size=rng.choice(4, p=[.5, .25, .15, .1]))]
        out.append(words[rng.integers(len(words))])
        return out

    def make(self, rng: np.random.Generator) -> Example:
        y = int(rng.integers(2))
        kind = rng.choice(["single", "but", "although-first", "although-last", "and"], p=[.3, .2, .2, .2, .1])
        main = self.clause(rng, bool(y), aside=True)
        other = self.clause(rng, bool(y) if kind == "and" else bool(rng.integers(2)))
        tokens = {"single": main, "but": other + ["but"] + main, "although-first": ["although"] + other + [","] + main,
                  "although-last": main + [",", "although"] + other, "and": other + ["and"] + main}[kind]
        return self.example(tokens, {"kind": str(kind)})

    def example(self, tokens: list[str], meta: dict | None = None) -> Example:
        y = label(tokens)
        a, b = main_clause(tokens)
        meta = {**(meta or {}), "negated": bool(word_polarities(tokens)[1][a:b].any())}
        return Example(tokens, self.ids(tokens), y, " ".join(tokens).replace(" ,", ","), meta)

    def sample(self, seed: int) -> Example:
        return self.make(np.random.default_rng(seed))

    def parse(self, user_input: str, **options) -> Example:
        """A sentence made of the task's words, e.g. "the plot was not very good , but the cast was great"."""
        tokens = tokenize(user_input)
        if not tokens:
            raise ValueError("the input is empty: type a sentence such as 'the movie was not very good'")
        self.check_tokens(tokens, "word")
        if label(tokens) is None:
            raise ValueError("the deciding clause has no clear sentiment: include one of "
                             + ", ".join(POSITIVE + NEGATIVE))
        return self.example(tokens)

    def features(self, ex: Example) -> dict[str, np.ndarray]:
        pol, neg = word_polarities(ex.tokens)
        a, b = main_clause(ex.tokens)
        main = np.zeros(len(ex.tokens))
        main[a:b] = 1
        return {"word polarity": pol, "under negation": neg, "main clause": main}

    def heldout(self, split: str = "test") -> list[Batch]:
        ex = self.heldout_examples(split)
        return [self.collate(ex[i:i + 250]) for i in range(0, len(ex), 250)]

    def metrics(self, model, batches: list[Batch] | None = None) -> dict[str, float]:
        pred, y = n1_predictions(model, batches or self.heldout())
        ok = (pred == y).numpy()
        if batches is not None:
            return {"accuracy": float(ok.mean())}
        ex = self.heldout_examples()
        negated = np.array([e.meta["negated"] for e in ex])
        contrast = np.array([e.meta["kind"] in ("but", "although-first", "although-last") for e in ex])
        return {"accuracy": float(ok.mean()), "accuracy_negated": float(ok[negated].mean()),
                "accuracy_contrast": float(ok[contrast].mean())}

    def baseline(self) -> dict[str, float]:
        ex = self.heldout_examples()
        y = torch.tensor([e.target for e in ex])
        negated = torch.tensor([e.meta["negated"] for e in ex])
        contrast = torch.tensor([e.meta["kind"] in ("but", "although-first", "although-last") for e in ex])
        return {"accuracy": majority_accuracy(y), "accuracy_negated": majority_accuracy(y[negated]),
                "accuracy_contrast": majority_accuracy(y[contrast])}

    def extra_baselines(self) -> dict[str, float]:
        """A word-counting lexicon (positive minus negative words, blind to negation and contrast): what
        a model gains by reading order, not just words. Reported in the card, not a pass/fail baseline."""
        ex = self.heldout_examples()
        guess = [int(sum(POLARITY.get(t, 0) for t in e.tokens) > 0) for e in ex]
        return {"lexicon_accuracy": round(float(np.mean([g == e.target for g, e in zip(guess, ex)])), 5)}

    predictions = {"class": "{label} ({p:.2f})"}

    def prediction(self, model, ex: Example) -> tuple[str, dict]:
        p = softmax_np(model(model.x_tensor(ex)))
        k = int(p.argmax())
        return "class", {"label": self.classes[k], "p": float(p[k])}
