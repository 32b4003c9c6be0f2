"""The claims experiment: how long a lag can a vanilla RNN, an LSTM and a GRU *learn*, and how fast?

Six rows, the same task, budget and optimiser for each: `rnn`, `lstm` (PyTorch's default init), `lstm-forget1`
(forget-gate bias summing to 1), `lstm-chrono` (chrono init, Tallec & Ollivier 2018), `gru`, `gru-keep1` (the
update gate z, PyTorch's keep gate, biased to 1). Every run goes through the lag curriculum of
`cellviz.zoo.training.Curriculum` (train on lags drawn from [2, L], check every 50 steps on 256 sequences at exactly
lag L, move up at ≥ 0.95) within a step budget, and records: the largest lag learned, the step at which each level
was learned, accuracy by lag after training (also beyond the last level: holding vs learning), and the gradient
ratio ‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ of the *untrained* model by distance k (and ‖∂L/∂c‖ for the LSTM).
A separate finding (`from_scratch`): no curriculum — a fresh model trained and checked at exactly one lag, for a few
lags — which measures learning from a gradient that has to cross the whole lag.

Writes assets/claims.json:  python -m cellviz.zoo.claims_experiment   (--tiny: a seconds-long smoke run).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import queue
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from .. import trace
from . import store
from .models import ModelConfig, build
from .tasks.lag import LagTask
from .training import Curriculum, accuracy_at, init_gates, log_range, train_curriculum

COMMAND = "python -m cellviz.zoo.claims_experiment"

ROWS: dict[str, tuple[str, str]] = {          # row -> (cell, init)
    "rnn": ("rnn", "default"),
    "lstm": ("lstm", "default"),
    "lstm-forget1": ("lstm", "forget1"),
    "lstm-chrono": ("lstm", "chrono"),
    "gru": ("gru", "default"),
    "gru-keep1": ("gru", "keep1"),
}


@dataclass
class Protocol:
    rows: list[str] = field(default_factory=lambda: list(ROWS))
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    hidden: int = 32
    optimiser: dict = field(default_factory=lambda: {"name": "Adam", "lr": 2e-3, "clip": 1.0})
    curriculum: Curriculum = field(default_factory=Curriculum)
    test_lags: list[int] = field(default_factory=lambda: [5, 10, 20, 40, 80, 160, 320, 640])
    test_n: int = 256
    grad_lag: int = 320            # the lag of the sequences whose gradient the untrained models propagate
    grad_examples: int = 32
    # the separate finding: no curriculum, each lag learned from scratch (train and check at exactly that lag)
    scratch_lags: list[int] = field(default_factory=lambda: [10, 20, 40, 80, 160])
    scratch_budget: int = 2000
    workers: int = 2

    def to_dict(self) -> dict:
        d = asdict(self)
        d["batch"] = self.curriculum.batch
        return d


def fresh_model(cell: str, init: str, hidden: int, max_lag: int, seed: int):
    """A newly initialised lag-task classifier (seeded), with its gate biases set per `init`."""
    torch.manual_seed(seed)
    model = build(LagTask(min_lag=2, max_lag=max_lag), ModelConfig(cell, hidden))
    init_gates(model.rnn, init, max_lag)
    return model


def grad_ratio(model, lag: int, n: int, seed: int = 30_000) -> dict[str, list[float]]:
    """‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ (mean norms over n sequences of `lag`) by distance k; also for c (LSTM)."""
    b = model.task.batch(np.random.default_rng(seed), n, lag)
    x = model.encode(b.x).detach()

    def loss(output, h_n):
        return torch.nn.functional.cross_entropy(model.out(h_n), b.y)
    rec = trace(model.rnn, x, loss=loss).layer(0)
    out = {}
    for name, g in (("h", rec.grad_h), ("c", rec.grad_c)):
        if g is None:
            continue
        # float64: a float32 norm squares its entries and underflows to 0 below ~1e-19
        norms = np.linalg.norm(g.astype(np.float64), axis=-1).mean(axis=1)[::-1]   # index = distance k from the loss
        out[name] = [float(v) for v in norms / max(norms[0], 1e-30)]
    return out


def run_one(p: Protocol, row: str, seed: int, progress=None) -> dict:
    """One (row, seed) run: gradient at init, curriculum training, accuracy by lag."""
    torch.set_num_threads(1)
    cell, init = ROWS[row]
    cur = p.curriculum
    t0 = time.time()
    model = fresh_model(cell, init, p.hidden, cur.levels[-1], seed)
    g = grad_ratio(model, p.grad_lag, p.grad_examples)
    opt = torch.optim.Adam(model.parameters(), lr=p.optimiser["lr"])
    report_every = cur.val_every

    def on_step(step: int) -> None:
        if progress is not None and step % report_every == 0:
            progress.put(report_every)
    res = train_curriculum(model, opt, model.task, cur, np.random.default_rng(seed), p.optimiser["clip"], on_step)
    if progress is not None:                    # the rest of this run's budget, for the progress bar
        progress.put(cur.budget - res.steps // report_every * report_every)
    acc = {str(L): round(accuracy_at(model, model.task, L, p.test_n, 20_000 + L), 4) for L in p.test_lags}
    return {"row": row, "seed": seed, "largest_lag": res.largest_lag, "steps": res.steps, "ended": res.ended,
            "steps_to_learn": {str(L): s for L, s in res.steps_to_learn.items()}, "accuracy": acc,
            "grad": g, "seconds": round(time.time() - t0, 1)}


def scratch_curriculum(p: Protocol, lag: int) -> Curriculum:
    """The from-scratch arm: one level, train and check at exactly `lag`, at most `scratch_budget` steps."""
    c = p.curriculum
    return Curriculum(levels=[lag], min_lag=lag, val_every=c.val_every, val_n=c.val_n, advance_at=c.advance_at,
                      budget=p.scratch_budget, stuck_limit=p.scratch_budget, batch=c.batch, val_seed=c.val_seed)


def run_scratch(p: Protocol, row: str, seed: int, lag: int, progress=None) -> dict:
    """One (row, seed, lag) run without curriculum: a fresh model trained at exactly `lag`."""
    torch.set_num_threads(1)
    cell, init = ROWS[row]
    t0 = time.time()
    cur = scratch_curriculum(p, lag)
    model = fresh_model(cell, init, p.hidden, p.curriculum.levels[-1], seed)
    opt = torch.optim.Adam(model.parameters(), lr=p.optimiser["lr"])

    def on_step(step: int) -> None:
        if progress is not None and step % cur.val_every == 0:
            progress.put(cur.val_every)
    res = train_curriculum(model, opt, model.task, cur, np.random.default_rng(seed), p.optimiser["clip"], on_step)
    if progress is not None:
        progress.put(cur.budget - res.steps // cur.val_every * cur.val_every)
    return {"row": row, "seed": seed, "lag": lag, "steps_to_learn": res.steps_to_learn[lag],
            "accuracy": round(accuracy_at(model, model.task, lag, p.test_n, 20_000 + lag), 4),
            "seconds": round(time.time() - t0, 1)}


def regrad(table: dict) -> dict:
    """Recompute every row's `grad_ratio_init` of a finished table (the models at initialisation are fixed by seed)."""
    p = table["protocol"]
    ks = log_range(p["grad_lag"])
    for row, d in table["rows"].items():
        cell, init = ROWS[row]
        gs = [grad_ratio(fresh_model(cell, init, p["hidden"], p["curriculum"]["levels"][-1], seed), p["grad_lag"],
                         p["grad_examples"]) for seed in p["seeds"]]
        d["grad_ratio_init"] = {"k": ks, **{q: [[float(f"{g[q][k]:.4g}") for k in ks] for g in gs] for q in gs[0]}}
    return table


