"""View 6: intervene — at step t clamp a gate, freeze the cell state, set chosen units of h / c, or ablate a
unit for the whole sequence; the re-run side by side with the original: states, outputs, prediction, loss."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import cellviz

from ... import intervene, plots, summaries
from .. import data, state
from ..data import Subject
from ..safety import PREDICTION_CHARS, escape_markdown
from ...i18n import t

USES_STEP = True
STEP_ON_SERVER = True       # the intervened trace is computed for the step: a step re-runs the view
MAX_INTERVENED = 16          # intervened traces of zoo models kept in memory (each under 1 MB)
MAX_INTERVENED_UPLOADS = 2   # of uploads (each up to data.UPLOAD_TRACE_BYTES)


def render(subject: Subject, step: int, units: list[int]) -> go.Figure:
    layer, direction = int(state.get("layer")), int(state.get("direction"))
    st.caption(t("iv.intro"))
    spec = _controls(subject.kind, step, units, layer, direction)
    changed = intervened(subject.source, spec) if subject.zoo else intervened_upload(subject.source, spec,
                                                                                       data.upload_bytes())
    orig_rec, new_rec = subject.trace.layer(layer, direction), changed.trace.layer(layer, direction)
    _outcome(subject, changed)
    original = summaries.quantities(orig_rec)
    deltas = {q: effect(original[q], v) for q, v in summaries.quantities(new_rec).items() if q in ("c", "h")}
    if subject.trace.num_layers > 1 or subject.trace.num_directions > 1:
        out_a, out_b = np.asarray(subject.trace.output), np.asarray(changed.trace.output)
        deltas[t("plot.iv.output")] = effect(out_a.reshape(len(out_a), -1), out_b.reshape(len(out_b), -1))
    if not any(d.any() for d in deltas.values()):
        st.info(t("iv.no_effect"))
    fig = plots.intervention_effect(deltas, step, subject.tokens)
    st.plotly_chart(fig, key="iv_effect")
    shown = ([spec[1]] if spec[0] == "gate" else []) + (["c"] if subject.kind == "lstm" else []) + ["h"]
    before = {q: summaries.quantities(orig_rec)[q] for q in shown}
    after = {q: summaries.quantities(new_rec)[q] for q in shown}
    diff = {f"Δ{q}": after[q] - before[q] for q in shown}        # not a gate name: the diverging scale
    for col, series, which in zip(st.columns(3), (before, after, diff), ("original", "intervened", "difference")):
        col.plotly_chart(plots.heatmaps_over_time(series, step, units, None, clickable=False,   # narrow: no tokens
                                                  title=t(f"plot.iv.{which}")),
                         key=f"iv_heat_{which}", config={"displayModeBar": False})
    st.plotly_chart(plots.intervention_traces(before, after, units, step, subject.tokens), key="iv_traces")
    return fig


FLOAT32_NOISE = 64 * float(np.finfo(np.float32).eps)   # re-running the same float32 arithmetic another way


def effect(original: np.ndarray, changed: np.ndarray) -> np.ndarray:
    """‖changed − original‖ over units at every step, (T,); a difference within float32 rounding of the values
    (FLOAT32_NOISE × max |value| per unit) is no effect and reads 0."""
    a, b = np.asarray(original, dtype=np.float64), np.asarray(changed, dtype=np.float64)
    d = b - a
    floor = FLOAT32_NOISE * max(float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)), 1.0)
    d[np.abs(d) <= floor] = 0.0
    return np.linalg.norm(d, axis=-1)


def _controls(cell: str, step: int, units: list[int], layer: int, direction: int) -> tuple:
    """The intervention widgets; their choice as a plain tuple (the cache key)."""
    kinds = intervene.kinds_for(cell)
    if state.get("iv_kind") not in kinds:
        state.put("iv_kind", kinds[0])
    st.radio(t("iv.kind"), kinds, key="iv_kind", horizontal=True, format_func=lambda k: t(f"iv.kind.{k}"))
    kind = state.get("iv_kind")
    a, b, c = st.columns([2, 2, 3])
    target, value = "h", 0.0
    if kind == "gate":
        gates = intervene.clampable_gates(cell)
        if state.get("iv_gate") not in gates:
            state.put("iv_gate", gates[0])
        a.selectbox(t("iv.gate"), gates, key="iv_gate", format_func=plots.qname)
        b.radio(t("iv.gate_value"), [0.0, 1.0], key="iv_gate_value", horizontal=True, format_func=lambda v: f"{v:g}")
        target, value = state.get("iv_gate"), float(state.get("iv_gate_value"))
    elif kind == "state":
        targets = ["c", "h"] if cell == "lstm" else ["h"]
        if state.get("iv_state") not in targets:
            state.put("iv_state", targets[-1])
        a.radio(t("iv.state"), targets, key="iv_state", horizontal=True, format_func=plots.qname)
        b.number_input(t("iv.value"), min_value=-10.0, max_value=10.0, step=0.1, key="iv_value", help=t("iv.value.help"))
        target, value = state.get("iv_state"), float(state.get("iv_value"))
    else:
        a.caption(t(f"iv.kind.{kind}.note"))
    shown_units = ", ".join(str(u) for u in units)
    b_or_c = c if kind in ("gate", "state") else b
    b_or_c.radio(t("iv.scope"), ["units", "all"], key="iv_scope", horizontal=True,
                 format_func=lambda s: t("iv.scope.units", units=shown_units) if s == "units" else t("iv.scope.all"))
    rest = False
    if kind != "ablate":
        st.radio(t("iv.span"), ["step", "rest"], key="iv_span", horizontal=True,
                 format_func=lambda s: t(f"iv.span.{s}", t=step))
        rest = state.get("iv_span") == "rest"
    chosen = tuple(units) if state.get("iv_scope") == "units" else None
    return kind, target, value, chosen, rest, step, layer, direction


def _outcome(subject: Subject, changed: Subject) -> None:
    """Loss before and after, and the prediction before and after."""
    before, after = float(subject.trace.loss), float(changed.trace.loss)
    a, b = st.columns([1, 3])
    same = abs(after - before) <= FLOAT32_NOISE * max(abs(before), abs(after), 1.0)     # no effect: no red arrow
    a.metric(t("iv.loss"), f"{after:.4g}", delta=None if same else f"{after - before:+.4g}", delta_color="inverse",
             help=t("iv.loss.help", before=f"{before:.4g}") + (" " + t("iv.no_effect") if same else ""))
    if subject.zoo is None:
        b.caption(t("iv.pred.none"))
    elif changed.prediction is None:
        b.caption(t("iv.pred.decoder"))
    else:
        b.markdown(t("iv.pred.before", prediction=escape_markdown(subject.prediction, PREDICTION_CHARS)))
        b.markdown(t("iv.pred.after", prediction=escape_markdown(changed.prediction, PREDICTION_CHARS)))


@st.cache_resource(max_entries=MAX_INTERVENED_UPLOADS, ttl=data.UPLOAD_TTL)
def intervened_upload(source: data.UploadSource, spec: tuple, _raw: bytes) -> Subject:
    """`intervened` for an upload, in a cache of its own: an upload's trace can be 100x a zoo trace."""
    return _intervened(source, spec, _raw)


