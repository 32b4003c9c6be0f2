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


# --- claims v2 (schema 2): one chart per question, every seed visible, censoring drawn ----------------------
ROW_SYMBOLS = {"rnn": "circle", "lstm": "square", "lstm-forget1": "diamond", "lstm-chrono": "cross",
               "gru": "triangle-down", "gru-keep1": "star"}
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _v2_rows(table: Mapping, task: str) -> list[str]:
    from ..zoo.claims_report import rows_of
    return rows_of(table, task)


def _offsets(n: int, width: float) -> np.ndarray:
    """n positions spread over `width` around 0 (so that no series sits on another)."""
    return (np.arange(n) - (n - 1) / 2) * (width / max(n, 1))


def _legend_below(fig: go.Figure, height: int) -> go.Figure:
    return fig.update_layout(height=height, legend=dict(orientation="h", yanchor="top", y=-0.18, x=0,
                                                        font=dict(size=11)), margin=dict(b=120))


def claims_levels(table: Mapping, task: str) -> go.Figure:
    """How far does each row get? The largest level learned with the curriculum, one marker per seed (side by
    side), the median as a bar labelled with its value; a seed that learned the top level is an open triangle
    and reads "≥ top" (it was never asked for more); "none" sits below the first level."""
    from ..zoo.claims_report import fmt_level, largest, task_label
    d = table["tasks"][task]
    levels = d["spec"]["levels"]
    top, floor = levels[-1], levels[0] / 2
    bottom = floor * 10 ** -0.15      # the axis' lower end: a bar from 0 on a log axis reaches -inf (off the chart)
    rows = _v2_rows(table, task)
    fig = go.Figure()
    name = t(f"claims.level.{d['level_name']}")
    for i, row in enumerate(rows):
        r = d["rows"][row]
        color, _ = _style(row)
        label = row_label(row)
        vals = [v if v else floor for v in r["largest"]]
        s = largest(table, task, row)
        fig.add_trace(go.Bar(x=[i], y=[(s.median or floor) - bottom], base=bottom, width=0.7,
                             marker=dict(color=color, opacity=0.25),
                             name=label, legendgroup=row, showlegend=False, hoverinfo="skip"))
        x = i + _offsets(len(vals), 0.55)
        done = [e == "done" for e in r["ended"]]
        fig.add_trace(go.Scatter(
            x=f32(x), y=f32(vals), mode="markers", name=label, legendgroup=row,
            marker=dict(color=color, size=10, symbol=["triangle-up-open" if dn else ROW_SYMBOLS.get(row, "circle")
                                                      for dn in done], line=dict(width=2, color=color)),
            customdata=[[s_, ("≥ " if dn else "") + (str(v) if v else t("compare.claims.none"))]
                        for s_, v, dn in zip(table["protocol"]["seeds"], r["largest"], done)],
            hovertemplate=f"{label}<br>{t('plot.seed')} %{{customdata[0]}}: %{{customdata[1]}}<extra></extra>"))
    ticks = [floor, *levels]
    fig.update_yaxes(type="log", title_text=t("claims.plot.largest", level=name), tickvals=ticks,
                     ticktext=[t("compare.claims.none"), *[str(L) for L in levels]],
                     range=[np.log10(bottom), np.log10(top) + 0.35])
    # the median over seeds under each row's name (not on the bar, where the markers sit)
    fig.update_xaxes(tickvals=list(range(len(rows))), tickangle=0,
                     ticktext=[f"{row_label(r)}<br><b>{fmt_level(largest(table, task, r), top)}</b>" for r in rows])
    fig = base_layout(fig, t("claims.plot.levels.title", task=task_label(task)), 440)
    fig.add_annotation(text=t("claims.plot.ge_note", top=top), xref="paper", yref="paper", x=1, y=1.08,
                       showarrow=False, xanchor="right", font=dict(size=11, color="#555"))
    return fig.update_layout(showlegend=False, bargap=0.2)


