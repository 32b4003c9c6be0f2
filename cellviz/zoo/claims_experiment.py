"""The claims experiment, v2: which cells learn which lags, how fast, and what depends on initialisation.

Three tasks, each posed as a curriculum of levels (the lag; for the adding problem the sequence length):

- `lag`: a cue A-D first, distractors, '?': name the cue (`tasks.lag`). "Latch the first input" solves it.
- `prefix`: decoys (A-D and w-z, unmarked), then '!' and the cue, distractors, '?' (`tasks.prefix`): the cell has
  to store the marked cue, not what the prefix wrote.
- `adding`: two marked values among T in [0, 1]; predict their sum (`tasks.adding`; Hochreiter & Schmidhuber
  1997 exp. 4): a level counts as learned at held-out MSE <= `LEARNED_MSE` (baseline: always 1, MSE 0.167).

Six rows (`ROWS`: RNN; LSTM default, forget-bias 1, chrono; GRU default, z-bias 1), the same optimiser, batch and
curriculum for every row, several seeds. Per run (task x row x seed x arm):

- arm "curriculum": train on levels drawn from [min, L], check every `val_every` steps on `val_n` held-out
  sequences at exactly L, move up when learned; a run stops when the last level is learned or after
  `stuck_limit` steps on one level (it can no longer advance). Records the step each level was learned, the
  score at test levels afterwards, and the normalised gradient ‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖ of the untrained model.
- arm "scratch": no curriculum; a fresh model trained and checked at exactly one level, at most
  `scratch_budget` steps.

The grid goes through one executor (`cellviz.zoo.executor`): local processes by default, Dask with
`--scheduler local` (a LocalCluster) or `--scheduler tcp://HOST:PORT`. Writes assets/claims.json (schema 2,
read by `cellviz.zoo.claims_report`):  python -m cellviz.zoo.claims_experiment   (--tiny: seconds).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..trace import trace
from . import store
from .executor import make_executor
from .models import ModelConfig, build
from .tasks import make_task
from .tasks.adding import BASELINE_MSE, LEARNED_MSE, ONE_VALUE_MSE
from .tasks.lag import LEARNED_AT
from .training import Curriculum, init_gates, level_learned, level_score, log_range, train_curriculum

COMMAND = "python -m cellviz.zoo.claims_experiment"
SCHEMA = 2

ROWS: dict[str, tuple[str, str]] = {          # row -> (cell, init)
    "rnn": ("rnn", "default"),
    "lstm": ("lstm", "default"),
    "lstm-forget1": ("lstm", "forget1"),
    "lstm-chrono": ("lstm", "chrono"),
    "gru": ("gru", "default"),
    "gru-keep1": ("gru", "keep1"),
}
FLOAT32_TINY = float(np.finfo(np.float32).tiny)      # smallest normal float32: below it a gradient has underflowed


@dataclass
class TaskSpec:
    """One task of the grid: its levels, the curriculum's per-level limit, test levels, the from-scratch arm."""

    name: str
    levels: list[int]
    min_level: int = 2
    stuck_limit: int = 500            # steps on one level without learning it: the run can no longer advance
    test_levels: list[int] = field(default_factory=list)
    scratch_levels: list[int] = field(default_factory=list)
    scratch_budget: int = 1000
    grad_level: int = 160             # the untrained models' gradient is taken on sequences of this level
    reference: int = 80               # the level a headline quotes steps for ("steps to lag 80")
    options: dict = field(default_factory=dict)     # the task's constructor options

    def curriculum(self, p: Protocol) -> Curriculum:
        return Curriculum(levels=list(self.levels), min_lag=self.min_level, val_every=p.val_every, val_n=p.val_n,
                          advance_at=LEARNED_AT, budget=self.stuck_limit * len(self.levels),
                          stuck_limit=self.stuck_limit, batch=p.batch, val_seed=p.val_seed)

    def scratch(self, p: Protocol, level: int) -> Curriculum:
        return Curriculum(levels=[level], min_lag=level, val_every=p.val_every, val_n=p.val_n,
                          advance_at=LEARNED_AT, budget=self.scratch_budget, stuck_limit=self.scratch_budget,
                          batch=p.batch, val_seed=p.val_seed)


