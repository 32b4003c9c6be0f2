"""View 2: units x time heatmaps of every gate and state with a cursor at t, and the selected units' traces.

Clicking a heatmap cell selects that unit and step (read from the invisible scatter's customdata).
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ... import plots, summaries
from .. import state
from ..data import Subject
from . import explain
from ...i18n import t

USES_STEP = True
CHART_KEY = "time_heatmap"


def render(subject: Subject, step: int, units: list[int]) -> go.Figure:
    rec = subject.trace.layer(int(state.get("layer")), int(state.get("direction")))
    series = summaries.quantities(rec)
    chosen = [q for q in (state.get("quantities") or []) if q in series] or list(series)
    state.put("quantities", chosen)
    st.multiselect(t("time.quantities"), list(series), key="quantities", format_func=plots.qname)
    shown = {q: series[q] for q in chosen}
    fig = plots.heatmaps_over_time(shown, step, units, subject.tokens)
    st.caption(t("time.click_hint"))
    st.plotly_chart(fig, key=CHART_KEY, on_select=pick_from_chart, selection_mode="points",
                    config={"displayModeBar": False})
    blocks = summaries.downsample(next(iter(shown.values())), plots.MAX_HEAT_STEPS, plots.MAX_HEAT_UNITS)
    if (blocks.bt, blocks.bu) != (1, 1):
        st.caption(t("time.downsampled", bt=blocks.bt, bu=blocks.bu))
    st.plotly_chart(plots.unit_traces(shown, units, step, subject.tokens), key="time_traces")
    explain.pytorch_shapes(subject)
    return fig


def pick_from_chart() -> None:
    """on_select callback: the clicked (unit, step) becomes the step and the first selected unit."""
    event = state.get(CHART_KEY) or {}
    points = [p for p in (event.get("selection") or {}).get("points", []) if p.get("customdata")]
    if not points:
        return
    unit, step = int(points[0]["customdata"][0]), int(points[0]["customdata"][1])
    state.put("units", [unit] + [u for u in (state.get("units") or []) if u != unit][:7])
    state.put("step", step)
    st.toast(t("time.selected", unit=unit, t=step))