@st.cache_resource(max_entries=MAX_INTERVENED, ttl=data.TTL)
def intervened(source: data.Source, spec: tuple, _raw: bytes = b"") -> Subject:
    """The subject of `source` re-run with the intervention `spec` (cached on plain values)."""
    return _intervened(source, spec, _raw)


def _intervened(source: data.Source, spec: tuple, _raw: bytes = b"") -> Subject:
    """The subject of `source` re-run with the intervention `spec` (cached on plain values; an upload's bytes
    `_raw` are not hashed, its digest is)."""
    kind, target, value, units, rest, step, layer, direction = spec
    model = ex = part = None
    if isinstance(source, data.ZooSource):
        base = data.zoo_subject(source)
        part = source.part
        model, ex = data.zoo_model(source.name, source.snapshot), data.zoo_example(source.name, source.input)
        module, x, h0, loss = model.trace_args(ex, part=part)
    else:
        base = data.upload_subject(source, _raw)
        args = data.upload_args(source, _raw)            # the upload's own input and loss (tokens, head)
        module, x, h0, loss = args.module, args.x, None, args.loss
    edits = intervene.build(kind, cell=base.kind, step=step, seq_len=base.steps, target=target, value=value,
                            units=units, rest=rest, layer=layer, direction=direction)
    tr = cellviz.trace(module, x, h0=h0, loss=loss, interventions=edits)
    answer = intervene.prediction(model, ex, edits, part) if model is not None else None
    return replace(base, trace=tr, answer=answer)
