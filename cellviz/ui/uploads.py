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
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

import cellviz
from cellviz import loss_terms
from cellviz.trace import module_kind

from ..i18n import t
from . import data, state

MAX_UPLOAD_STEPS = 1000      # longest input built for an uploaded module (fewer for large modules: upload_steps)
MAX_NUMBERS_CHARS = 200_000  # typed numbers for an upload (1000 steps of several numbers each)
MAX_PREFIX_CHARS = 200       # the upload's module prefix ("encoder.lstm")
MAX_UPLOAD_INPUT = 4096      # input features per step (x_t) of an uploaded module: every trace holds x and dL/dx
UPLOAD_TRACE_BYTES = 16 * 2**20   # arrays one upload trace may hold (the steps allowed follow from the module)
VECTORS_PER_STEP = {"rnn": 3, "gru": 11, "lstm": 16}   # H-vectors a trace keeps per step, layer and direction
INPUT_VECTORS_PER_STEP = 2   # and I-vectors per step: x_t and dL/dx_t
UPLOAD_TTL = 900             # uploads: one user's files, dropped sooner than the zoo's traces
FLOAT32_MAX = float(np.finfo(np.float32).max)


# --- where an upload's subject comes from (frozen: hashable, and Streamlit's caches hash them field by field) ---
@dataclass(frozen=True)
class UploadInput:
    """The input built for an uploaded module: random numbers, random one-hot, or typed numbers."""

    kind: str = "random"                  # "random" | "onehot" | "typed" | "tokens" (an upload with an embedding)
    length: int = 50
    seed: int = 0
    numbers: str = ""                     # the typed numbers (kind "typed") or tokens (kind "tokens")
    vocab: str = ""                       # kind "tokens": the digest of a held vocabulary file ("" = token ids)
    target: str = ""                      # for a file with a head: the typed target ("" = none; see parse_target)


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
def upload_parts(key: str, _data: bytes, prefix: str, nonlinearity: str) -> cellviz.checkpoint.CheckpointParts:
    """The recurrent module in an uploaded file, with the nn.Embedding before it and the Linear head after it when
    the file has them (`cellviz.checkpoint.load_checkpoint_parts`), cached by the file's hash `key`; `_data` is
    read on a miss only, and must be the bytes of `key`. CheckpointError if unusable, also when it would unpack or
    load to more than the upload caps (`upload_caps`, MAX_UPLOAD_INPUT; the loader's own structure caps: at most 16
    layers and 10,000 tensors, read from the header before any module is built), or when the bytes are gone."""
    if not _data:
        raise cellviz.CheckpointError(t("upload.gone"))
    if digest(_data) != key:          # a stale pairing must never cache one file's module under another's name
        raise cellviz.CheckpointError(t("upload.mismatch"))
    max_bytes, max_params = upload_caps()       # the loader refuses > 16 layers / too many tensors from the header
    parts = cellviz.checkpoint.load_checkpoint_parts(_data, prefix=prefix or None, nonlinearity=nonlinearity,
                                                     max_bytes=max_bytes, max_params=max_params)
    module = parts.module
    if module.input_size > MAX_UPLOAD_INPUT:
        raise cellviz.CheckpointError(t("upload.too_wide", got=f"{module.input_size:,}",
                                        limit=f"{MAX_UPLOAD_INPUT:,}"))
    return parts


def upload_module(key: str, _data: bytes, prefix: str, nonlinearity: str) -> torch.nn.Module:
    """The recurrent module of `upload_parts` (same cache, same errors)."""
    return upload_parts(key, _data, prefix, nonlinearity).module


upload_module.clear = upload_parts.clear       # as the cached function it was


def step_bytes(module: torch.nn.Module) -> int:
    """Bytes a trace of `module` holds per step: (VECTORS_PER_STEP x H x layers x directions
    + INPUT_VECTORS_PER_STEP x I) x bytes per value."""
    hidden = VECTORS_PER_STEP[module_kind(module)] * module.hidden_size * module.num_layers * \
        (2 if module.bidirectional else 1)
    return (hidden + INPUT_VECTORS_PER_STEP * module.input_size) * next(module.parameters()).element_size()


