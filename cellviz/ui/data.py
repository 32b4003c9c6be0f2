"""What the explorer looks at: zoo models and uploads, traced once per (model, input) and cached.

Cache keys are names, input strings and option tuples (uploads: a SHA-256 of the file's bytes), never
tensors. Everything is cached with `st.cache_resource` (no pickling: uploads never meet `cache_data`),
with bounded sizes for the hosted demo's ~690 MB.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np
import streamlit as st
import torch
from threadpoolctl import threadpool_limits

import cellviz
from cellviz import grads, loss_terms, zoo
from cellviz.trace import module_kind

from .. import i18n
from . import state

# Every session traces on its own thread. With torch's and OpenBLAS's pools at 2 threads, a trace next to any
# other busy thread spin-waits: an H=256, T=1000 LSTM at_step trace took a median 294 ms (max 3.3 s) on 2
# cores beside one busy process, and 32 ms with one thread each. The zoo's models are small: one thread wins.
torch.set_num_threads(1)
threadpool_limits(1)

MAX_TRACES = 48              # (model, input, part, step) traces kept in memory
MAX_UPLOAD_STEPS = 1000      # longest input built for an uploaded module (fewer for large modules: upload_steps)
MAX_TEXT_CHARS = 5000        # the zoo input box (every task's longest sample fits several times over)
MAX_NUMBERS_CHARS = 200_000  # typed numbers for an upload (1000 steps of several numbers each)
MAX_PREFIX_CHARS = 200       # the upload's module prefix ("encoder.lstm")
UPLOAD_TRACE_BYTES = 16 * 2**20   # arrays one upload trace may hold (the steps allowed follow from the module)
VECTORS_PER_STEP = {"rnn": 3, "gru": 11, "lstm": 16}   # H-vectors a trace keeps per step, layer and direction
TTL = 3600
UPLOAD_TTL = 900             # uploads: one user's files, dropped sooner
# Memory (README "Caps"): an upload unpacks to at most U = server.maxUploadSize bytes and U/4 parameters, and its
# trace holds at most UPLOAD_TRACE_BYTES of arrays, so the 4 cached upload modules and 4 upload traces stay
# under ~150 MB whatever is uploaded; each session keeps its own upload's bytes (at most U) in session state.
FLOAT32_MAX = float(np.finfo(np.float32).max)


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


@dataclass(frozen=True)
class UploadInput:
    """The input built for an uploaded module: random numbers, random one-hot, or typed numbers."""

    kind: str = "random"                  # "random" | "onehot" | "typed"
    length: int = 50
    seed: int = 0
    numbers: str = ""                     # the typed numbers (kind "typed")


@dataclass(frozen=True)
class UploadSource:
    """A user's uploaded file, named by the SHA-256 of its bytes (the bytes themselves stay in the session)."""

    digest: str
    name: str                             # the file name, for display
    prefix: str = ""
    nonlinearity: str = "tanh"
    input: UploadInput = UploadInput()


Source = Union[ZooSource, UploadSource]


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


# --- uploads -------------------------------------------------------------------------------------------
def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_limit() -> int:
    """Bytes an upload may have: `server.maxUploadSize` (MB, as .streamlit/config.toml sets it; Streamlit answers
    HTTP 413 above it, counting 1 MB as 2**20 bytes)."""
    return int(st.get_option("server.maxUploadSize")) * 2**20


def upload_caps() -> tuple[int, int]:
    """(bytes, parameters) an uploaded checkpoint may unpack to, derived from the upload limit U: it may unpack to
    at most U bytes (a torch.save zip is stored, not deflated, so an honest file fits; a deflated one that would
    grow past U is refused before it is unpacked) and hold at most U / 4 parameters, so the module costs at most
    U bytes of float32 (float16 files are converted) — 10 MB: 2,621,440 parameters."""
    limit = upload_limit()
    return limit, limit // 4


@st.cache_resource(max_entries=4, ttl=UPLOAD_TTL)
def upload_module(key: str, _data: bytes, prefix: str, nonlinearity: str) -> torch.nn.Module:
    """The recurrent module in an uploaded file (cached by the file's hash). CheckpointError if unusable, also
    when it would unpack or load to more than the upload caps (`upload_caps`)."""
    max_bytes, max_params = upload_caps()
    return cellviz.load_checkpoint(_data, prefix=prefix or None, nonlinearity=nonlinearity, max_bytes=max_bytes,
                                   max_params=max_params)


