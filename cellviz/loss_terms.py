"""Every loss term on its own, for all steps at once: how far back the prediction at step t* reaches.

`trace(..., at_step=t*)` keeps only the loss's gradient on output position t* (and none on h_n). A page that
follows the step needs that for every t*: rather than T traces, `by_step` traces copies of the input as one
batch, copy j with the loss of the term at its own step alone (the other positions and h_n detached). The
numbers are those of `trace(at_step=t*)`, computed in a few vectorised passes; only their norms are kept.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .trace import LossFn, _default_loss, trace

BUDGET_BYTES = 48 * 2**20          # what one pass may take (copies are traced in chunks under it)
BYTES_PER_STATE = 4 * 56           # a pass peaks at ~56 float32 (T, B, H)-sized arrays per layer and direction (measured)
BYTES_PER_INPUT = 4 * 7            # and ~6 float32 (T, B, I)-sized ones for the input (copies, x and dL/dx; measured)


@dataclass(frozen=True)
class LossTerms:
    """Norms of the gradient of each loss term alone: row t* is the term at step t*.

    input_sensitivity: (T*, T) ‖∂L_{t*}/∂x_k‖; grad_h[(layer, direction)]: (T*, T) ‖∂L_{t*}/∂h_t‖ (float64)."""

    input_sensitivity: np.ndarray
    grad_h: dict[tuple[int, int], np.ndarray]


def cost(steps: int, hidden_size: int, layers: int = 1, directions: int = 1, input_size: int = 0) -> int:
    """Floats `by_step` touches (T copies × T steps × (H × layers × directions + I)): a caller's measure of
    whether to compute every step at once."""
    return steps * steps * (hidden_size * layers * directions + input_size)


def by_step(module: nn.Module, x, h0=None, loss: LossFn | None = None) -> LossTerms:
    """For every step t*, the gradient norms of `trace(module, x, h0, loss, at_step=t*)` (x unbatched or a
    batch of one, as `trace` takes it)."""
    dtype = next(module.parameters()).dtype
    xt = torch.as_tensor(x, dtype=dtype).detach()
    unbatched = xt.dim() == 2
    bf = module.batch_first
    if not unbatched and xt.shape[0 if bf else 1] != 1:
        raise ValueError("by_step takes one sequence (unbatched, or a batch of one)")
    seq = xt if unbatched else (xt[0] if bf else xt[:, 0])                  # (T, I)
    T = seq.shape[0]
    loss = loss or _default_loss(bf, unbatched)
    D = 2 if module.bidirectional else 1
    per_copy = T * (module.hidden_size * module.num_layers * D * BYTES_PER_STATE + seq.shape[1] * BYTES_PER_INPUT)
    chunk = int(max(1, min(T, BUDGET_BYTES // max(per_copy, 1))))
    sens = np.zeros((T, T))
    grad_h = {(l, d): np.zeros((T, T)) for l in range(module.num_layers) for d in range(D)}
    for start in range(0, T, chunk):
        steps = list(range(start, min(T, start + chunk)))
        n = len(steps)
        xs = seq.unsqueeze(0 if bf else 1).expand(*((n, -1, -1) if bf else (-1, n, -1))).contiguous()
        tr = trace(module, xs, _copies(h0, n, unbatched), _terms(loss, steps, T, bf, unbatched))
        sens[steps] = np.linalg.norm(tr.grad_x.astype(np.float64), axis=-1).T
        for (l, d), rows in grad_h.items():
            rows[steps] = np.linalg.norm(tr.layer(l, d).grad_h.astype(np.float64), axis=-1).T
    return LossTerms(sens, grad_h)


def _copies(h0, n: int, unbatched: bool):
    """The initial state(s) repeated for n copies, batched: (L·D, n, H)."""
    if h0 is None:
        return None
    if isinstance(h0, (tuple, list)):
        return tuple(_copies(h, n, unbatched) for h in h0)
    h = torch.as_tensor(h0).detach()
    h = h.unsqueeze(1) if unbatched else h
    return h.expand(-1, n, -1).contiguous()


def _terms(loss: LossFn, steps: list[int], T: int, bf: bool, unbatched: bool) -> LossFn:
    """A loss over n copies: copy j is `loss` with a gradient on output position steps[j] only and none on h_n
    (what `trace(at_step=...)` keeps), each copy given to `loss` in the layout the caller's input had."""
    def total(output: torch.Tensor, h_n) -> torch.Tensor:
        values = []
        for j, s in enumerate(steps):
            out = output[j] if bf else output[:, j]                                     # (T, F)
            keep = torch.zeros(T, 1, dtype=torch.bool)
            keep[s] = True
            out = torch.where(keep, out, out.detach())
            out = out if unbatched else (out.unsqueeze(0) if bf else out.unsqueeze(1))
            hn = tuple(h[:, j].detach() if unbatched else h[:, j:j + 1].detach() for h in h_n) \
                if isinstance(h_n, tuple) else (h_n[:, j] if unbatched else h_n[:, j:j + 1]).detach()
            values.append(loss(out, hn))
        return torch.stack([v.reshape(()) for v in values]).sum()
    return total
