"""Gradient curves as the pages compare them: with their loss L named, raw or normalised at the loss step.

Raw norms ‖∂L/∂h_t‖ track the size of the loss (at lag 40 the zoo's RNN, LSTM and GRU losses differ ~600×), so
curves of different models or snapshots are compared normalised: ‖∂L/∂h_t‖ / ‖∂L/∂h_{t*}‖, 1 at the step t*
where L meets the states. When L has a term at every step (N->N, the decoder, uploads) there is no single such
step: the normalised curve takes the loss term at one step t* only (a trace `at_step=t*`), which shows how far
back that one prediction reaches.
"""
from __future__ import annotations

import numpy as np

from .. import grads, summaries
from ..i18n import t
from . import data
from .data import Subject

RAW, NORMALISED = "raw", "normalised"
SCALES = (NORMALISED, RAW)


def single_step(subject: Subject) -> bool:
    """Whether L reads the final state only (N->1, the encoder part): then it meets the states at one step."""
    return subject.loss in data.SINGLE_STEP_LOSSES


def loss_label(subject: Subject, at_step: int | str | None = None) -> str:
    """"L = …" for an axis: the subject's loss, or its term at step `at_step` (where L adds up over steps; a
    step, or a symbol such as "t*" for the step shown)."""
    if at_step is not None and not single_step(subject):
        return t(f"loss.{subject.loss}.at", t=at_step)
    return t(f"loss.{subject.loss}")


def loss_sentence(subject: Subject) -> str:
    """What L is, in a sentence (for captions); for an upload, on the target its user typed."""
    if getattr(getattr(subject.source, "input", None), "target", "").strip():
        return t("loss.upload.long", loss=t(f"loss.{subject.loss}"))
    return t(f"loss.{subject.loss}.long")


def ref_step(subject: Subject, direction: int, step: int) -> int:
    """t*: where the normalised curve is 1 — L's own step for a single-step loss, else the cursor's step."""
    return grads.loss_step(subject.steps, direction, None if single_step(subject) else step)


def curve(subject: Subject, layer: int, direction: int, step: int, scale: str) -> np.ndarray:
    """‖∂L/∂h_t‖ of one layer and direction: raw for the whole L, or normalised at t* (`ref_step`), where a loss
    with a term at every step is first re-traced with that term alone."""
    layer = min(layer, subject.trace.num_layers - 1)
    direction = min(direction, subject.trace.num_directions - 1)
    if scale == RAW:
        return summaries.grad_norms(subject.trace.layer(layer, direction))[0]
    at = ref_step(subject, direction, step)
    source = subject if single_step(subject) else data.retrace(subject, at)
    return grads.normalised(summaries.grad_norms(source.trace.layer(layer, direction))[0], at)


def curves_by_step(subjects: dict[str, Subject], layer: int, direction: int) -> np.ndarray:
    """`curve(..., NORMALISED)` of each subject for every step t* at once: (T*, subjects, T) (every subject has
    `data.terms_by_step`)."""
    rows = []
    for subject in subjects.values():
        terms = data.terms_by_step(subject)
        tr = subject.trace
        g = terms.grad_h[(min(layer, tr.num_layers - 1), min(direction, tr.num_directions - 1))]
        rows.append(np.stack([grads.normalised(g[k], k) for k in range(len(g))]))
    return np.stack(rows, axis=1)


def axis_title(subject: Subject, scale: str, step: int | str) -> str:
    """The y-axis title naming L (and, normalised, t*)."""
    from .. import plots
    if scale == RAW:
        return plots.grad_axis_title(loss_label(subject))
    return plots.grad_axis_title(loss_label(subject, step), normalised=True)
