"""Exploding gradients and clipping: the parameter gradient's norm before / after clipping, growth against ρ."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .style import LINE_COLORS, base_layout, f32, log_y


def clipping(lengths, before, after, threshold: float, loss: str | None = None) -> go.Figure:
    """‖∇_θ L‖ against the sequence length, before and after clipping at `threshold` (log scale)."""
    fig = go.Figure()
    for k, (label, y, dash) in enumerate(((t("plot.clip.before"), before, "solid"),
                                          (t("plot.clip.after", tau=f"{threshold:g}"), after, "dash"))):
        fig.add_trace(go.Scatter(x=np.asarray(lengths, dtype=np.int32), y=f32(y), name=label, mode="lines+markers",
                                 marker=dict(size=4), line=dict(color=LINE_COLORS[k], width=2.5, dash=dash),
                                 hovertemplate=f"{label}<br>{t('plot.clip.length')} %{{x}}<br>%{{y:.3e}}"
                                               "<extra></extra>"))
    fig.add_hline(y=float(threshold), line=dict(color="#777", dash="dot", width=1.5),
                  annotation_text=f"τ = {threshold:g}", annotation_position="top left")
    log_y(fig, t("plot.clip.y") + (f"<br>{loss}" if loss else ""), np.concatenate([f32(before), f32(after),
                                                                                   [threshold]]))
    fig.update_xaxes(title_text=t("plot.clip.length"))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, t("plot.clip.title"), 360)


def growth_by_radius(radii, growth, current: float | None = None) -> go.Figure:
    """The per-step growth factor of ‖∂L/∂h_t‖ against the spectral radius ρ; 1 (no growth) as a line."""
    fig = go.Figure(go.Scatter(x=f32(radii), y=f32(growth), mode="lines+markers", name=t("plot.growth.y"),
                               line=dict(color=LINE_COLORS[1], width=2.5), marker=dict(size=5),
                               hovertemplate=f"ρ = %{{x:.2f}}<br>{t('plot.growth.y')} %{{y:.3f}}<extra></extra>"))
    fig.add_hline(y=1.0, line=dict(color="#777", dash="dot", width=1.5), annotation_text=t("plot.growth.one"),
                  annotation_position="bottom right")
    if current is not None:
        fig.add_vline(x=float(current), line=dict(color="#111", dash="dot", width=1.5))
    fig.update_xaxes(title_text=t("plot.growth.x"))
    fig.update_yaxes(title_text=t("plot.growth.y"))
    return base_layout(fig, t("plot.growth.title"), 360)
