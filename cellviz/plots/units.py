"""View "text and units": the input coloured by a unit, unit rankings, gate saturation."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from .style import (
    GRAD_SCALE,
    LINE_COLORS,
    TANH_SCALE,
    add_cursor,
    base_layout,
    coloraxis,
    f32,
    is_gate,
    plotly_token,
    qname,
)


def token_strip(tokens: Sequence[str], values: np.ndarray, quantity: str, title: str,
                per_row: int = 40, log: bool = False, step: int | None = None) -> go.Figure:
    """The input text, one cell per token, coloured by `values` on the quantity's scale (log for gradients).

    `quantity`: a gate name, a tanh quantity, an unbounded one (c: ±max|value|), "grad" (log scale) or
    "feature" (own min..max range).
    """
    T = len(tokens)
    rows = -(-T // per_row)
    z = np.full((rows, per_row), np.nan, dtype=np.float32)
    text = np.full((rows, per_row), "", dtype=object)
    pos = np.full((rows, per_row), -1, dtype=np.int32)
    v = f32(values)
    if quantity == "grad":
        v = np.log10(np.where(v > 0, v, np.nan)).astype(np.float32)
    z.flat[:T], text.flat[:T], pos.flat[:T] = v, [plotly_token(s) for s in tokens], np.arange(T)
    if quantity == "grad":
        color = dict(colorscale=GRAD_SCALE, colorbar=dict(title=t("plot.scale.grad")))
    elif quantity == "feature":
        color = dict(colorscale="Cividis", colorbar=dict(title=t("plot.value")))
    else:
        ca = coloraxis(quantity, v)
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
    fig = base_layout(fig, title, 110 + 42 * rows)
    fig.update_layout(margin=dict(l=20, r=20, t=50, b=10))
    return fig


def unit_ranking(matches: Sequence[tuple[str, int, float]], feature: str) -> go.Figure:
    """Horizontal bars: correlation of the best-matching (quantity, unit) pairs with a feature."""
    labels = [f"{q} · {t('plot.unit')} {u}" for q, u, _ in matches][::-1]
    r = f32([m[2] for m in matches][::-1])
    fig = go.Figure(go.Bar(x=r, y=labels, orientation="h", marker=dict(color=r, colorscale=TANH_SCALE,
                                                                          cmin=-1, cmax=1),
                           hovertemplate=f"%{{y}}<br>{t('plot.corr')} %{{x:+.3f}}<extra></extra>"))
    fig.update_xaxes(range=[-1, 1], title_text=t("plot.corr.axis", feature=feature))
    return base_layout(fig, t("plot.rank.title", feature=feature), 140 + 26 * len(matches))


def feature_match(feature: np.ndarray, unit_values: np.ndarray, tokens: Sequence[str], feature_name: str,
                  unit_label: str, step: int | None = None) -> go.Figure:
    """A feature and the unit that tracks it, over time, on two y axes."""
    T = len(feature)
    labels = np.array([plotly_token(s) for s in tokens])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=np.arange(T, dtype=np.int32), y=f32(feature), name=feature_name, customdata=labels,
                             line=dict(color="#7f7f7f", width=2, shape="hv"),
                             hovertemplate=f"{feature_name}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                           f"<br>%{{y:.3f}}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(x=np.arange(T, dtype=np.int32), y=f32(unit_values), name=unit_label, customdata=labels,
                             line=dict(color=LINE_COLORS[0], width=2),
                             hovertemplate=f"{unit_label}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                           f"<br>%{{y:.4f}}<extra></extra>"), secondary_y=True)
    add_cursor(fig, step)
    fig.update_xaxes(title_text=t("plot.step"))
    fig.update_yaxes(title_text=feature_name, secondary_y=False)
    fig.update_yaxes(title_text=unit_label, secondary_y=True)
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, t("plot.match.title", unit=unit_label, feature=feature_name), 340)


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
            fig.add_trace(go.Bar(x=units, y=f32(vals), name=label, marker_color=color, legendgroup=key,
                                 showlegend=row == 1,
                                 hovertemplate=f"{qname(name)} · {t('plot.unit')} %{{x}}<br>{label}: "
                                               f"%{{y:.0%}}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text=t("plot.sat.share"), row=row, col=1)
    fig.update_xaxes(title_text=t("plot.unit"), row=len(names), col=1)
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, t("plot.sat.title", eps=eps), 130 + 170 * len(names))
