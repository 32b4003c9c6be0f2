"""Compare page: parameter counts and the measured claims (assets/claims.json)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .style import CELL_COLORS, LINE_COLORS, base_layout, f32, log_y


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
    return base_layout(fig, t("plot.params.title"), 340)


ROW_STYLE = {                     # claims row -> (cell colour, dash)
    "rnn": ("rnn", "solid"), "lstm": ("lstm", "solid"), "lstm-forget1": ("lstm", "dash"),
    "lstm-chrono": ("lstm", "dot"), "gru": ("gru", "solid"), "gru-keep1": ("gru", "dash")}


def row_label(row: str) -> str:
    """A claims row's display name ("LSTM, chrono init"); the row name itself for an unknown row."""
    return t(f"plot.claims.row.{row}") if row in ROW_STYLE else row


def _style(row: str) -> tuple[str, str]:
    cell, dash = ROW_STYLE.get(row, (row.split("-")[0], "solid"))
    return CELL_COLORS.get(cell, LINE_COLORS[0]), dash


def _reference_lines(fig: go.Figure, claims: Mapping) -> None:
    """Chance (25 %) and "one bit" (50 %: the model tells two pairs of cues apart, not four cues) lines."""
    if "chance" in claims:
        fig.add_hline(y=float(claims["chance"]), line=dict(dash="dash", color="#777", width=1),
                      annotation_text=t("plot.chance"), annotation_position="bottom right")
    if "one_bit" in claims:
        fig.add_hline(y=float(claims["one_bit"]), line=dict(dash="dot", color="#999", width=1),
                      annotation_text=t("plot.claims.one_bit"), annotation_position="top right")


def claims_accuracy(claims: Mapping, arm: str = "from_scratch", rows: Sequence[str] | None = None,
                    title: str | None = None) -> go.Figure:
    """Accuracy against lag per row of claims.json: mean over seeds (line) and the seeds' min..max (band),
    with the chance and one-bit lines. arm "from_scratch": a fresh model trained at exactly each lag;
    arm "curriculum": the curriculum-trained models tested at every lag (holding what they learned)."""
    fig = go.Figure()
    lags_seen: set[float] = set()
    for row, d in claims["rows"].items():
        if rows is not None and row not in rows:
            continue
        by_lag = d["from_scratch"]["accuracy"] if arm == "from_scratch" else d["accuracy"]
        lags = sorted(by_lag, key=float)
        acc = [np.asarray(by_lag[lag], dtype=float) for lag in lags]
        x = np.array([float(lag) for lag in lags], dtype=np.float32)
        lags_seen |= set(x.tolist())
        color, dash = _style(row)
        label = row_label(row)
        fig.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]),
                                 y=f32(np.concatenate([[a.max() for a in acc], [a.min() for a in acc][::-1]])),
                                 fill="toself", fillcolor=color, opacity=0.12, line=dict(width=0),
                                 hoverinfo="skip", showlegend=False, legendgroup=row))
        fig.add_trace(go.Scatter(x=x, y=f32([a.mean() for a in acc]), name=label, mode="lines+markers",
                                 line=dict(color=color, width=2.2, dash=dash), legendgroup=row,
                                 customdata=[[len(a), a.min(), a.max()] for a in acc],
                                 hovertemplate=f"{label}<br>{t('plot.lag')} %{{x}}<br>{t('plot.accuracy')} "
                                               f"%{{y:.1%}} ({t('plot.seeds')} %{{customdata[0]}}: "
                                               f"%{{customdata[1]:.0%}}–%{{customdata[2]:.0%}})<extra></extra>"))
    _reference_lines(fig, claims)
    lags = sorted(lags_seen)
    fig.update_xaxes(title_text=t("plot.lag"), type="log", tickvals=lags, ticktext=[f"{lag:g}" for lag in lags],
                     minor=dict(showgrid=False, ticks=""))
    fig.update_yaxes(title_text=t("plot.accuracy"), tickformat=".0%", range=[0, 1.05])
    fig = base_layout(fig, title or t(f"plot.claims.acc.{arm}"), 440)
    return fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0, font=dict(size=11)))


def claims_steps(claims: Mapping, rows: Sequence[str] | None = None) -> go.Figure:
    """With the curriculum: the training step at which each level was learned, per row (median over seeds, error
    bars min..max over the seeds that learned it)."""
    fig = go.Figure()
    levels = claims["protocol"]["curriculum"]["levels"]
    for row, d in claims["rows"].items():
        if rows is not None and row not in rows:
            continue
        color, dash = _style(row)
        xs, med, lo, hi, n = [], [], [], [], []
        for L in levels:
            got = [s for s in d["steps_to_learn"][str(L)] if s is not None]
            if got:
                xs.append(L)
                med.append(float(np.median(got)))
                lo.append(med[-1] - min(got))
                hi.append(max(got) - med[-1])
                n.append(len(got))
        label = row_label(row)
        fig.add_trace(go.Scatter(x=f32(xs), y=f32(med), name=label, mode="lines+markers",
                                 line=dict(color=color, width=2, dash=dash),
                                 error_y=dict(type="data", array=f32(hi), arrayminus=f32(lo), thickness=1, width=3),
                                 customdata=n,
                                 hovertemplate=f"{label}<br>{t('plot.claims.level')} %{{x}}<br>"
                                               f"{t('plot.claims.step')} %{{y:.0f}} ({t('plot.seeds')} "
                                               f"%{{customdata}})<extra></extra>"))
    fig.update_xaxes(title_text=t("plot.claims.level"), type="log", tickvals=levels,
                     ticktext=[str(L) for L in levels], minor=dict(showgrid=False, ticks=""))
    fig.update_yaxes(title_text=t("plot.claims.step"), rangemode="tozero")
    fig = base_layout(fig, t("plot.claims.steps.title"), 440)
    return fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0, font=dict(size=11)))


def claims_gradients(claims: Mapping, rows: Sequence[str] | None = None, k_max: int | None = None) -> go.Figure:
    """At initialisation: ‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ against the distance k (median over seeds), log scale; for the
    LSTM rows also the cell state's ‖∂L/∂c_{T−k}‖ / ‖∂L/∂c_T‖ (thin)."""
    fig = go.Figure()
    values = []
    for row, d in claims["rows"].items():
        if rows is not None and row not in rows:
            continue
        g = d["grad_ratio_init"]
        k = np.asarray(g["k"])
        keep = k <= (k_max if k_max is not None else k.max())
        color, dash = _style(row)
        for q, width in (("h", 2.2), ("c", 1.2)):
            if q not in g:
                continue
            y = np.median(np.asarray(g[q], dtype=float), axis=0)[keep]
            y = np.where(y > 0, y, np.nan)
            values.append(y)
            label = row_label(row) + ("" if q == "h" else " · c")
            fig.add_trace(go.Scatter(x=f32(k[keep]), y=f32(y), name=label, mode="lines",
                                     line=dict(color=color, width=width, dash=dash),
                                     hovertemplate=f"{label}<br>k = %{{x}}<br>%{{y:.2e}}<extra></extra>"))
    fig.update_xaxes(title_text=t("plot.claims.k"))
    # the loss L these gradients are of: the lag task's cross-entropy at the '?'
    log_y(fig, f"{t('plot.claims.grad.y')}<br>{t('loss.last_ce')}", np.concatenate(values) if values else [])
    fig = base_layout(fig, t("plot.claims.grad.title"), 560)
    # up to ten curves: the legend gets its own band below the axis, the two-line y title room on the left
    return fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.16, x=0, font=dict(size=10)),
                             margin=dict(l=90, b=170))