def _collect(p: Protocol, results: list[dict]) -> dict:
    """Per-row tables from the per-run results (lists indexed like protocol.seeds)."""
    ks = log_range(p.grad_lag)
    rows = {}
    scratch = [r for r in results if "lag" in r]
    results = [r for r in results if "lag" not in r]
    for row in p.rows:
        runs = sorted((r for r in results if r["row"] == row), key=lambda r: p.seeds.index(r["seed"]))
        sc = {L: sorted((r for r in scratch if r["row"] == row and r["lag"] == L), key=lambda r: p.seeds.index(r["seed"]))
              for L in p.scratch_lags}
        cell, init = ROWS[row]
        d = {"cell": cell, "init": init,
             "largest_lag": [r["largest_lag"] for r in runs],
             "steps": [r["steps"] for r in runs],
             "ended": [r["ended"] for r in runs],
             "steps_to_learn": {str(L): [r["steps_to_learn"][str(L)] for r in runs] for L in p.curriculum.levels},
             "accuracy": {str(L): [r["accuracy"][str(L)] for r in runs] for L in p.test_lags},
             "grad_ratio_init": {"k": ks, "h": [[float(f"{r['grad']['h'][k]:.4g}") for k in ks] for r in runs]},
             "seconds": [r["seconds"] for r in runs]}
        if cell == "lstm":
            d["grad_ratio_init"]["c"] = [[float(f"{r['grad']['c'][k]:.4g}") for k in ks] for r in runs]
        d["from_scratch"] = {
            "lags": p.scratch_lags,
            "steps_to_learn": {str(L): [r["steps_to_learn"] for r in sc[L]] for L in p.scratch_lags},
            "accuracy": {str(L): [r["accuracy"] for r in sc[L]] for L in p.scratch_lags},
            "largest_lag": [max([L for L in p.scratch_lags if sc[L][i]["steps_to_learn"] is not None], default=0)
                            for i in range(len(p.seeds))]}
        rows[row] = d
    return rows


