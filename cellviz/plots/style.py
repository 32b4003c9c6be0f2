"""Colour conventions, fonts and the small helpers every figure shares (one place for each convention).

Sigmoid gates on a sequential 0..1 scale, tanh quantities on a diverging -1..1 scale centred at 0,
unbounded quantities (the LSTM cell state c, the input x, pre-activations) on their own symmetric
±max|value| scale labelled as unbounded, gradients on a log scale. Texts come from `cellviz.i18n.t`."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..summaries import SIGMOID_GATES

GATE_SCALE = "Viridis"            # sigmoid gates, 0..1
TANH_SCALE = "RdBu_r"             # tanh quantities, -1..1, white at 0
UNBOUNDED_SCALE = "PuOr_r"        # unbounded quantities, -m..m with m = max|value|, white at 0
# gradient norms, log10: Inferno without its near-black first stop, which Streamlit's chart theme repaints pink
GRAD_SCALE = ("#1b0c41", "#4a0c6b", "#781c6d", "#a52c60", "#cf4446", "#ed6925", "#fb9b06", "#f7d13d", "#fcffa4")
LINE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
CELL_COLORS = {"rnn": "#7f7f7f", "lstm": "#1f77b4", "gru": "#d62728"}
FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=13)
MAX_HEAT_STEPS, MAX_HEAT_UNITS, MAX_CLICK_POINTS = 300, 80, 2000
QUANTITIES = ("x", "h_prev", "c_prev", "i", "f", "g", "o", "r", "z", "n", "a", "tanh_c", "c", "h")
def qname(name: str) -> str:
    """A quantity's display name, e.g. "f (forget gate)"."""
    return t(f"q.{name}") if name in QUANTITIES else name
def is_gate(name: str) -> bool:
    return name in SIGMOID_GATES
# quantities with no activation bounding them: the cell state, the input, pre-activations
UNBOUNDED = frozenset({"c", "c_prev", "x", "a"})
def is_unbounded(name: str) -> bool:
    return name in UNBOUNDED or name.startswith("pre_") or name.startswith("Δ")    # a difference: ±max|Δ|
def symmetric_limit(values) -> float:
    """max |value| over finite entries (1.0 when there are none or all are 0): the unbounded scale's half-range."""
    v = np.abs(np.asarray(values, dtype=np.float64)).ravel() if values is not None else np.zeros(0)
    v = v[np.isfinite(v)]
    m = float(v.max()) if v.size else 0.0
    return m if m > 0 else 1.0
def coloraxis(name: str, values=None) -> dict:
    """The shared colour axis for a quantity: sequential 0..1 for gates, diverging -1..1 for tanh quantities,
    diverging ±max|values| for unbounded ones (c, x, pre-activations; `values` = every value it must cover)."""
    if is_gate(name):
        return dict(colorscale=GATE_SCALE, cmin=0.0, cmax=1.0, colorbar=dict(title=t("plot.scale.gate"), len=0.45))
    # h of a ReLU RNN or of a projected LSTM (h = W_hr (o * tanh c)) is not bounded by tanh: values past 1 say so
    if is_unbounded(name) or (values is not None and symmetric_limit(values) > 1 + 1e-6):
        m = symmetric_limit(values)
        return dict(colorscale=UNBOUNDED_SCALE, cmin=-m, cmax=m, cmid=0.0,
                    colorbar=dict(title=t("plot.scale.unbounded", max=f"{m:.3g}"), len=0.45))
    return dict(colorscale=TANH_SCALE, cmin=-1.0, cmax=1.0, cmid=0.0,
                colorbar=dict(title=t("plot.scale.tanh"), len=0.45))
def axis_name(name: str) -> str:
    """Which of a figure's colour axes a quantity is drawn on: gates, tanh quantities, the cell state, inputs."""
    if is_gate(name):
        return "coloraxis"
    if not is_unbounded(name):
        return "coloraxis2"
    return "coloraxis3" if name in ("c", "c_prev", "Δc") else "coloraxis4"
