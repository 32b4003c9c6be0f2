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
EQUATIONS = {
    "lstm": [r"i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi})",
             r"f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})",
             r"g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})",
             r"o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho})",
             r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
             r"h_t = o_t \odot \tanh(c_t)"],
    "gru": [r"r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})",
            r"z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})",
            r"n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))",
            r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"],
    "rnn": [r"a_t = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}",
            r"h_t = \{act}(a_t)"],
}


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
