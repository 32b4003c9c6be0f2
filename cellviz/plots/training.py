"""Intervene, watch it learn and training snapshots: effects of an edit and learning curves."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from .style import (
    CELL_COLORS,
    LINE_COLORS,
    add_cursor,
    base_layout,
    f32,
    is_gate,
    log_y,
    qname,
    step_labels,
    token_ticks,
)


def intervention_effect(deltas: Mapping[str, np.ndarray], step: int | None = None,
                        tokens: Sequence[str] | None = None, title: str | None = None) -> go.Figure:
    """How far an intervention's change travels: ‖intervened − original‖ over units at every step, per quantity."""
    fig = go.Figure()
    T = len(next(iter(deltas.values())))
    labels = step_labels(tokens, T)
    for k, (name, y) in enumerate(deltas.items()):
        fig.add_trace(go.Scatter(
            x=np.arange(T, dtype=np.int32), y=f32(y), mode="lines+markers" if T <= 80 else "lines",
            name=f"‖Δ{name}‖", customdata=labels, marker=dict(size=4),
            line=dict(color=LINE_COLORS[k % len(LINE_COLORS)], width=2),
            hovertemplate=f"‖Δ{name}‖<br>{t('plot.step')} %{{x}} (%{{customdata}})<br>%{{y:.4f}}<extra></extra>"))
    add_cursor(fig, step)
    fig.update_yaxes(title_text=t("plot.iv.delta"), rangemode="tozero")
    fig.update_xaxes(title_text=t("plot.step"), range=[-0.5, T - 0.5], **token_ticks(tokens))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, title or t("plot.iv.effect.title"), 320)


def intervention_traces(original: Mapping[str, np.ndarray], intervened: Mapping[str, np.ndarray],
                        units: Sequence[int], step: int | None = None, tokens: Sequence[str] | None = None,
                        title: str | None = None) -> go.Figure:
    """Selected units over time, one panel per quantity: original dashed, intervened solid, same colour."""
    names = list(intervened)
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[qname(n) for n in names])
    T = len(next(iter(intervened.values())))
    labels = step_labels(tokens, T)
    for row, name in enumerate(names, start=1):
        for k, u in enumerate(units):
            if u >= np.shape(intervened[name])[1]:   # a projected LSTM's h has fewer units than c and the gates
                continue
            color = LINE_COLORS[k % len(LINE_COLORS)]
            for which, series, dash in (("original", original, "dot"), ("intervened", intervened, "solid")):
                label = f"{t('plot.unit')} {u} · {t(f'plot.iv.{which}')}"
                fig.add_trace(go.Scatter(
                    x=np.arange(T, dtype=np.int32), y=f32(series[name][:, u]), mode="lines", name=label,
                    legendgroup=label, showlegend=row == 1, customdata=labels,
                    line=dict(color=color, width=1.6 if dash == "dot" else 2.2, dash=dash),
                    hovertemplate=f"{qname(name)} · {label}<br>{t('plot.step')} %{{x}} (%{{customdata}})"
                                  f"<br>%{{y:.4f}}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(range=[-0.05, 1.05] if is_gate(name) else None, title_text=t("plot.value"), row=row, col=1)
    add_cursor(fig, step, len(names))
    fig.update_xaxes(title_text=t("plot.step"), row=len(names), col=1, **token_ticks(tokens))
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, title or t("plot.iv.traces.title"), 150 + 170 * len(names))


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
        for col, y, what in ((1, loss, t("plot.learn.loss")), (2, f32(run[metric]), name)):
            fig.add_trace(go.Scatter(
                x=epochs, y=y, mode="lines+markers", name=label, legendgroup=label, showlegend=col == 1,
                line=dict(color=color, width=2.2, dash=dash), marker=dict(size=5),
                hovertemplate=f"{label}<br>{t('plot.epoch')} %{{x}}<br>{what} %{{y:.4f}}<extra></extra>"),
                row=1, col=col)
    fig.update_xaxes(title_text=t("plot.epoch"), rangemode="tozero")
    losses = [v for run in runs.values() for v in run["loss"] if v is not None]
    log_y(fig, t("plot.learn.loss"), losses, row=1, col=1)
    if log_metric:
        log_y(fig, name, [v for run in runs.values() for v in f32(run[metric])], row=1, col=2)
    else:
        fig.update_yaxes(title_text=name, row=1, col=2)
    if baseline is not None and np.isfinite(baseline):
        fig.add_hline(y=float(baseline), line=dict(dash="dot", color="#777", width=1.5), row=1, col=2)
        # the label by hand: an annotation on a log axis takes log10 of the value (add_hline's would not)
        fig.add_annotation(text=t("plot.learn.baseline", value=f"{baseline:.3g}"), showarrow=False,
                           x=1, xref="x2 domain", xanchor="right", yref="y2",
                           y=float(np.log10(baseline)) if log_metric and baseline > 0 else float(baseline),
                           yanchor="bottom" if log_metric else "top", font=dict(size=11, color="#555"))
    fig.update_layout(legend=dict(orientation="h", y=1.08, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, title or t("plot.learn.title"), 340)
