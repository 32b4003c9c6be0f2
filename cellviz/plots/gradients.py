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
