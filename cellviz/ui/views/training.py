"""View 8: scrub through training — the same input's gates, states and gradient flow at every snapshot a zoo
model saved while it trained (the lag-* models ship them)."""
from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from ... import plots, summaries
from .. import data, gradflow, state
from . import explain
from ..data import Subject
from ..safety import PREDICTION_CHARS, escape_markdown
from ...i18n import t
from ...zoo.training import FINAL  # the slider's value for the shipped (final) weights

USES_STEP = False
KEY = "train_snapshot"


def preferred_model(current: str | None) -> str | None:
    """The model this page opens on: the current one if it saved snapshots while it trained, else the first zoo
    model that did (lag-lstm, ...); None if none did."""
    names = data.zoo_names()
    if current in names and data.zoo_card(current).get("snapshots"):
        return current
    with_snaps = [n for n in names if data.zoo_card(n).get("snapshots")]
    return next((n for n in with_snaps if n.startswith("lag-lstm")), with_snaps[0] if with_snaps else None)


def render(subject: Subject, step: int | None, units: list[int]) -> go.Figure | None:
    snaps = data.zoo_card(subject.zoo.name).get("snapshots", []) if subject.zoo else []
    if not snaps:
        with_snaps = [n for n in data.zoo_names() if data.zoo_card(n).get("snapshots")]
        st.info(t("training.none", models=", ".join(with_snaps) or "—"))
        return None
    labels = [*snaps, FINAL]
    if state.get(KEY) not in labels:
        state.put(KEY, labels[0])
    st.caption(t("training.intro"))
    st.select_slider(t("training.slider"), labels, key=KEY, format_func=snapshot_label)
    chosen = state.get(KEY)
    subjects = {s: data.zoo_subject(replace(subject.zoo, snapshot=None if s == FINAL else s)) for s in labels}
    now = subjects[chosen]
    layer, direction = int(state.get("layer")), int(state.get("direction"))
    final_loss = float(subjects[FINAL].trace.loss)
    a, b = st.columns([1, 3])
    a.metric(t("training.loss"), f"{float(now.trace.loss):.4g}", delta=f"{float(now.trace.loss) - final_loss:+.4g}",
             delta_color="inverse", help=t("training.loss.help", final=f"{final_loss:.4g}"))
    b.markdown(t("training.prediction", snapshot=snapshot_label(chosen), prediction=escape_markdown(now.prediction, PREDICTION_CHARS)))
    b.caption(t("training.position", k=labels.index(chosen) + 1, n=len(labels)))
    rec = now.trace.layer(layer, direction)
    fig = plots.heatmaps_over_time(summaries.quantities(rec), None, (), now.tokens, clickable=False,
                                   title=t("training.heat.title", snapshot=snapshot_label(chosen)))
    st.plotly_chart(fig, key="training_heat", config={"displayModeBar": False})
    scale = explain.grad_scale_picker()
    last = now.steps - 1                      # no step cursor here: a loss with a term per step is taken at the last
    curves = {snapshot_label(s): gradflow.curve(sub, layer, direction, last, scale) for s, sub in subjects.items()}
    st.plotly_chart(plots.gradient_norms(curves, title=t("training.grad.title"),
                                         y_title=gradflow.axis_title(now, scale, last),
                                         highlight=snapshot_label(chosen)), key="training_grad")
    st.caption(t("training.grad.note") + " " + t(f"training.grad.note.{scale}"))
    return fig


def snapshot_label(label: str) -> str:
    """"step-00030" -> "step 30"; the final weights by their name."""
    if label == FINAL:
        return t("model.snapshot.final")
    prefix, _, number = label.rpartition("-")
    return t("training.at_step", step=int(number)) if prefix == "step" and number.isdigit() else label
