"""What every training loop in cellviz shares: one optimiser step, the gate-bias initialisations, the lag curriculum.

Used by the zoo's training CLI (`zoo/train.py`), the claims experiment (`zoo/claims_experiment.py`) and live
training (`cellviz/live.py`), so that "one step" means the same thing everywhere: forward, loss, backward,
gradient-norm clipping, optimiser step. No Streamlit here.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

FINAL = "final"               # the label of a model's final (shipped) weights, beside its snapshot labels
CLIP = 1.0                    # default gradient-norm clip used by every training loop

INITS = ("default", "forget1", "chrono", "keep1")


def train_step(model: nn.Module, opt: torch.optim.Optimizer, batch, clip: float = CLIP,
               sched: torch.optim.lr_scheduler.LRScheduler | None = None) -> float:
    """One optimiser step on `batch` (forward, `model.loss`, backward, clip the global gradient norm, step).

    Returns the batch loss as a float.
    """
    model.train()
    loss = model.loss(batch)
    opt.zero_grad()
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    if sched is not None:
        sched.step()
    return float(loss.item())


def _gate(rnn: nn.Module, kind: str) -> dict[str, int]:
    return {"lstm": {"i": 0, "f": 1, "g": 2, "o": 3}, "gru": {"r": 0, "z": 1, "n": 2}}.get(kind, {})


@torch.no_grad()
def init_gates(rnn: nn.Module, init: str, max_lag: int = 320) -> None:
    """Set the gate biases of an nn.LSTM / nn.GRU (every layer and direction) per `init`.

    - "default": PyTorch's own init (uniform ±1/√H on every weight and bias; the LSTM forget gate starts near 0.5).
    - "forget1": LSTM forget gate biased to 1 in total: b_ih,f = 1, b_hh,f = 0 (Gers et al. 2000; Jozefowicz 2015).
    - "chrono": LSTM chrono initialisation (Tallec & Ollivier 2018): b_f = log U(1, max_lag − 1), b_i = −b_f,
      put in b_ih with the matching slice of b_hh set to 0, so the forget gates start with time constants
      spread up to max_lag steps.
    - "keep1": GRU update gate z (PyTorch's keep gate: h_t = (1−z)·n + z·h_{t−1}) biased to 1 in total.
    Uses torch's global RNG (for chrono), so seed before calling.
    """
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose from {', '.join(INITS)}")
    if init == "default":
        return
    kind = "lstm" if isinstance(rnn, nn.LSTM) else "gru" if isinstance(rnn, nn.GRU) else "rnn"
    need = {"forget1": "lstm", "chrono": "lstm", "keep1": "gru"}[init]
    if kind != need:
        raise ValueError(f"init {init!r} applies to an {need.upper()}, not an {kind.upper()}")
    H = rnn.hidden_size
    gate = _gate(rnn, kind)
    for name, prm in rnn.named_parameters():
        if not name.startswith("bias_"):
            continue
        ih = name.startswith("bias_ih")

        def put(g: str, value) -> None:
            prm[gate[g] * H:(gate[g] + 1) * H] = value if ih else 0.0
        if init == "forget1":
            put("f", 1.0)
        elif init == "keep1":
            put("z", 1.0)
        else:
            if ih:
                b_f = torch.log(1.0 + torch.rand(H) * (max_lag - 2))         # log U(1, max_lag - 1)
                prm[gate["f"] * H:(gate["f"] + 1) * H] = b_f
                prm[gate["i"] * H:(gate["i"] + 1) * H] = -b_f
            else:
                prm[gate["f"] * H:(gate["f"] + 1) * H] = 0.0
                prm[gate["i"] * H:(gate["i"] + 1) * H] = 0.0


@dataclass
class Curriculum:
    """The lag curriculum: at level L train on lags drawn uniformly from [min_lag, L]; every `val_every` steps
    check accuracy on `val_n` held-out sequences at exactly lag L; move to the next level at ≥ `advance_at`.

    A run ends when the last level is learned, after `budget` steps in all, or after `stuck_limit` steps on one
    level without learning it.
    """

    levels: list[int] = field(default_factory=lambda: [5, 10, 20, 40, 80, 160, 320])
    min_lag: int = 2
    val_every: int = 50
    val_n: int = 256
    advance_at: float = 0.95
    budget: int = 8000
    stuck_limit: int = 4000
    batch: int = 32
    val_seed: int = 10_000

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CurriculumResult:
    steps_to_learn: dict[int, int | None]      # level -> training steps (cumulative from 0) when it was learned
    largest_lag: int                           # the largest level learned (0: none)
    steps: int                                 # steps run in all
    ended: str                                 # "done" | "budget" | "stuck"
    history: list[dict]                        # one entry per validation: step, level, loss, accuracy


@torch.no_grad()
def accuracy_at(model: nn.Module, task, lag: int, n: int, seed: int) -> float:
    """Accuracy of `model` on n sequences of exactly `lag` (data from `seed`)."""
    model.eval()
    b = task.batch(np.random.default_rng(seed), n, lag)
    return float((model(b.x).argmax(-1) == b.y).float().mean())


def level_score(model: nn.Module, task, level: int, n: int, seed: int) -> float:
    """The task's score at exactly `level` (`task.level_score`: accuracy, or MSE for the adding problem);
    a task without one is scored by accuracy at lag `level`."""
    if hasattr(task, "level_score"):
        return float(task.level_score(model, level, n, seed))
    return accuracy_at(model, task, level, n, seed)


def level_learned(task, cur: Curriculum, score: float) -> bool:
    """Whether `score` counts as learned: the task's own rule (`task.level_learned`), else score >= advance_at."""
    if hasattr(task, "level_learned"):
        return bool(task.level_learned(score))
    return score >= cur.advance_at


def train_curriculum(model: nn.Module, opt: torch.optim.Optimizer, task, cur: Curriculum, rng: np.random.Generator,
                     clip: float = CLIP, on_step: Callable[[int], None] | None = None,
                     on_learned: Callable[[int, int], None] | None = None) -> CurriculumResult:
    """Train `model` on a levelled task (lag, prefix: the lag; adding: the length) through `cur`'s levels (see
    `Curriculum`). Training batches come from `task.level_batch(rng, batch, level)` (else `task.batch`), the
    check from `level_score` / `level_learned`.

    `on_step(step)` is called after every step, `on_learned(level, step)` when a level is learned.
    """
    learned: dict[int, int | None] = {L: None for L in cur.levels}
    history: list[dict] = []
    step, level_i, on_level, losses = 0, 0, 0, []
    ended = "budget"
    make = getattr(task, "level_batch", None) or task.batch
    while step < cur.budget:
        L = cur.levels[level_i]
        lag = int(rng.integers(min(cur.min_lag, L), L + 1))
        losses.append(train_step(model, opt, make(rng, cur.batch, lag), clip))
        step += 1
        on_level += 1
        if on_step is not None:
            on_step(step)
        if step % cur.val_every:
            continue
        score = level_score(model, task, L, cur.val_n, cur.val_seed + L)
        history.append({"step": step, "level": L, "loss": round(float(np.mean(losses)), 5),
                        "accuracy": round(score, 4)})        # "accuracy": the level's score (MSE for adding)
        losses = []
        if level_learned(task, cur, score):
            learned[L] = step
            if on_learned is not None:
                on_learned(L, step)
            level_i += 1
            on_level = 0
            if level_i == len(cur.levels):
                ended = "done"
                break
        elif on_level >= cur.stuck_limit:
            ended = "stuck"
            break
    largest = max([L for L, s in learned.items() if s is not None], default=0)
    return CurriculumResult(learned, largest, step, ended, history)


def log_range(n: int, count: int = 40) -> list[int]:
    """About `count` distances 0..n, dense near 0 and log-spaced further out (always includes 0 and n)."""
    pts = {0, n, *range(min(n, 10) + 1)}
    pts |= {int(round(v)) for v in np.geomspace(1, max(n, 1), count)}
    return sorted(p for p in pts if 0 <= p <= n)


def chrono_range(max_lag: int) -> tuple[float, float]:
    """The (min, max) forget-gate bias of the chrono init for `max_lag`: log 1 .. log(max_lag - 1)."""
    return 0.0, math.log(max_lag - 1)