def upload_steps(module: torch.nn.Module) -> int:
    """The longest input an uploaded module is traced on: MAX_UPLOAD_STEPS, or fewer when its trace would hold
    more than UPLOAD_TRACE_BYTES (T x `step_bytes`: the hidden-sized vectors and x, dL/dx)."""
    return int(max(1, min(MAX_UPLOAD_STEPS, UPLOAD_TRACE_BYTES // step_bytes(module))))


def upload_input(width: int, source: UploadInput, max_steps: int = MAX_UPLOAD_STEPS) -> np.ndarray:
    """(T, width) float32 input for a bare module: random numbers, random one-hot, or typed numbers (T <= max_steps)."""
    if source.kind == "typed":
        return parse_numbers(source.numbers, width, max_steps)
    length = int(source.length)
    if not 1 <= length <= max_steps:
        raise ValueError(t("input.too_long", got=length, limit=max_steps))
    rng = np.random.default_rng(source.seed)
    if source.kind == "onehot":        # (T, width) and nothing larger (np.eye(width) would be width x width)
        x = np.zeros((length, width), dtype=np.float32)
        x[np.arange(length), rng.integers(width, size=length)] = 1.0
        return x
    return rng.standard_normal((length, width)).astype(np.float32)


def parse_numbers(text: str, width: int, max_steps: int = MAX_UPLOAD_STEPS) -> np.ndarray:
    """Typed numbers: one step per line with `width` numbers; with width 1, one comma-separated line also works."""
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


@dataclass
class UploadArgs:
    """What an upload is traced with: its module, the input x (T, I), the loss, a label per step, and for an
    upload with an embedding and a head, the head's prediction and what the loss is (`loss_kind`)."""

    module: torch.nn.Module
    x: np.ndarray
    loss: object
    tokens: list[str]
    answer: tuple[str, dict] | None = None
    loss_kind: str = "sum"


def _sum_loss(out, h_n):
    return out.sum()


MAX_TARGET_CHARS = 20_000    # a typed target: one class or value per step at most


def upload_args(source: UploadSource, _data: bytes) -> UploadArgs:
    """The module, input and loss of `source` (the page's trace, its every-step terms and interventions use
    the same). Kind "tokens": token ids (or text split by the vocabulary) looked up in the file's embedding.
    With a Linear head, the real loss: on the target the user typed (`parse_target`), or without one, for a
    language model (a head over the embedding's vocabulary), cross-entropy on the next token."""
    parts = upload_parts(source.digest, _data, source.prefix, source.nonlinearity)
    module, src = parts.module, source.input
    vocab = parse_vocab(held(src.vocab)) if src.kind == "tokens" and src.vocab else None
    if src.kind == "tokens" and parts.embedding is not None:
        ids, labels = parse_tokens(src.numbers, len(parts.embedding), vocab, upload_steps(module))
        x = parts.embedding[ids].detach().numpy().astype(np.float32)
    else:
        ids, x = None, upload_input(module.input_size, src, upload_steps(module))
        labels = [str(k) for k in range(len(x))]
    if parts.head_weight is None:
        if src.target.strip():
            raise ValueError(t("upload.target.no_head"))
        return UploadArgs(module, x, _sum_loss, labels)
    W = parts.head_weight.detach()
    b = None if parts.head_bias is None else parts.head_bias.detach()
    outputs = W.shape[0]
    lm = ids is not None and outputs == len(parts.embedding)          # a language model: a head over its tokens
    names = vocab if vocab and len(vocab) == outputs else None
    head = {"W": W, "b": b, "vocab": names, "kind": "next" if lm else "value" if outputs == 1 else "class"}

    def logits(out):
        y = out.reshape(out.shape[0], -1) @ W.T.to(out.dtype)
        return y if b is None else y + b.to(out.dtype)

    if src.target.strip():
        target, kind = parse_target(src.target, outputs, len(x), names)
        return UploadArgs(module, x, head_loss(logits, kind, target), labels, answer=("head", head), loss_kind=kind)
    if lm and len(ids) > 1:
        return UploadArgs(module, x, head_loss(lambda out: logits(out)[:-1], "steps_ce",
                                               torch.as_tensor(ids[1:], dtype=torch.long)),
                          labels, answer=("head", head), loss_kind="steps_ce")
    return UploadArgs(module, x, _sum_loss, labels, answer=("head", head))


def head_loss(logits, kind: str, target: torch.Tensor):
    """L(out, h_n) on the head's outputs `logits(out)` (steps, K): cross-entropy on class numbers or squared
    error on values (torch's mean reductions), after the last step only or over every step (`kind`)."""
    import torch.nn.functional as F

    def loss(out, h_n):
        y = logits(out)
        if kind == "last_ce":
            return F.cross_entropy(y[-1:], target)
        if kind == "steps_ce":
            return F.cross_entropy(y, target)
        if kind == "last_mse":
            return F.mse_loss(y[-1, 0], target[0].to(y.dtype))
        return F.mse_loss(y[:, 0], target.to(y.dtype))
    return loss


def parse_target(text: str, outputs: int, steps: int, names: list[str] | None = None) -> tuple[torch.Tensor, str]:
    """A typed target for a head with `outputs` outputs on an input of `steps` steps: (target, loss kind).
    outputs > 1: class numbers 0..outputs-1 (or names from `names`), cross-entropy; outputs == 1: values,
    squared error. One entry is the target after the last step ("last_ce" / "last_mse"); `steps` entries,
    one per step ("steps_ce" / "steps_mse"). ValueError saying what is expected otherwise."""
    from .safety import escape_markdown
    if len(text) > MAX_TARGET_CHARS:
        raise ValueError(t("input.too_long", got=len(text), limit=MAX_TARGET_CHARS))
    pieces = text.replace(",", " ").split()
    if len(pieces) not in (1, steps):
        raise ValueError(t("upload.target.count", got=len(pieces), steps=steps))
    per_step = len(pieces) == steps and steps > 1
    if outputs == 1:
        values = []
        for piece in pieces:
            if not _is_number(piece) or not abs(float(piece)) <= FLOAT32_MAX:
                raise ValueError(t("upload.target.not_value", token=escape_markdown(piece, 30)))
            values.append(float(piece))
        return torch.tensor(values, dtype=torch.float64), "steps_mse" if per_step else "last_mse"
    index = {v: i for i, v in enumerate(names or [])}
    classes = []
    for piece in pieces:
        k = _lookup(piece, index, outputs)
        if k is None:
            raise ValueError(t("upload.target.not_class", token=escape_markdown(piece, 30), last=outputs - 1))
        classes.append(k)
    return torch.tensor(classes, dtype=torch.long), "steps_ce" if per_step else "last_ce"


def _lookup(piece: str, index: dict[str, int], size: int) -> int | None:
    """A typed token or class: its name in `index`, or its number below `size`; None if neither."""
    if piece in index:
        return index[piece]
    return int(piece) if piece.isdigit() and int(piece) < size else None


def _answer(args: UploadArgs, tr) -> tuple[str, dict] | None:
    """The head's prediction after the last step, worded like the zoo's: the three likeliest next tokens or
    classes, or the value of a one-output head."""
    if args.answer is None:
        return None
    head = args.answer[1]
    W, b, names = head["W"], head["b"], head["vocab"]
    out = torch.as_tensor(np.asarray(tr.output)).reshape(tr.seq_len, -1)[-1].to(W.dtype)
    y = W @ out + (0 if b is None else b)
    if head["kind"] == "value":
        return "value", {"value": f"{float(y[0]):.4g}"}
    p = torch.softmax(y, 0)
    top = torch.topk(p, min(3, len(p)))
    name = (lambda i: names[i]) if names else str
    guesses = ", ".join(f"“{name(int(i))}” {float(q):.2f}" for q, i in zip(top.values, top.indices))
    return head["kind"], {"guesses": guesses}


@st.cache_resource(max_entries=4, ttl=UPLOAD_TTL)
def upload_subject(source: UploadSource, _data: bytes, at_step: int | None = None) -> data.Subject:
    """Trace an uploaded module on a generated, typed or tokenised input (see `upload_args` for its loss).
    Cached by `source` (the file's hash, never its bytes: `_data` is not hashed)."""
    args = upload_args(source, _data)
    tr = cellviz.trace(args.module, args.x, loss=args.loss, at_step=at_step)
    answer = _answer(args, tr)
    return data.Subject(source.name, tr, args.tokens, answer=answer, task="upload" if answer else None,
                        source=source, loss=args.loss_kind)


MAX_VOCAB_BYTES = 2 * 2**20


def parse_vocab(raw: bytes) -> list[str]:
    """A vocabulary file: a JSON list of tokens, or one token a line (UTF-8). ValueError if unreadable."""
    import json
    if not raw:
        raise ValueError(t("upload.gone"))
    if len(raw) > MAX_VOCAB_BYTES:
        raise ValueError(t("upload.vocab.bad", reason=f"more than {MAX_VOCAB_BYTES // 2**20} MB"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(t("upload.vocab.bad", reason="not UTF-8 text")) from None
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError as e:
            raise ValueError(t("upload.vocab.bad", reason=f"JSON: {e}")) from None
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise ValueError(t("upload.vocab.bad", reason="a JSON list of strings is expected"))
        return items
    return text.split("\n") if "\n" in text else [text]


def parse_tokens(text: str, vocab_size: int, vocab: list[str] | None,
                 max_steps: int = MAX_UPLOAD_STEPS) -> tuple[list[int], list[str]]:
    """Typed token ids (0..V-1, spaces or commas between them) or, with a vocabulary, text split into its tokens
    (characters when every token is one character, else words); (ids, one label per step)."""
    from .safety import escape_markdown
    words = text.replace(",", " ").split()
    if vocab:
        index = {v: i for i, v in enumerate(vocab[:vocab_size])}
        chars = all(len(v) == 1 for v in index)
        pieces = list(text.rstrip("\n")) if chars else text.split()
        ids = []
        for piece in pieces:
            k = _lookup(piece, index, vocab_size)
            if k is None:
                raise ValueError(t("upload.tokens.unknown", token=escape_markdown(piece, 30)))
            ids.append(k)
        labels = [vocab[i] if i < len(vocab) else str(i) for i in ids]
    else:
        ids = []
        for w in words:
            if not w.isdigit() or not int(w) < vocab_size:
                raise ValueError(t("upload.tokens.bad_id", token=escape_markdown(w, 30), last=vocab_size - 1))
            ids.append(int(w))
        labels = [str(i) for i in ids]
    if not ids:
        raise ValueError(t("input.empty", accepted=t("upload.tokens.help", last=vocab_size - 1)))
    if len(ids) > max_steps:
        raise ValueError(t("input.too_long", got=len(ids), limit=max_steps))
    return ids, labels


# --- the bytes: held once for every session, within one budget (issue 20 #5) -----------------------------
HELD_UPLOADS = 2             # upload limits' worth of file bytes held for all sessions together
_HELD: OrderedDict[str, bytes] = OrderedDict()     # digest -> bytes, least recently used first
_HELD_LOCK = threading.Lock()


def held_budget() -> int:
    """Bytes of uploaded files the server holds for all sessions together (HELD_UPLOADS x the upload limit)."""
    return HELD_UPLOADS * upload_limit()


def hold(raw: bytes) -> str:
    """Keep an uploaded file's bytes for the caches' misses (a new prefix, an evicted module); its digest.
    The oldest-used files go first once all of them weigh more than `held_budget()`: a session whose file is
    gone and whose module is no longer cached is asked to upload it again (`upload_module`)."""
    key = digest(raw)
    budget = held_budget()
    with _HELD_LOCK:
        _HELD[key] = raw
        _HELD.move_to_end(key)
        while len(_HELD) > 1 and sum(map(len, _HELD.values())) > budget:
            _HELD.popitem(last=False)
    return key


def held(key: str) -> bytes:
    """The bytes of the held file `key`, b"" once they are gone."""
    with _HELD_LOCK:
        raw = _HELD.get(key, b"")
        if raw:
            _HELD.move_to_end(key)
        return raw


def held_bytes() -> int:
    with _HELD_LOCK:
        return sum(map(len, _HELD.values()))


def upload_bytes() -> bytes:
    """The bytes of the session's upload (b"" if none or no longer held): only read on a cache miss, the caches
    key on the digest, and `upload_module` checks that the two match."""
    stored = state.get("upload_file")
    return held(stored[1]) if stored else b""


@st.cache_resource(max_entries=4, ttl=UPLOAD_TTL)
def upload_terms(source: UploadSource, _data: bytes) -> loss_terms.LossTerms:
    args = upload_args(source, _data)
    return loss_terms.by_step(args.module, args.x, loss=args.loss)
