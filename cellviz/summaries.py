"""The numbers the explorer's views summarise a trace with (NumPy only: no torch, no Plotly, no Streamlit).

"Get the numbers" lives here, "draw them" in `cellviz.plots`: both work from a notebook on any `Trace`.
Arrays are one layer and direction of one batch element: (T, H) with row t = input position t.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIGMOID_GATES = frozenset("ifozr")


def quantities(rec, batch: int = 0) -> dict[str, np.ndarray]:
    """Every gate, then c (LSTM) and h, of one LayerRecord as (T, H) arrays, in the cell's own order.

    The notebook's picture of a layer: `plots.heatmaps_over_time(summaries.quantities(tr.layer(l)), tokens=words)`."""
    out = {g: v[:, batch] for g, v in rec.gates.items()}
    if rec.c is not None:
        out["c"] = rec.c[:, batch]
    out["h"] = rec.h[:, batch]
    return out


def previous(seq: np.ndarray, initial: np.ndarray, t: int, direction: int) -> np.ndarray:
    """The state a direction started step t from: position t-1 forward, t+1 in reverse (or the initial state)."""
    p = t - 1 if direction == 0 else t + 1
    return initial if not 0 <= p < len(seq) else seq[p]


def cell_vectors(rec, x: np.ndarray, t: int, direction: int, batch: int = 0) -> dict[str, np.ndarray]:
    """Every vector the cell diagram shows at step t: x, h_prev, (c_prev), the gates, (tanh c), c, h, (a)."""
    v = {"x": x[t, batch], "h_prev": previous(rec.h[:, batch], rec.h0[batch], t, direction)}
    if rec.c is not None:
        v["c_prev"] = previous(rec.c[:, batch], rec.c0[batch], t, direction)
        v["tanh_c"] = np.tanh(rec.c[t, batch])
        v["c"] = rec.c[t, batch]
    v.update({g: a[t, batch] for g, a in rec.gates.items()})
    if not rec.gates:
        v["a"] = rec.preacts["h"][t, batch]
    v["h"] = rec.h[t, batch]
    return v


def sequence_values(rec, x: np.ndarray, batch: int = 0) -> dict[str, np.ndarray]:
    """Every value the unbounded quantities of `cell_vectors` take over the whole sequence (x, c_prev, c, a),
    so that a figure of one step can keep their ±max|value| colour scale fixed while the step moves."""
    v = {"x": x[:, batch]}
    if rec.c is not None:
        v["c"] = rec.c[:, batch]
        v["c_prev"] = np.concatenate([rec.c0[batch][None], rec.c[:, batch]])
    if not rec.gates:
        v["a"] = rec.preacts["h"][:, batch]
    return v


@dataclass
class Blocks:
    """A (T, H) array averaged over blocks of `bt` steps x `bu` units; `steps`/`units` are block starts."""

    values: np.ndarray          # (T', H') float32
    steps: np.ndarray           # (T',) first step of each block
    units: np.ndarray           # (H',) first unit of each block
    bt: int
    bu: int