def _cpu_seconds() -> float:
    import resource
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def versions() -> dict:
    import cellviz
    return {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
            "cellviz": getattr(cellviz, "__version__", "dev")}


def run(p: Protocol, out: Path | None, quiet: bool = False) -> dict:
    """Run every (row, seed) (in `p.workers` processes), write the table to `out` (if given) and return it."""
    t0, cpu0 = time.time(), _cpu_seconds()
    # (row, seed, None) = the curriculum run; (row, seed, L) = from scratch at lag L; longest first for balance
    jobs = [(row, s, L) for L in sorted(p.scratch_lags, reverse=True) for row in p.rows for s in p.seeds]
    jobs += [(row, s, None) for row in p.rows for s in p.seeds]
    total = sum(p.curriculum.budget if L is None else p.scratch_budget for _, _, L in jobs)
    results: list[dict] = []
    bar = tqdm(total=total, desc="claims (steps)", disable=quiet, unit="step")

    def done(r: dict) -> None:
        results.append(r)
        if "lag" in r:
            msg = (f"{r['row']:13s} seed {r['seed']}: from scratch at lag {r['lag']:3d}: "
                   f"{'learned at step ' + str(r['steps_to_learn']) if r['steps_to_learn'] else 'not learned'}, "
                   f"accuracy {r['accuracy']:.3f} ({r['seconds']:.0f}s)")
        else:
            msg = (f"{r['row']:13s} seed {r['seed']}: curriculum: largest lag {r['largest_lag']:4d} after "
                   f"{r['steps']:5d} steps ({r['ended']}, {r['seconds']:.0f}s)")
        if not quiet:
            tqdm.write(msg)

    def call(row: str, s: int, L: int | None, progress=None):
        return (run_one, p, row, s, progress) if L is None else (run_scratch, p, row, s, L, progress)
    if p.workers <= 1:
        for row, s, L in jobs:
            fn, *args = call(row, s, L)
            r = fn(*args)
            bar.update(p.curriculum.budget if L is None else p.scratch_budget)
            done(r)
    else:
        ctx = mp.get_context("spawn")
        with ctx.Manager() as manager:
            progress = manager.Queue()
            with ProcessPoolExecutor(p.workers, mp_context=ctx) as pool:
                pending = {pool.submit(*call(row, s, L, progress)) for row, s, L in jobs}
                while pending:
                    finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    while True:
                        try:
                            bar.update(progress.get_nowait())
                        except queue.Empty:
                            break
                    for f in finished:
                        done(f.result())
    bar.close()
    table = {
        "command": COMMAND,
        "task": "lag",
        "chance": 0.25,
        "one_bit": 0.5,
        "protocol": {**p.to_dict(), "versions": versions(),
                     "rows": {r: {"cell": ROWS[r][0], "init": ROWS[r][1]} for r in p.rows}},
        "rows": _collect(p, results),
        "seconds": round(time.time() - t0, 1),
        "cpu_seconds": round(_cpu_seconds() - cpu0, 1),       # this process and its workers, user + system
    }
    table["notes"] = notes(p, table["rows"])
    if out is not None:
        out.write_text(json.dumps(table, indent=1) + "\n")
    return table