def default_tasks() -> list[TaskSpec]:
    """The full run's tasks. Per-level limits from a one-seed pilot: the slowest first level took ~700 steps
    (chrono LSTM on the prefix task, the adding problem's gated rows), a learned level after it 10-440. The grid is
    sized to about 20 minutes on two quiet cores (the GRU costs about 3x an LSTM step on CPU)."""
    lags = [5, 10, 20, 40, 80, 160, 320]
    return [
        TaskSpec("lag", lags, 2, 800, [*lags, 640], [20, 80], 1000, 160, 80, {"min_lag": 2, "max_lag": 320}),
        TaskSpec("prefix", lags, 2, 800, [*lags, 640], [20, 80], 1000, 160, 80,
                 {"min_lag": 2, "max_lag": 320, "min_prefix": 1, "max_prefix": 20}),
        TaskSpec("adding", [10, 20, 40, 80, 160], 2, 1200, [10, 20, 40, 80, 160, 320], [20, 80], 1200, 160, 80,
                 {"length": 20}),
    ]


@dataclass
class Protocol:
    tasks: list[TaskSpec] = field(default_factory=default_tasks)
    rows: list[str] = field(default_factory=lambda: list(ROWS))
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])
    hidden: int = 32
    optimiser: dict = field(default_factory=lambda: {"name": "Adam", "lr": 2e-3, "clip": 1.0})
    batch: int = 32
    val_every: int = 10
    val_n: int = 256
    val_seed: int = 10_000
    test_n: int = 256
    grad_examples: int = 32
    workers: int = 2

    def task(self, name: str) -> TaskSpec:
        return next(s for s in self.tasks if s.name == name)

    def to_dict(self) -> dict:
        return asdict(self)


def protocol_from_dict(d: dict) -> Protocol:
    d = dict(d)
    d["tasks"] = [TaskSpec(**s) for s in d["tasks"]]
    return Protocol(**{k: v for k, v in d.items() if k in Protocol.__dataclass_fields__})


def fresh_model(spec: TaskSpec, cell: str, init: str, hidden: int, seed: int):
    """A newly initialised model for the task (seeded), its gate biases set per `init` (chrono: up to the top
    level's time constant)."""
    torch.manual_seed(seed)
    model = build(make_task(spec.name, **spec.options), ModelConfig(cell, hidden))
    init_gates(model.rnn, init, max(spec.levels[-1], 3))
    return model


def grad_ratio(model, level: int, n: int, seed: int = 30_000) -> dict[str, list]:
    """‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ (mean norms over n sequences at `level`) by distance k; also for c (LSTM).

    "<q>_floor": the first k at which every entry of the float32 gradient is below float32's smallest normal
    number (underflow: the curve from there on is not data), or None."""
    b = model.task.level_batch(np.random.default_rng(seed), n, level)
    x = model.encode(b.x).detach()

    def loss(output, h_n):
        return model.criterion(model.out(h_n), b.y)
    rec = trace(model.rnn, x, loss=loss).layer(0)
    out: dict[str, list] = {}
    for name, g in (("h", rec.grad_h), ("c", rec.grad_c)):
        if g is None:
            continue
        # float64: a float32 norm squares its entries and underflows to 0 below ~1e-19
        norms = np.linalg.norm(g.astype(np.float64), axis=-1).mean(axis=1)[::-1]   # index = distance k from the loss
        out[name] = [float(v) for v in norms / max(norms[0], 1e-300)]
        small = (np.abs(g).max(axis=(1, 2)) < FLOAT32_TINY)[::-1]
        out[name + "_floor"] = int(np.argmax(small)) if small.any() else None
    return out


def run_job(job: dict) -> dict:
    """One run of the grid (a module-level function: any executor can pickle it). job: {"protocol" (dict), "task",
    "row", "seed", "arm" ("curriculum" | "scratch"), "level" (scratch only)}."""
    torch.set_num_threads(1)
    t0, c0 = time.time(), time.process_time()
    p = protocol_from_dict(job["protocol"])
    spec = p.task(job["task"])
    cell, init = ROWS[job["row"]]
    seed = job["seed"]
    model = fresh_model(spec, cell, init, p.hidden, seed)
    out = {k: job[k] for k in ("task", "row", "seed", "arm")}
    if job["arm"] == "curriculum":
        g = grad_ratio(model, spec.grad_level, p.grad_examples)
        cur = spec.curriculum(p)
    else:
        cur = spec.scratch(p, job["level"])
        out["level"] = job["level"]
    opt = torch.optim.Adam(model.parameters(), lr=p.optimiser["lr"])
    res = train_curriculum(model, opt, model.task, cur, np.random.default_rng(seed), p.optimiser["clip"])
    task = model.task
    if job["arm"] == "curriculum":
        scores = {str(L): round(level_score(model, task, L, p.test_n, 20_000 + L), 5) for L in spec.test_levels}
        out.update(largest=res.largest_lag, steps=res.steps, ended=res.ended,
                   steps_to_learn={str(L): s for L, s in res.steps_to_learn.items()}, score=scores, grad=g)
    else:
        L = job["level"]
        out.update(steps_to_learn=res.steps_to_learn[L], steps=res.steps,
                   score=round(level_score(model, task, L, p.test_n, 20_000 + L), 5))
    out.update(seconds=round(time.time() - t0, 2), cpu_seconds=round(time.process_time() - c0, 2))
    return out