def claims_speed(table: Mapping, task: str) -> go.Figure:
    """How fast? With the curriculum, the training step at which each level was learned: median over seeds
    (marker) and min–max (bar). Rows are offset along x so that none hides another; a seed that did not learn the
    level draws its bar up to where it stopped, ending in an open triangle ("≥ N: not within budget"); a median
    that is censored is an open marker there."""
    from ..zoo.claims_report import steps_summary, task_label
    d = table["tasks"][task]
    levels = d["spec"]["levels"]
    rows = _v2_rows(table, task)
    off = _offsets(len(rows), 0.5)
    name = t(f"claims.level.{d['level_name']}")
    fig = go.Figure()
    for i, row in enumerate(rows):
        r = d["rows"][row]
        color, dash = _style(row)
        label = row_label(row)
        xs, med, lo, hi, cens_x, cens_y, cens_text = [], [], [], [], [], [], []
        for j, L in enumerate(levels):
            vals = r["steps_to_learn"][str(L)]
            tried = [j == 0 or r["steps_to_learn"][str(levels[j - 1])][k] is not None for k in range(len(vals))]
            if not any(tried):                    # no seed got this far: nothing to draw
                continue
            s = steps_summary(vals)
            stop = [st_ for v, st_, tr in zip(vals, r["steps"], tried) if v is None and tr]
            x = j + off[i]
            top = max(stop) if stop else None
            if s.known:
                xs.append(x)
                med.append(s.median)
                lo.append(s.median - s.lo)
                hi.append((s.hi if s.hi is not None else top) - s.median)
            if stop:
                cens_x.append(x)
                cens_y.append(top)
                cens_text.append(t("claims.plot.censored", n=len(stop), seeds=len(vals), steps=top))
        fig.add_trace(go.Scatter(x=f32(xs), y=f32(med), name=label, mode="lines+markers", legendgroup=row,
                                 line=dict(color=color, width=1.5, dash=dash),
                                 marker=dict(symbol=ROW_SYMBOLS.get(row, "circle"), size=9, color=color),
                                 error_y=dict(type="data", array=f32(hi), arrayminus=f32(lo), thickness=1.2, width=3,
                                              color=color),
                                 hovertemplate=f"{label}<br>%{{y:.0f}} {t('plot.claims.step')}<extra></extra>"))
        if cens_x:
            fig.add_trace(go.Scatter(x=f32(cens_x), y=f32(cens_y), mode="markers", legendgroup=row, name=label,
                                     showlegend=not xs,                     # the legend entry when nothing was learned
                                     marker=dict(symbol="triangle-up-open", size=11, color=color,
                                                 line=dict(width=2, color=color)),
                                     text=cens_text, hovertemplate=f"{label}<br>%{{text}}<extra></extra>"))
    fig.update_xaxes(title_text=t("claims.plot.level", level=name), tickvals=list(range(len(levels))),
                     ticktext=[str(L) for L in levels])
    fig.update_yaxes(title_text=t("plot.claims.step"), rangemode="tozero")
    fig = base_layout(fig, t("claims.plot.speed.title", task=task_label(task), every=d["curriculum"]["val_every"]),
                      440)
    fig.add_annotation(text=t("claims.plot.open_note"), xref="paper", yref="paper", x=1, y=1.08, showarrow=False,
                       xanchor="right", font=dict(size=11, color="#555"))
    return _legend_below(fig, 460)


