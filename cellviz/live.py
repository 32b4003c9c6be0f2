"""Watch a model learn: train a small RNN / LSTM / GRU on a synthetic zoo task, one epoch at a time.

`train_live` is a generator: after every epoch (and once before training) it yields an `EpochReport` with
the loss, held-out metrics, and a full `cellviz.trace` of a fixed probe input — so a page can redraw the
loss curve, the gradient norm against distance and the gate heatmaps as the model learns. Sizes and time
are capped (`LIMITS`) for a hosted demo, and `should_stop` lets a Stop button cancel between batches.
No Streamlit here.
"""
from __future__ import annotations

import gc
import threading
import time
import weakref
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


class Busy(ValueError):
    """Every slot for heavy jobs is taken: the user is told to try again in a moment."""

    def __init__(self, message: str | None = None):
        from .i18n import t
        super().__init__(message or t("busy"))


class JobSlots:
    """A process-wide limit on concurrent heavy jobs (live training, exports): `take(seconds)` a slot for at
    most that long, or Busy. A slot whose job never said it ended (a session gone mid-run: its generator
    is only collected when the session expires) is taken back once its time is up."""

    def __init__(self, n: int):
        self.n = n
        self._leases: dict[int, float] = {}            # lease id -> when it expires (time.monotonic)
        self._next = 0
        self._lock = threading.Lock()

    def take(self, seconds: float, wait: float = 0.0) -> int:
        """A lease id (give it back with `give`); Busy if none frees up within `wait` seconds."""
        deadline = time.monotonic() + wait
        collected = False
        while True:
            with self._lock:
                now = time.monotonic()
                for k in [k for k, end in self._leases.items() if end <= now]:
                    del self._leases[k]
                if len(self._leases) < self.n:
                    self._next += 1
                    self._leases[self._next] = now + seconds
                    return self._next
            if not collected:                 # a dropped run in a reference cycle gives its slot back when collected
                gc.collect()
                collected = True
                continue
            if time.monotonic() >= deadline:
                raise Busy()
            time.sleep(0.1)

    def give(self, lease: int) -> None:
        with self._lock:
            self._leases.pop(lease, None)

    def busy(self) -> int:
        """Slots taken now."""
        with self._lock:
            now = time.monotonic()
            return sum(1 for end in self._leases.values() if end > now)


HEAVY_JOBS = 4               # server-wide: two side-by-side trainings (two runs each), or one and two downloads
HEAVY = JobSlots(HEAVY_JOBS)


_PROCESS = object()          # train_live's default slots: the module's HEAVY, looked up when called


def train_live(cfg: LiveConfig, probe_seed: int = 0, should_stop: Callable[[], bool] = lambda: False,
               limits: Limits = LIMITS, slots: JobSlots | None = _PROCESS) -> Iterator[EpochReport]:
    """Train per `cfg`, yielding an `EpochReport` before training and after every epoch. Takes one of the
    process's heavy-job slots (`HEAVY`, or `slots`; None: none) when called — Busy, a ValueError, if none is
    free — for at most the run's time limit; the slot is given back when the run ends, stops or is dropped."""
    cfg.check(limits)
    slots = HEAVY if slots is _PROCESS else slots
    if slots is None:
        return _epochs(cfg, probe_seed, should_stop, limits)
    lease = slots.take(limits.max_seconds + 10)     # the run stops itself at max_seconds from its start
    gen = _train_live(cfg, probe_seed, should_stop, limits, slots, lease)
    weakref.finalize(gen, slots.give, lease)          # also when it is dropped unstarted or half-way
    return gen


def _train_live(cfg: LiveConfig, probe_seed: int, should_stop: Callable[[], bool], limits: Limits,
                slots: JobSlots, lease: int) -> Iterator[EpochReport]:
    try:
        yield from _epochs(cfg, probe_seed, should_stop, limits)
    finally:
        slots.give(lease)


def _epochs(cfg: LiveConfig, probe_seed: int, should_stop: Callable[[], bool],
            limits: Limits) -> Iterator[EpochReport]:
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