def upload_steps(module: torch.nn.Module) -> int:
    """The longest input an uploaded module is traced on: MAX_UPLOAD_STEPS, or fewer when its trace would hold
    more than UPLOAD_TRACE_BYTES (T x layers x directions x H x VECTORS_PER_STEP x bytes per value)."""
    kind = module_kind(module)
    per_step = (VECTORS_PER_STEP[kind] * module.hidden_size * module.num_layers * (2 if module.bidirectional else 1)
                * next(module.parameters()).element_size())
    return int(max(1, min(MAX_UPLOAD_STEPS, UPLOAD_TRACE_BYTES // per_step)))


def upload_input(width: int, source: UploadInput, max_steps: int = MAX_UPLOAD_STEPS) -> np.ndarray:
    """(T, width) float32 input for a bare module: random numbers, random one-hot, or typed numbers (T <= max_steps)."""
    from ..i18n import t
    if source.kind == "typed":
        return parse_numbers(source.numbers, width, max_steps)
    length = int(source.length)
    if not 1 <= length <= max_steps:
        raise ValueError(t("input.too_long", got=length, limit=max_steps))
    rng = np.random.default_rng(source.seed)
    if source.kind == "onehot":
        return np.eye(width, dtype=np.float32)[rng.integers(width, size=length)]
    return rng.standard_normal((length, width)).astype(np.float32)


def parse_numbers(text: str, width: int, max_steps: int = MAX_UPLOAD_STEPS) -> np.ndarray:
    """Typed numbers: one step per line with `width` numbers; with width 1, one comma-separated line also works."""
    from ..i18n import t
    lines = [ln for ln in text.replace(";", "\n").splitlines() if ln.strip()]
    if width == 1 and len(lines) == 1:
        lines = [p for p in lines[0].replace(",", " ").split()]
    if not lines:
        raise ValueError(t("input.empty", accepted=t("input.numbers.help", width=width)))
    if len(lines) > max_steps:
        raise ValueError(t("input.too_long", got=len(lines), limit=max_steps))
    rows = []
    for k, line in enumerate(lines, start=1):
        parts = line.replace(",", " ").split()
        if len(parts) != width:
            raise ValueError(t("input.numbers.bad_line", line=k, got=len(parts), width=width))
        try:
            row = [float(p) for p in parts]
        except ValueError:
            bad = next(p for p in parts if not _is_number(p))
            raise ValueError(t("input.numbers.not_number", line=k, token=_quoted(bad))) from None
        if not all(abs(v) <= FLOAT32_MAX for v in row):     # nan, inf, and what float32 turns into inf
            raise ValueError(t("input.numbers.not_finite", line=k))
        rows.append(row)
    return np.asarray(rows, dtype=np.float32)


def _quoted(text: str, most: int = 30) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


@st.cache_resource(max_entries=4, ttl=UPLOAD_TTL)
def upload_subject(source: UploadSource, _data: bytes, at_step: int | None = None) -> Subject:
    """Trace an uploaded module on a generated or typed input; loss = the sum of all outputs.
    Cached by `source` (the file's hash, never its bytes: `_data` is not hashed)."""
    module = upload_module(source.digest, _data, source.prefix, source.nonlinearity)
    x = upload_input(module.input_size, source.input, upload_steps(module))
    tr = cellviz.trace(module, x, loss=lambda out, h_n: out.sum(), at_step=at_step)
    return Subject(source.name, tr, [str(k) for k in range(tr.seq_len)], source=source)


def upload_bytes() -> bytes:
    """The bytes of the session's upload (b"" if none): only read on a cache miss, the caches key on the hash."""
    stored = state.get("upload_file")
    return stored[1] if stored else b""


def retrace(subject: Subject, at_step: int | None) -> Subject:
    """The same model and input traced with the loss at one step only (cached like the full trace)."""
    if isinstance(subject.source, ZooSource):
        return zoo_subject(subject.source, at_step)
    return upload_subject(subject.source, upload_bytes(), at_step)


ALL_STEPS_COST = 4_000_000     # loss_terms.cost up to which every step's loss term is computed at once (< ~1 s)
ALL_STEPS_MAX = 300            # and steps up to which it is sent at once ((T, T) float32: 360 KB at 300)


def terms_by_step(subject: Subject) -> loss_terms.LossTerms | None:
    """Each loss term's gradient norms for every step at once (what `retrace` gives one step at a time), or
    None when L reads the final state only or the model and input are too large to do it at once."""
    tr = subject.trace
    if subject.loss in SINGLE_STEP_LOSSES or tr.seq_len > ALL_STEPS_MAX or \
            loss_terms.cost(tr.seq_len, tr.hidden_size, tr.num_layers, tr.num_directions) > ALL_STEPS_COST:
        return None
    if isinstance(subject.source, ZooSource):
        return _zoo_terms(subject.source)
    if isinstance(subject.source, UploadSource):
        return _upload_terms(subject.source, upload_bytes())
    return None


@st.cache_resource(max_entries=MAX_TRACES, ttl=TTL)
def _zoo_terms(source: ZooSource) -> loss_terms.LossTerms:
    model = zoo_model(source.name, source.snapshot)
    module, x, h0, loss = model.trace_args(zoo_example(source.name, source.input), part=source.part)
    return loss_terms.by_step(module, x, h0, loss)


@st.cache_resource(max_entries=4, ttl=UPLOAD_TTL)
def _upload_terms(source: UploadSource, _data: bytes) -> loss_terms.LossTerms:
    module = upload_module(source.digest, _data, source.prefix, source.nonlinearity)
    x = upload_input(module.input_size, source.input, upload_steps(module))
    return loss_terms.by_step(module, x, loss=lambda out, h_n: out.sum())


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
