"""View 1: the cell at step t — a live textbook diagram, the equations, and the numbers for one unit."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ... import plots, summaries
from ...player import panels
from .. import state, stepper
from ..data import Subject
from . import explain
from ...i18n import t

USES_STEP = True
EQUATIONS = panels.EQUATIONS          # the cell's equations (LaTeX), shared with the static site


def render(subject: Subject, step: int, units: list[int]):
    tr = subject.trace
    layer, direction = int(state.get("layer")), int(state.get("direction"))
    unit = units[0]
    caption = " ".join([t("cell.legend", unit=unit), t("nav.reverse_note") if direction == 1 else ""]).strip()
    base = ("cell", stepper.subject_key(subject), layer, direction, unit)
    diagram = stepper.cached(base + ("diagram",), lambda: panels.cell_diagram(tr, layer, direction, subject.tokens,
                                                                             unit, caption=caption))
    stepper.show([diagram], key="diagram")
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('cell.equations')}**")
        act = r"\tanh" if tr.nonlinearity == "tanh" else r"\mathrm{relu}"
        for eq in EQUATIONS[tr.kind]:
            st.latex(eq.replace(r"\{act}", act))
        explain.conventions(tr.kind, tr.layer(layer, direction).gates, unit)
    with right:
        numbers = stepper.cached(base + ("numbers",), lambda: panels.unit_numbers(tr, layer, direction, unit))
        stepper.show([numbers], key="numbers")
    explain.stacking(tr, layer, subject)
    explain.by_hand(subject)

    def figure() -> go.Figure:
        rec = tr.layer(layer, direction)
        vectors = summaries.cell_vectors(rec, summaries.layer_input(tr, layer), step, direction)
        return plots.cell_diagram(tr.kind, vectors, unit=unit, step=step, token=subject.tokens[step],
                                  nonlinearity=tr.nonlinearity,
                                  ranges=summaries.sequence_values(rec, summaries.layer_input(tr, layer)))
    return figure
