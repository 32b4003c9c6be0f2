"""Instrumented recurrent-cell math in NumPy, PyTorch-exact (no torch, no UI).

One parameterised implementation serves the vanilla RNN, the LSTM and the GRU: what differs between
them (gate names and order, number of stacked chunks) is the table `GATES`. `forward` runs one layer in
one direction over a whole sequence and keeps everything the views and the backward pass need.

Conventions follow `torch.nn`: stacked weights `w_ih` (G*H, I) and `w_hh` (G*H, H) with gate chunks in
PyTorch's order — LSTM (i, f, g, o), GRU (r, z, n) — and the GRU's `b_hn` inside the reset product:
`n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GATES: dict[str, tuple[str, ...]] = {"rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
SIGMOID_GATES = frozenset({"i", "f", "o", "r", "z"})


def num_chunks(kind: str) -> int:
    """How many H-sized blocks the stacked weights of a `kind` cell have (RNN 1, LSTM 4, GRU 3)."""
    return max(1, len(GATES[kind]))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function without overflow warnings (via tanh)."""
    return 0.5 + 0.5 * np.tanh(0.5 * x)


@dataclass(frozen=True)
class Intervention:
    """Force a quantity inside a cell during the forward pass.

    target: a gate name of the cell ("i","f","g","o" / "r","z","n") or "c" / "h".
    value: what the quantity is set to (scalar, or one value per selected unit).
    step: input position t at which to apply it; None applies it at every step (an ablation).
    units: which hidden units; None means all of them.
    layer, direction: where in a stacked / bidirectional module.
    A forced quantity is a constant: no gradient flows through it to what produced it.
    """

    target: str
    value: float | tuple[float, ...] = 0.0
    step: int | None = None
    units: tuple[int, ...] | None = None
    layer: int = 0
    direction: int = 0

    def __post_init__(self) -> None:
        """ValueError for a value that is not finite numbers (NaN would silently poison every trace after it)
        or a place that is not integers (1.5 is no step); ranges are checked against the module by `trace`."""
        if not isinstance(self.target, str):
            raise ValueError(f"intervention target must be a name such as 'f' or 'h', got {type(self.target).__name__}")
        for name in ("layer", "direction") + (("step",) if self.step is not None else ()):
            if not _is_int(getattr(self, name)):
                raise ValueError(f"intervention {name} must be an integer, got {_brief(getattr(self, name))}")
        if self.units is not None:
            try:
                units = list(self.units)
            except TypeError:
                raise ValueError(f"intervention units must be a sequence of integers, got {_brief(self.units)}") from None
            if not all(_is_int(u) for u in units):
                raise ValueError(f"intervention units must be integers, got {_brief(self.units)}")
        try:
            value = np.asarray(self.value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"intervention value must be a number or one number per unit, got {_brief(self.value)}") from None
        if value.ndim > 1:
            raise ValueError(f"intervention value must be a number or one number per unit, got shape {value.shape}")
        if not np.isfinite(value).all():
            raise ValueError(f"intervention value must be finite (no NaN or inf), got {_brief(self.value)}")


def _is_int(v: object) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _brief(v: object, limit: int = 60) -> str:
    """repr(v) cut to `limit` characters for an error message."""
    r = repr(v)
    return r if len(r) <= limit else r[:limit - 1] + "…"


@dataclass
class LayerWeights:
    """One layer and direction's parameters as NumPy arrays (biases are zeros when bias=False). `w_hr` (P, H) is an
    LSTM's projection (nn.LSTM(proj_size=P)): h_t = W_hr (o_t * tanh c_t) has P units, c_t keeps H, and w_hh is
    (4H, P)."""

    w_ih: np.ndarray
    w_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    w_hr: np.ndarray | None = None

    @property
    def hidden_size(self) -> int:
        """H: the cell's units (gates and c)."""
        return self.w_hh.shape[1] if self.w_hr is None else self.w_hr.shape[1]

    @property
    def state_size(self) -> int:
        """Units of h: proj_size P with a projection, else H."""
        return self.w_hh.shape[1]


@dataclass
class Forward:
    """One layer, one direction, in processing order: arrays are (T, B, ...) with row t = step t.

    `pre` and `act` are (T, B, G, H): gate pre-activations and post-activation values (for the RNN, G = 1
    and `act` is h itself). `hn` is the GRU's W_hn h_{t-1} + b_hn (None otherwise).
    """

    kind: str
    nonlinearity: str
    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    h: np.ndarray
    c: np.ndarray | None
    pre: np.ndarray
    act: np.ndarray
    hn: np.ndarray | None = None
    edits: list[Intervention] = field(default_factory=list)

    @property
    def h_prev(self) -> np.ndarray:
        return np.concatenate([self.h0[None], self.h[:-1]])

    @property
    def c_prev(self) -> np.ndarray:
        return np.concatenate([self.c0[None], self.c[:-1]])


