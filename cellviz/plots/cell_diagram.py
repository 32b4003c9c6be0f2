"""View "the cell at step t": the textbook diagram of an RNN / LSTM / GRU cell with the real vectors in it."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .style import axis_name, base_layout, coloraxes, f32, plotly_token, qname

# Each node: (x, y, "vector" | op symbol[, label side]). Vectors are drawn as a colour strip of H cells.
_LSTM = {
    "nodes": {"c_prev": (0.8, 5.0, "vector"), "h_prev": (0.8, 1.0, "vector"), "x": (2.6, -0.3, "vector", "left"),
              "f": (3.0, 2.6, "vector", "above-left"), "i": (4.4, 2.6, "vector", "above-left"),
              "g": (5.8, 2.6, "vector", "above-right"),
              "o": (7.2, 2.6, "vector", "above-right"), "mul_f": (3.0, 5.0, "×"), "mul_i": (5.1, 3.9, "×"),
              "add": (5.1, 5.0, "+"), "tanh_c": (8.6, 3.8, "vector", "right"), "mul_o": (8.6, 2.6, "×"),
              "c": (10.1, 5.0, "vector"), "h": (10.1, 2.6, "vector")},
    "edges": [("c_prev", "mul_f"), ("f", "mul_f"), ("mul_f", "add"), ("i", "mul_i"), ("g", "mul_i"),
              ("mul_i", "add"), ("add", "c"), ("tanh_c", "mul_o"), ("o", "mul_o"), ("mul_o", "h")],
    "taps": [((8.6, 5.0), "tanh_c")],             # c_t also goes down through tanh
    "bus": ["f", "i", "g", "o"],
    "bus_from": 1.45,
    "box": (2.2, 9.3),
}


_GRU = {
    "nodes": {"h_prev": (0.8, 5.0, "vector"), "x": (2.6, -0.3, "vector", "left"), "z": (3.2, 2.6, "vector", "above-left"),
              "r": (5.0, 2.6, "vector"), "mul_r": (6.35, 2.6, "×"), "n": (7.7, 2.6, "vector", "above-left"),
              "mul_z": (3.2, 5.0, "×"), "one_minus": (4.6, 3.4, "1−"), "mul_n": (7.7, 3.9, "×"),
              "add": (7.7, 5.0, "+"), "h": (10.1, 5.0, "vector")},
    "edges": [("h_prev", "mul_z"), ("z", "mul_z"), ("mul_z", "add"), ("z", "one_minus"),
              ("one_minus", "mul_n"), ("n", "mul_n"), ("mul_n", "add"), ("add", "h"), ("r", "mul_r"),
              ("mul_r", "n")],
    "taps": [((1.9, 5.0), None)],                 # h_{t-1} also drops down to the bus
    "bus": ["z", "r", "mul_r", "n"],
    "bus_from": 1.9,
    "box": (2.2, 9.0),
}


_RNN = {
    "nodes": {"h_prev": (0.8, 1.0, "vector"), "x": (2.6, -0.3, "vector", "left"), "a": (4.4, 2.6, "vector"),
              "act": (6.4, 2.6, "tanh"), "h": (8.6, 2.6, "vector")},
    "edges": [("a", "act"), ("act", "h")],
    "taps": [],
    "bus": ["a"],
    "bus_from": 1.45,
    "box": (2.2, 7.4),
}


DIAGRAMS = {"lstm": _LSTM, "gru": _GRU, "rnn": _RNN}


_STRIP_W, _STRIP_H, _OP_R, _BUS_Y = 1.3, 0.42, 0.26, 1.0


def _half_size(spec: tuple) -> tuple[float, float]:
    return (_STRIP_W / 2, _STRIP_H / 2) if spec[2] == "vector" else (_OP_R, _OP_R)


def _edge_point(center: tuple[float, float], half: tuple[float, float], toward: tuple[float, float]):
    """Where a line from `center` toward `toward` leaves a node's box."""
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    s = min(half[0] / abs(dx) if dx else np.inf, half[1] / abs(dy) if dy else np.inf)
    return center[0] + dx * s, center[1] + dy * s


LINE = dict(color="#555", width=1.4)


def _arrow(start, end) -> dict:
    return dict(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y", text="",
                showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=1.4, arrowcolor="#555")


def _strip(name: str, values: np.ndarray, center, unit: int | None, axis: str) -> tuple[go.Heatmap, list[dict]]:
    """One vector as a row of coloured cells, unit 0 on the left; an outline around the selected unit."""
    n = len(values)
    edges = center[0] - _STRIP_W / 2 + np.arange(n + 1) * (_STRIP_W / n)
    y0, y1 = center[1] - _STRIP_H / 2, center[1] + _STRIP_H / 2
    label = qname(name)
    heat = go.Heatmap(z=f32(values)[None], x=f32(edges), y=f32([y0, y1]), coloraxis=axis, name=label,
                      customdata=np.arange(n, dtype=np.int32)[None],
                      hovertemplate=f"{label}<br>{t('plot.unit')} %{{customdata}}<br>%{{z:.4f}}<extra></extra>")
    outline = [] if unit is None or unit >= n else [
        dict(type="rect", x0=edges[unit], x1=edges[unit + 1], y0=y0 - 0.04, y1=y1 + 0.04, line=dict(color="#111", width=2))]
    return heat, outline


