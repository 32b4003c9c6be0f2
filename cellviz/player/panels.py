"""The step-dependent panels of the views, built once per trace for the player (app and export alike).

Each function takes NumPy arrays (one layer, direction and batch element of a `Trace`) and returns player
panels (`payload.figure` / `payload.table`): figures drawn at no particular step, plus what moves per step.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .. import plots, summaries
from ..i18n import t
from ..plots.style import display_token, log_y
from . import payload


# the cell's equations as LaTeX (the app renders them with st.latex, the static site as MathML)
EQUATIONS = {
    "lstm": [r"i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi})",
             r"f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})",
             r"g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})",
             r"o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho})",
             r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
             r"h_t = o_t \odot \tanh(c_t)"],
    "gru": [r"r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})",
            r"z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})",
            r"n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))",
            r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"],
    "rnn": [r"a_t = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}",
            r"h_t = \{act}(a_t)"],
}


def cell_vectors_over_time(tr, layer: int, direction: int, batch: int = 0) -> list[dict[str, np.ndarray]]:
    """`summaries.cell_vectors` at every step."""
    rec, x = tr.layer(layer, direction), summaries.layer_input(tr, layer)
    return [summaries.cell_vectors(rec, x, k, direction, batch) for k in range(tr.seq_len)]


MAX_STRIP_CELLS = 96         # a strip is ~100 px wide: more units than this are drawn as block means


def _unit_blocks(a: np.ndarray, bu: int) -> np.ndarray:
    """(T, n) -> (T, ceil(n / bu)) means over blocks of `bu` units (the last block may be shorter)."""
    if bu == 1:
        return np.asarray(a, dtype=np.float32)
    T, n = a.shape
    m = -(-n // bu)
    padded = np.full((T, m * bu), np.nan, dtype=np.float64)
    padded[:, :n] = a
    return np.nanmean(padded.reshape(T, m, bu), axis=2).astype(np.float32)


def cell_diagram(tr, layer: int, direction: int, tokens: Sequence[str], unit: int | None, batch: int = 0,
                 caption: str = "") -> dict:
    """The cell diagram: drawn once, its colour strips recoloured per step, its title per step.

    Each strip reads a (T, n) series of the panel (`series`, float16 colours): the gates, c, h and x as they
    are; h_{t-1} and c_{t-1} as h and c shifted by a step (from the initial state), tanh(c_t) from c — so the
    page carries each quantity once. Beyond MAX_STRIP_CELLS units a cell is the mean of `bu` units."""
    rec, x = tr.layer(layer, direction), summaries.layer_input(tr, layer)
    vecs = cell_vectors_over_time(tr, layer, direction, batch)
    ranges = {n: np.stack([v[n] for v in vecs]) for n in vecs[0]}     # colour scales fixed over the sequence
    H = tr.hidden_size
    bu = max(1, -(-H // MAX_STRIP_CELLS))
    bx = max(1, -(-len(vecs[0]["x"]) // MAX_STRIP_CELLS))           # a wide input is drawn as block means too
    first = {**vecs[0], "x": _unit_blocks(vecs[0]["x"][None], bx)[0]}
    fig = plots.cell_diagram(tr.kind, first, unit=None, step=0, token=tokens[0], nonlinearity=tr.nonlinearity,
                             ranges=ranges)
    shift = 1 if direction == 0 else -1                 # the previous state: position t-1 forward, t+1 reverse
    derived = {"h_prev": ("h", shift, rec.h0[batch]), "c_prev": ("c", shift, None if rec.c0 is None else rec.c0[batch])}
    series: dict[str, dict] = {}
    strips = []
    for i, d in enumerate(fig.data):
        if d.type != "heatmap":
            continue
        name = next(n for n in vecs[0] if plots.qname(n) == d.name)
        block = bx if name == "x" else bu
        spec: dict = {}
        if name in derived and derived[name][2] is not None:
            src, step_shift, initial = derived[name]
            spec.update(series=src, shift=step_shift, initial=payload.typed(_unit_blocks(initial[None], block)[0]))
        elif name == "tanh_c" and block == 1:
            spec.update(series="c", fn="tanh")
        source = spec.setdefault("series", name)
        if source not in series:
            series[source] = payload.typed(_unit_blocks(ranges[source], block), "f2")
        n = series[source]["shape"][1]
        x, y = np.asarray(d.x, dtype=float), np.asarray(d.y, dtype=float)
        strips.append({"trace": i, "label": d.name, "coloraxis": d.coloraxis or "coloraxis",
                       "x0": float(x[0]), "x1": float(x[-1]), "y0": float(y[0]), "y1": float(y[-1]),
                       "n": int(n), "bu": block, "units": int(len(vecs[0][name])),
                       "unit": None if name == "x" or unit is None else unit, **spec})
        d.hoverinfo = "skip"             # the strips' hover comes from the player's overlay (per step)
    titles = [t("plot.cell.title", kind=tr.kind.upper(), t=k, token=display_token(s)) for k, s in enumerate(tokens)]
    panel = payload.figure("cell", fig, cursor=None, strips=strips, titles=titles, caption=caption,
                           config={"displayModeBar": False})
    panel["series"] = series
    return panel


def unit_numbers(tr, layer: int, direction: int, unit: int, batch: int = 0) -> dict:
    """The selected unit's value of every quantity of the diagram, per step (float32: the trace's own)."""
    vecs = cell_vectors_over_time(tr, layer, direction, batch)
    rows = [(plots.qname(q), np.array([v[q][unit] for v in vecs])) for q in vecs[0]
            if q != "x" and unit < len(vecs[0][q])]
    return payload.table("numbers", t("cell.unit_numbers", unit=unit), [t("cell.quantity"), t("cell.value")], rows)


def heatmaps(series: Mapping[str, np.ndarray], units: Sequence[int], tokens: Sequence[str] | None,
             clickable: bool = True, title: str | None = None, panel_id: str = "time") -> dict:
    """Units x time heatmaps with a cursor line; a click picks (unit, step)."""
    fig = plots.heatmaps_over_time(series, None, units, tokens, clickable=False, title=title)
    return payload.figure(panel_id, fig, click="unit_step" if clickable else None,
                          config={"displayModeBar": False})


def unit_traces(series: Mapping[str, np.ndarray], units: Sequence[int], tokens: Sequence[str] | None) -> dict:
    return payload.figure("traces", plots.unit_traces(series, units, None, tokens))


def gradient_norms(curves: Mapping[str, np.ndarray], panel_id: str = "grad", server: str | None = None,
                   by_step: np.ndarray | None = None, **kw) -> dict:
    """Gradient norms against t with a cursor. With `server`, the host sends every curve anew for the step
    shown (`{server: {"t", "values": (curves, T), "layout"}}`: curves normalised at that step); `by_step`
    (T, curves, T) carries them for every step at once, drawn on one y range."""
    fig = plots.gradient_norms(curves, None, **kw)
    steps = None
    if by_step is not None:              # one y range for every step's curves
        lo, hi = log_range(by_step)
        log_y(fig, fig.layout.yaxis.title.text, by_step)
        fig.update_yaxes(range=[lo - 0.1, hi + 0.1], autorange=False)
        fig.update_traces(mode="lines")  # markers are hundreds of SVG paths to move per step
        steps = payload.by_step(by_step, {"kind": "lines"})
    return payload.figure(panel_id, fig, server=server, server_update={"kind": "lines"} if server else None,
                          by_step=steps)


def strip_layout(tokens: Sequence[str], chars: int = 100) -> tuple[list[str], int]:
    """Labels that fit a token strip of `chars` characters a row, and tokens per row."""
    shown = [display_token(s) for s in tokens]
    width = int(np.percentile([len(s) for s in shown], 90)) if shown else 1
    per_row = int(np.clip(chars // (width + 1), 6, 40))
    fits = max(2, chars // per_row - 1)
    return [s if len(s) <= fits else s[:fits - 1] + "…" for s in shown], per_row


def token_strip(panel_id: str, tokens: Sequence[str], values: np.ndarray, quantity: str, title: str,
                per_row: int = 40) -> dict:
    """The input coloured by `values`, with an outline on token t."""
    fig = plots.token_strip(tokens, values, quantity, title, per_row=per_row, step=None)
    return payload.figure(panel_id, fig, cursor="cell", per_row=per_row, config={"displayModeBar": False})


def feature_match(feature: np.ndarray, unit_values: np.ndarray, tokens: Sequence[str], feature_name: str,
                  unit_label: str) -> dict:
    return payload.figure("match", plots.feature_match(feature, unit_values, tokens, feature_name, unit_label))


def input_reach(sensitivity: np.ndarray, tokens: Sequence[str], t_star: int, server: str | None = None,
                loss: str | None = None) -> list[dict]:
    """How far back step t* reaches: bars and the coloured input. Without `server` both are fixed (an N->1
    model's one prediction); with it, the host sends the bars of the step the player shows
    (`{server: {"t", "values", "title"}}`) and the cursors follow that step."""
    per_row = 40
    bars = plots.input_reach(sensitivity, tokens, t_star, loss=loss)
    strip = plots.token_strip(tokens, sensitivity, "grad", t("plot.text.title", what="‖∂L/∂x_k‖"), per_row=per_row,
                              step=None if server else t_star)
    if not server:
        return [payload.figure("reach", bars, cursor=None),
                payload.figure("reach_text", strip, cursor=None, config={"displayModeBar": False})]
    return [payload.figure("reach", _no_cursor(bars), cursor="vline", server=server, server_at=t_star,
                           server_update={"kind": "bars"}),
            payload.figure("reach_text", strip, cursor="cell", per_row=per_row, server=server, server_at=t_star,
                           server_update={"kind": "strip", "per_row": per_row}, config={"displayModeBar": False})]


def input_reach_by_step(sensitivity: np.ndarray, tokens: Sequence[str], loss: str) -> list[dict]:
    """How far back each step's loss term reaches, every step at once (row t*: ‖∂L_{t*}/∂x_k‖ over k; `loss`
    names the term at the step shown): bars and the coloured input on scales fixed over all steps, redrawn in
    the browser as the step changes (one Plotly.restyle each), under a heading per step."""
    per_row = 40
    lo, hi = log_range(sensitivity)
    bars = _no_cursor(plots.input_reach(sensitivity[0], tokens, 0, loss=loss))
    log_y(bars, bars.layout.yaxis.title.text, sensitivity)         # ticks for every step's values
    bars.update_yaxes(range=[lo - 0.1, hi + 0.1], autorange=False)
    bars.update_traces(marker_cmin=lo, marker_cmax=hi, marker_showscale=False)   # the strip below has the scale
    strip = plots.token_strip(tokens, sensitivity[0], "grad", t("plot.text.title", what="‖∂L/∂x_k‖"),
                              per_row=per_row, step=None)
    strip.update_traces(zmin=lo, zmax=hi)
    titles = [t("plot.reach.title" if np.any(row > 0) else "plot.reach.title_none", t=k)
              for k, row in enumerate(sensitivity)]
    return [payload.figure("reach", bars, titles=titles, by_step=payload.by_step(sensitivity, {"kind": "bars"})),
            payload.figure("reach_text", strip, cursor="cell", per_row=per_row, config={"displayModeBar": False},
                           by_step=payload.by_step(sensitivity, {"kind": "strip", "per_row": per_row}))]


def log_range(values: np.ndarray) -> tuple[float, float]:
    """(log10 min, log10 max) of the positive values (a decade around 1 if there are none)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    return (float(np.log10(v.min())), float(np.log10(v.max()))) if v.size else (-1.0, 1.0)


def _no_cursor(fig):
    """A figure without the dotted step line `plots` draws (the player draws its own)."""
    fig.layout.shapes = [s for s in fig.layout.shapes if not (s.type == "line" and s.x0 == s.x1)]
    return fig
