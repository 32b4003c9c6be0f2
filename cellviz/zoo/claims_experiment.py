"""The claims experiment: how far back can a vanilla RNN, an LSTM and a GRU really remember?

For each cell and lag, train a fresh model on the long-lag recall task at exactly that lag (no curriculum,
same budget for every cell), record held-out accuracy per seed, and measure the gradient norm
||dL/dh_t|| as a function of the distance from the loss with `cellviz.trace`.
Writes assets/claims.json:  python -m cellviz.zoo.claims   (--quick for a smoke test).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from .. import trace
from . import store
from .models import ModelConfig, build
from .tasks.lag import LagTask

COMMAND = "python -m cellviz.zoo.claims"


@dataclass
class Protocol:
    cells: list[str] = field(default_factory=lambda: ["rnn", "lstm", "gru"])
    lags: list[int] = field(default_factory=lambda: [5, 10, 20, 50, 100, 200])
    seeds: int = 3
    hidden: int = 32
    batch: int = 32
    lr: float = 2e-3
    max_steps: int = 2000
    check_every: int = 100
    stop_at: float = 0.99          # early stop once validation accuracy reaches this
    n_test: int = 512
    grad_lag: int = 100            # the lag whose trained models' gradient flow is measured
    grad_examples: int = 32


def train_one(p: Protocol, cell: str, lag: int, seed: int) -> tuple[torch.nn.Module, float, int]:
    """(model, held-out accuracy, steps used) for one cell, lag and seed."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    task = LagTask(min_lag=lag, max_lag=lag)
    model = build(task, ModelConfig(cell, p.hidden))
    opt = torch.optim.Adam(model.parameters(), lr=p.lr)
    val = task.batch(np.random.default_rng(10_000 + seed), 256)
    step = 0
    while step < p.max_steps:
        model.train()
        loss = model.loss(task.batch(rng, p.batch))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % p.check_every == 0:
            model.eval()
            with torch.no_grad():
                if float((model(val.x).argmax(-1) == val.y).float().mean()) >= p.stop_at:
                    break
    model.eval()
    test = task.batch(np.random.default_rng(20_000 + seed), p.n_test)
    with torch.no_grad():
        acc = float((model(test.x).argmax(-1) == test.y).float().mean())
    return model, acc, step


def grad_norm_vs_distance(model, lag: int, n: int) -> tuple[list[int], list[float]]:
    """Mean over n held-out sequences of ||dL/dh_t|| (top layer) against distance T-1-t from the loss."""
    task = model.task
    b = task.batch(np.random.default_rng(30_000), n, lag)
    x = model.encode(b.x).detach()                      # (T, B, I)

    def loss(output, h_n):
        return torch.nn.functional.cross_entropy(model.head(model.pooled(h_n)), b.y)
    tr = trace(model.recurrent, x, loss=loss)
    norms = np.linalg.norm(tr.layer(0).grad_h, axis=-1).mean(axis=1)     # (T,)
    T = len(norms)
    return list(range(T)), [float(v) for v in norms[::-1]]             # index = distance from the loss


def run(p: Protocol, out: Path, quiet: bool = False) -> dict:
    torch.set_num_threads(1)
    t0 = time.time()
    acc = {c: {str(l): [] for l in p.lags} for c in p.cells}
    steps = {c: {str(l): [] for l in p.lags} for c in p.cells}
    grads: dict[str, dict] = {}
    jobs = [(c, l, s) for l in p.lags for c in p.cells for s in range(p.seeds)]
    for cell, lag, seed in tqdm(jobs, desc="claims", disable=quiet):
        model, a, n = train_one(p, cell, lag, seed)
        acc[cell][str(lag)].append(round(a, 4))
        steps[cell][str(lag)].append(n)
        tqdm.write(f"{cell:4s} lag {lag:3d} seed {seed}: accuracy {a:.3f} after {n} steps")
        if lag == p.grad_lag and seed == 0:
            dist, norm = grad_norm_vs_distance(model, lag, p.grad_examples)
            torch.manual_seed(seed)
            _, norm0 = grad_norm_vs_distance(build(model.task, ModelConfig(cell, p.hidden)).eval(), lag, p.grad_examples)
            grads[cell] = {"distance": dist, "norm": norm, "norm_untrained": norm0, "lag": lag,
                           "accuracy": round(a, 4)}
    table = {
        "command": COMMAND, "lags": p.lags, "cells": p.cells, "accuracy": acc, "chance": 0.25,
        "grad_norm_vs_distance": grads, "steps": steps, "protocol": asdict(p),
        "seconds": round(time.time() - t0, 1),
        "notes": notes(p, acc, grads),
    }
    out.write_text(json.dumps(table, indent=1) + "\n")
    return table


def notes(p: Protocol, acc: dict, grads: dict) -> str:
    lines = [f"Long-lag recall (cue A-D, {p.lags[0]}..{p.lags[-1]} distractor steps, then '?'; chance 0.25). "
             f"Each (cell, lag, seed): a fresh {p.hidden}-unit model trained at exactly that lag with Adam "
             f"lr={p.lr}, batch {p.batch}, at most {p.max_steps} steps (early stop at validation accuracy "
             f">= {p.stop_at}); accuracy on {p.n_test} held-out sequences. The step budget is small and the "
             "same for every cell: a failure means 'not learned within this budget', not 'cannot represent'."]
    for c in p.cells:
        solved = [l for l in p.lags if np.mean(acc[c][str(l)]) >= 0.9]
        lines.append(f"{c}: mean accuracy >= 0.9 at lags {solved or 'none'}.")
    if grads:
        lines.append(f"Gradient norms: ||dL/dh_t|| averaged over {p.grad_examples} sequences of lag {p.grad_lag}, "
                     "for the seed-0 model trained at that lag ('norm') and the same architecture untrained "
                     "('norm_untrained'); index = distance from the loss.")
    return " ".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=store.CLAIMS)
    ap.add_argument("--seeds", type=int)
    ap.add_argument("--quick", action="store_true", help="smoke test: lags 5 and 10, 1 seed, 50 steps")
    a = ap.parse_args(argv)
    p = Protocol()
    if a.quick:
        p = Protocol(lags=[5, 10], seeds=1, max_steps=50, check_every=25, n_test=64, grad_lag=10, grad_examples=4)
    if a.seeds:
        p.seeds = a.seeds
    table = run(p, a.out)
    print(f"wrote {a.out} in {table['seconds']:.0f}s")


if __name__ == "__main__":
    main()