def jobs(p: Protocol) -> list[dict]:
    """The grid: every (task, row, seed) curriculum run and every (task, row, seed, level) from-scratch run,
    the (probably) longest first so that the workers finish together."""
    pd = p.to_dict()
    out = []
    for spec in p.tasks:
        for L in spec.scratch_levels:
            out += [{"protocol": pd, "task": spec.name, "row": r, "seed": s, "arm": "scratch", "level": L}
                    for r in p.rows for s in p.seeds]
        out += [{"protocol": pd, "task": spec.name, "row": r, "seed": s, "arm": "curriculum"}
                for r in p.rows for s in p.seeds]
    cost = {"rnn": 1, "lstm": 1, "gru": 3}
    return sorted(out, key=lambda j: -(cost[ROWS[j["row"]][0]] * (j.get("level") or 100)))


def _g(v):
    return None if v is None else float(f"{v:.4g}")


def collect(p: Protocol, results: list[dict]) -> dict:
    """Per-task, per-row tables from the per-run results (every list indexed like protocol.seeds)."""
    out = {}
    for spec in p.tasks:
        task = make_task(spec.name, **spec.options)
        rows = {}
        for row in p.rows:
            def runs(arm, level=None):
                got = [r for r in results if r["task"] == spec.name and r["row"] == row and r["arm"] == arm
                       and r.get("level") == level]
                return sorted(got, key=lambda r: p.seeds.index(r["seed"]))
            cur = runs("curriculum")
            cell, init = ROWS[row]
            n_k = min(len(r["grad"]["h"]) for r in cur)         # distances 0..T-1 from the loss
            ks = [k for k in log_range(max(spec.grad_level, n_k - 1)) if k < n_k]
            g = {"k": ks, "h": [[_g(r["grad"]["h"][k]) for k in ks] for r in cur],
                 "h_floor": [r["grad"]["h_floor"] for r in cur]}
            if cell == "lstm":
                g["c"] = [[_g(r["grad"]["c"][k]) for k in ks] for r in cur]
                g["c_floor"] = [r["grad"]["c_floor"] for r in cur]
            sc = {L: runs("scratch", L) for L in spec.scratch_levels}
            rows[row] = {
                "cell": cell, "init": init,
                "largest": [r["largest"] for r in cur],
                "ended": [r["ended"] for r in cur],
                "steps": [r["steps"] for r in cur],
                "steps_to_learn": {str(L): [r["steps_to_learn"][str(L)] for r in cur] for L in spec.levels},
                "score": {str(L): [r["score"][str(L)] for r in cur] for L in spec.test_levels},
                "grad_init": g,
                "from_scratch": {
                    "steps_to_learn": {str(L): [r["steps_to_learn"] for r in sc[L]] for L in spec.scratch_levels},
                    "steps": {str(L): [r["steps"] for r in sc[L]] for L in spec.scratch_levels},
                    "score": {str(L): [r["score"] for r in sc[L]] for L in spec.scratch_levels},
                    "largest": [max([L for L in spec.scratch_levels if sc[L][i]["steps_to_learn"] is not None],
                                    default=0) for i in range(len(p.seeds))]},
                "seconds": round(sum(r["seconds"] for r in results if r["task"] == spec.name and r["row"] == row), 1),
            }
        info = {"name": spec.name, "level_name": task.level_name, "metric": task.level_metric,
                "spec": asdict(spec), "curriculum": spec.curriculum(p).to_dict(), "rows": rows}
        if task.level_metric == "accuracy":
            info.update(learned={"metric": "accuracy", "op": ">=", "value": LEARNED_AT}, chance=1 / len(task.classes),
                        one_bit=0.5)
        else:
            info.update(learned={"metric": "mse", "op": "<=", "value": LEARNED_MSE}, baseline=round(BASELINE_MSE, 5),
                        one_value=round(ONE_VALUE_MSE, 5))
        out[spec.name] = info
    return out


def _cpu_seconds() -> float:
    import resource
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version as dist_version
    try:
        version = dist_version("cellviz")
    except PackageNotFoundError:
        version = "dev"
    return {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
            "cellviz": version}


def machine(note: str = "") -> dict:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "note": note}


