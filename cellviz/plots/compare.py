"""Compare page: parameter counts and the measured claims (assets/claims.json)."""
from __future__ import annotations

from collections.abc import Mapping

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
                                     y=f32(np.concatenate([[a.max() for a in acc], [a.min() for a in acc][::-1]])),
                                     fill="toself", fillcolor=color, opacity=0.15, line=dict(width=0),
                                     hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=x, y=f32([a.mean() for a in acc]), name=label, mode="lines+markers",
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
    fig = base_layout(fig, t("plot.claims.acc.title"), 460)
    return fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0, font=dict(size=11)))


def claims_gradients(claims: Mapping, normalised: bool = True) -> go.Figure:
    """Gradient norm vs distance per cell, log scale; `normalised`: each curve divided by its value at distance 0
    (the '?', where L sits), since the raw heights follow the size of each model's loss, not its memory."""
    curves = {cell: {"distance": d["distance"], "norm": (np.asarray(d["norm"], dtype=np.float64) / d["norm"][0]
                                                        if normalised and d["norm"][0] > 0 else d["norm"])}
              for cell, d in claims["grad_norm_vs_distance"].items()}
    fig = go.Figure()
    for cell, d in curves.items():
        fig.add_trace(go.Scatter(x=f32(d["distance"]), y=f32(d["norm"]), name=cell.upper(), mode="lines+markers",
                                 line=dict(color=CELL_COLORS.get(cell, LINE_COLORS[0]), width=2.5),
                                 hovertemplate=f"{cell.upper()}<br>{t('plot.distance')} %{{x}}<br>%{{y:.3e}}"
                                               "<extra></extra>"))
    fig.update_xaxes(title_text=t("plot.distance"))
    title = t("plot.claims.grad.y.normalised" if normalised else "plot.grad.norm_h") + f"<br>{t('loss.last_ce')}"
    log_y(fig, title, np.concatenate([f32(d["norm"]) for d in curves.values()]) if curves else [])
    return base_layout(fig, t("plot.claims.grad.title"), 380)
