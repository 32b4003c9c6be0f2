"""What the explorer looks at: zoo models (and, through `uploads`, a user's own file), traced once per
(model, input) and cached.

Cache keys are names, input strings and option tuples (uploads: a SHA-256 of the file's bytes), never
tensors. Everything is cached with `st.cache_resource` (no pickling: uploads never meet `cache_data`),
with bounded sizes for the hosted demo's ~690 MB.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np
import streamlit as st
import torch
from threadpoolctl import threadpool_limits

import cellviz
from cellviz import grads, loss_terms, zoo

from .. import i18n
from . import state, uploads   # uploads imports this module back: only its attributes at call time

# Every session traces on its own thread. With torch's and OpenBLAS's pools at 2 threads, a trace next to any
# other busy thread spin-waits: an H=256, T=1000 LSTM at_step trace took a median 294 ms (max 3.3 s) on 2
# cores beside one busy process, and 32 ms with one thread each. The zoo's models are small: one thread wins.
torch.set_num_threads(1)
threadpool_limits(1)

MAX_TRACES = 48              # (model, input, part, step) traces kept in memory
MAX_TEXT_CHARS = 5000        # the zoo input box (every task's longest sample fits several times over)
TTL = 3600


# --- where a subject comes from (frozen: hashable, and Streamlit's caches hash them field by field) ---------
@dataclass(frozen=True)
class Sample:
    """A zoo task's own sample input number `seed`."""

    seed: int = 0


@dataclass(frozen=True)
class Typed:
    """A zoo input the user typed, with the task's parse options (lag, period, ...) as sorted (name, value) pairs."""

    text: str
    options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ZooSource:
    """A shipped model (optionally one of its training snapshots) on an input, one recurrent part of it."""

    name: str
    input: Union[Sample, Typed] = Sample()
    part: str = "recurrent"
    snapshot: str | None = None           # a training snapshot label; None = the final weights


Source = Union[ZooSource, "uploads.UploadSource"]


@dataclass
class Subject:
    """One traced model on one input: everything the views read."""

    label: str                            # zoo name or upload file name
    trace: cellviz.Trace
    tokens: list[str]                     # one display label per step
    features: dict[str, np.ndarray] = field(default_factory=dict)
    answer: tuple[str, dict] | None = None  # the zoo task's prediction as (kind, values); worded by `prediction`
    io: str = "module"                    # the zoo card's "N->N" | "N->1" | "1->N" | "N->M"; "module" for uploads
    task: str | None = None
    part: str = "recurrent"
    source: Source | None = None          # what to re-trace at a step, intervene on, or compare with siblings
    loss: str = "sum"                     # what L is (`loss_kind`): "last_ce" | "last_mse" | "steps_ce" |
                                          # "steps_mse" | "encoder" | "decoder" | "sum" (uploads)

    @property
    def zoo(self) -> ZooSource | None:
        """The zoo source, or None for an upload."""
        return self.source if isinstance(self.source, ZooSource) else None

    @property
    def kind(self) -> str:
        return self.trace.kind

    @property
    def prediction(self) -> str | None:
        """What the model predicts, in the active language (None for an upload)."""
        return i18n.prediction(self.task, self.answer)

    @property
    def steps(self) -> int:
        return self.trace.seq_len


# --- the zoo -------------------------------------------------------------------------------------------
@st.cache_resource(max_entries=4, ttl=TTL)
def zoo_names() -> list[str]:
    return zoo.names()


@st.cache_resource(max_entries=64, ttl=TTL)
def zoo_card(name: str) -> dict:
    return zoo.card(name)


@st.cache_resource(max_entries=12, ttl=TTL)
def zoo_model(name: str, snapshot: str | None = None):
    return zoo.load(name, snapshot=snapshot)


def parse_options(name: str) -> dict[str, zoo.tasks.ParseOption]:
    """The keyword options a zoo task's `parse` accepts (lag, period, ...) with their types, for the input form."""
    return zoo_model(name).task.parse_options()


def zoo_example(name: str, source: Sample | Typed):
    """The task's Example for a sample number or a typed text (with its options); ValueError if bad."""
    task = zoo_model(name).task
    if isinstance(source, Sample):
        return task.sample(int(source.seed))
    return task.parse(source.text, **dict(source.options))