def coloraxes(series: Mapping[str, object]) -> dict:
    """Layout settings for the colour axes the quantities in `series` (name -> values) use, each unbounded axis
    spanning ±max|value| of everything drawn on it; colour bars stacked down the right edge."""
    groups: dict[str, list] = {}
    for name, values in series.items():
        groups.setdefault(axis_name(name), []).append(np.asarray(values, dtype=np.float64).ravel())
    out = {}
    order = list(groups)                  # in the order of the rows: each colour bar beside its first row
    for k, axis in enumerate(order):
        rep = {"coloraxis": "f", "coloraxis2": "h", "coloraxis3": "c", "coloraxis4": "x"}[axis]
        spec = coloraxis(rep, np.concatenate(groups[axis]))
        n = len(order)
        spec["colorbar"].update(len=min(0.45, 0.9 / n), y=1 - (k + 0.5) / n, yanchor="middle")
        out[axis] = spec
    return out
def display_token(token: str) -> str:
    """A token as plain text can show it (spaces and newlines made visible). Not escaped: for textContent and
    other plain-text sinks. Inside a figure use `plotly_token`."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(token, token)
def plotly_text(text: str) -> str:
    """User-derived text made literal for Plotly, which renders a subset of HTML in titles, tick labels, hover
    and cell text (<a href> becomes a clickable link, <b>, <br>, entities are decoded): &, < and > as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
def plotly_token(token: str) -> str:
    """A token as a figure shows it: `display_token`, escaped for Plotly."""
    return plotly_text(display_token(token))
def step_labels(tokens: Sequence[str] | None, T: int) -> np.ndarray:
    """One hover label per step: the displayed token (escaped for Plotly), or the step number without tokens."""
    return np.array([plotly_token(s) for s in tokens]) if tokens is not None else np.arange(T).astype(str)
def log_y(fig: go.Figure, title: str, values, **where) -> None:
    """A log y axis in powers of ten; spanning two decades or more, only the powers are labelled (no 2, 5 clutter)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    span = np.log10(v.max() / v.min()) if v.size else 0.0
    # a label every `dtick` decades, at most ~10 labels (a 45-decade vanishing gradient would otherwise stack 45)
    dtick = max(1, int(np.ceil(span / 10)))
    fig.update_yaxes(type="log", title_text=title, exponentformat="power", **({"dtick": dtick} if span >= 2 else {}),
                     **where)
def base_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0.0, xanchor="left"), height=height, font=FONT,
                      margin=dict(l=60, r=20, t=60, b=50), template="plotly_white")
    return fig
def f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)
CURSOR = dict(color="#111", width=1.5, dash="dot")
def add_cursor(fig: go.Figure, step: int | None, rows: int = 1, units: Sequence[int] = ()) -> None:
    """A dotted vertical line at `step` in every subplot row (and dashed lines at `units`), added in one go
    (plotly's add_vline(row="all") is slow for many rows)."""
    shapes = list(fig.layout.shapes)
    for k in range(1, rows + 1):
        ax = "" if k == 1 else str(k)
        if step is not None:
            shapes.append(dict(type="line", xref=f"x{ax}", yref=f"y{ax} domain", x0=step, x1=step, y0=0, y1=1,
                               line=CURSOR))
        shapes += [dict(type="line", xref=f"x{ax} domain", yref=f"y{ax}", x0=0, x1=1, y0=u, y1=u,
                        line=dict(color="#111", width=1, dash="dash")) for u in units]
    fig.update_layout(shapes=shapes)

def token_ticks(tokens: Sequence[str] | None, most: int = 80) -> dict:
    """Tick every step with its token when the sequence is short enough to read them."""
    if tokens is None or len(tokens) > most:
        return {}
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[plotly_token(s) for s in tokens],
                tickangle=0, tickfont=dict(size=11 if len(tokens) <= 40 else 9))
