"""Pure Plotly figure builders: NumPy in, `go.Figure` out. No Streamlit, no torch.

Usable from a notebook (`fig.show()`, `fig.write_html`). Colour conventions are defined once here:
sigmoid gates on a sequential 0..1 scale, tanh quantities (g, n, c clipped, h) on a diverging -1..1
scale centred at 0, gradients on a log scale. Figures send float32 arrays; heatmaps with more cells
than pixels are block-averaged (`summaries.downsample`). Texts come from `cellviz.i18n.t`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .summaries import SIGMOID_GATES, downsample, grad_norms
from .i18n import t

# --- colour conventions --------------------------------------------------------------------------------
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


def _step_labels(tokens: Sequence[str] | None, T: int) -> np.ndarray:
    """One hover label per step: the displayed token, or the step number without tokens."""
    return np.array([display_token(s) for s in tokens]) if tokens is not None else np.arange(T).astype(str)


def _log_y(fig: go.Figure, title: str, values, **where) -> None:
    """A log y axis in powers of ten; spanning two decades or more, only the powers are labelled (no 2, 5 clutter)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    span = np.log10(v.max() / v.min()) if v.size else 0.0
    fig.update_yaxes(type="log", title_text=title, exponentformat="power", **({"dtick": 1} if span >= 2 else {}),
                     **where)


def _base(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0.0, xanchor="left"), height=height, font=FONT,
                      margin=dict(l=60, r=20, t=60, b=50), template="plotly_white")
    return fig


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


CURSOR = dict(color="#111", width=1.5, dash="dot")


def _cursor(fig: go.Figure, step: int | None, rows: int = 1, units: Sequence[int] = ()) -> None:
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


