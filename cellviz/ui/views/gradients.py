"""View 3: gradient flow — ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ per layer and direction; how far back step t reaches;
RNN vs LSTM vs GRU on the same task and input.

The norms go to the browser once (the step player moves the cursor). What depends on the step when L adds up
over steps — the reach of the loss term at step t, and curves normalised at t* = t — is computed for every step
at once (`data.terms_by_step`) and travels with the figures, so a step changes them in the browser. Past
`data.ALL_STEPS_COST` (a large upload) it is computed for the step the player settles on and sent as a few
hundred bytes of "server" data; the player shows the previous view, dimmed, until it arrives.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from ... import plots
from ...player import panels, payload
from .. import data, gradflow, state, stepper
from . import explain
from .compare import gradient_reference as claims_reference
from ..data import Subject
from ...i18n import t

USES_STEP = True


def opening_step(subject: Subject) -> int | None:
    """Where the page opens: with a loss term at every step (N->N), the last step, whose term reaches back over the
    whole input (step 0's has one bar and nothing to compare); None (as it is) for one prediction."""
    return None if gradflow.single_step(subject) else subject.steps - 1


def render(subject: Subject, step: int, units: list[int]):
    explain.gradient_reading(subject, int(state.get("layer")), step)
    key = ("gradients", stepper.subject_key(subject))
    y_title = plots.grad_axis_title(gradflow.loss_label(subject), what="any")
    stepper.show([stepper.cached(key + ("norms",), lambda: panels.gradient_norms(
        plots.grad_norm_curves(subject.trace), y_title=y_title))], key="norms")
    _reach(subject, step, key)
    _compare(subject, step, key)
    return lambda: plots.gradient_norms(plots.grad_norm_curves(subject.trace), step, y_title=y_title)


def _reach(subject: Subject, step: int, key: tuple) -> None:
    st.markdown(f"#### {t('grad.reach.header')}")
    if gradflow.single_step(subject):        # one prediction, after the last step: nothing moves
        st.caption(t("grad.reach.n1"))
        sens, t_star = subject.trace.input_sensitivity[:, 0], subject.steps - 1
        if not np.any(sens > 0):
            st.info(t("grad.reach.none", t=t_star))
            return
        stepper.show(stepper.cached(key + ("reach",), lambda: panels.input_reach(
            sens, subject.tokens, t_star, loss=gradflow.loss_label(subject, t_star))), key="reach")
        return
    terms = data.terms_by_step(subject)
    if terms is not None:                    # every step's term at once: the browser picks the step's row
        stepper.show(stepper.cached(key + ("reach", "all"), lambda: panels.input_reach_by_step(
            terms.input_sensitivity, subject.tokens, gradflow.loss_label(subject, "t"))), key="reach")
        return
    # the loss term at the step shown: a trace with that term alone, sent per step
    sens = data.retrace(subject, step).trace.input_sensitivity[:, 0]
    stepper.server_data("reach", {"t": step, "values": payload.typed(sens), "layout": {
        "title.text": t("plot.reach.title", t=step),
        "yaxis.title.text": t("plot.reach.y") + f"<br>{gradflow.loss_label(subject, step)}"}})
    if not np.any(sens > 0):
        st.caption(t("grad.reach.none", t=step))

    def template() -> list[dict]:
        first = data.retrace(subject, 0).trace.input_sensitivity[:, 0]
        return panels.input_reach(first, subject.tokens, 0, server="reach", loss=gradflow.loss_label(subject, 0))
    stepper.show(stepper.cached(key + ("reach", "server"), template), key="reach")


def _compare(subject: Subject, step: int, key: tuple) -> None:
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
    others = {other: data.zoo_subject(replace(subject.zoo, name=other, snapshot=None)) for other in names}
    title = t("grad.compare.header")
    moves = scale == gradflow.NORMALISED and not gradflow.single_step(subject)     # normalised at t* = step
    all_steps = moves and all(data.terms_by_step(s) is not None for s in others.values())   # sent at once

    def curves(at: int) -> dict:
        return {other: gradflow.curve(s, layer, direction, at, scale) for other, s in others.items()}

    def build() -> list[dict]:
        at = 0 if moves else step
        every = gradflow.curves_by_step(others, layer, direction) if all_steps else None   # (T*, curves, T)
        return [panels.gradient_norms(curves(at), "compare", title=title,
                                      y_title=gradflow.axis_title(subject, scale, "t*" if all_steps else at),
                                      server="compare" if moves and not all_steps else None, by_step=every)]
    stepper.show(stepper.cached(key + ("compare", layer, direction, scale), build), key="compare")
    if moves and not all_steps:
        now = curves(step)
        stepper.server_data("compare", {"t": step, "values": payload.typed(np.stack(list(now.values()))),
                                        "layout": {"yaxis.title.text": gradflow.axis_title(subject, scale, step)}})
    explain.grad_scale_note(subject, scale, step, direction, all_steps=all_steps)
    if (note := claims_reference(subject.task)) is not None:          # what the claims experiment says (lag task)
        st.markdown(note)
