"""Where a lag-task model keeps the cue: the unit whose state separates the four cues, and what its gates do there.

`cue_unit(model, text, lag)` runs the same distractors after each of the four cues, picks the unit whose state
(c for an LSTM, h otherwise) differs most between cues at the last distractor, and measures, on the given input,
that unit's mean gate values over the distractor steps (LSTM f, i; GRU z, r) and how much its state moves there.
These are the numbers the tour prints beside its slides and the tests check. No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..trace import Trace, trace
from .tasks.lag import CUES


@dataclass(frozen=True)
class CueUnit:
    unit: int                     # index of the unit carrying the cue
    state: str                    # "c" (LSTM) or "h"
    separation: float             # spread of that unit's state across the four cues at the last distractor
    gates: dict[str, float]       # mean gate value on that unit over the distractor steps of the input
    state_start: float            # the unit's state right after the cue (step 0) on the input
    state_end: float              # ... at the last distractor step (step T-2)
    state_range: tuple[float, float]   # min / max of the unit's state over the distractor steps
    lag: int
    distractors: int              # number of distractor steps averaged over


def _trace(model, text: str) -> Trace:
    ex = model.task.parse(text)
    module, x, h0, loss = model.trace_args(ex)
    return trace(module, x, h0=h0, loss=loss)


def cue_unit(model, text: str, lag: int | None = None, tr: Trace | None = None) -> CueUnit:
    """The cue-carrying unit of a lag-task `model` and its gates on the input `text` (padded to `lag`).

    `tr` may pass the input's trace already computed (the same numbers then come from the same trace).
    """
    task = model.task
    base = task.parse(text, lag=lag) if lag is not None else task.parse(text)
    T = len(base.tokens)
    if T < 3:
        raise ValueError("the input needs a cue, at least one distractor and '?'")
    rest = base.text[1:]
    traces = [_trace(model, cue + rest) for cue in CUES]
    kind = traces[0].kind
    state = "c" if kind == "lstm" else "h"
    ends = np.stack([getattr(t.layer(0), state)[T - 2, 0] for t in traces])       # (4, H)
    spread = ends.max(axis=0) - ends.min(axis=0)
    unit = int(spread.argmax())
    tr = tr if tr is not None else _trace(model, base.text)
    rec = tr.layer(0)
    span = slice(1, T - 1)                                                         # the distractor steps
    gates = {g: float(v[span, 0, unit].mean()) for g, v in rec.gates.items() if g in ("f", "i", "z", "r")}
    s = getattr(rec, state)[:, 0, unit]
    return CueUnit(unit, state, float(spread[unit]), gates, float(s[0]), float(s[T - 2]),
                   (float(s[span].min()), float(s[span].max())), T - 1, T - 2)


# --- the numbers the tour's slides print beside their sentences ----------------------------------------
def cue_ends(model, text: str, lag: int | None = None) -> np.ndarray:
    """(4, H): the state (c for an LSTM, h otherwise) at the last distractor after each cue A-D, the same
    distractors after each (what `cue_unit` picks its unit from)."""
    task = model.task
    base = task.parse(text, lag=lag) if lag is not None else task.parse(text)
    T = len(base.tokens)
    traces = [_trace(model, cue + base.text[1:]) for cue in CUES]
    state = "c" if traces[0].kind == "lstm" else "h"
    return np.stack([getattr(t.layer(0), state)[T - 2, 0] for t in traces])


def readout_accuracy(model, lag: int, n: int = 256, seed: int = 0) -> float:
    """The accuracy of the model's own linear read-out of h at the '?' on `n` fresh inputs at `lag` (random cues
    and distractors, seeded): how well the whole state, not one unit, names the four cues."""
    import torch
    batch = model.task.batch(np.random.default_rng(seed), n, lag)
    with torch.no_grad():
        return float((model(batch.x).argmax(-1) == batch.y).float().mean())


def spectral_radius(weight) -> float:
    """ρ(W): the largest |eigenvalue| of a square recurrent matrix (a vanilla RNN's W_hh)."""
    w = np.asarray(weight.detach().cpu().numpy() if hasattr(weight, "detach") else weight, dtype=np.float64)
    return float(np.max(np.abs(np.linalg.eigvals(w))))


def step_jacobians(module, x, tr: Trace, start: int, stop: int) -> np.ndarray:
    """(stop - start, H, H): ∂h_t/∂h_{t-1} of a one-layer GRU / RNN `module` (unbatched input `x` (T, I)) along
    the traced states, t in [start, stop), by autograd through the module's own cell (torch's math)."""
    import torch
    h = torch.as_tensor(tr.layer(0).h[:, 0], dtype=torch.float32)
    h0 = torch.as_tensor(tr.layer(0).h0[0], dtype=torch.float32)
    xs = torch.as_tensor(x, dtype=torch.float32).reshape(len(h), -1)

    def step(t: int):
        def f(prev):
            return module(xs[t:t + 1], prev[None])[1][0]            # one step of the module from `prev`
        return f

    out = []
    for t in range(start, stop):
        prev = h[t - 1] if t > 0 else h0
        out.append(torch.autograd.functional.jacobian(step(t), prev).numpy())
    return np.stack(out).astype(np.float64)


@dataclass(frozen=True)
class Stability:
    eig_median: float             # median over the distractors of the largest |eigenvalue| of ∂h_t/∂h_{t-1}
    eig_max: float                # ... its largest value
    gain: float                   # ‖∏ ∂h_t/∂h_{t-1}‖₂ over the distractors: how much a nudge to h after the cue keeps


def stability(model, text: str, lag: int) -> Stability:
    """How a one-layer GRU / RNN lag model holds its state over the distractors of `text` at `lag`: the step
    Jacobians' largest |eigenvalue| and the norm of their product (a perturbation of h right after the cue is
    scaled by at most `gain` by the last distractor)."""
    ex = model.task.parse(text, lag=lag)
    module, x, h0, loss = model.trace_args(ex)
    tr = trace(module, x, h0=h0, loss=loss)
    T = len(ex.tokens)
    J = step_jacobians(module, x, tr, 1, T - 1)
    eig = np.abs(np.linalg.eigvals(J)).max(axis=1)
    prod = np.eye(J.shape[1])
    for j in J:
        prod = j @ prod
    return Stability(float(np.median(eig)), float(eig.max()), float(np.linalg.norm(prod, 2)))


def zero_gradient_from(grad: np.ndarray) -> int | None:
    """The first step from which a (T,) gradient is exactly 0 to the end (float32 underflow), or None."""
    nz = np.flatnonzero(np.asarray(grad) != 0)
    if nz.size == 0:
        return 0
    return int(nz[-1]) + 1 if nz[-1] + 1 < len(grad) else None
