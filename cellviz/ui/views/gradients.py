"""View 3: gradient flow — ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ per layer and direction; how far back step t reaches;
RNN vs LSTM vs GRU on the same task and input."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from ... import plots, summaries
from ...player import panels, payload
from .. import data, state, stepper
from ..data import Subject
from ...i18n import t

USES_STEP = True


def render(subject: Subject, step: int, units: list[int]):
    st.caption(t("grad.intro"))
    key = ("gradients", stepper.subject_key(subject))
    stepper.show([stepper.cached(key + ("norms",), lambda: panels.gradient_norms(plots.grad_norm_curves(subject.trace)))],
                 key="norms")
    _reach(subject, step, key)
    _compare(subject, key)
    return lambda: plots.gradient_norms(plots.grad_norm_curves(subject.trace), step)


def _reach(subject: Subject, step: int, key: tuple) -> None:
    """How far back the loss at step t reaches. N->N models: the loss at the step shown, computed by the server
    (a trace with the loss at that step only) and sent to the player as the step changes."""
    st.markdown(f"#### {t('grad.reach.header')}")
    if subject.io == "N->1":                 # one prediction, after the last step
        st.caption(t("grad.reach.n1"))
        sens, t_star = subject.trace.input_sensitivity[:, 0], subject.steps - 1
        if not np.any(sens > 0):
            st.info(t("grad.reach.none", t=t_star))
            return
        stepper.show(stepper.cached(key + ("reach",), lambda: panels.input_reach(sens, subject.tokens, t_star)),
                     key="reach")
        return
    sens = data.retrace(subject, step).trace.input_sensitivity[:, 0]
    stepper.server_data("reach", {"t": step, "values": payload.typed(sens), "title": t("plot.reach.title", t=step)})
    if not np.any(sens > 0):
        st.caption(t("grad.reach.none", t=step))

    def template() -> list[dict]:
        first = data.retrace(subject, 0).trace.input_sensitivity[:, 0]
        return panels.input_reach(first, subject.tokens, 0, server="reach")
    stepper.show(stepper.cached(key + ("reach", "server"), template), key="reach")


def _compare(subject: Subject, key: tuple) -> None:
    st.markdown(f"#### {t('grad.compare.header')}")
    if subject.zoo is None:
        st.info(t("grad.compare.upload"))
        return
    names = data.siblings(subject.zoo.name)
    if len(names) < 2:
        st.info(t("grad.compare.none"))
        return
    layer = int(state.get("layer"))

    def build() -> list[dict]:
        curves = {}
        for other in names:
            tr = data.zoo_subject(replace(subject.zoo, name=other, snapshot=None)).trace
            curves[other] = summaries.grad_norms(tr.layer(min(layer, tr.num_layers - 1), 0))[0]
        title = t("grad.compare.header")
        return [panels.gradient_norms(curves, "compare", title=title, y_title=t("plot.grad.h"))]
    stepper.show(stepper.cached(key + ("compare", layer), build), key="compare")