def run(p: Protocol, out: Path | None, quiet: bool = False, scheduler: str | None = None,
        note: str = "") -> dict:
    """Run the grid through the executor, write the table to `out` (if given) and return it."""
    t0, cpu0 = time.time(), _cpu_seconds()
    grid = jobs(p)
    results: list[dict | None] = [None] * len(grid)
    bar = tqdm(total=len(grid), desc="claims (runs)", disable=quiet, unit="run")
    with make_executor(scheduler, p.workers) as ex:
        executor = ex.describe()
        for i, r in ex.run(run_job, grid):
            results[i] = r
            bar.update(1)
            if not quiet:
                what = (f"largest {r['largest']} after {r['steps']} steps ({r['ended']})" if r["arm"] == "curriculum"
                        else f"level {r['level']}: " + (f"learned at {r['steps_to_learn']}" if r["steps_to_learn"]
                                                        else "not learned"))
                tqdm.write(f"{r['task']:7s} {r['row']:13s} seed {r['seed']} {r['arm']:10s} {what} "
                           f"({r['seconds']:.0f}s)")
    bar.close()
    table = {
        "schema": SCHEMA,
        "command": COMMAND,
        "protocol": {**{k: v for k, v in p.to_dict().items() if k not in ("tasks", "workers")}, "versions": versions(),
                     "rows": {r: {"cell": ROWS[r][0], "init": ROWS[r][1]} for r in p.rows}},
        "tasks": collect(p, results),
        "executor": executor,
        "machine": machine(note),
        "seconds": round(time.time() - t0, 1),
        # this process and the workers it reaped (local processes), user + system; and the runs' own CPU time
        "cpu_seconds": round(_cpu_seconds() - cpu0, 1),
        "cpu_seconds_runs": round(sum(r["cpu_seconds"] for r in results), 1),
    }
    if out is not None:
        out.write_text(json.dumps(table, indent=1) + "\n")
    return table


def tiny() -> Protocol:
    """A seconds-long configuration for the test suite (all three tasks, all six rows, two seeds)."""
    return Protocol(
        tasks=[TaskSpec("lag", [3, 5], 2, 20, [3, 5, 8], [4], 20, 6, 5, {"min_lag": 2, "max_lag": 5}),
               TaskSpec("prefix", [3, 5], 2, 20, [3, 5], [4], 20, 6, 5,
                        {"min_lag": 2, "max_lag": 5, "min_prefix": 1, "max_prefix": 3}),
               TaskSpec("adding", [4, 6], 2, 20, [4, 6], [4], 20, 6, 6, {"length": 6})],
        seeds=[0, 1], hidden=8, val_every=5, val_n=32, test_n=32, grad_examples=4, workers=1,
        optimiser={"name": "Adam", "lr": 0.03, "clip": 1.0})        # a high rate: the tiny grid learns something


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=store.CLAIMS)
    ap.add_argument("--seeds", type=int, help="number of seeds (0..n-1)")
    ap.add_argument("--rows", help="comma-separated subset of " + ", ".join(ROWS))
    ap.add_argument("--tasks", help="comma-separated subset of lag, prefix, adding")
    ap.add_argument("--hidden", type=int, help="hidden units per model")
    ap.add_argument("--workers", type=int, help="worker processes (one thread each)")
    ap.add_argument("--scheduler", help="run the grid on Dask: 'local' (a LocalCluster of --workers processes) "
                                        "or tcp://HOST:PORT (an existing scheduler); default: local processes")
    ap.add_argument("--note", default="", help="a note on the machine, stored in the table (e.g. 'shared')")
    ap.add_argument("--tiny", action="store_true", help="smoke test: two tiny levels per task, a few dozen steps")
    a = ap.parse_args(argv)
    p = tiny() if a.tiny else Protocol()
    if a.seeds:
        p.seeds = list(range(a.seeds))
    if a.rows:
        p.rows = [r.strip() for r in a.rows.split(",")]
        bad = [r for r in p.rows if r not in ROWS]
        if bad:
            ap.error(f"unknown rows {bad}; choose from {', '.join(ROWS)}")
    if a.tasks:
        names = [s.strip() for s in a.tasks.split(",")]
        bad = [n for n in names if n not in {s.name for s in p.tasks}]
        if bad:
            ap.error(f"unknown tasks {bad}; choose from {', '.join(s.name for s in p.tasks)}")
        p.tasks = [s for s in p.tasks if s.name in names]
    if a.hidden:
        p.hidden = a.hidden
    if a.workers:
        p.workers = a.workers
    table = run(p, a.out, scheduler=a.scheduler, note=a.note)
    print(f"wrote {a.out} in {table['seconds']:.0f}s ({table['cpu_seconds_runs']:.0f} CPU seconds in the runs)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
