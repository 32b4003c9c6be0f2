"""View "over time": units x time heatmaps of every quantity, and chosen units as lines."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from ..summaries import downsample
from .style import (
    LINE_COLORS,
    MAX_CLICK_POINTS,
    MAX_HEAT_STEPS,
    MAX_HEAT_UNITS,
    add_cursor,
    base_layout,
    axis_name,
    coloraxes,
    f32,
    is_gate,
    qname,
    step_labels,
    token_ticks,
)


def heatmaps_over_time(series: Mapping[str, np.ndarray], step: int | None = None, units: Sequence[int] = (),
                       tokens: Sequence[str] | None = None, max_steps: int = MAX_HEAT_STEPS, max_units: int = MAX_HEAT_UNITS,
                       clickable: bool = True, title: str | None = None) -> go.Figure:
    """Units x time heatmaps of each (T, H) quantity, stacked, with a cursor at `step`.

    `series`: name -> (T, H), e.g. every gate and state of a layer, `summaries.quantities(tr.layer(l))`;
    `tokens`: one label per step for the x axis; `units`: rows to mark.

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
        fig.add_trace(go.Heatmap(z=z.T, x=f32(xs), y=f32(ys), coloraxis=axis_name(name), name=qname(name),
                                 hovertemplate=hover + "<extra></extra>"),
                      row=row, col=1)
        if clickable:
            fig.add_trace(_click_layer(name, xs, ys, blocks), row=row, col=1)
    T, H = np.shape(next(iter(series.values())))
    add_cursor(fig, step, len(names), [u for u in units if 0 <= u < H])
    fig.update_yaxes(title_text=t("plot.unit"))
    fig.update_xaxes(range=[-0.5, T - 0.5])
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **token_ticks(tokens))
    fig.update_layout(**coloraxes(series), showlegend=False, clickmode="event+select", dragmode=False)
    return base_layout(fig, title or t("plot.time.title"), 150 + 170 * len(names))



def _click_layer(name: str, xs: np.ndarray, ys: np.ndarray, blocks) -> go.Scatter:
    """Invisible markers over a heatmap (at most MAX_CLICK_POINTS) carrying (unit, step, value) for selection."""
    stride = max(1, int(np.ceil(np.sqrt(len(xs) * len(ys) / MAX_CLICK_POINTS))))
    gx, gy = np.meshgrid(np.arange(0, len(xs), stride), np.arange(0, len(ys), stride), indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    data = np.stack([blocks.units[gy], blocks.steps[gx], blocks.values[gx, gy]], axis=1).astype(np.float32)
    return go.Scatter(x=f32(xs[gx]), y=f32(ys[gy]), mode="markers", name=name, customdata=data,
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
    labels = step_labels(tokens, T)
    for row, name in enumerate(names, start=1):
        for k, u in enumerate(units):
            if u >= np.shape(series[name])[1]:       # a projected LSTM's h has fewer units than c and the gates
                continue
            fig.add_trace(go.Scatter(
                x=np.arange(T, dtype=np.int32), y=f32(series[name][:, u]), mode="lines",
                name=f"{t('plot.unit')} {u}", legendgroup=str(u), showlegend=row == 1, customdata=labels,
                line=dict(color=LINE_COLORS[k % len(LINE_COLORS)], width=1.8),
                hovertemplate=f"{qname(name)} · {t('plot.unit')} {u}<br>{t('plot.step')} %{{x}} "
                              f"(%{{customdata}})<br>%{{y:.4f}}<extra></extra>"), row=row, col=1)
        rng = [-0.05, 1.05] if is_gate(name) else None
        fig.update_yaxes(range=rng, title_text=t("plot.value"), row=row, col=1)
    add_cursor(fig, step, len(names))
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **token_ticks(tokens))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"),
                      hovermode="x unified" if len(units) > 1 else "closest")
    return base_layout(fig, title or t("plot.traces.title"), 120 + 150 * len(names))
