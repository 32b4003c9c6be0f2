"""Colour conventions, fonts and the small helpers every figure shares (one place for each convention).

Sigmoid gates on a sequential 0..1 scale, tanh quantities on a diverging -1..1 scale centred at 0,
gradients on a log scale. Texts come from `cellviz.i18n.t`."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..summaries import SIGMOID_GATES

GATE_SCALE = "Viridis"            # sigmoid gates, 0..1
TANH_SCALE = "RdBu_r"             # tanh quantities, -1..1, white at 0
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
def coloraxis(name: str) -> dict:
    """The shared colour axis for a quantity: sequential 0..1 for gates, diverging -1..1 otherwise."""
    if is_gate(name):
        return dict(colorscale=GATE_SCALE, cmin=0.0, cmax=1.0, colorbar=dict(title=t("plot.scale.gate"), len=0.45))
    return dict(colorscale=TANH_SCALE, cmin=-1.0, cmax=1.0, cmid=0.0,
                colorbar=dict(title=t("plot.scale.tanh"), len=0.45))
def display_token(token: str) -> str:
    """A token as a hover / label can show it (spaces and newlines made visible)."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(token, token)
def step_labels(tokens: Sequence[str] | None, T: int) -> np.ndarray:
    """One hover label per step: the displayed token, or the step number without tokens."""
    return np.array([display_token(s) for s in tokens]) if tokens is not None else np.arange(T).astype(str)
def log_y(fig: go.Figure, title: str, values, **where) -> None:
    """A log y axis in powers of ten; spanning two decades or more, only the powers are labelled (no 2, 5 clutter)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    span = np.log10(v.max() / v.min()) if v.size else 0.0
    fig.update_yaxes(type="log", title_text=title, exponentformat="power", **({"dtick": 1} if span >= 2 else {}),
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
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[display_token(s) for s in tokens],
                tickangle=0, tickfont=dict(size=11 if len(tokens) <= 40 else 9))
