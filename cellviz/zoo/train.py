"""Train zoo models: `python -m cellviz.zoo.train --task lag --cell lstm` (one model) or `--all`.

Data come from the task's generators (or the shipped corpus); training is plain Adam with gradient
clipping (`training.train_step`), a fixed seed, one tqdm bar per model, a loss log per epoch, early stopping on a
validation set and the best validation state kept. The lag- and prefix-task models instead go through the claims
experiment's lag curriculum (`training.train_curriculum`, same protocol) to its last level, and keep their final
weights. Writes assets/zoo/<name>/ (or --out DIR/<name>/).
"""
from __future__ import annotations

import argparse
import copy
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from . import store
from .models import ModelConfig, build
from .tasks import make_task
from .training import Curriculum, init_gates, train_curriculum, train_step


@dataclass
class Recipe:
    task: str
    cell: str = "lstm"
    hidden: int = 32
    layers: int = 1
    bidirectional: bool = False
    embed: int = 0
    epochs: int = 20
    steps: int = 100              # batches per epoch (data are generated, so an epoch is a fixed budget)
    batch: int = 64
    lr: float = 3e-3
    seed: int = 0
    clip: float = 1.0
    task_options: dict = field(default_factory=dict)
    stop_at: dict = field(default_factory=dict)   # {metric: value}: stop once validation reaches it
    snapshots: int = 0            # how many weight snapshots to keep (evenly spaced, first = untrained)
    init: str = "default"         # gate-bias initialisation (`training.init_gates`): default, forget1, chrono, keep1
    curriculum: dict | None = None  # a `training.Curriculum` (as a dict): train through its levels instead of epochs

    @property
    def name(self) -> str:
        return (f"{self.task}-{'bi' if self.bidirectional else ''}{self.cell}"
                + (f"-{self.layers}layer" if self.layers > 1 else ""))

    def command(self) -> str:
        cmd = f"python -m cellviz.zoo.train --task {self.task} --cell {self.cell}"
        return cmd + (" --bidirectional" if self.bidirectional else "") + (
            f" --layers {self.layers}" if self.layers > 1 else "")


def _zoo() -> dict[str, Recipe]:
    """Every shipped model and how it is trained."""
    out: list[Recipe] = []
    lag_curriculum = Curriculum().to_dict()          # the claims experiment's protocol
    for cell in ("rnn", "lstm", "gru"):
        out.append(Recipe("lag", cell, hidden=32, batch=32, lr=2e-3, init="chrono" if cell == "lstm" else "default",
                          curriculum=lag_curriculum, task_options={"min_lag": 2, "max_lag": lag_curriculum["levels"][-1]}))
    # the claims experiment's v2 tasks: a cell that has to choose what to store (prefix), and to add (adding)
    prefix_curriculum = Curriculum(levels=[5, 10, 20, 40], val_every=10, budget=6000, stuck_limit=2000).to_dict()
    for cell in ("rnn", "lstm", "gru"):
        out.append(Recipe("prefix", cell, hidden=16, batch=32, lr=3e-3, curriculum=prefix_curriculum,
                          task_options={"min_lag": 2, "max_lag": 40, "min_prefix": 1, "max_prefix": 20}))
        out.append(Recipe("adding", cell, hidden=16, epochs=30, steps=100, batch=64, lr=5e-3, snapshots=6,
                          task_options={"length": 20}, stop_at={"mse": 0.005}))
    for cell in ("rnn", "lstm", "gru"):
        out.append(Recipe("brackets", cell, hidden=24, epochs=25, steps=60, lr=5e-3,
                          stop_at={"sequence_accuracy": 0.995}))
        out.append(Recipe("sentiment", cell, hidden=32, embed=16, epochs=20, steps=60, lr=5e-3,
                          stop_at={"accuracy": 0.998}))
    for cell in ("lstm", "gru"):
        out.append(Recipe("sentiment", cell, hidden=24, embed=16, bidirectional=True, epochs=20, steps=60,
                          lr=5e-3, stop_at={"accuracy": 0.998}))
    for cell in ("rnn", "lstm", "gru"):
        out.append(Recipe("charlm", cell, hidden=64, epochs=12, steps=100, batch=32, lr=5e-3))
        out.append(Recipe("forecast", cell, hidden=32, epochs=20, steps=50, batch=32, lr=5e-3))
        out.append(Recipe("waveform", cell, hidden=64, epochs=80, steps=50, batch=32, lr=5e-3))
        out.append(Recipe("translate", cell, hidden=64, embed=16, epochs=20, steps=100, batch=64, lr=5e-3,
                          stop_at={"exact_match": 0.998}))
    out.append(Recipe("charlm", "lstm", hidden=48, layers=2, epochs=12, steps=100, batch=32, lr=5e-3))
    out.append(Recipe("forecast", "gru", hidden=24, layers=2, epochs=20, steps=50, batch=32, lr=5e-3))
    return {r.name: r for r in out}