def notes(p: Protocol, rows: dict) -> str:
    cur = p.curriculum
    lines = [f"Long-lag recall (cue A-D, then distractors, then '?'; chance 0.25). Every (row, seed) run: a fresh "
             f"{p.hidden}-unit model, Adam lr={p.optimiser['lr']}, batch {cur.batch}, clip {p.optimiser['clip']}; "
             f"curriculum levels {cur.levels}: at level L train on lags drawn from [{cur.min_lag}, L], check every "
             f"{cur.val_every} steps on {cur.val_n} sequences at exactly L, move up at >= {cur.advance_at}; at most "
             f"{cur.budget} steps in all and {cur.stuck_limit} on one level. Seeds {p.seeds}."]
    for row, d in rows.items():
        lines.append(f"{row}: largest lag learned per seed {d['largest_lag']}.")
    lines.append(f"Separate finding ('from_scratch'): no curriculum, a fresh model trained and checked at exactly lag "
                 f"L in {p.scratch_lags}, at most {p.scratch_budget} steps, learned at >= {cur.advance_at}: this "
                 "measures learning from a gradient that must cross the whole lag.")
    for row, d in rows.items():
        lines.append(f"{row} from scratch: largest lag learned per seed {d['from_scratch']['largest_lag']}.")
    return " ".join(lines)


def tiny() -> Protocol:
    """A seconds-long configuration for the test suite."""
    return Protocol(rows=list(ROWS), seeds=[0, 1], hidden=8,
                    curriculum=Curriculum(levels=[3, 5], budget=40, stuck_limit=20, val_every=10, val_n=32),
                    test_lags=[3, 5, 10], test_n=32, grad_lag=6, grad_examples=4, scratch_lags=[3, 4],
                    scratch_budget=20, workers=1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=store.CLAIMS)
    ap.add_argument("--seeds", type=int, help="number of seeds (0..n-1)")
    ap.add_argument("--rows", help="comma-separated subset of " + ", ".join(ROWS))
    ap.add_argument("--budget", type=int, help="steps per run in all")
    ap.add_argument("--stuck", type=int, help="steps on one level before a run gives up")
    ap.add_argument("--scratch-budget", type=int, help="steps per from-scratch run")
    ap.add_argument("--workers", type=int, help="worker processes (one thread each)")
    ap.add_argument("--regrad", action="store_true",
                    help="only recompute grad_ratio_init of the existing --out table (no training)")
    ap.add_argument("--tiny", action="store_true", help="smoke test: two tiny levels, a few dozen steps")
    a = ap.parse_args(argv)
    if a.regrad:
        table = regrad(json.loads(a.out.read_text()))
        a.out.write_text(json.dumps(table, indent=1) + "\n")
        print(f"recomputed grad_ratio_init in {a.out}", file=sys.stderr)
        return
    p = tiny() if a.tiny else Protocol()
    if a.seeds:
        p.seeds = list(range(a.seeds))
    if a.rows:
        p.rows = [r.strip() for r in a.rows.split(",")]
        bad = [r for r in p.rows if r not in ROWS]
        if bad:
            ap.error(f"unknown rows {bad}; choose from {', '.join(ROWS)}")
    if a.budget:
        p.curriculum.budget = a.budget
    if a.stuck:
        p.curriculum.stuck_limit = a.stuck
    if a.scratch_budget:
        p.scratch_budget = a.scratch_budget
    if a.workers:
        p.workers = a.workers
    table = run(p, a.out)
    print(f"wrote {a.out} in {table['seconds']:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
