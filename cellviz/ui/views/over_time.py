"""View 2: units x time heatmaps of every gate and state with a cursor at t, and the selected units' traces.

Both figures go to the browser once (the step player moves their cursors). Clicking a heatmap cell selects that
unit and step.
"""
from __future__ import annotations

import streamlit as st

from ... import plots, summaries
from ...player import panels
from .. import state, stepper
from ..data import Subject
from . import explain
from ...i18n import t

USES_STEP = True


def render(subject: Subject, step: int, units: list[int]):
    layer, direction = int(state.get("layer")), int(state.get("direction"))
    rec = subject.trace.layer(layer, direction)
    series = summaries.quantities(rec)
    chosen = [q for q in (state.get("quantities") or []) if q in series] or list(series)
    state.put("quantities", chosen)
    st.multiselect(t("time.quantities"), list(series), key="quantities", format_func=plots.qname)
    shown = {q: series[q] for q in chosen}
    st.caption(t("time.click_hint"))
    key = ("over_time", stepper.subject_key(subject), layer, direction, tuple(chosen), tuple(units))
    built = stepper.cached(key, lambda: [panels.heatmaps(shown, units, subject.tokens),
                                         panels.unit_traces(shown, units, subject.tokens)])
    stepper.show(built, key="figures")
    blocks = summaries.downsample(next(iter(shown.values())), plots.MAX_HEAT_STEPS, plots.MAX_HEAT_UNITS)
    if (blocks.bt, blocks.bu) != (1, 1):
        st.caption(t("time.downsampled", bt=blocks.bt, bu=blocks.bu))
    explain.pytorch_shapes(subject)
    return lambda: plots.heatmaps_over_time(shown, step, units, subject.tokens)
