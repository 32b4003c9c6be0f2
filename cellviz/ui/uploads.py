"""Uploads: a user's own checkpoint, its caps, the input built for it, and its traced subject.

The bytes stay in the user's session; every cache keys on the SHA-256 of the bytes (`UploadSource.digest`),
never on the bytes or a tensor, with `st.cache_resource` (no pickling: uploads never meet `cache_data`).
Memory (README "Caps"): an upload unpacks to at most U = server.maxUploadSize bytes and U/4 parameters, and its
trace holds at most UPLOAD_TRACE_BYTES of arrays, so the 4 cached upload modules and 4 upload traces stay
under ~150 MB whatever is uploaded; each session keeps its own upload's bytes (at most U) in session state.
The checkpoint formats themselves are `cellviz.checkpoint`'s (no Streamlit).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

import cellviz
from cellviz import loss_terms
from cellviz.trace import module_kind

from . import data, state

MAX_UPLOAD_STEPS = 1000      # longest input built for an uploaded module (fewer for large modules: upload_steps)
MAX_NUMBERS_CHARS = 200_000  # typed numbers for an upload (1000 steps of several numbers each)
MAX_PREFIX_CHARS = 200       # the upload's module prefix ("encoder.lstm")
UPLOAD_TRACE_BYTES = 16 * 2**20   # arrays one upload trace may hold (the steps allowed follow from the module)
VECTORS_PER_STEP = {"rnn": 3, "gru": 11, "lstm": 16}   # H-vectors a trace keeps per step, layer and direction
UPLOAD_TTL = 900             # uploads: one user's files, dropped sooner than the zoo's traces
FLOAT32_MAX = float(np.finfo(np.float32).max)


# --- where an upload's subject comes from (frozen: hashable, and Streamlit's caches hash them field by field) ---
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


# --- caps and the module -----------------------------------------------------------------------------
def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


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
def upload_subject(source: UploadSource, _data: bytes, at_step: int | None = None) -> data.Subject:
    """Trace an uploaded module on a generated or typed input; loss = the sum of all outputs.
    Cached by `source` (the file's hash, never its bytes: `_data` is not hashed)."""
    module = upload_module(source.digest, _data, source.prefix, source.nonlinearity)
    x = upload_input(module.input_size, source.input, upload_steps(module))
    tr = cellviz.trace(module, x, loss=lambda out, h_n: out.sum(), at_step=at_step)
    return data.Subject(source.name, tr, [str(k) for k in range(tr.seq_len)], source=source)


def upload_bytes() -> bytes:
    """The bytes of the session's upload (b"" if none): only read on a cache miss, the caches key on the hash."""
    stored = state.get("upload_file")
    return stored[1] if stored else b""


@st.cache_resource(max_entries=4, ttl=UPLOAD_TTL)
def upload_terms(source: UploadSource, _data: bytes) -> loss_terms.LossTerms:
    module = upload_module(source.digest, _data, source.prefix, source.nonlinearity)
    x = upload_input(module.input_size, source.input, upload_steps(module))
    return loss_terms.by_step(module, x, loss=lambda out, h_n: out.sum())