def seq_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T, B, K) @ (K, N) -> (T, B, N) as one 2-D product (NumPy's batched 3-D matmul is ~5x slower)."""
    return (a.reshape(-1, a.shape[-1]) @ b).reshape(*a.shape[:-1], b.shape[-1])


def _edits_by_step(edits: list[Intervention], T: int) -> dict[int, list[Intervention]]:
    by_step: dict[int, list[Intervention]] = {}
    for e in edits:
        for t in range(T) if e.step is None else [e.step]:
            by_step.setdefault(t, []).append(e)
    return by_step


def _units(e: Intervention) -> slice | list[int]:
    return slice(None) if e.units is None else list(e.units)


def forward(kind: str, w: LayerWeights, x: np.ndarray, h0: np.ndarray, c0: np.ndarray | None = None,
            nonlinearity: str = "tanh", edits: list[Intervention] | None = None) -> Forward:
    """Run one layer over x (T, B, I) from h0 (B, H) [and c0], in order t = 0..T-1.

    `edits` hold interventions whose `step` is already in processing order.
    The input projection for all steps is one matrix product; only the recurrent part loops, with a few
    in-place NumPy operations per step (sigmoid(p) = (1 + tanh(p / 2)) / 2 with the halving folded into
    the weights, so all gates of a step go through one tanh).
    """
    T, B, _ = x.shape
    H, P = w.hidden_size, w.state_size
    G = num_chunks(kind)
    edits = list(edits or [])
    by_step = _edits_by_step(edits, T)
    gate_index = {g: k for k, g in enumerate(GATES[kind])}
    scale = np.ones(G * H, dtype=x.dtype)              # 1/2 on sigmoid chunks
    for g, k in gate_index.items():
        if g in SIGMOID_GATES:
            scale[k * H:(k + 1) * H] = 0.5
    gi = seq_matmul(x, w.w_ih.T) + w.b_ih             # (T, B, G*H)
    if kind != "gru":                                 # GRU keeps b_hn inside the reset product
        gi += w.b_hh
    gi *= scale
    w_hh_t = np.ascontiguousarray(w.w_hh.T * scale)
    pre = np.empty((T, B, G * H), dtype=x.dtype)      # scaled pre-activations, unscaled after the loop
    act = np.empty_like(pre)
    h = np.empty((T, B, P), dtype=x.dtype)
    c = np.empty((T, B, H), dtype=x.dtype) if kind == "lstm" else None
    hn = np.empty_like(h) if kind == "gru" else None
    w_hr_t = None if w.w_hr is None else np.ascontiguousarray(w.w_hr.T)
    tmp = np.empty((B, H), dtype=x.dtype)
    h_t, c_t = h0.astype(x.dtype), None if c0 is None else c0.astype(x.dtype)

    if kind == "lstm":
        # inside the loop the chunks are laid out (i, f, o, g): one slice holds all sigmoid gates
        ifog = [0, 1, 3, 2]
        gi = gi.reshape(T, B, 4, H)[:, :, ifog].reshape(T, B, 4 * H)
        w_hh_t = np.ascontiguousarray(w_hh_t.reshape(P, 4, H)[:, ifog].reshape(P, 4 * H))
        loop_index = {"i": 0, "f": 1, "o": 2, "g": 3}
        for t in range(T):
            p, a = pre[t], act[t]
            np.matmul(h_t, w_hh_t, out=p)
            p += gi[t]
            np.tanh(p, out=a)
            sig = a[:, :3 * H]
            sig *= 0.5
            sig += 0.5
            if t in by_step:
                _apply_gate_edits(a, by_step[t], loop_index, H)
            ct = c[t]
            np.multiply(a[:, H:2 * H], c_t, out=ct)
            np.multiply(a[:, :H], a[:, 3 * H:], out=tmp)
            ct += tmp
            if t in by_step:
                ct[:] = _apply_state_edits(ct, by_step[t], "c")
            np.tanh(ct, out=tmp)
            if w_hr_t is None:
                h_t = np.multiply(a[:, 2 * H:3 * H], tmp, out=h[t])
            else:
                tmp *= a[:, 2 * H:3 * H]
                h_t = np.matmul(tmp, w_hr_t, out=h[t])
            if t in by_step:
                h_t[:] = _apply_state_edits(h_t, by_step[t], "h")
            c_t = ct
        pre = pre.reshape(T, B, 4, H)[:, :, ifog].reshape(T, B, 4 * H)   # back to PyTorch's (i, f, g, o)
        act = act.reshape(T, B, 4, H)[:, :, ifog].reshape(T, B, 4 * H)
    elif kind == "gru":
        b_hh = w.b_hh * scale
        gh = np.empty((B, G * H), dtype=x.dtype)
        for t in range(T):
            p, a = pre[t], act[t]
            step_edits = by_step.get(t, ())
            np.matmul(h_t, w_hh_t, out=gh)
            gh += b_hh
            np.add(gi[t, :, :2 * H], gh[:, :2 * H], out=p[:, :2 * H])
            rz = a[:, :2 * H]
            np.tanh(p[:, :2 * H], out=rz)
            rz *= 0.5
            rz += 0.5
            if step_edits:
                _apply_gate_edits(a, [e for e in step_edits if e.target == "r"], gate_index, H)
            hn[t] = gh[:, 2 * H:]
            pn = p[:, 2 * H:]
            np.multiply(a[:, :H], gh[:, 2 * H:], out=pn)
            pn += gi[t, :, 2 * H:]
            n = a[:, 2 * H:]
            np.tanh(pn, out=n)
            if step_edits:
                _apply_gate_edits(a, [e for e in step_edits if e.target != "r"], gate_index, H)
            np.subtract(h_t, n, out=tmp)
            tmp *= a[:, H:2 * H]
            h_t = np.add(n, tmp, out=h[t])
            if step_edits:
                h_t[:] = _apply_state_edits(h_t, step_edits, "h")
    else:
        relu = nonlinearity == "relu"
        for t in range(T):
            p = pre[t]
            np.matmul(h_t, w_hh_t, out=p)
            p += gi[t]
            h_t = np.maximum(p, 0, out=h[t]) if relu else np.tanh(p, out=h[t])
            if t in by_step:
                h_t[:] = _apply_state_edits(h_t, by_step[t], "h")
        act[:] = np.maximum(pre, 0) if relu else np.tanh(pre)   # before any edit of h
    pre /= scale
    shape4 = (T, B, G, H)
    return Forward(kind, nonlinearity, x, h0, c0, h, c, pre.reshape(shape4), act.reshape(shape4), hn, edits)


def lstm_from_hidden(w: LayerWeights, x: np.ndarray, h: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> Forward:
    """An LSTM layer's Forward from its hidden states h (T, B, H or proj_size P), e.g. from torch's fused kernel.

    All gates follow from h_{t-1} and x_t in two batched matrix products; only c_t = f*c_{t-1} + i*g
    remains a (two-operation) loop. Same values as `forward`, several times faster for long sequences.
    """
    T, B, H = h.shape[0], h.shape[1], w.hidden_size      # h has proj_size units with a projection
    h_prev = np.concatenate([h0[None], h[:-1]])
    pre = seq_matmul(x, w.w_ih.T) + w.b_ih
    pre += w.b_hh
    pre += seq_matmul(h_prev, w.w_hh.T)
    pre4 = pre.reshape(T, B, 4, H)
    act4 = pre4 * np.array([0.5, 0.5, 1.0, 0.5], dtype=pre.dtype)[:, None]   # sigmoid(p) = (1 + tanh(p/2)) / 2
    np.tanh(act4, out=act4)
    for sig in (act4[:, :, :2], act4[:, :, 3]):
        sig *= 0.5
        sig += 0.5
    f, ig = act4[:, :, 1], act4[:, :, 0] * act4[:, :, 2]
    c = np.empty((T, B, H), dtype=h.dtype)
    c_t = c0
    for t in range(T):
        c_t = np.multiply(f[t], c_t, out=c[t])
        c_t += ig[t]
    return Forward("lstm", "tanh", x, h0, c0, h, c, pre4, act4)


def _apply_gate_edits(a: np.ndarray, edits, gate_index: dict[str, int], H: int) -> None:
    for e in edits:
        if e.target in gate_index:
            k = gate_index[e.target]
            a[:, k * H:(k + 1) * H][:, _units(e)] = e.value


def _apply_state_edits(state: np.ndarray, edits, target: str) -> np.ndarray:
    mine = [e for e in edits if e.target == target]
    if not mine:
        return state
    state = state.copy()
    for e in mine:
        state[:, _units(e)] = e.value
    return state