def claims_scratch(table: Mapping, task: str) -> go.Figure:
    """Without a curriculum: steps for a fresh model to learn exactly one level, median (marker) and min–max
    (bar) over seeds, rows side by side; not learned within the budget: an open triangle at the budget."""
    from ..zoo.claims_report import steps_summary, task_label
    d = table["tasks"][task]
    spec = d["spec"]
    levels, budget = spec["scratch_levels"], spec["scratch_budget"]
    rows = _v2_rows(table, task)
    off = _offsets(len(rows), 0.7)
    name = t(f"claims.level.{d['level_name']}")
    fig = go.Figure()
    for i, row in enumerate(rows):
        fs = d["rows"][row]["from_scratch"]["steps_to_learn"]
        color, _ = _style(row)
        label = row_label(row)
        xs, med, lo, hi, cx, ct = [], [], [], [], [], []
        for j, L in enumerate(levels):
            s = steps_summary(fs[str(L)])
            if s.known:
                xs.append(j + off[i])
                med.append(s.median)
                lo.append(s.median - s.lo)
                hi.append((s.hi if s.hi is not None else budget) - s.median)
            if s.censored:
                cx.append(j + off[i])
                ct.append(t("claims.plot.censored", n=s.censored, seeds=s.n, steps=budget))
        fig.add_trace(go.Scatter(x=f32(xs), y=f32(med), name=label, mode="markers", legendgroup=row,
                                 marker=dict(symbol=ROW_SYMBOLS.get(row, "circle"), size=10, color=color),
                                 error_y=dict(type="data", array=f32(hi), arrayminus=f32(lo), thickness=1.2, width=3,
                                              color=color),
                                 hovertemplate=f"{label}<br>%{{y:.0f}} {t('plot.claims.step')}<extra></extra>"))
        if cx:
            fig.add_trace(go.Scatter(x=f32(cx), y=f32([budget] * len(cx)), mode="markers", legendgroup=row,
                                     name=label, showlegend=not xs, text=ct,   # the legend entry if no median
                                     marker=dict(symbol="triangle-up-open", size=11, color=color,
                                                 line=dict(width=2, color=color)),
                                     hovertemplate=f"{label}<br>%{{text}}<extra></extra>"))
    fig.add_hline(y=budget, line=dict(dash="dot", color="#999", width=1),
                  annotation_text=t("claims.plot.budget", steps=budget), annotation_position="top left")
    fig.update_xaxes(title_text=t("claims.plot.level", level=name), tickvals=list(range(len(levels))),
                     ticktext=[str(L) for L in levels], range=[-0.6, len(levels) - 0.4])
    fig.update_yaxes(title_text=t("plot.claims.step"), range=[0, budget * 1.12])
    fig = base_layout(fig, t("claims.plot.scratch.title", task=task_label(task)), 440)
    return _legend_below(fig, 460)


def claims_grad(table: Mapping, task: str) -> go.Figure:
    """At initialisation: ‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖ against k, median over seeds (log scale), each row with its
    own dash and marker; a curve stops where the float32 gradient fell below float32's range (marked ×,
    "below float32 range"): beyond it the numbers are not data."""
    from ..zoo.claims_report import task_label
    d = table["tasks"][task]
    rows = _v2_rows(table, task)
    fig = go.Figure()
    values = []
    for row in rows:
        g = d["rows"][row]["grad_init"]
        k = np.asarray(g["k"])
        color, dash = _style(row)
        label = row_label(row)
        for q, width in (("h", 2.2), ("c", 1.2)):
            if q not in g:
                continue
            y = np.median(np.asarray(g[q], dtype=float), axis=0)
            floors = [f for f in g.get(q + "_floor", []) if f is not None]
            stop = int(np.median(floors)) if len(floors) * 2 > len(g[q]) else None
            keep = (y > 0) & np.isfinite(y) & ((k < stop) if stop is not None else True)
            values.append(y[keep])
            name = label + ("" if q == "h" else " · c")
            fig.add_trace(go.Scatter(x=f32(k[keep]), y=f32(y[keep]), name=name, mode="lines+markers",
                                     line=dict(color=color, width=width, dash=dash),
                                     marker=dict(symbol=ROW_SYMBOLS.get(row, "circle"), size=6, color=color),
                                     legendgroup=row, hovertemplate=f"{name}<br>k = %{{x}}<br>%{{y:.2e}}<extra></extra>"))
            if stop is not None and keep.any():
                last = int(np.flatnonzero(keep)[-1])
                fig.add_trace(go.Scatter(x=[float(k[last])], y=f32([y[last]]), mode="markers+text", legendgroup=row,
                                         showlegend=False, marker=dict(symbol="x", size=11, color=color),
                                         text=[t("claims.below_f32")], textposition="bottom center",
                                         textfont=dict(size=10, color=color),
                                         hovertemplate=f"{name}<br>{t('claims.below_f32')} (k ≥ {stop})<extra></extra>"))
    fig.update_xaxes(title_text=t("plot.claims.k"))
    log_y(fig, t("plot.claims.grad.y"), np.concatenate(values) if values else [])
    fig = base_layout(fig, t("claims.plot.grad.title", task=task_label(task), level=d["spec"]["grad_level"]), 480)
    return _legend_below(fig, 500)
