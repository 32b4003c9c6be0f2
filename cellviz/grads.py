"""Backpropagation through time for one layer and direction, written out by hand in NumPy.

Given a `cells.Forward` and the gradient arriving at every h_t from outside the recurrence (the loss on
the outputs, or the layer above), `backward` returns the *total* derivatives dL/dh_t and dL/dc_t, the
gradient at each gate's pre-activation, and dL/dx_t for the layer's input. Everything that does not depend
on the running gradient is precomputed for all steps at once, so the loop is one small matrix product and a
few element-wise operations per step. `jacobian_norms` measures ||dh_T/dh_t|| (the textbook
vanishing-gradient quantity) with the same recurrence run on a batch of basis vectors. `loss_step` and
`normalised` put gradient curves of different models or snapshots on one footing: raw norms track the size of
the loss, ‖∂L/∂h_t‖ / ‖∂L/∂h_{t*}‖ (1 at the loss step t*) shows how the gradient changes on its way back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import GATES, Forward, LayerWeights, seq_matmul


@dataclass
class Backward:
    """Gradients for one layer/direction in processing order, arrays (T, B, ...)."""

    grad_h: np.ndarray             # dL/dh_t, total
    grad_c: np.ndarray | None      # dL/dc_t, total (LSTM)
    grad_pre: np.ndarray           # (T, B, G, H): dL/d(gate pre-activation)
    grad_x: np.ndarray             # (T, B, I): dL/dx_t for this direction
    grad_h0: np.ndarray            # (B, H)
    grad_c0: np.ndarray | None


def _cut(arrays: list[np.ndarray], fw: Forward, targets: set[str], gate_axis: int | None = None) -> None:
    """Zero local derivatives where an intervention made a quantity constant (in place)."""
    for e in fw.edits:
        if e.target not in targets:
            continue
        steps = slice(None) if e.step is None else e.step
        units = slice(None) if e.units is None else list(e.units)
        for arr in arrays:
            if gate_axis is None:
                arr[steps, :, units] = 0
            else:
                arr[steps, :, gate_axis, units] = 0


def _local_derivatives(fw: Forward, proj: bool = False) -> dict[str, np.ndarray]:
    """Step-wise factors of the chain rule that do not depend on the incoming gradient. With a projection (`proj`)
    a forced h cuts dL/dh_t on its own P units before W_hr (d["keep"]), not the H-unit factors."""
    kind, a = fw.kind, fw.act
    if kind == "lstm":
        i, f, g, o = (a[:, :, k] for k in range(4))
        tc = np.tanh(fw.c)
        ifg = np.stack([g * i * (1 - i), fw.c_prev * f * (1 - f), i * (1 - g * g)], axis=2)
        d = {"dh_dc": o * (1 - tc * tc), "ifg": ifg, "o": tc * o * (1 - o), "carry": f.copy()}
        for k, gate in enumerate("ifg"):
            _cut([d["ifg"]], fw, {gate}, gate_axis=k)
        _cut([d["o"]], fw, {"o"})
        _cut([d["ifg"][:, :, k] for k in range(3)] + [d["carry"]], fw, {"c"})
        if proj:
            d["keep"] = None
            if any(e.target == "h" for e in fw.edits):
                d["keep"] = np.ones_like(fw.h)
                _cut([d["keep"]], fw, {"h"})
        else:
            _cut([d["dh_dc"], d["o"]], fw, {"h"})
        return d
    if kind == "gru":
        r, z, n = (a[:, :, k] for k in range(3))
        d = {"n": (1 - z) * (1 - n * n), "z": (fw.h_prev - n) * z * (1 - z),
             "r": fw.hn * r * (1 - r), "r_val": r, "carry": z.copy()}
        _cut([d["n"]], fw, {"n"})
        _cut([d["z"]], fw, {"z"})
        _cut([d["r"]], fw, {"r"})
        _cut([d["n"], d["z"], d["carry"]], fw, {"h"})
        return d
    h = fw.act[:, :, 0]                              # the activation's output, before any edit of h
    d = {"pre": 1 - h * h if fw.nonlinearity == "tanh" else (fw.pre[:, :, 0] > 0).astype(h.dtype)}
    _cut([d["pre"]], fw, {"h"})
    return d


def backward(fw: Forward, w: LayerWeights, ext: np.ndarray, grad_c_last: np.ndarray | None = None) -> Backward:
    """BPTT for one layer/direction.

    ext: (T, B, H) gradient reaching h_t from outside the recurrence (outputs, layer above, h_n at T-1).
    grad_c_last: (B, H) gradient reaching the final cell state c_n (LSTM), or None.
    """
    kind = fw.kind
    T, B, P = fw.h.shape                 # P: units of h (proj_size with a projection, else H)
    H = w.hidden_size
    G = max(1, len(GATES[kind]))
    d = _local_derivatives(fw, proj=w.w_hr is not None)
    w_hh = w.w_hh
    grad_h = np.empty_like(fw.h)
    grad_pre = np.empty((T, B, G, H), dtype=fw.h.dtype)
    rec = np.zeros((B, P), dtype=fw.h.dtype)
    grad_c = None
    # steps after the last one that receives any gradient have none (e.g. a loss at one step): skip them
    has_ext = np.abs(ext).reshape(T, -1).max(axis=1) > 0
    receives = np.flatnonzero(has_ext)
    top = T - 1 if grad_c_last is not None and np.any(grad_c_last) else (receives[-1] if receives.size else -1)
    grad_h[top + 1:] = 0
    grad_pre[top + 1:] = 0

    if kind == "lstm":
        grad_c = np.empty_like(fw.c)
        grad_c[top + 1:] = 0
        dc = np.zeros((B, H), dtype=fw.h.dtype) if grad_c_last is None else grad_c_last.astype(fw.h.dtype)
        dh_dc, ifg, do, carry = d["dh_dc"], d["ifg"], d["o"], d["carry"]
        w_hr, keep = w.w_hr, d.get("keep")
        tmp = np.empty((B, H), dtype=fw.h.dtype)
        if top >= 0:
            grad_h[top] = ext[top]
        for t in range(top, -1, -1):
            dh = grad_h[t]                          # already holds the recurrent part (+ ext where any)
            if w_hr is not None:                    # h = W_hr m, m = o * tanh(c): dL/dm = dL/dh W_hr
                dh = (dh if keep is None else dh * keep[t]) @ w_hr
            np.multiply(dh, dh_dc[t], out=tmp)
            dc = np.add(dc, tmp, out=grad_c[t])
            gp = grad_pre[t]
            np.multiply(dc[:, None, :], ifg[t], out=gp[:, :3])
            np.multiply(dh, do[t], out=gp[:, 3])
            target = grad_h[t - 1] if t else rec    # dL/dh_{t-1} through the recurrence (rec: dL/dh0)
            np.matmul(gp.reshape(B, G * H), w_hh, out=target)
            if t and has_ext[t - 1]:
                target += ext[t - 1]
            dc = dc * carry[t]
        grad_c0 = dc
    elif kind == "gru":
        dn_, dz_, dr_, r_val, carry = d["n"], d["z"], d["r"], d["r_val"], d["carry"]
        to_hh = np.empty((B, 3, H), dtype=fw.h.dtype)
        for t in range(top, -1, -1):
            dh = np.add(ext[t], rec, out=grad_h[t])
            gp = grad_pre[t]
            np.multiply(dh, dn_[t], out=gp[:, 2])
            np.multiply(dh, dz_[t], out=gp[:, 1])
            np.multiply(gp[:, 2], dr_[t], out=gp[:, 0])
            to_hh[:, :2] = gp[:, :2]
            np.multiply(gp[:, 2], r_val[t], out=to_hh[:, 2])
            rec = dh * carry[t] + to_hh.reshape(B, G * H) @ w_hh
        grad_c0 = None
    else:
        dpre = d["pre"]
        for t in range(top, -1, -1):
            dh = np.add(ext[t], rec, out=grad_h[t])
            np.multiply(dh, dpre[t], out=grad_pre[t, :, 0])
            rec = grad_pre[t, :, 0] @ w_hh
        grad_c0 = None
    grad_x = seq_matmul(grad_pre.reshape(T, B, G * H), w.w_ih)
    return Backward(grad_h, grad_c, grad_pre, grad_x, rec, grad_c0)


def jacobian_norms(fw: Forward, w: LayerWeights, batch: int = 0) -> np.ndarray:
    """||dh_T / dh_t||_F for t = 0..T-1 (processing order), through the recurrence of one layer.

    Runs the backward recurrence on the H basis vectors of the last hidden state at once. For the LSTM
    this is the derivative with c_t held as a separate state (the gradient reaching h_T via c flows through
    the later gates and cell states, as in `backward`).
    """
    T, B, H = fw.h.shape                 # H: units of h (proj_size with a projection)
    sub = Forward(fw.kind, fw.nonlinearity, fw.x[:, batch:batch + 1].repeat(H, 1), fw.h0[batch:batch + 1].repeat(H, 0),
                  None if fw.c0 is None else fw.c0[batch:batch + 1].repeat(H, 0),
                  fw.h[:, batch:batch + 1].repeat(H, 1), None if fw.c is None else fw.c[:, batch:batch + 1].repeat(H, 1),
                  fw.pre[:, batch:batch + 1].repeat(H, 1), fw.act[:, batch:batch + 1].repeat(H, 1),
                  None if fw.hn is None else fw.hn[:, batch:batch + 1].repeat(H, 1), fw.edits)
    ext = np.zeros((T, H, H), dtype=fw.h.dtype)
    ext[-1] = np.eye(H, dtype=fw.h.dtype)
    bw = backward(sub, w, ext)
    return np.linalg.norm(bw.grad_h.astype(np.float64), axis=(1, 2))   # float32 squares underflow below ~1e-19


def loss_step(seq_len: int, direction: int = 0, at_step: int | None = None) -> int:
    """Where a loss taken on the final state (or, with `at_step`, on one output position) meets a direction's
    hidden states, as an input position: the last step forward, position 0 in reverse (where the reverse
    direction ends), or `at_step` itself for a loss at one step (both directions output there)."""
    if at_step is not None:
        return int(at_step)
    return seq_len - 1 if direction == 0 else 0


def normalised(norms: np.ndarray, at: int) -> np.ndarray:
    """`norms` divided by its value at step `at` (1 there); all NaN when nothing reaches that step."""
    norms = np.asarray(norms, dtype=np.float64)
    ref = norms[at]
    if not np.isfinite(ref) or ref <= 0:
        return np.full(norms.shape, np.nan)
    return norms / ref


SINGLE_STEP_LOSSES = ("last_ce", "last_mse", "encoder")     # L reads the final state only


def loss_kind(io: str, output: str, part: str = "recurrent") -> str:
    """What a zoo model's traced loss L is (`zoo.models` trace_args), as the catalogue's `loss.<kind>` names it:
    the criterion on the prediction after the last step (N->1: "last_ce" / "last_mse"), the mean over the steps
    with a target (N->N, 1->N: "steps_ce" / "steps_mse"), the teacher-forced decoder's loss reached through the
    encoder's final state ("encoder") or over the decoder's steps ("decoder"). Uploads: "sum" (of all outputs)."""
    if part in ("encoder", "decoder"):
        return part
    criterion = "ce" if output == "class" else "mse"
    return ("last_" if io == "N->1" else "steps_") + criterion