# --- view 1: the cell at step t --------------------------------------------------------------------------
# Each node: (x, y, "vector" | op symbol[, label side]). Vectors are drawn as a colour strip of H cells.
_LSTM = {
    "nodes": {"c_prev": (0.8, 5.0, "vector"), "h_prev": (0.8, 1.0, "vector"), "x": (2.6, -0.3, "vector", "left"),
              "f": (3.0, 2.6, "vector", "above-left"), "i": (4.4, 2.6, "vector", "above-left"),
              "g": (5.8, 2.6, "vector", "above-right"),
              "o": (7.2, 2.6, "vector"), "mul_f": (3.0, 5.0, "×"), "mul_i": (5.1, 3.9, "×"),
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
    heat = go.Heatmap(z=_f32(values)[None], x=_f32(edges), y=_f32([y0, y1]), coloraxis=axis, name=label,
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
                 token: str = "", nonlinearity: str = "tanh") -> go.Figure:
    """A textbook drawing of an RNN / LSTM / GRU cell with the actual vectors at step t as colour strips.

    `vectors` comes from `summaries.cell_vectors` (names: x, h_prev, c_prev, gates, tanh_c, c, h, a).
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
                                   "coloraxis" if is_gate(name) else "coloraxis2")
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
    fig.update_layout(coloraxis=coloraxis("f"), coloraxis2=coloraxis("h"))
    fig.update_layout(coloraxis_colorbar=dict(x=1.0, y=0.75), coloraxis2_colorbar=dict(x=1.0, y=0.22))
    fig.update_xaxes(visible=False, range=[-0.2, 11.0], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.75, 5.8], fixedrange=True)
    title = t("plot.cell.title", kind=kind.upper(), t=step, token=display_token(token))
    fig = _base(fig, title, 420)
    fig.update_layout(showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    return fig


def _node_label(name: str, nonlinearity: str) -> str:
    act = {"i": "σ", "f": "σ", "o": "σ", "r": "σ", "z": "σ", "g": "tanh", "n": "tanh"}
    base = {"x": "x<sub>t</sub>", "h_prev": "h<sub>t−1</sub>", "c_prev": "c<sub>t−1</sub>",
            "c": "c<sub>t</sub>", "h": "h<sub>t</sub>", "tanh_c": "tanh(c<sub>t</sub>)",
            "a": "a<sub>t</sub> = W<sub>ih</sub>x<sub>t</sub> + W<sub>hh</sub>h<sub>t−1</sub> + b"}
    if name in act:
        return f"<b>{name}</b><sub>t</sub>  {act[name]}"
    return base.get(name, name)


# --- view 2: over time ---------------------------------------------------------------------------------
def heatmaps_over_time(series: Mapping[str, np.ndarray], step: int | None = None, units: Sequence[int] = (),
                       tokens: Sequence[str] | None = None, max_steps: int = MAX_HEAT_STEPS, max_units: int = MAX_HEAT_UNITS,
                       clickable: bool = True, title: str | None = None) -> go.Figure:
    """Units x time heatmaps of each (T, H) quantity, stacked, with a cursor at `step`.

    Large arrays are block-averaged to at most max_steps x max_units cells. With `clickable`, an invisible
    scatter carries (unit, step) in customdata so that clicking a cell can select it
    (Plotly heatmaps themselves report no selection).
    """
    names = list(series)
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.035,
                        subplot_titles=[qname(n) for n in names])
    for row, name in enumerate(names, start=1):
        a = np.asarray(series[name])
        blocks = downsample(a, max_steps, max_units)
        z = blocks.values                        # colours saturate beyond the scale; hovers show the value
        xs, ys = blocks.steps + (blocks.bt - 1) / 2, blocks.units + (blocks.bu - 1) / 2
        hover = (f"{qname(name)}<br>{t('plot.step')} %{{x:.0f}}<br>{t('plot.unit')} %{{y:.0f}}"
                 f"<br>%{{z:.3f}}")
        if (blocks.bt, blocks.bu) != (1, 1):
            hover += f"<br>{t('plot.block_mean', bt=blocks.bt, bu=blocks.bu)}"
        fig.add_trace(go.Heatmap(z=z.T, x=_f32(xs), y=_f32(ys), coloraxis="coloraxis" if is_gate(name) else
                                 "coloraxis2", name=qname(name), hovertemplate=hover + "<extra></extra>"),
                      row=row, col=1)
        if clickable:
            fig.add_trace(_click_layer(name, xs, ys, blocks), row=row, col=1)
    T, H = np.shape(next(iter(series.values())))
    _cursor(fig, step, len(names), [u for u in units if 0 <= u < H])
    fig.update_yaxes(title_text=t("plot.unit"))
    fig.update_xaxes(range=[-0.5, T - 0.5])
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **_token_ticks(tokens))
    fig.update_layout(coloraxis=coloraxis("f"), coloraxis2=coloraxis("h"),
                      coloraxis_colorbar=dict(y=0.78), coloraxis2_colorbar=dict(y=0.25),
                      showlegend=False, clickmode="event+select", dragmode=False)
    return _base(fig, title or t("plot.time.title"), 150 + 170 * len(names))


def _token_ticks(tokens: Sequence[str] | None, most: int = 80) -> dict:
    """Tick every step with its token when the sequence is short enough to read them."""
    if tokens is None or len(tokens) > most:
        return {}
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[display_token(s) for s in tokens],
                tickangle=0, tickfont=dict(size=11 if len(tokens) <= 40 else 9))


def _click_layer(name: str, xs: np.ndarray, ys: np.ndarray, blocks) -> go.Scatter:
    """Invisible markers over a heatmap (at most MAX_CLICK_POINTS) carrying (unit, step, value) for selection."""
    stride = max(1, int(np.ceil(np.sqrt(len(xs) * len(ys) / MAX_CLICK_POINTS))))
    gx, gy = np.meshgrid(np.arange(0, len(xs), stride), np.arange(0, len(ys), stride), indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    data = np.stack([blocks.units[gy], blocks.steps[gx], blocks.values[gx, gy]], axis=1).astype(np.float32)
    return go.Scatter(x=_f32(xs[gx]), y=_f32(ys[gy]), mode="markers", name=name, customdata=data,
                      marker=dict(size=8, opacity=0.0), showlegend=False,
                      hovertemplate=f"{qname(name)}<br>{t('plot.unit')} %{{customdata[0]:.0f}} · "
                                    f"{t('plot.step')} %{{customdata[1]:.0f}}<br>%{{customdata[2]:.3f}}"
                                    f"<br><i>{t('plot.click')}</i><extra></extra>")


def unit_traces(series: Mapping[str, np.ndarray], units: Sequence[int], step: int | None = None,
                tokens: Sequence[str] | None = None, title: str | None = None) -> go.Figure:
    """Line traces over time of the selected units, one panel per quantity, with a cursor at `step`."""
    names = list(series)
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.05,
                        subplot_titles=[qname(n) for n in names])
    T = len(next(iter(series.values())))
    labels = _step_labels(tokens, T)
    for row, name in enumerate(names, start=1):
        for k, u in enumerate(units):
            fig.add_trace(go.Scatter(
                x=np.arange(T, dtype=np.int32), y=_f32(series[name][:, u]), mode="lines",
                name=f"{t('plot.unit')} {u}", legendgroup=str(u), showlegend=row == 1, customdata=labels,
                line=dict(color=LINE_COLORS[k % len(LINE_COLORS)], width=1.8),
                hovertemplate=f"{qname(name)} · {t('plot.unit')} {u}<br>{t('plot.step')} %{{x}} "
                              f"(%{{customdata}})<br>%{{y:.4f}}<extra></extra>"), row=row, col=1)
        rng = [-0.05, 1.05] if is_gate(name) else None
        fig.update_yaxes(range=rng, title_text=t("plot.value"), row=row, col=1)
    _cursor(fig, step, len(names))
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **_token_ticks(tokens))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"),
                      hovermode="x unified" if len(units) > 1 else "closest")
    return _base(fig, title or t("plot.traces.title"), 120 + 150 * len(names))


# --- view 3: gradient flow -----------------------------------------------------------------------------
def grad_norm_curves(tr, batch: int = 0) -> dict[str, np.ndarray]:
    """‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) of every layer and direction of a `Trace`, labelled for `gradient_norms`."""
    curves = {}
    for layer in range(tr.num_layers):
        for d in range(tr.num_directions):
            where = t("plot.layer", layer=layer) + (f" {t(f'nav.direction.{d}')}" if tr.num_directions > 1 else "")
            gh, gc = grad_norms(tr.layer(layer, d), batch)
            curves[f"{t('plot.grad.h')} · {where}"] = gh
            if gc is not None:
                curves[f"{t('plot.grad.c')} · {where}"] = gc
    return curves


def gradient_norms(curves: Mapping[str, np.ndarray], step: int | None = None, title: str | None = None,
                   y_title: str | None = None, x_title: str | None = None, highlight: str | None = None) -> go.Figure:
    """Norms against t on a log scale, one line per label (e.g. "‖∂L/∂h‖ · layer 0 →"); the `highlight`
    label drawn bold and the others faded."""
    fig = go.Figure()
    for k, (label, y) in enumerate(curves.items()):
        y = _f32(y)
        faded = highlight is not None and label != highlight
        fig.add_trace(go.Scatter(
            x=np.arange(len(y), dtype=np.int32), y=np.where(y > 0, y, np.nan).astype(np.float32),
            mode="lines+markers" if len(y) <= 80 else "lines", name=label, marker=dict(size=4),
            opacity=0.45 if faded else 1.0,
            line=dict(color=LINE_COLORS[k % len(LINE_COLORS)], width=4 if label == highlight else 2),
            hovertemplate=f"{label}<br>{t('plot.step')} %{{x}}<br>%{{y:.3e}}<extra></extra>"))
    _cursor(fig, step)
    _log_y(fig, y_title or t("plot.grad.norm"), np.concatenate([_f32(y) for y in curves.values()]) if curves else [])
    fig.update_xaxes(title_text=x_title or t("plot.step"))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return _base(fig, title or t("plot.grad.title"), 380)


def input_reach(sensitivity: np.ndarray, tokens: Sequence[str], t_star: int, title: str | None = None) -> go.Figure:
    """‖∂L_{t*}/∂x_k‖ over input positions k, bars coloured on the log gradient scale."""
    s = _f32(sensitivity)
    logs = np.log10(np.where(s > 0, s, np.nan)).astype(np.float32)
    labels = np.array([display_token(x) for x in tokens])
    fig = go.Figure(go.Bar(
        x=np.arange(len(s), dtype=np.int32), y=s, customdata=labels,
        marker=dict(color=logs, colorscale=GRAD_SCALE, colorbar=dict(title=t("plot.scale.grad"))),
        hovertemplate=f"{t('plot.position')} %{{x}} (%{{customdata}})<br>‖∂L/∂x‖ = %{{y:.3e}}<extra></extra>"))
    _cursor(fig, t_star)
    _log_y(fig, t("plot.reach.y"), s)
    fig.update_xaxes(title_text=t("plot.position"))
    return _base(fig, title or t("plot.reach.title", t=t_star), 340)


def token_strip(tokens: Sequence[str], values: np.ndarray, quantity: str, title: str,
                per_row: int = 40, log: bool = False, step: int | None = None) -> go.Figure:
    """The input text, one cell per token, coloured by `values` on the quantity's scale (log for gradients).

    `quantity`: a gate name, a tanh quantity, "grad" (log scale) or "feature" (own min..max range).
    """
    T = len(tokens)
    rows = -(-T // per_row)
    z = np.full((rows, per_row), np.nan, dtype=np.float32)
    text = np.full((rows, per_row), "", dtype=object)
    pos = np.full((rows, per_row), -1, dtype=np.int32)
    v = _f32(values)
    if quantity == "grad":
        v = np.log10(np.where(v > 0, v, np.nan)).astype(np.float32)
    z.flat[:T], text.flat[:T], pos.flat[:T] = v, [display_token(s) for s in tokens], np.arange(T)
    if quantity == "grad":
        color = dict(colorscale=GRAD_SCALE, colorbar=dict(title=t("plot.scale.grad")))
    elif quantity == "feature":
        color = dict(colorscale="Cividis", colorbar=dict(title=t("plot.value")))
    else:
        ca = coloraxis(quantity)
        color = dict(colorscale=ca["colorscale"], zmin=ca["cmin"], zmax=ca["cmax"],
                     colorbar=dict(title=ca["colorbar"]["title"]))
        if not is_gate(quantity):
            color["zmid"] = 0.0
    fig = go.Figure(go.Heatmap(
        z=z, text=text, customdata=pos, texttemplate="%{text}", textfont=dict(size=14), xgap=2, ygap=2,
        hovertemplate=f"{t('plot.position')} %{{customdata}} (%{{text}})<br>%{{z:.3f}}<extra></extra>", **color))
    if step is not None and 0 <= step < T:
        r, c = divmod(step, per_row)
        fig.add_shape(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, line=dict(color="#111", width=2.5))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=None)
    fig = _base(fig, title, 110 + 42 * rows)
    fig.update_layout(margin=dict(l=20, r=20, t=50, b=10))
    return fig


# --- view 4: units ---------------------------------------------------------------------------------------
def unit_ranking(matches: Sequence[tuple[str, int, float]], feature: str) -> go.Figure:
    """Horizontal bars: correlation of the best-matching (quantity, unit) pairs with a feature."""
    labels = [f"{q} · {t('plot.unit')} {u}" for q, u, _ in matches][::-1]
    r = _f32([m[2] for m in matches][::-1])
    fig = go.Figure(go.Bar(x=r, y=labels, orientation="h", marker=dict(color=r, colorscale=TANH_SCALE,
                                                                          cmin=-1, cmax=1),
                           hovertemplate=f"%{{y}}<br>{t('plot.corr')} %{{x:+.3f}}<extra></extra>"))
    fig.update_xaxes(range=[-1, 1], title_text=t("plot.corr.axis", feature=feature))
    return _base(fig, t("plot.rank.title", feature=feature), 140 + 26 * len(matches))


def feature_match(feature: np.ndarray, unit_values: np.ndarray, tokens: Sequence[str], feature_name: str,
                  unit_label: str, step: int | None = None) -> go.Figure:
    """A feature and the unit that tracks it, over time, on two y axes."""
    T = len(feature)
    labels = np.array([display_token(s) for s in tokens])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=np.arange(T, dtype=np.int32), y=_f32(feature), name=feature_name, customdata=labels,
                             line=dict(color="#7f7f7f", width=2, shape="hv"),
                             hovertemplate=f"{feature_name}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                           f"<br>%{{y:.3f}}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(x=np.arange(T, dtype=np.int32), y=_f32(unit_values), name=unit_label, customdata=labels,
                             line=dict(color=LINE_COLORS[0], width=2),
                             hovertemplate=f"{unit_label}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                           f"<br>%{{y:.4f}}<extra></extra>"), secondary_y=True)
    _cursor(fig, step)
    fig.update_xaxes(title_text=t("plot.step"))
    fig.update_yaxes(title_text=feature_name, secondary_y=False)
    fig.update_yaxes(title_text=unit_label, secondary_y=True)
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return _base(fig, t("plot.match.title", unit=unit_label, feature=feature_name), 340)


def saturation_bars(shares: Mapping[str, tuple[np.ndarray, np.ndarray]], eps: float) -> go.Figure:
    """Per gate and unit, the share of steps near each limit (stacked bars; the rest is 'in between')."""
    names = list(shares)
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[qname(n) for n in names])
    for row, name in enumerate(names, start=1):
        low, high = shares[name]
        lo_v, hi_v = (0, 1) if is_gate(name) else (-1, 1)
        units = np.arange(len(low), dtype=np.int32)
        for k, (vals, key, color) in enumerate([(low, "plot.sat.low", "#4c78a8"), (high, "plot.sat.high", "#f58518")]):
            label = t(key, limit=lo_v if k == 0 else hi_v)
            fig.add_trace(go.Bar(x=units, y=_f32(vals), name=label, marker_color=color, legendgroup=key,
                                 showlegend=row == 1,
                                 hovertemplate=f"{qname(name)} · {t('plot.unit')} %{{x}}<br>{label}: "
                                               f"%{{y:.0%}}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text=t("plot.sat.share"), row=row, col=1)
    fig.update_xaxes(title_text=t("plot.unit"), row=len(names), col=1)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return _base(fig, t("plot.sat.title", eps=eps), 130 + 170 * len(names))


# --- view 5: compare cells -------------------------------------------------------------------------------
def parameter_counts(counts: Mapping[str, int], reference: str = "rnn") -> go.Figure:
    """Bars of parameter counts, annotated with the ratio to `reference`."""
    names = list(counts)
    base = counts.get(reference) or 1
    vals = np.array([counts[n] for n in names], dtype=np.int64)
    fig = go.Figure(go.Bar(x=names, y=vals, text=[f"{v:,} (×{v / base:.2f})" for v in vals], textposition="outside",
                           marker_color=[CELL_COLORS.get(n, LINE_COLORS[0]) for n in names],
                           hovertemplate=f"%{{x}}<br>{t('plot.params')}: %{{y:,}}<extra></extra>"))
    fig.update_yaxes(title_text=t("plot.params"), range=[0, vals.max() * 1.2])
    fig.update_xaxes(title_text=t("plot.cell"))
    return _base(fig, t("plot.params.title"), 340)


def claims_accuracy(claims: Mapping) -> go.Figure:
    """Accuracy vs lag per cell (mean over seeds, min..max band), variants (dashed), the shipped zoo models
    trained with a curriculum (dotted), and chance level."""
    fig = go.Figure()
    rows = [(cell, by_lag, cell, "solid", cell.upper()) for cell, by_lag in claims["accuracy"].items()]
    rows += [(name, by_lag, name.split("-")[0], "dash", t("plot.claims.variant", cell=name.split("-")[0].upper()))
             for name, by_lag in claims.get("variants", {}).items()]
    rows += [(f"zoo-{cell}", {lag: [acc] for lag, acc in by_lag.items()}, cell, "dot",
              t("plot.claims.shipped", cell=cell.upper()))
             for cell, by_lag in claims.get("shipped_model_accuracy_by_lag", {}).items()]
    for key, by_lag, cell, dash, label in rows:
        lags = sorted(by_lag, key=float)
        acc = [np.asarray(by_lag[lag], dtype=float) for lag in lags]
        x = np.array([float(lag) for lag in lags], dtype=np.float32)
        color = CELL_COLORS.get(cell, LINE_COLORS[0])
        if dash == "solid":
            fig.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]),
                                     y=_f32(np.concatenate([[a.max() for a in acc], [a.min() for a in acc][::-1]])),
                                     fill="toself", fillcolor=color, opacity=0.15, line=dict(width=0),
                                     hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=x, y=_f32([a.mean() for a in acc]), name=label, mode="lines+markers",
                                 line=dict(color=color, width=2.5 if dash == "solid" else 1.8, dash=dash),
                                 customdata=[len(a) for a in acc],
                                 hovertemplate=f"{label}<br>{t('plot.lag')} %{{x}}<br>{t('plot.accuracy')} "
                                               f"%{{y:.1%}} ({t('plot.seeds')} %{{customdata}})<extra></extra>"))
    if "chance" in claims:
        fig.add_hline(y=float(claims["chance"]), line=dict(dash="dash", color="#777"),
                      annotation_text=t("plot.chance"), annotation_position="bottom right")
    lags = sorted({float(lag) for _, by_lag, *_ in rows for lag in by_lag})
    fig.update_xaxes(title_text=t("plot.lag"), type="log", tickvals=lags, ticktext=[f"{lag:g}" for lag in lags],
                     minor=dict(showgrid=False, ticks=""))
    fig.update_yaxes(title_text=t("plot.accuracy"), tickformat=".0%", range=[0, 1.05])
    fig = _base(fig, t("plot.claims.acc.title"), 460)
    return fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0, font=dict(size=11)))


def claims_gradients(claims: Mapping) -> go.Figure:
    """Gradient norm vs distance per cell, log scale."""
    curves = claims["grad_norm_vs_distance"]
    fig = go.Figure()
    for cell, d in curves.items():
        fig.add_trace(go.Scatter(x=_f32(d["distance"]), y=_f32(d["norm"]), name=cell.upper(), mode="lines+markers",
                                 line=dict(color=CELL_COLORS.get(cell, LINE_COLORS[0]), width=2.5),
                                 hovertemplate=f"{cell.upper()}<br>{t('plot.distance')} %{{x}}<br>%{{y:.3e}}"
                                               "<extra></extra>"))
    fig.update_xaxes(title_text=t("plot.distance"))
    _log_y(fig, t("plot.grad.norm"), np.concatenate([_f32(d["norm"]) for d in curves.values()]) if curves else [])
    return _base(fig, t("plot.claims.grad.title"), 380)


# --- issue 6: intervene / learn / training --------------------------------------------------------------
def intervention_effect(deltas: Mapping[str, np.ndarray], step: int | None = None,
                        tokens: Sequence[str] | None = None, title: str | None = None) -> go.Figure:
    """How far an intervention's change travels: ‖intervened − original‖ over units at every step, per quantity."""
    fig = go.Figure()
    T = len(next(iter(deltas.values())))
    labels = _step_labels(tokens, T)
    for k, (name, y) in enumerate(deltas.items()):
        fig.add_trace(go.Scatter(
            x=np.arange(T, dtype=np.int32), y=_f32(y), mode="lines+markers" if T <= 80 else "lines",
            name=f"‖Δ{name}‖", customdata=labels, marker=dict(size=4),
            line=dict(color=LINE_COLORS[k % len(LINE_COLORS)], width=2),
            hovertemplate=f"‖Δ{name}‖<br>{t('plot.step')} %{{x}} (%{{customdata}})<br>%{{y:.4f}}<extra></extra>"))
    _cursor(fig, step)
    fig.update_yaxes(title_text=t("plot.iv.delta"), rangemode="tozero")
    fig.update_xaxes(title_text=t("plot.step"), range=[-0.5, T - 0.5], **_token_ticks(tokens))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return _base(fig, title or t("plot.iv.effect.title"), 320)


def intervention_traces(original: Mapping[str, np.ndarray], intervened: Mapping[str, np.ndarray],
                        units: Sequence[int], step: int | None = None, tokens: Sequence[str] | None = None,
                        title: str | None = None) -> go.Figure:
    """Selected units over time, one panel per quantity: original dashed, intervened solid, same colour."""
    names = list(intervened)
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[qname(n) for n in names])
    T = len(next(iter(intervened.values())))
    labels = _step_labels(tokens, T)
    for row, name in enumerate(names, start=1):
        for k, u in enumerate(units):
            color = LINE_COLORS[k % len(LINE_COLORS)]
            for which, series, dash in (("original", original, "dot"), ("intervened", intervened, "solid")):
                label = f"{t('plot.unit')} {u} · {t(f'plot.iv.{which}')}"
                fig.add_trace(go.Scatter(
                    x=np.arange(T, dtype=np.int32), y=_f32(series[name][:, u]), mode="lines", name=label,
                    legendgroup=label, showlegend=row == 1, customdata=labels,
                    line=dict(color=color, width=1.6 if dash == "dot" else 2.2, dash=dash),
                    hovertemplate=f"{qname(name)} · {label}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                  f"<br>%{{y:.4f}}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(range=[-0.05, 1.05] if is_gate(name) else None, title_text=t("plot.value"), row=row, col=1)
    _cursor(fig, step, len(names))
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **_token_ticks(tokens))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return _base(fig, title or t("plot.iv.traces.title"), 150 + 170 * len(names))


def learning_curves(runs: Mapping[str, Mapping[str, Sequence[float]]], metric: str,
                    cells: Mapping[str, str] | None = None, title: str | None = None, label: str | None = None,
                    log_metric: bool = False, baseline: float | None = None) -> go.Figure:
    """Training loss (log scale) and a held-out metric per epoch, one line per run.

    runs: label -> {"epoch": [...], "loss": [...] (None before training), metric: [...]};
    cells: label -> "rnn" | "lstm" | "gru" for the cell colours; label: the metric's name as shown (default:
    its key); log_metric: a log axis for the metric (an error that falls by orders of magnitude);
    baseline: a trivial predictor's value of the metric, drawn as a dotted line.
    """
    name = label or metric
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=[t("plot.learn.loss"), t("plot.learn.metric", metric=name)])
    for k, (label, run) in enumerate(runs.items()):
        color = CELL_COLORS.get((cells or {}).get(label, ""), LINE_COLORS[k % len(LINE_COLORS)])
        dash = "solid" if k == 0 else "dash"
        epochs = np.asarray(run["epoch"], dtype=np.int32)
        loss = np.array([np.nan if v is None else v for v in run["loss"]], dtype=np.float32)
        for col, y, what in ((1, loss, t("plot.learn.loss")), (2, _f32(run[metric]), name)):
            fig.add_trace(go.Scatter(
                x=epochs, y=y, mode="lines+markers", name=label, legendgroup=label, showlegend=col == 1,
                line=dict(color=color, width=2.2, dash=dash), marker=dict(size=5),
                hovertemplate=f"{label}<br>{t('plot.epoch')} %{{x}}<br>{what} %{{y:.4f}}<extra></extra>"),
                row=1, col=col)
    fig.update_xaxes(title_text=t("plot.epoch"), rangemode="tozero")
    fig.update_yaxes(type="log", title_text=t("plot.learn.loss"), exponentformat="power", row=1, col=1)
    fig.update_yaxes(title_text=name, row=1, col=2, **(dict(type="log", exponentformat="power") if log_metric else {}))
    if baseline is not None and np.isfinite(baseline):
        fig.add_hline(y=float(baseline), line=dict(dash="dot", color="#777", width=1.5), row=1, col=2)
        # the label by hand: an annotation on a log axis takes log10 of the value (add_hline's would not)
        fig.add_annotation(text=t("plot.learn.baseline", value=f"{baseline:.3g}"), showarrow=False,
                           x=1, xref="x2 domain", xanchor="right", yref="y2",
                           y=float(np.log10(baseline)) if log_metric and baseline > 0 else float(baseline),
                           yanchor="bottom" if log_metric else "top", font=dict(size=11, color="#555"))
    fig.update_layout(legend=dict(orientation="h", y=1.08, yanchor="bottom", x=1, xanchor="right"))
    return _base(fig, title or t("plot.learn.title"), 340)

