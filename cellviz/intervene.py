"""Interventions on whole models: a recurrent module that forces gates or states while it runs, the
interventions one explorer choice stands for, and a zoo model's prediction under them. No Streamlit.

`Intervened(module, interventions)` behaves like `module` (same call, same returns) but runs through
`cellviz.trace` with the interventions applied, so a zoo model's own head and `predict` read the
intervened recurrent output unchanged.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from . import cells
from .cells import GATES, Intervention
from .trace import _edits_by_place, _initial_states, _in_position_order, layer_weights, module_kind

KINDS = ("gate", "freeze", "state", "ablate")   # clamp one gate / f=1,i=0 (LSTM) / set h or c / unit off always


def kinds_for(cell: str) -> list[str]:
    """The intervention kinds that make sense for a cell type."""
    return [k for k in KINDS if not (k == "gate" and cell == "rnn") and not (k == "freeze" and cell != "lstm")]


def clampable_gates(cell: str) -> list[str]:
    """The sigmoid gates a user may clamp to 0 or 1 (LSTM f, i, o; GRU r, z)."""
    return {"lstm": ["f", "i", "o"], "gru": ["r", "z"]}.get(cell, [])


def build(kind: str, *, cell: str, step: int, seq_len: int, target: str = "h", value: float = 0.0,
          units: tuple[int, ...] | None = None, rest: bool = False, layer: int = 0,
          direction: int = 0) -> list[Intervention]:
    """The interventions for one explorer choice.

    kind: "gate" (clamp `target` gate to `value`), "freeze" (LSTM: f=1 and i=0, so c_t = c_{t-1}),
    "state" (set `target` "h"/"c" to `value`), "ablate" (h of `units` is 0 at every step).
    step, rest: at input position `step` only, or from there on in the direction's own processing order
    (later positions forward, earlier positions in reverse). units None = every unit.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown intervention {kind!r}; choose from {', '.join(KINDS)}")
    if kind == "ablate":
        return [Intervention("h", 0.0, None, units, layer, direction)]
    if kind == "freeze" and cell != "lstm":
        raise ValueError("freezing the cell state needs an LSTM")
    if kind == "gate" and target not in GATES.get(cell, ()):
        raise ValueError(f"a {cell} has no gate {target!r}")
    if not 0 <= step < seq_len:
        raise ValueError(f"step {step} is outside the sequence (length {seq_len})")
    steps = [step] if not rest else range(step, seq_len) if direction == 0 else range(step, -1, -1)
    pairs = [("f", 1.0), ("i", 0.0)] if kind == "freeze" else [(target, float(value))]
    return [Intervention(q, v, s, units, layer, direction) for s in steps for q, v in pairs]


class Intervened(nn.Module):
    """`module` (not batch_first) with interventions: called like it, returns (output, h_n) as tensors.

    Forward only (no gradients): the NumPy cells of `cellviz.trace` with the interventions applied.
    """

    def __init__(self, module: nn.Module, interventions: list[Intervention]):
        super().__init__()
        self.inner = module
        self.interventions = tuple(interventions)

    def forward(self, x, h0=None):
        if not self.interventions:
            return self.inner(x, h0)
        m = self.inner
        kind = module_kind(m)
        L, D, H = m.num_layers, 2 if m.bidirectional else 1, m.hidden_size
        xt = torch.as_tensor(x).detach().float()
        unbatched = xt.dim() == 2
        seq = (xt.unsqueeze(1) if unbatched else xt).numpy()
        T, B, _ = seq.shape
        P = getattr(m, "proj_size", 0) or H               # h's units (nn.LSTM(proj_size=P)); c keeps H
        h0s, c0s = _initial_states(kind, h0, torch.float32, np.float32, L * D, B, H, unbatched, P)
        edits = _edits_by_place(self.interventions, kind, L, D, T, H, P)
        hs, cs = [], []
        for l in range(L):
            outs = []
            for d in range(D):
                inp = np.ascontiguousarray(seq if d == 0 else seq[::-1])
                fw = cells.forward(kind, layer_weights(m, l, d), inp, h0s[l * D + d],
                                   None if c0s is None else c0s[l * D + d], getattr(m, "nonlinearity", "tanh"),
                                   edits[l][d])
                outs.append(_in_position_order(fw.h, d))
                hs.append(fw.h[-1]), cs.append(None if fw.c is None else fw.c[-1])
            seq = np.concatenate(outs, axis=-1)
        squeeze = (lambda a: a[:, 0]) if unbatched else (lambda a: a)
        out = torch.from_numpy(np.ascontiguousarray(squeeze(seq)))
        h_n = torch.from_numpy(np.ascontiguousarray(squeeze(np.stack(hs))))
        if kind != "lstm":
            return out, h_n
        return out, (h_n, torch.from_numpy(np.ascontiguousarray(squeeze(np.stack(cs)))))


def with_interventions(model, interventions: list[Intervention], part: str = "recurrent"):
    """The zoo `model` with `interventions` in its recurrent `part`, or None for a decoder (generation feeds it
    one step per call, so input positions mean nothing there).

    The cached model is not touched: a shallow copy gets its own child table with the wrapped module.
    """
    if part == "decoder":
        return None
    target = model.recurrent if part == "recurrent" else model.recurrent[part]
    name = next(n for n, m in model.named_children() if m is target)
    clone = copy.copy(model)
    clone._modules = dict(model._modules)
    clone._modules[name] = Intervened(target, interventions)
    return clone


def predict(model, ex, interventions: list[Intervention], part: str = "recurrent") -> str | None:
    """What the zoo `model` predicts for `ex` with `interventions` in its recurrent `part`, in English words
    (None for a decoder)."""
    clone = with_interventions(model, interventions, part)
    return None if clone is None else clone.predict(ex)


def prediction(model, ex, interventions: list[Intervention], part: str = "recurrent") -> tuple[str, dict] | None:
    """`predict` as the (kind, values) of `Task.prediction`, for a caller that words it in another language."""
    clone = with_interventions(model, interventions, part)
    return None if clone is None else clone.prediction(ex)