ZOO = _zoo()

# Inputs chosen to show something, per task, in the task's own input syntax (`task.parse(text, **options)`, as
# the app's input box takes them); "why" is a catalogue key (cellviz/i18n) saying what the input shows. Every
# card carries its task's list ("showcase"); the static site builds step pages for them beside the samples.
# `python -m cellviz.zoo.train --showcase` writes these into the shipped cards without retraining.
SHOWCASE: dict[str, list[dict]] = {
    "lag": [{"text": "D", "options": {"lag": 300}, "why": "showcase.lag.far"},
            {"text": "Bxwzy", "options": {"lag": 5}, "why": "showcase.lag.near"}],
    "prefix": [{"text": "AxCzD!Bwxyz", "options": {}, "why": "showcase.prefix.decoys"},
               {"text": "!Cwxyz", "options": {"lag": 38}, "why": "showcase.prefix.far"}],
    "adding": [{"text": "0.9*, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, "
                        "0.3, 0.8*", "options": {}, "why": "showcase.adding.ends"},
               {"text": "0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.0*, 1.0*, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, "
                        "0.2, 0.1", "options": {}, "why": "showcase.adding.middle"}],
    "brackets": [{"text": "((((((((a))))))))", "options": {}, "why": "showcase.brackets.deep"},
                 {"text": "(" + "abcd" * 9 + ")", "options": {}, "why": "showcase.brackets.long"}],
    "sentiment": [{"text": "the movie was not good", "options": {}, "why": "showcase.sentiment.negation"},
                  {"text": "the acting was bad , but the story was great", "options": {},
                   "why": "showcase.sentiment.contrast"},
                  {"text": "the plot was not very dull", "options": {}, "why": "showcase.sentiment.gap"}],
    "charlm": [{"text": "the king said to the queen that the day was long.", "options": {},
                "why": "showcase.charlm.words"}],
    "forecast": [{"text": "0, 0.5, 0.9, 1, 0.9, 0.5, 0, -0.5, -0.9, -1, -0.9, -0.5, 0, 0.5, 0.9, 1, 0.9, 0.5, 0, -0.5, "
                          "2, 2, 2, 2, 2, 2, 2, 2, 2, 2", "options": {}, "why": "showcase.forecast.jump"}],
    "waveform": [{"text": "square", "options": {"period": 12}, "why": "showcase.waveform.square"},
                 {"text": "sine", "options": {"period": 40}, "why": "showcase.waveform.long"}],
    "translate": [{"text": "two thousand five", "options": {}, "why": "showcase.translate.zeros"},
                  {"text": "nine thousand nine hundred ninety nine", "options": {}, "why": "showcase.translate.largest"}],
}


def showcase(task: str) -> list[dict]:
    """The card's "showcase" for a task: fresh copies of SHOWCASE[task] ([] for a task without one)."""
    return [{"text": s["text"], "options": dict(s["options"]), "why": s["why"]} for s in SHOWCASE.get(task, [])]


