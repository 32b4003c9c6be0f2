"""Gradient-flow figures: gradient norms back through time and how far back a prediction reaches."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..summaries import grad_norms
from .style import (
    GRAD_SCALE,
    LINE_COLORS,
    add_cursor,
    base_layout,
    f32,
    log_y,
    plotly_token,
)


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


def grad_axis_title(loss: str | None = None, normalised: bool = False, what: str = "h") -> str:
    """A gradient axis's title naming its loss L: "‖∂L/∂h_t‖ (log)<br>L = …", or for the normalised view
    "‖∂L/∂h_t‖ / ‖∂L/∂h_t*‖ (log)<br>L = …, t* = its step"."""
    head = (t(f"plot.grad.norm_{what}.normalised") if normalised else
            t("plot.grad.norm") if what == "any" else t(f"plot.grad.norm_{what}"))
    return head if not loss else f"{head}<br>{loss}"


def gradient_norms(curves: Mapping[str, np.ndarray], step: int | None = None, title: str | None = None,
                   y_title: str | None = None, x_title: str | None = None, highlight: str | None = None) -> go.Figure:
    """Norms against t on a log scale, one line per label (e.g. "‖∂L/∂h‖ · layer 0 →"); the `highlight`
    label drawn bold and the others faded."""
    fig = go.Figure()
    for k, (label, y) in enumerate(curves.items()):
        y = f32(y)
        faded = highlight is not None and label != highlight
        fig.add_trace(go.Scatter(
            x=np.arange(len(y), dtype=np.int32), y=np.where(y > 0, y, np.nan).astype(np.float32),
            mode="lines+markers" if len(y) <= 80 else "lines", name=label, marker=dict(size=4),
            opacity=0.45 if faded else 1.0,
            line=dict(color=LINE_COLORS[k % len(LINE_COLORS)], width=4 if label == highlight else 2),
            hovertemplate=f"{label}<br>{t('plot.step')} %{{x}}<br>%{{y:.3e}}<extra></extra>"))
    add_cursor(fig, step)
    log_y(fig, y_title or t("plot.grad.norm"), np.concatenate([f32(y) for y in curves.values()]) if curves else [])
    fig.update_xaxes(title_text=x_title or t("plot.step"))
    if len(curves) > 3:      # many lines (training snapshots): a column at the right, clear of the title
        fig.update_layout(legend=dict(orientation="v", y=1, yanchor="top", x=1.02, xanchor="left"))
    else:
        fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, title or t("plot.grad.title"), 400)


def input_reach(sensitivity: np.ndarray, tokens: Sequence[str], t_star: int, title: str | None = None,
                loss: str | None = None) -> go.Figure:
    """‖∂L_{t*}/∂x_k‖ over input positions k, bars coloured on the log gradient scale."""
    s = f32(sensitivity)
    logs = np.log10(np.where(s > 0, s, np.nan)).astype(np.float32)
    labels = np.array([plotly_token(x) for x in tokens])
    fig = go.Figure(go.Bar(
        x=np.arange(len(s), dtype=np.int32), y=s, customdata=labels,
        marker=dict(color=logs, colorscale=GRAD_SCALE, colorbar=dict(title=t("plot.scale.grad"))),
        hovertemplate=f"{t('plot.position')} %{{x}} (%{{customdata}})<br>‖∂L/∂x‖ = %{{y:.3e}}<extra></extra>"))
    add_cursor(fig, t_star)
    log_y(fig, t("plot.reach.y") + (f"<br>{loss}" if loss else ""), s)
    fig.update_xaxes(title_text=t("plot.position"))
    return base_layout(fig, title or t("plot.reach.title", t=t_star), 340)


def unit_story(series: Mapping[str, np.ndarray], unit: int, grads: Mapping[str, np.ndarray] | None = None,
               tokens: Sequence[str] | None = None, title: str | None = None,
               zero_label: str | None = None) -> go.Figure:
    """One unit over time: a panel per quantity of `series` ((T, H) arrays, their unit `unit`), then a log panel
    per gradient of `grads` ((T,) values of that unit). Exact zeros of a gradient (float32 underflow) are not
    drawn as data: the steps where it is 0 are shaded and labelled `zero_label`."""
    from plotly.subplots import make_subplots

    from .style import is_gate, qname, step_labels, token_ticks
    grads = dict(grads or {})
    names = list(series) + list(grads)
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[f"{qname(n)} · {t('plot.unit')} {unit}" if n in series else
                                        f"|{n}_t| · {t('plot.unit')} {unit}" for n in names])
    T = len(next(iter(series.values())))
    labels = step_labels(tokens, T)
    x = np.arange(T, dtype=np.int32)
    for row, name in enumerate(names, start=1):
        if name in series:
            y = f32(np.asarray(series[name])[:, unit])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=qname(name), showlegend=False, customdata=labels,
                                     line=dict(color=LINE_COLORS[(row - 1) % len(LINE_COLORS)], width=2.5),
                                     hovertemplate=f"{qname(name)}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                                   f"<br>%{{y:.4f}}<extra></extra>"), row=row, col=1)
            if is_gate(name):
                fig.update_yaxes(range=[-0.05, 1.05], row=row, col=1)
        else:
            g = np.abs(np.asarray(grads[name], dtype=np.float64))
            fig.add_trace(go.Scatter(x=x, y=np.where(g > 0, g, np.nan).astype(np.float32), mode="lines+markers",
                                     marker=dict(size=3), name=name, showlegend=False, customdata=labels,
                                     line=dict(color="#7b3294", width=2.5),
                                     hovertemplate=f"|{name}|<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                                   f"<br>%{{y:.3e}}<extra></extra>"), row=row, col=1)
            log_y(fig, "", g, row=row, col=1)
            pos = g[g > 0]
            if pos.size:                  # a short panel: at most ~4 labelled decades
                span = np.log10(pos.max() / pos.min())
                fig.update_yaxes(dtick=max(1, int(np.ceil(span / 4))), row=row, col=1)
            zero = np.flatnonzero(g == 0)
            if zero.size and zero_label:
                ax = "" if row == 1 else str(row)
                fig.add_shape(type="rect", xref=f"x{ax}", yref=f"y{ax} domain", x0=zero.min() - 0.5,
                              x1=zero.max() + 0.5, y0=0, y1=1, fillcolor="#999", opacity=0.18, line_width=0)
                fig.add_annotation(x=(zero.min() + zero.max()) / 2, xref=f"x{ax}", y=0.5, yref=f"y{ax} domain",
                                   text=zero_label, showarrow=False)
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **token_ticks(tokens))
    return base_layout(fig, title or t("plot.traces.title"), 120 + 140 * len(names))