def downsample(a: np.ndarray, max_steps: int, max_units: int) -> Blocks:
    """Block means so that the result has at most max_steps x max_units cells (float32)."""
    T, H = a.shape
    bt, bu = -(-T // max_steps), -(-H // max_units)
    Tp, Hp = -(-T // bt), -(-H // bu)
    if (bt, bu) == (1, 1):
        values = a
    elif T % bt == 0 and H % bu == 0:
        values = a.reshape(Tp, bt, Hp, bu).mean(axis=(1, 3), dtype=np.float32)
    else:
        padded = np.full((Tp * bt, Hp * bu), np.nan, dtype=np.float32)
        padded[:T, :H] = a
        values = np.nanmean(padded.reshape(Tp, bt, Hp, bu), axis=(1, 3))
    return Blocks(values.astype(np.float32), np.arange(Tp) * bt, np.arange(Hp) * bu, bt, bu)


def correlations(values: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson correlation of every unit's (T, H) trajectory with a (T,) feature; NaN where undefined."""
    f = feature - feature.mean()
    v = values - values.mean(axis=0)
    denom = np.sqrt((v ** 2).sum(axis=0) * (f ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (f @ v) / denom
    return np.where(denom > 1e-12, r, np.nan)


def rank_units(series: dict[str, np.ndarray], feature: np.ndarray, top: int = 10) -> list[tuple[str, int, float]]:
    """The (quantity, unit, r) that best track `feature`, by |correlation|, best first."""
    found = [(q, u, float(r)) for q, a in series.items() for u, r in enumerate(correlations(a, feature))
             if np.isfinite(r)]
    return sorted(found, key=lambda m: -abs(m[2]))[:top]


def saturation(a: np.ndarray, low: float, high: float, eps: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, the share of steps within eps of `low` and within eps of `high`: two (H,) arrays."""
    return (a <= low + eps).mean(axis=0), (a >= high - eps).mean(axis=0)


def saturation_limits(name: str) -> tuple[float, float]:
    """The two limits of a quantity's activation: 0..1 for sigmoid gates, -1..1 for tanh ones."""
    return (0.0, 1.0) if name in SIGMOID_GATES else (-1.0, 1.0)


def layer_input(trace, layer: int) -> np.ndarray:
    """What a layer reads, (T, B, I): the input for layer 0, else the layer below's outputs (both directions)."""
    if layer == 0:
        return trace.x
    return np.concatenate([trace.layer(layer - 1, d).h for d in range(trace.num_directions)], axis=-1)


def grad_norms(rec, batch: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """(||dL/dh_t||, ||dL/dc_t|| or None) over t for one layer record, in float64: a float32 norm squares its
    entries and underflows to 0 below ~1e-19 (a vanishing gradient would read as exactly 0)."""
    gh = np.linalg.norm(rec.grad_h[:, batch].astype(np.float64), axis=-1)
    return gh, None if rec.grad_c is None else np.linalg.norm(rec.grad_c[:, batch].astype(np.float64), axis=-1)


def overview(trace) -> dict:
    """What a trace holds, without its arrays: the cell and its sizes, how the input was read, the loss, and
    every quantity with its shape (what `Trace.__repr__` / `Trace._repr_html_` show in a notebook)."""
    rec = trace.layer(0, 0)
    per_layer = {**{f'gates["{g}"]': v.shape for g, v in rec.gates.items()},
                 **({"c": rec.c.shape} if rec.c is not None else {}), "h": rec.h.shape,
                 "grad_h": rec.grad_h.shape, **({"grad_c": rec.grad_c.shape} if rec.grad_c is not None else {}),
                 **{f'grad_gates["{g}"]': v.shape for g, v in rec.grad_gates.items()},
                 **{f'preacts["{g}"]': v.shape for g, v in rec.preacts.items()}}
    whole = {"x": trace.x.shape, "output": np.shape(trace.output), "h_n": np.shape(trace.h_n),
             **({"c_n": np.shape(trace.c_n)} if trace.c_n is not None else {}), "grad_x": trace.grad_x.shape,
             "input_sensitivity": (trace.seq_len, trace.batch_size)}
    loss = float(np.asarray(trace.loss))
    return {"cell": trace.kind, "layers": trace.num_layers, "directions": trace.num_directions,
            "T": trace.seq_len, "B": trace.batch_size, "H": trace.hidden_size,
            "input_size": getattr(trace, "input_size", trace.x.shape[-1]),
            "batch_first": getattr(trace, "batch_first", None), "unbatched": getattr(trace, "unbatched", None),
            "nonlinearity": getattr(trace, "nonlinearity", "tanh"), "proj_size": getattr(trace, "proj_size", 0),
            "rnn_path": getattr(trace, "rnn_path", None),
            "loss": loss, "loss_at_step": trace.at_step, "interventions": len(trace.interventions),
            "per_layer": {k: tuple(int(n) for n in s) for k, s in per_layer.items()},
            "trace": {k: tuple(int(n) for n in s) for k, s in whole.items()}}
