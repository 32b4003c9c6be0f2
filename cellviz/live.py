"""Watch a model learn: train a small RNN / LSTM / GRU on a synthetic zoo task, one epoch at a time.

`train_live` is a generator: after every epoch (and once before training) it yields an `EpochReport` with
the loss, held-out metrics, and a full `cellviz.trace` of a fixed probe input — so a page can redraw the
loss curve, the gradient norm against distance and the gate heatmaps as the model learns. Sizes and time
are capped (`LIMITS`) for a hosted demo, and `should_stop` lets a Stop button cancel between batches.
No Streamlit here.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from .trace import Trace, trace
from .zoo.models import ModelConfig, build
from .zoo.tasks import make_task
from .zoo.training import train_step

LIVE_TASKS = ("lag", "brackets", "adding")   # synthetic tasks that learn in seconds


@dataclass(frozen=True)
class Limits:
    """What a page may ask for: keeps one training run to a few CPU-seconds per epoch."""

    max_hidden: int = 64
    max_epochs: int = 40
    max_steps: int = 50
    max_batch: int = 64
    max_seconds: float = 120.0


LIMITS = Limits()


@dataclass
class LiveConfig:
    task: str = "lag"
    cell: str = "lstm"
    hidden: int = 16
    epochs: int = 12
    steps: int = 20               # optimiser steps per epoch
    batch: int = 32
    lr: float = 0.01
    seed: int = 0
    task_options: dict = field(default_factory=dict)

    def check(self, limits: Limits = LIMITS) -> None:
        """ValueError with a user-facing message when a setting is unknown or over a limit."""
        if self.task not in LIVE_TASKS:
            raise ValueError(f"unknown task {self.task!r}; choose from {', '.join(LIVE_TASKS)}")
        if self.cell not in ("rnn", "lstm", "gru"):
            raise ValueError(f"unknown cell {self.cell!r}; choose rnn, lstm or gru")
        for name, value, cap in (("hidden", self.hidden, limits.max_hidden), ("epochs", self.epochs, limits.max_epochs),
                                 ("steps", self.steps, limits.max_steps), ("batch", self.batch, limits.max_batch)):
            if not 1 <= int(value) <= cap:
                raise ValueError(f"{name} must be between 1 and {cap}, got {value}")
        if not 0 < self.lr <= 1:
            raise ValueError(f"learning rate must be in (0, 1], got {self.lr}")


@dataclass
class EpochReport:
    """One point of the live run. epoch 0 is the untrained model."""

    epoch: int
    loss: float | None            # mean training loss over the epoch (None before training)
    metrics: dict[str, float]     # held-out metrics
    seconds: float                # since the start of the run
    probe: Trace                  # the fixed probe input traced with the current weights
    grad_norm: np.ndarray         # ||dL/dh_t|| of layer 0 against distance from the loss (index = steps back)
    stopped: str = ""             # why the run ended early ("time limit", "stopped"), else ""


def train_live(cfg: LiveConfig, probe_seed: int = 0, should_stop: Callable[[], bool] = lambda: False,
               limits: Limits = LIMITS) -> Iterator[EpochReport]:
    """Train per `cfg`, yielding an `EpochReport` before training and after every epoch."""
    cfg.check(limits)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    task = make_task(cfg.task, **cfg.task_options)
    model = build(task, ModelConfig(cfg.cell, int(cfg.hidden)))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    heldout = task.heldout("val")
    probe = task.sample(probe_seed)
    start = time.monotonic()

    def report(epoch: int, loss: float | None, stopped: str = "") -> EpochReport:
        model.eval()
        with torch.no_grad():
            metrics = task.metrics(model, heldout)
        module, x, h0, loss_fn = model.trace_args(probe)
        tr = trace(module, x, h0=h0, loss=loss_fn)
        return EpochReport(epoch, loss, metrics, time.monotonic() - start, tr, tr.grad_norm_by_distance(), stopped)

    yield report(0, None)
    for epoch in range(1, cfg.epochs + 1):
        if hasattr(task, "set_progress"):
            task.set_progress((epoch - 1) / max(1, cfg.epochs - 1))
        model.train()
        losses = []
        stopped = ""
        for _ in range(cfg.steps):
            if should_stop():
                stopped = "stopped"
                break
            if time.monotonic() - start > limits.max_seconds:
                stopped = "time limit"
                break
            losses.append(train_step(model, opt, task.batch(rng, cfg.batch)))
        yield report(epoch, float(np.mean(losses)) if losses else None, stopped)
        if stopped:
            return