def _label_position(side: str, x: float, y: float) -> dict:
    top = y + _STRIP_H / 2 + 0.05
    return {"above": dict(x=x, y=top, yanchor="bottom"),
            "above-left": dict(x=x - 0.12, y=top, yanchor="bottom", xanchor="right"),
            "above-right": dict(x=x + 0.12, y=top, yanchor="bottom", xanchor="left"),
            "left": dict(x=x - _STRIP_W / 2 - 0.1, y=y, xanchor="right"),
            "right": dict(x=x + _STRIP_W / 2 + 0.1, y=y, xanchor="left")}[side]


def cell_diagram(kind: str, vectors: Mapping[str, np.ndarray], unit: int | None = None, step: int = 0,
                 token: str = "", nonlinearity: str = "tanh", ranges: Mapping[str, np.ndarray] | None = None
                 ) -> go.Figure:
    """A textbook drawing of an RNN / LSTM / GRU cell with the actual vectors at step t as colour strips.

    `vectors` comes from `summaries.cell_vectors` (names: x, h_prev, c_prev, gates, tanh_c, c, h, a).
    `ranges`: name -> every value the quantity takes over the sequence, so that an unbounded quantity's
    ±max|value| scale stays the same from step to step (default: the vectors at this step).
    Shapes and annotations are collected first and set once (adding them one by one is quadratic in plotly).
    """
    spec = DIAGRAMS[kind]
    nodes = spec["nodes"]
    traces, notes = [], []
    bus_end = max(nodes[n][0] for n in spec["bus"])        # the bus carries [x_t, h_{t-1}] to every gate
    shapes = [dict(type="line", x0=spec["bus_from"], x1=bus_end, y0=_BUS_Y, y1=_BUS_Y, line=LINE),
              dict(type="rect", x0=spec["box"][0], x1=spec["box"][1], y0=0.55, y1=5.55, layer="below",
                   line=dict(color="#bbb", width=1, dash="dot"))]
    for tap_at, target in spec["taps"]:
        if target is None:   # GRU: h_{t-1} drops from the top line down to the bus
            shapes.append(dict(type="line", x0=tap_at[0], x1=tap_at[0], y0=tap_at[1], y1=_BUS_Y, line=LINE))
        else:
            notes.append(_arrow(tap_at, _edge_point(nodes[target][:2], _half_size(nodes[target]), tap_at)))
    xs = nodes["x"]
    notes.append(_arrow((xs[0], xs[1] + _STRIP_H / 2), (xs[0], _BUS_Y)))
    for n in spec["bus"]:
        nx, ny = nodes[n][:2]
        notes.append(_arrow((nx, _BUS_Y), _edge_point((nx, ny), _half_size(nodes[n]), (nx, _BUS_Y))))
    for a, b in spec["edges"]:
        pa, pb = nodes[a][:2], nodes[b][:2]
        notes.append(_arrow(_edge_point(pa, _half_size(nodes[a]), pb), _edge_point(pb, _half_size(nodes[b]), pa)))
    ops = []
    for name, (x, y, what, *rest) in nodes.items():
        if what != "vector":
            ops.append((x, y, nonlinearity if name == "act" else what, t(f"op.{kind}.{name}")))
        elif name in vectors:
            heat, outline = _strip(name, vectors[name], (x, y), None if name == "x" else unit,
                                   axis_name(name))
            traces.append(heat)
            shapes += outline
            notes.append(dict(**_label_position(rest[0] if rest else "above", x, y), showarrow=False,
                              text=_node_label(name, nonlinearity), font=dict(size=13)))
    if ops:
        x, y, symbol, hover = zip(*ops)
        traces.append(go.Scatter(x=x, y=y, text=symbol, hovertext=hover, mode="markers+text", hoverinfo="text",
                                 marker=dict(size=[44 if len(s) > 2 else 30 for s in symbol], color="white",
                                             line=LINE), textfont=dict(size=15), showlegend=False))
    fig = go.Figure(data=traces, layout=dict(shapes=shapes, annotations=notes))
    fig.update_layout(**coloraxes({n: (ranges or {}).get(n, v) for n, v in vectors.items()}))
    fig.update_xaxes(visible=False, range=[-0.2, 11.0], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.75, 5.8], fixedrange=True)
    title = t("plot.cell.title", kind=kind.upper(), t=step, token=plotly_token(token))
    fig = base_layout(fig, title, 420)
    fig.update_layout(showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    return fig


def _node_label(name: str, nonlinearity: str) -> str:
    act = {"i": "σ", "f": "σ", "o": "σ", "r": "σ", "z": "σ", "g": "tanh", "n": "tanh"}
    base = {"x": "x<sub>t</sub>", "h_prev": "h<sub>t−1</sub>", "c_prev": "c<sub>t−1</sub>",
            "c": "c<sub>t</sub>", "h": "h<sub>t</sub>", "tanh_c": "tanh(c<sub>t</sub>)",
            "a": "a<sub>t</sub> = W<sub>ih</sub>x<sub>t</sub> + W<sub>hh</sub>h<sub>t−1</sub> + b"}
    if name in act:
        return f"<b>{name}</b><sub>t</sub><br><span style='font-size:11px'>{act[name]}</span>"   # narrow: two lines
    return base.get(name, name)