@st.cache_resource(max_entries=MAX_TRACES, ttl=TTL)
def zoo_subject(source: ZooSource, at_step: int | None = None) -> Subject:
    """Trace a zoo model on an input (cached by name, snapshot, input and part). ValueError for bad input."""
    name, part = source.name, source.part
    model = zoo_model(name, source.snapshot)
    ex = zoo_example(name, source.input)
    module, x, h0, loss = model.trace_args(ex, part=part)
    tr = cellviz.trace(module, x, h0=h0, loss=loss, at_step=at_step)
    tokens = list(ex.tokens)
    decoder_tokens = getattr(model.task, "decoder_tokens", None)
    if part == "decoder" and decoder_tokens is not None:
        tokens = list(decoder_tokens(ex))
    if len(tokens) != tr.seq_len:
        tokens = [str(k) for k in range(tr.seq_len)]
    features = {k: np.asarray(v, dtype=float) for k, v in model.task.features(ex).items()
                if np.shape(v) == (tr.seq_len,)}
    card = zoo_card(name)
    return Subject(name, tr, tokens, features, model.prediction(ex), card["io"], card["task"], part, source,
                   loss_kind(card["io"], model.task.output, part))


loss_kind = grads.loss_kind
SINGLE_STEP_LOSSES = grads.SINGLE_STEP_LOSSES


def siblings(name: str) -> list[str]:
    """Zoo models trained on the same task as `name` (itself included), RNN / LSTM / GRU order."""
    task = zoo_card(name)["task"]
    order = {"rnn": 0, "lstm": 1, "gru": 2}
    same = [n for n in zoo_names() if zoo_card(n)["task"] == task]
    return sorted(same, key=lambda n: (order.get(zoo_card(n)["cell"], 3), n))


def retrace(subject: Subject, at_step: int | None) -> Subject:
    """The same model and input traced with the loss at one step only (cached like the full trace)."""
    if isinstance(subject.source, ZooSource):
        return zoo_subject(subject.source, at_step)
    return uploads.upload_subject(subject.source, uploads.upload_bytes(), at_step)


ALL_STEPS_COST = 4_000_000     # loss_terms.cost up to which every step's loss term is computed at once (< ~1 s)
ALL_STEPS_MAX = 300            # and steps up to which it is sent at once ((T, T) float32: 360 KB at 300)


def terms_by_step(subject: Subject) -> loss_terms.LossTerms | None:
    """Each loss term's gradient norms for every step at once (what `retrace` gives one step at a time), or
    None when L reads the final state only or the model and input are too large to do it at once."""
    tr = subject.trace
    if subject.loss in SINGLE_STEP_LOSSES or tr.seq_len > ALL_STEPS_MAX or \
            loss_terms.cost(tr.seq_len, tr.hidden_size, tr.num_layers, tr.num_directions,
                            tr.x.shape[-1]) > ALL_STEPS_COST:
        return None
    if isinstance(subject.source, ZooSource):
        return _zoo_terms(subject.source)
    if isinstance(subject.source, uploads.UploadSource):
        return uploads.upload_terms(subject.source, uploads.upload_bytes())
    return None


@st.cache_resource(max_entries=MAX_TRACES, ttl=TTL)
def _zoo_terms(source: ZooSource) -> loss_terms.LossTerms:
    model = zoo_model(source.name, source.snapshot)
    module, x, h0, loss = model.trace_args(zoo_example(source.name, source.input), part=source.part)
    return loss_terms.by_step(module, x, h0, loss)


# --- parameter counts ----------------------------------------------------------------------------------
RECURRENT_KEYS = ("weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l")


@st.cache_resource(max_entries=64, ttl=TTL)
def recurrent_params(name: str) -> int:
    """Parameters of a zoo model's recurrent module(s) (encoder and decoder for N->M), counted from its shipped
    weights: the card's "params" also holds the embedding and the head."""
    weights = zoo.store.read_weights(zoo.store.weights_path(name))
    return sum(v.numel() for k, v in weights.items() if any(part in k.rsplit(".", 1)[-1] for part in RECURRENT_KEYS))


def parameter_counts(input_size: int, hidden_size: int) -> dict[str, int]:
    """Parameters of a one-layer nn.RNN, nn.LSTM and nn.GRU of these sizes, counted from real modules."""
    modules = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    return {k: sum(p.numel() for p in m(input_size, hidden_size).parameters()) for k, m in modules.items()}


# Names that lived here before uploads had a module of their own (issue 22 §5): still reachable as data.<name>
# for callers not yet moved to `uploads`.
_MOVED = ("UploadInput", "UploadSource", "digest", "upload_limit", "upload_caps", "upload_module", "upload_steps",
          "upload_input", "parse_numbers", "upload_subject", "upload_bytes", "upload_args", "upload_parts",
          "MAX_UPLOAD_STEPS", "MAX_NUMBERS_CHARS", "MAX_PREFIX_CHARS", "UPLOAD_TRACE_BYTES", "VECTORS_PER_STEP", "UPLOAD_TTL", "FLOAT32_MAX")


def __getattr__(name: str):
    if name in _MOVED:
        return getattr(uploads, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