def write_showcase(root: Path | None = None) -> list[str]:
    """Put each task's SHOWCASE into the shipped cards (card.json only: the weights are not touched); the
    names of the cards that changed."""
    import json
    changed = []
    for name in store.list_names(root):
        path = store.model_dir(name, root) / "card.json"
        card = json.loads(path.read_text())
        if card.get("showcase") != showcase(card["task"]):
            card["showcase"] = showcase(card["task"])
            path.write_text(json.dumps(card, indent=1) + "\n")
            changed.append(name)
    return changed


def recipe_for(task: str, cell: str, bidirectional: bool = False, layers: int = 1) -> Recipe:
    probe = Recipe(task, cell, bidirectional=bidirectional, layers=layers)
    if probe.name in ZOO:
        return ZOO[probe.name]
    base = next((r for r in ZOO.values() if r.task == task), None)
    if base is None:
        raise SystemExit(f"unknown task {task!r}; tasks: {', '.join(sorted({r.task for r in ZOO.values()}))}")
    return replace(base, cell=cell, bidirectional=bidirectional, layers=layers)


def _better(task, metric: str, a: float, b: float) -> bool:
    return a > b if task.better.get(metric, "higher") == "higher" else a < b


def train(r: Recipe, out_root: Path | None = None, quiet: bool = False) -> dict:
    """Train one model from its recipe, write its directory, return its card."""
    torch.set_num_threads(1)
    torch.manual_seed(r.seed)
    rng = np.random.default_rng(r.seed)
    task = make_task(r.task, **r.task_options)
    cfg = ModelConfig(r.cell, r.hidden, r.layers, r.bidirectional, r.embed)
    model = build(task, cfg)
    init_gates(model.recurrent, r.init, int(r.task_options.get("max_lag", 320)))
    opt = torch.optim.Adam(model.parameters(), lr=r.lr)
    if r.curriculum:
        return _train_curriculum(r, task, cfg, model, opt, rng, out_root, quiet)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, r.epochs * r.steps, eta_min=r.lr / 10)
    val = task.heldout("val")
    primary = next(iter(task.better))
    states = {0: copy.deepcopy(model.state_dict())}     # training step -> weights, for snapshots
    snap_every = max(1, r.steps // 4)
    step = 0
    best = (None, copy.deepcopy(model.state_dict()), 0)
    history, log_lines = [], []
    t0 = time.time()
    bar = tqdm(range(1, r.epochs + 1), desc=r.name, disable=quiet, leave=False)
    for epoch in bar:
        if hasattr(task, "set_progress"):            # curriculum (e.g. lags growing with training)
            task.set_progress((epoch - 1) / max(1, r.epochs - 1))
        model.train()
        losses = []
        for _ in range(r.steps):
            losses.append(train_step(model, opt, task.batch(rng, r.batch), r.clip, sched))
            step += 1
            if r.snapshots and step % snap_every == 0:
                states[step] = copy.deepcopy(model.state_dict())
        model.eval()
        with torch.no_grad():
            v = task.metrics(model, val)
        history.append({"epoch": epoch, "loss": round(float(np.mean(losses)), 5),
                        "val": {k: round(x, 4) for k, x in v.items()}})
        line = f"epoch {epoch:3d}  loss {np.mean(losses):.4f}  " + "  ".join(f"val_{k} {x:.4f}" for k, x in v.items())
        log_lines.append(line)
        bar.set_postfix(loss=f"{np.mean(losses):.3f}", **{primary: f"{v[primary]:.3f}"})
        if best[0] is None or _better(task, primary, v[primary], best[0]):
            best = (v[primary], copy.deepcopy(model.state_dict()), epoch)
        if r.stop_at and all(not _better(task, k, t, v[k]) for k, t in r.stop_at.items()):
            log_lines.append(f"early stop: validation reached {r.stop_at}")
            break
    bar.close()
    model.load_state_dict(best[1])
    model.eval()
    seconds = time.time() - t0
    metrics = {k: round(x, 5) for k, x in model.evaluate().items()}
    snaps = _pick_snapshots(states, r.snapshots) if r.snapshots else {}
    card = {
        "name": r.name, "cell": r.cell, "io": task.io, "task": r.task, "num_layers": r.layers,
        "hidden_size": r.hidden, "bidirectional": r.bidirectional, "params": model.count_params(),
        "metrics": metrics, "baseline": {k: round(x, 5) for k, x in task.baseline().items()},
        "better": dict(task.better), "train_command": r.command(), "epochs": len(history),
        "best_epoch": best[2], "seed": r.seed, "snapshots": list(snaps), "description": task.description,
        "config": cfg.to_dict(), "task_options": dict(task.options), "recipe": asdict(r),
        "train_seconds": round(seconds, 1), "history": history, "showcase": showcase(r.task),
    }
    if hasattr(task, "extra_baselines"):
        card["extra_baselines"] = task.extra_baselines()
    log_lines.append(f"best epoch {best[2]}; held-out {metrics}; baseline {card['baseline']}; {seconds:.0f}s")
    store.write_model(store.model_dir(r.name, out_root), card, model.state_dict(), "\n".join(log_lines) + "\n", snaps)
    if not quiet:
        tqdm.write(f"{r.name}: {metrics}  (baseline {card['baseline']}, {len(history)} epochs, {seconds:.0f}s)")
    return card


def _train_curriculum(r: Recipe, task, cfg: ModelConfig, model, opt, rng, out_root: Path | None,
                      quiet: bool) -> dict:
    """A lag model through the whole curriculum (no early stop before the last level; final weights kept).

    Snapshots: the untrained weights and the weights at the step each level was learned (named by step), so
    scrubbing through them shows the mechanism forming as the lag grows.
    """
    cur = Curriculum(**{**r.curriculum, "batch": r.batch})
    states = {0: copy.deepcopy(model.state_dict())}
    t0 = time.time()
    bar = tqdm(total=cur.budget, desc=r.name, disable=quiet, leave=False)

    def learned(level: int, step: int) -> None:
        states[step] = copy.deepcopy(model.state_dict())
        tqdm.write(f"{r.name}: lag {level} learned at step {step}") if not quiet else None
    res = train_curriculum(model, opt, task, cur, rng, r.clip, on_step=lambda s: bar.update(1), on_learned=learned)
    bar.close()
    model.eval()
    seconds = time.time() - t0
    metrics = {k: round(x, 5) for k, x in model.evaluate().items()}
    snaps = {f"step-{s:05d}": w for s, w in sorted(states.items())}
    n_learned = sum(v is not None for v in res.steps_to_learn.values())
    reached = cur.levels[min(n_learned, len(cur.levels) - 1)]        # the highest level it trained on
    lines = [f"step {h['step']:5d}  level {h['level']:4d}  loss {h['loss']:.4f}  val_accuracy_at_level {h['accuracy']:.4f}"
             for h in res.history]
    lines.append(f"curriculum ended ({res.ended}) after {res.steps} steps; largest lag learned {res.largest_lag}; "
                 f"levels learned at steps {res.steps_to_learn}; held-out {metrics}; {seconds:.0f}s")
    card = {
        "name": r.name, "cell": r.cell, "io": task.io, "task": r.task, "num_layers": r.layers,
        "hidden_size": r.hidden, "bidirectional": r.bidirectional, "params": model.count_params(),
        "metrics": metrics, "baseline": {k: round(x, 5) for k, x in task.baseline().items()},
        "better": dict(task.better), "train_command": r.command(), "epochs": 0, "steps": res.steps,
        "seed": r.seed, "snapshots": list(snaps), "description": task.description,
        "config": cfg.to_dict(), "task_options": dict(task.options), "recipe": asdict(r), "init": r.init,
        "curriculum": {**cur.to_dict(), "steps_to_learn": {str(k): v for k, v in res.steps_to_learn.items()},
                       "largest_lag": res.largest_lag, "ended": res.ended,
                       "trained_lags": [cur.min_lag, reached]},
        "train_seconds": round(seconds, 1), "history": res.history, "showcase": showcase(r.task),
    }
    if hasattr(task, "extra_baselines"):
        card["extra_baselines"] = task.extra_baselines()
    store.write_model(store.model_dir(r.name, out_root), card, model.state_dict(), "\n".join(lines) + "\n", snaps)
    if not quiet:
        tqdm.write(f"{r.name}: {metrics} (largest lag learned {res.largest_lag}, {res.steps} steps, {seconds:.0f}s)")
    return card


def _pick_snapshots(states: dict[int, dict], n: int) -> dict[str, dict]:
    """n states evenly spaced (by training step) from the untrained one to the last one recorded."""
    steps = sorted(states)
    idx = sorted({int(round(i)) for i in np.linspace(0, len(steps) - 1, n)})
    return {f"step-{steps[i]:05d}": states[steps[i]] for i in idx}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m cellviz.zoo.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--task", help="task name: " + ", ".join(sorted({r.task for r in ZOO.values()})))
    p.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="lstm")
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--all", action="store_true", help="rebuild every shipped model")
    p.add_argument("--list", action="store_true", help="list the shipped models' recipes")
    p.add_argument("--showcase", action="store_true", help="write each task's showcase inputs into the shipped "
                   "cards (card.json only, no training)")
    p.add_argument("--hidden", type=int)
    p.add_argument("--epochs", type=int)
    p.add_argument("--steps", type=int, help="batches per epoch")
    p.add_argument("--seed", type=int)
    p.add_argument("--out", type=Path, help="write models under DIR/<name>/ instead of assets/zoo/")
    p.add_argument("--quick", action="store_true", help="tiny smoke-test settings (few steps, small held-out set)")
    a = p.parse_args(argv)
    if a.showcase:
        changed = write_showcase(a.out)
        print(f"showcase inputs written into {len(changed)} card(s): {', '.join(changed) or 'none changed'}")
        return
    if a.list:
        for r in ZOO.values():
            print(f"{r.name:28s} {r.command()}")
        return
    if not a.all and not a.task:
        p.error("give --task (with --cell) or --all")
    recipes = list(ZOO.values()) if a.all else [recipe_for(a.task, a.cell, a.bidirectional, a.layers)]
    t0 = time.time()
    for r in recipes:
        over = {k: v for k, v in {"hidden": a.hidden, "epochs": a.epochs, "steps": a.steps, "seed": a.seed}.items()
                if v is not None}
        if a.quick:
            over = {"epochs": 1, "steps": 3, "batch": 8, "snapshots": min(r.snapshots, 2), **over,
                    "task_options": {**r.task_options, **_QUICK.get(r.task, {})}}
            if r.curriculum:
                over["curriculum"] = {**r.curriculum, **_QUICK_CURRICULUM}
        train(replace(r, **over), a.out)
    print(f"trained {len(recipes)} model(s) in {time.time() - t0:.0f}s")


_QUICK_CURRICULUM = {"levels": [3, 5], "budget": 20, "stuck_limit": 10, "val_every": 5, "val_n": 16}
_QUICK = {"lag": {"n_heldout": 8, "max_lag": 10}, "brackets": {"n_heldout": 100}, "sentiment": {"n_heldout": 100},
          "charlm": {"n_heldout": 8}, "forecast": {"n_heldout": 20}, "waveform": {"n_heldout": 20},
          "translate": {"n_heldout": 100}, "prefix": {"n_heldout": 8, "max_lag": 10}, "adding": {"n_heldout": 64}}

if __name__ == "__main__":
    main()
