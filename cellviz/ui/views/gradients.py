"""View 3: gradient flow — ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ per layer and direction; how far back step t reaches;
RNN vs LSTM vs GRU on the same task and input."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ... import plots
from .. import data, gradflow, state
from . import explain
from ..data import Subject
from ...i18n import t

USES_STEP = True


def render(subject: Subject, step: int, units: list[int]) -> go.Figure:
    explain.gradient_reading(subject, int(state.get("layer")), step)
    fig = plots.gradient_norms(plots.grad_norm_curves(subject.trace), step,
                               y_title=plots.grad_axis_title(gradflow.loss_label(subject), what="any"))
    st.plotly_chart(fig, key="grad_norms")
    _reach(subject, step)
    _compare(subject, step)
    return fig


def _reach(subject: Subject, step: int) -> None:
    st.markdown(f"#### {t('grad.reach.header')}")
    if gradflow.single_step(subject):        # one prediction, after the last step
        st.caption(t("grad.reach.n1"))
        sens, t_star = subject.trace.input_sensitivity[:, 0], subject.steps - 1
    else:
        sens, t_star = data.retrace(subject, step).trace.input_sensitivity[:, 0], step
    if not np.any(sens > 0):
        st.info(t("grad.reach.none", t=t_star))
        return
    st.plotly_chart(plots.input_reach(sens, subject.tokens, t_star, loss=gradflow.loss_label(subject, t_star)),
                    key="grad_reach")
    st.plotly_chart(plots.token_strip(subject.tokens, sens, "grad", t("plot.text.title", what="‖∂L/∂x_k‖"),
                                      step=t_star), key="grad_text", config={"displayModeBar": False})


def _compare(subject: Subject, step: int) -> None:
    st.markdown(f"#### {t('grad.compare.header')}")
    if subject.zoo is None:
        st.info(t("grad.compare.upload"))
        return
    names = data.siblings(subject.zoo.name)
    if len(names) < 2:
        st.info(t("grad.compare.none"))
        return
    scale = explain.grad_scale_picker("grad_scale")
    layer, direction = int(state.get("layer")), int(state.get("direction"))
    curves = {other: gradflow.curve(data.zoo_subject(replace(subject.zoo, name=other, snapshot=None)), layer,
                                    direction, step, scale)
              for other in names}
    title = t("grad.compare.header")
    st.plotly_chart(plots.gradient_norms(curves, step, title=title, y_title=gradflow.axis_title(subject, scale, step)),
                    key="grad_compare")
    explain.grad_scale_note(subject, scale, step, direction)
