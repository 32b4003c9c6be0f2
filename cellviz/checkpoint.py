"""`load_checkpoint`: a user's .safetensors or PyTorch file -> a fresh nn.RNN / nn.LSTM / nn.GRU.

Read by content, whatever the extension (.pt .pth .ckpt .bin .safetensors). The recurrent module may sit anywhere
in a nested checkpoint dict ({"model_state_dict": ...}, {"en": ..., "de": ...}, any depth): its weights are found
by PyTorch's parameter names and shapes (`weight_ih_l{k}[_reverse]`, `weight_hr_l{k}` for proj_size, ...), also as
nn.LSTMCell / GRUCell / RNNCell weights (`weight_ih`, no `_l0`; cells whose sizes chain are offered as one stacked
module) and as a tutorial's two Linear layers `i2h` / `h2h` (an nn.RNN written out by hand). What a state_dict
cannot say (batch_first, relu vs tanh) comes from the caller. Implausible structures (more than MAX_LAYERS layers,
more than MAX_TENSORS tensors, absurd shapes) are refused from the safetensors header or the pickle's bytes,
before any tensor or module is built. PyTorch files are read only with `torch.load(weights_only=True)`, never
plain pickle, no fallback. Every file cellviz cannot use raises `CheckpointError` saying what is wrong and what is
accepted. `load_checkpoint_parts` also returns the embedding feeding the module and the Linear head after it.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import re
import stat
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import safetensors.torch
import torch
from torch import nn

MAX_BYTES = 200 * 2**20
MAX_HIDDEN = 4096
MAX_INPUT_SIZE = 2**16
MAX_PARAMS = 50_000_000
MAX_LAYERS = 16              # as deep links; nn.RNN(num_layers=L) takes time quadratic in L to build
MAX_TENSORS = 10_000         # in the whole file (a model with its optimizer state has a few thousand at most)
MAX_DIM = 2**16              # no recurrent weight has a longer side (4 * MAX_HIDDEN rows, MAX_INPUT_SIZE columns)
MAX_DEPTH = 32               # nesting of dicts in a checkpoint
MODULES = {1: nn.RNN, 3: nn.GRU, 4: nn.LSTM}       # gate blocks stacked in weight_hh's rows -> module
CELLS = {1: nn.RNNCell, 3: nn.GRUCell, 4: nn.LSTMCell}
NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
ACCEPTED = ("Accepted: a .safetensors file, or a PyTorch state_dict saved with torch.save(model.state_dict(), path) "
            "(also inside a checkpoint dict), holding an nn.RNN, nn.LSTM (also with proj_size) or nn.GRU, or "
            "nn.RNNCell / LSTMCell / GRUCell weights, alone or inside a bigger model.")
CONVERT = ('On your machine, where the model\'s class can be imported, convert the file (only if you trust it):\n'
           'm = torch.load(path, weights_only=False)\n'
           'torch.save(m.state_dict(), "model_state.pt")\n'
           'then load "model_state.pt".')
_KEY = re.compile(r"^(?P<prefix>(?:.*\.)?)(?P<name>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
                  r"_l(?P<layer>\d{1,9})(?P<rev>_reverse)?$")
_CELL_KEY = re.compile(r"^(?P<prefix>(?:.*\.)?)(?P<name>weight_ih|weight_hh|bias_ih|bias_hh)$")
_LINEAR_KEY = re.compile(r"^(?P<prefix>(?:.*\.)?)(?P<name>i2h|h2h)\.(?P<param>weight|bias)$")
# a layer number >= MAX_LAYERS (16..99, or 3+ digits) in a recurrent key, found in raw bytes at C speed
_DEEP_LAYER = re.compile(rb"(?:weight|bias)_(?:ih|hh|hr)_l(?P<n>\d{3,}|1[6-9]|[2-9]\d)(?!\d)")

Source = str | os.PathLike | BinaryIO | bytes


class CheckpointError(ValueError):
    """A checkpoint file that cellviz cannot read, with a message saying why. `candidates`: the recurrent modules
    the file holds (names for `prefix=`) when the problem is choosing one, else empty."""

    def __init__(self, message: str, candidates: tuple[str, ...] | list[str] = ()):
        super().__init__(message)
        self.candidates = list(candidates)


def load_checkpoint(path_or_file: Source, *, prefix: str | None = None, batch_first: bool = False,
                    nonlinearity: str = "tanh", max_bytes: int | None = None, max_params: int | None = None,
                    max_input_size: int | None = None) -> nn.RNN | nn.LSTM | nn.GRU:
    """Build the recurrent module stored in a checkpoint, with its weights loaded, in eval mode.

    `path_or_file`: a path to a regular file, a binary file object (e.g. Streamlit's UploadedFile) or raw bytes.
    `prefix` picks one recurrent part when the file holds several (e.g. "encoder.lstm", "en.gru", or
    "lstm1+lstm2" for chained cells); the error lists the candidates (`recurrent_candidates` returns them).
    `batch_first` is how your model feeds it (a state_dict cannot say); `nonlinearity` ("tanh" | "relu") applies
    to a vanilla RNN only (word_language_model's RNN_RELU needs "relu").
    `max_bytes` caps both the file and what it unpacks to (a torch zip's members); `max_params` the recurrent
    module's parameters; `max_input_size` its input width. Lower them to bound a server's memory per upload (the
    app derives them from its upload limit); they cannot be raised above MAX_BYTES / MAX_PARAMS / MAX_INPUT_SIZE.
    """
    return _load(path_or_file, prefix, batch_first, nonlinearity, max_bytes, max_params, max_input_size).module


@dataclass
class CheckpointParts:
    """What `load_checkpoint_parts` found in a file: the recurrent module and, when the file has them, the
    nn.Embedding feeding it and the Linear head reading its output (found by name and shape: see
    `load_checkpoint_parts`). Tensors are detached, on the CPU, in the module's dtype."""

    module: nn.RNN | nn.LSTM | nn.GRU
    prefix: str                                   # the candidate loaded (a name for `prefix=`; "" at top level)
    candidates: list[str]                         # every recurrent module in the file
    embedding: torch.Tensor | None = None         # (V, input_size): row v is token v's input vector
    embedding_key: str | None = None              # e.g. "encoder.weight"
    head_weight: torch.Tensor | None = None       # (K, output features) of a Linear after the module
    head_bias: torch.Tensor | None = None         # (K,) or None
    head_key: str | None = None                   # the Linear's name, e.g. "decoder"
    notes: list[str] = field(default_factory=list)   # how the file was read (what was assumed), one sentence each


def load_checkpoint_parts(path_or_file: Source, *, prefix: str | None = None, batch_first: bool = False,
                          nonlinearity: str = "tanh", max_bytes: int | None = None, max_params: int | None = None,
                          max_input_size: int | None = None) -> CheckpointParts:
    """The recurrent module of a checkpoint plus the embedding before it and the Linear head after it, for the app
    (no Streamlit). Arguments and errors as `load_checkpoint`; `max_params` also counts the embedding and head.

    - embedding: a 2-D `<name>.weight` of shape (V, input_size) with no `<name>.bias` (nn.Embedding), whose name
      says so (emb, encoder, enc, lookup, wte, tok, word), preferring the one nearest the recurrent module
      (word_language_model's `encoder.weight`, the chatbot's `en.embedding.weight` for `en.gru`);
    - head: a `<name>.weight` of shape (K, D * hidden) (D * proj_size with projections) with an optional
      `<name>.bias` (K,), nearest the module and named like a head (decoder, head, fc, out, linear, classifier,
      proj, dense, h2o, tag, logit) — word_language_model's `decoder`, a tagger's `hidden2tag`. Tied weights
      (decoder.weight is encoder.weight) give both.
    Either is None when nothing fits: the names and shapes are a guess, so the app says which keys it used.
    """
    loaded = _load(path_or_file, prefix, batch_first, nonlinearity, max_bytes, max_params, max_input_size)
    return _with_io(loaded, max_params)


def recurrent_candidates(path_or_file: Source, *, max_bytes: int | None = None) -> list[str]:
    """Every recurrent module in a checkpoint, as names for `load_checkpoint(prefix=...)`, sorted: "en.gru",
    "rnn", "" for one at the top level, "lstm1+lstm2" for nn.LSTMCells whose sizes chain (one stacked module).
    CheckpointError for a file cellviz cannot read; an empty list when it holds no recurrent weights."""
    max_bytes = MAX_BYTES if max_bytes is None else min(int(max_bytes), MAX_BYTES)
    flat = _flatten(_parse(_read(path_or_file, max_bytes), max_bytes))
    return sorted(_groups(flat))


def module_from_cells(*cells: nn.RNNCell | nn.LSTMCell | nn.GRUCell, batch_first: bool = False,
                      nonlinearity: str | None = None) -> nn.RNN | nn.LSTM | nn.GRU:
    """nn.RNN / LSTM / GRU computing exactly what `cells` compute when each reads the previous one's h at every
    step (time_sequence_prediction's lstm1 -> lstm2), one layer per cell: the same four tensors, renamed
    `weight_ih` -> `weight_ih_l{k}`. The cells must be of one kind with one hidden size, cell k+1 reading cell k's
    h. A single cell gives a one-layer module. RNNCell's nonlinearity is kept unless `nonlinearity` is given."""
    if not cells:
        raise ValueError("module_from_cells needs at least one cell")
    kinds = {type(c) for c in cells}
    if len(kinds) != 1 or not issubclass(next(iter(kinds)), (nn.RNNCell, nn.LSTMCell, nn.GRUCell)):
        raise TypeError(f"module_from_cells needs nn.RNNCell, LSTMCell or GRUCell of one kind, got "
                        f"{', '.join(sorted(k.__name__ for k in kinds))}")
    first = cells[0]
    for k, c in enumerate(cells[1:], 1):
        if c.hidden_size != first.hidden_size or c.input_size != first.hidden_size or c.bias != first.bias:
            raise ValueError(f"cell {k} reads {c.input_size} inputs into {c.hidden_size} units; a stacked module "
                             f"needs every cell after the first to read the {first.hidden_size} units of the one "
                             "before, with the same hidden size and bias")
    cls = {nn.RNNCell: nn.RNN, nn.LSTMCell: nn.LSTM, nn.GRUCell: nn.GRU}[type(first)]
    extra = {"nonlinearity": nonlinearity or first.nonlinearity} if cls is nn.RNN else {}
    p = next(first.parameters())
    module = cls(first.input_size, first.hidden_size, len(cells), bias=first.bias, batch_first=batch_first,
                 dtype=p.dtype, device=p.device, **extra)
    module.load_state_dict({f"{name}_l{k}": v for k, c in enumerate(cells) for name, v in c.state_dict().items()})
    return module.eval()


@dataclass
class _Loaded:
    module: nn.RNN | nn.LSTM | nn.GRU
    flat: dict[str, object]
    group: "_Group"
    groups: dict[str, "_Group"]


def _load(src: Source, prefix, batch_first, nonlinearity, max_bytes, max_params, max_input_size) -> _Loaded:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    max_bytes = MAX_BYTES if max_bytes is None else min(int(max_bytes), MAX_BYTES)
    max_params = MAX_PARAMS if max_params is None else min(int(max_params), MAX_PARAMS)
    max_input_size = MAX_INPUT_SIZE if max_input_size is None else min(int(max_input_size), MAX_INPUT_SIZE)
    flat = _flatten(_parse(_read(src, max_bytes), max_bytes))
    groups = _groups(flat)
    group = _choose(groups, prefix, flat)
    module_cls, config, weights = _infer(_module_state(flat, group), max_params, max_input_size)
    if module_cls is nn.RNN:
        config["nonlinearity"] = nonlinearity
    dtype = next(iter(weights.values())).dtype
    module = module_cls(**config, batch_first=batch_first, dtype=dtype)   # structure checked: <= MAX_LAYERS
    try:
        module.load_state_dict(weights, strict=True)
    except RuntimeError as e:
        raise CheckpointError(f"the weights do not fit the inferred {module_cls.__name__}: {e}. {ACCEPTED}") from e
    return _Loaded(module.eval(), flat, group, groups)


def _megabytes(n: int) -> str:
    return f"{n / 2**20:.3g} MB"


def _read(src: Source, max_bytes: int) -> bytes:
    """The checkpoint's bytes, at most `max_bytes` of them (never more than max_bytes + 1 are read)."""
    too_big = CheckpointError(f"the file is larger than the {_megabytes(max_bytes)} limit for checkpoints. {ACCEPTED}")
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
    elif isinstance(src, (str, os.PathLike)):
        data = _read_path(Path(src), max_bytes)
    elif hasattr(src, "read"):
        data = src.read(max_bytes + 1)
        if isinstance(data, str):
            raise CheckpointError("the file was opened in text mode; open checkpoints in binary mode ('rb').")
        data = bytes(data)
    else:
        raise TypeError(f"expected a path, a binary file object or bytes, got {type(src).__name__}")
    if len(data) > max_bytes:
        raise too_big
    if not data:
        raise CheckpointError(f"the file is empty. {ACCEPTED}")
    return data


def _read_path(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes. Opened non-blocking and checked on the open descriptor, so that a FIFO neither
    hangs nor is read, and /dev/zero, a socket or a directory is refused rather than read until memory runs out."""
    shown = _brief(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise CheckpointError(f"cannot read {shown}: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CheckpointError(f"{shown} is not a regular file (a device, FIFO, socket or directory); "
                                  f"give the path of a checkpoint file. {ACCEPTED}")
        if info.st_size > max_bytes:
            raise CheckpointError(f"the file is larger than the {_megabytes(max_bytes)} limit for checkpoints. "
                                  f"{ACCEPTED}")
        chunks, size = [], 0
        while size <= max_bytes and (chunk := os.read(fd, min(max_bytes + 1 - size, 2**24))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as e:
        raise CheckpointError(f"cannot read {shown}: {e.strerror or e}") from None
    finally:
        os.close(fd)


def _listed(items: list[str], n: int = 8) -> str:
    """The first `n` items joined, and how many there are in all: messages stay short for any file."""
    return ", ".join(items[:n]) + (f", ... ({len(items)} in all)" if len(items) > n else "")


def _brief(text: str, limit: int = 120) -> str:
    """repr(text) cut to `limit` characters, for messages that quote a name or path."""
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def _parse(data: bytes, max_bytes: int) -> object:
    """Decode by content: safetensors (8-byte header length, then JSON), or a torch zip / legacy pickle."""
    if len(data) > 8 and data[8:9] == b"{":
        return _load_safetensors(data)
    if data[:2] == b"PK" or data[:1] == b"\x80":
        return _load_torch(data, max_bytes)
    raise CheckpointError(f"this is neither a safetensors nor a PyTorch file (it starts with {data[:8]!r}). {ACCEPTED}")


def _too_many_tensors(n: int) -> CheckpointError:
    return CheckpointError(f"this file holds {n:,} tensors; cellviz reads checkpoints of at most {MAX_TENSORS:,} "
                           f"(a recurrent module has at most {MAX_LAYERS * 2 * 5} of them). {ACCEPTED}")


def _prescan(blob: bytes) -> None:
    """Refuse a recurrent key with a layer number >= MAX_LAYERS found in a header's or pickle's raw bytes (one
    regex search, no decoding): 62,000 layers in a 10 MB file would take minutes to build."""
    if (found := _DEEP_LAYER.search(blob)) is not None:
        key = found[0].decode("ascii", "replace")
        raise CheckpointError(f"{key!r}: cellviz reads recurrent modules of at most {MAX_LAYERS} layers (l0 to "
                              f"l{MAX_LAYERS - 1}); this one would have at least {int(found['n']) + 1:,}. {ACCEPTED}")


def _check_structure(shapes: Mapping[str, object]) -> None:
    """Refuse implausible structures from names and shapes alone (a safetensors header, or a state_dict's keys),
    before any module is built: more than MAX_TENSORS tensors, a layer number >= MAX_LAYERS, or a recurrent weight
    that is not 1-D / 2-D or has a side longer than MAX_DIM. Values that are not shapes are left to later checks."""
    if len(shapes) > MAX_TENSORS:
        raise _too_many_tensors(len(shapes))
    for key, shape in shapes.items():
        m = _KEY.match(key)
        if m is not None and int(m["layer"]) >= MAX_LAYERS:
            raise CheckpointError(f"{_brief(key, 80)}: cellviz reads recurrent modules of at most {MAX_LAYERS} layers "
                                  f"(l0 to l{MAX_LAYERS - 1}). {ACCEPTED}")
        if not (m or _CELL_KEY.match(key) or _LINEAR_KEY.match(key)) or not isinstance(shape, (tuple, list)):
            continue
        if not all(isinstance(d, int) for d in shape):
            continue
        if len(shape) not in (1, 2) or any(d > MAX_DIM for d in shape):
            raise CheckpointError(f"{_brief(key, 80)} has an implausible shape {tuple(shape)} for a recurrent weight "
                                  f"(1-D or 2-D, no side longer than {MAX_DIM:,}). {ACCEPTED}")


def _load_safetensors(data: bytes) -> dict[str, torch.Tensor]:
    header = int.from_bytes(data[:8], "little")
    if header > len(data) - 8:
        raise CheckpointError(f"truncated safetensors file: its header alone should be {header} bytes, "
                              f"but the file has {len(data)}. {ACCEPTED}")
    raw = data[8:8 + header]
    if (n := raw.count(b'"data_offsets"')) > MAX_TENSORS:      # before decoding the JSON (1 s for 10 MB)
        raise _too_many_tensors(n)
    _prescan(raw)
    try:
        entries = json.loads(raw)
    except ValueError:
        entries = None                                           # safetensors says what is wrong, below
    if isinstance(entries, dict):
        _check_structure({k: v.get("shape") for k, v in entries.items() if k != "__metadata__" and isinstance(v, dict)})
    try:
        return safetensors.torch.load(data)
    except Exception as e:  # SafetensorError and friends: the file itself is bad
        raise CheckpointError(f"could not read this safetensors file (truncated or corrupt?): {e}. {ACCEPTED}") from e


def _zip_entries(data: bytes) -> int | None:
    """How many members a zip says it has, from its end-of-central-directory record (zip64 too), None if unreadable."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 2**16 - 22))
    if end < 0 or end + 22 > len(data):
        return None
    count = int.from_bytes(data[end + 10:end + 12], "little")
    if count == 0xFFFF and (loc := data.rfind(b"PK\x06\x07", max(0, end - 20), end)) >= 0:
        offset = int.from_bytes(data[loc + 8:loc + 16], "little")
        if data[offset:offset + 4] == b"PK\x06\x06":
            count = int.from_bytes(data[offset + 32:offset + 40], "little")
    return count


def _load_torch(data: bytes, max_bytes: int) -> object:
    if data[:2] == b"PK":  # a deflated archive could unpack to far more than the file's size
        if (members := _zip_entries(data)) is not None and members > MAX_TENSORS + 16:
            raise _too_many_tensors(members)          # before zipfile parses them (3 s for 124,000)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
        except Exception as e:
            raise CheckpointError(f"could not read this PyTorch file (truncated or corrupt?): {e}. {ACCEPTED}") from None
        if unpacked > max_bytes:
            raise CheckpointError(f"this PyTorch file unpacks to more than the {_megabytes(max_bytes)} limit for "
                                  f"checkpoints ({unpacked:,} bytes). {ACCEPTED}")
        storages = sum(1 for info in infos if "/data/" in info.filename)
        if storages > MAX_TENSORS:
            raise _too_many_tensors(storages)
        for info in infos:                 # the pickle names every key: scan it before torch builds any tensor
            if info.filename.endswith("data.pkl"):
                try:
                    pkl = archive.read(info)
                except Exception as e:
                    raise CheckpointError(f"could not read this PyTorch file (truncated or corrupt?): {_reason(e)}. "
                                          f"{ACCEPTED}") from None
                _prescan(pkl)
    else:
        _prescan(data)
    try:
        # weights_only, plus argparse.Namespace: many checkpoints keep the run's {"args": args}; rebuilding one only
        # sets attributes (no constructor, no code), so allowing it stays within weights-only loading
        with warnings.catch_warnings(), torch.serialization.safe_globals([argparse.Namespace]):
            warnings.simplefilter("ignore")
            return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:  # `from None` below: torch's own text suggests weights_only=False
        found = re.search(r"GLOBAL ([\w.]+)", str(e))
        if found is None:
            raise CheckpointError(f"could not read this PyTorch file: its pickle is corrupt or holds more than "
                                  f"tensors. {ACCEPTED}") from None
        raise CheckpointError(
            f"refused to unpickle {found[1]!r}: this file holds Python objects, not only tensors, typically a whole "
            "model saved with torch.save(model). cellviz never unpickles objects (that can run arbitrary code). "
            f"{CONVERT} (Or save the weights from your code: torch.save(model.state_dict(), path). If the file is a "
            "checkpoint dict holding such an object, save only its weights: "
            "torch.save(m[\"model_state_dict\"], \"model_state.pt\"), with its own key.)") from None
    except Exception as e:  # corrupt or truncated archive
        reason = _reason(e)
        raise CheckpointError(f"could not read this PyTorch file (truncated or corrupt?): {reason}. {ACCEPTED}") from None


def _reason(e: BaseException) -> str:
    """A short reason for a failed torch.load: its message's first sentence, or what the exception means when it
    has none (a truncated legacy file ends in a bare EOFError / UnpicklingError)."""
    text = " ".join(str(e).split(". ")[0].split())
    if isinstance(e, EOFError) or "EOF" in text or "truncated" in text:
        text = f"the file ends too early ({type(e).__name__}{': ' + text if text else ''})"
    elif not text:
        text = type(e).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _flatten(obj: object) -> dict[str, object]:
    """A checkpoint's tensors by dotted path, in file order: {"en": {"gru.weight_ih_l0": t}} -> {"en.gru.weight_ih_l0": t},
    at any depth (at most MAX_DEPTH). Other values (numbers, strings, lists, optimizer settings) are left out,
    except under a recurrent weight's name, where they are kept for `_check_tensor` to name."""
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"expected a state_dict (a dict of parameter names to tensors), "
                              f"found a {type(obj).__name__}. {ACCEPTED}")
    flat: dict[str, object] = {}

    def walk(node: Mapping, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise CheckpointError(f"this checkpoint nests dicts more than {MAX_DEPTH} levels deep. {ACCEPTED}")
        for key, value in node.items():
            name = path + str(key)
            if isinstance(value, torch.Tensor):
                flat[name] = value
                if len(flat) > MAX_TENSORS:
                    raise _too_many_tensors(len(flat))
            elif isinstance(value, Mapping):
                walk(value, name + ".", depth + 1)
            elif _KEY.match(name) or _CELL_KEY.match(name):
                flat[name] = value

    walk(obj, "", 0)
    _check_structure({k: tuple(v.shape) for k, v in flat.items() if isinstance(v, torch.Tensor)})
    return flat


@dataclass(frozen=True)
class _Group:
    """One recurrent module of a checkpoint: its name for `prefix=`, how it is stored and where its keys are."""

    name: str                   # "en.gru", "rnn", "" (top level), "lstm1+lstm2"
    style: str                  # "module" (nn.RNN/LSTM/GRU), "cell" (nn.*Cell; several = stacked), "linear" (i2h/h2h)
    prefixes: tuple[str, ...]   # key prefixes with their trailing dot ("" at top level), one per layer for cells


def _groups(flat: Mapping[str, object]) -> dict[str, _Group]:
    """Every recurrent module in `flat`, by name, in file order; chained cells also as one stacked group."""
    found: dict[tuple[str, str], None] = {}
    for key in flat:
        if m := _KEY.match(key):
            found[(m["prefix"], "module")] = None
        elif m := _CELL_KEY.match(key):
            found[(m["prefix"], "cell")] = None
        elif (m := _LINEAR_KEY.match(key)) and m["name"] == "i2h" and f"{m['prefix']}h2h.weight" in flat:
            found[(m["prefix"], "linear")] = None
    groups: dict[str, _Group] = {}
    for prefix, style in found:
        name = prefix[:-1] if prefix.endswith(".") else prefix
        if name in groups:
            raise CheckpointError(f"{_brief(name or 'the top level', 60)} holds both a module's and a cell's recurrent "
                                  f"weights ('weight_ih_l0' and 'weight_ih'); save one module per name. {ACCEPTED}")
        groups[name] = _Group(name, style, (prefix,))
    cells = [g for g in groups.values() if g.style == "cell"]
    for start in range(len(cells)):            # chains of consecutive cells, each reading the previous one's h
        chain = [cells[start]]
        for nxt in cells[start + 1:]:
            if not _chains(flat, chain[-1].prefixes[0], nxt.prefixes[0]):
                break
            chain.append(nxt)
        if len(chain) > 1 and (start == 0 or not _chains(flat, cells[start - 1].prefixes[0], cells[start].prefixes[0])):
            name = "+".join(g.name for g in chain)
            groups[name] = _Group(name, "cell", tuple(g.prefixes[0] for g in chain))
    return groups


def _cell_shape(flat: Mapping[str, object], prefix: str) -> tuple[int, int, int, bool] | None:
    """(gate blocks, hidden, input, bias) of the cell at `prefix`, None if its weights are not plain 2-D tensors."""
    w_ih, w_hh = flat.get(prefix + "weight_ih"), flat.get(prefix + "weight_hh")
    if not (isinstance(w_ih, torch.Tensor) and isinstance(w_hh, torch.Tensor) and w_ih.dim() == w_hh.dim() == 2):
        return None
    rows, hidden = w_hh.shape
    if not hidden or rows % hidden:
        return None
    return rows // hidden, hidden, w_ih.shape[1], prefix + "bias_ih" in flat


def _chains(flat: Mapping[str, object], first: str, second: str) -> bool:
    """Whether the cell at `second` can be layer 2 over the cell at `first`: same kind, hidden size and bias, and
    it reads the first one's h."""
    a, b = _cell_shape(flat, first), _cell_shape(flat, second)
    return a is not None and b is not None and a[0] == b[0] and a[1] == b[1] == b[2] and a[3] == b[3]


def _segments_within(want: list[str], name: str) -> bool:
    have = name.split(".") if name else []
    return any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


def _choose(groups: dict[str, _Group], prefix: str | None, flat: Mapping[str, object]) -> _Group:
    """The group `prefix` names: its exact name, or the one group whose dotted name contains it ("en" or "en.gru"
    for "en.gru"; "rnn" for "model_state_dict.rnn"). CheckpointError listing the candidates otherwise."""
    if not groups:
        raise CheckpointError(_nothing_found(flat))
    names = sorted(groups)
    shown = [repr(n) if len(n) <= 60 else _brief(n, 60) for n in names]
    listed = "[" + ", ".join(shown[:8]) + (f", ... ({len(names)} in all)]" if len(names) > 8 else "]")
    stacks = [n for n in names if "+" in n]
    hint = (f" The cells {' and '.join(repr(p) for p in stacks[0].split('+'))} chain (each reads the one before): "
            f"prefix={stacks[0]!r} loads them as one {len(stacks[0].split('+'))}-layer module.") if stacks else ""
    if prefix is None:
        if len(groups) == 1:
            return groups[names[0]]
        raise CheckpointError(f"this file holds {len(groups)} recurrent modules; pick one with prefix=, "
                              f"one of {listed}.{hint}", names)
    want = str(prefix).strip(".")
    if want in groups:
        return groups[want]
    parts = want.split(".") if want else []
    chosen = [n for n in names if "+" not in n and parts and _segments_within(parts, n)]
    if len(chosen) != 1:
        raise CheckpointError(f"prefix {_brief(str(prefix), 60)} matches {len(chosen) or 'none'} of the recurrent "
                              f"modules in this file; candidates: {listed}.{hint}", names)
    return groups[chosen[0]]


def _nothing_found(flat: Mapping[str, object]) -> str:
    """Why no recurrent module was found, naming the keys, and what a tutorial's hand-made cell needs."""
    keys = ", ".join(_brief(k, 60) for k in sorted(flat)[:6]) + (", ..." if len(flat) > 6 else "")
    text = (f"no recurrent weights found (expected keys like 'weight_ih_l0' or 'rnn.weight_ih_l0', or an nn.LSTMCell's "
            f"'lstm1.weight_ih'); the file has {len(flat)} keys: {keys or 'none'}.")
    for key, value in flat.items():     # the 2017 char-RNN tutorial: hidden = i2h(cat(x, h)), output = i2o(cat(x, h))
        m = _LINEAR_KEY.match(key)
        if m and m["name"] == "i2h" and m["param"] == "weight" and isinstance(value, torch.Tensor) and value.dim() == 2 \
                and value.shape[1] > value.shape[0]:
            H, K = value.shape
            return (text + f" {_brief(key, 60)} ({H}, {K}) looks like a hand-made cell reading [x_t, h_(t-1)] "
                    f"({K - H} inputs + {H} hidden units) with no nonlinearity, as in the 2017 char-RNN tutorial "
                    "(hidden = i2h(cat(input, hidden))). No nn.RNN computes that (its h is tanh or relu of the sum), so "
                    "cellviz cannot trace it exactly. If your forward applies tanh (or relu) to i2h's output, it is an "
                    f"nn.RNN: rnn = torch.nn.RNN({K - H}, {H}); rnn.weight_ih_l0.data = i2h.weight[:, :{K - H}]; "
                    f"rnn.weight_hh_l0.data = i2h.weight[:, {K - H}:]; rnn.bias_ih_l0.data = i2h.bias; "
                    "rnn.bias_hh_l0.data.zero_(); then save rnn.state_dict().")
    return text + f" {ACCEPTED}"


def _module_state(flat: Mapping[str, object], group: _Group) -> dict[str, object]:
    """The group's entries renamed as one nn.RNN / LSTM / GRU's state_dict ("weight_ih_l0", ...)."""
    if group.style == "module":
        prefix = group.prefixes[0]
        return {k[len(prefix):]: v for k, v in flat.items() if k.startswith(prefix) and _KEY.match(k[len(prefix):])}
    if group.style == "cell":
        state = {}
        for layer, prefix in enumerate(group.prefixes):
            for name in NAMES:
                if prefix + name in flat:
                    state[f"{name}_l{layer}"] = flat[prefix + name]
        return state
    prefix = group.prefixes[0]       # i2h / h2h: h_t = act(i2h(x_t) + h2h(h_(t-1))), an nn.RNN written out
    state = {"weight_ih_l0": flat[prefix + "i2h.weight"], "weight_hh_l0": flat[prefix + "h2h.weight"]}
    biases = {name: flat.get(prefix + layer + ".bias") for name, layer in (("bias_ih_l0", "i2h"), ("bias_hh_l0", "h2h"))}
    present = [b for b in biases.values() if b is not None]
    if present:
        for name, b in biases.items():
            state[name] = b if b is not None else (torch.zeros_like(present[0]) if isinstance(present[0], torch.Tensor)
                                                   else present[0])
    return state


def _check_tensor(key: str, value: object) -> torch.Tensor:
    """`value` if it is a dense floating-point tensor, else a CheckpointError."""
    if not isinstance(value, torch.Tensor):
        raise CheckpointError(f"{key} is a {type(value).__name__}, not a tensor. {ACCEPTED}")
    if value.layout != torch.strided:
        raise CheckpointError(f"{key} is a {value.layout} tensor; weights must be dense tensors.")
    if value.device.type != "cpu":     # a meta tensor (no data at all): map_location="cpu" leaves it on meta
        raise CheckpointError(f"{key} is a {value.device.type}-device tensor without values (saved from a model "
                              f"that was never materialised?); weights must hold numbers. {ACCEPTED}")
    if not value.is_floating_point():
        raise CheckpointError(f"{key} has dtype {value.dtype}; weights must be floating point "
                              "(float32/float64; float16/bfloat16 are converted to float32).")
    return value


def _check_storage(key: str, value: torch.Tensor) -> None:
    """CheckpointError unless the file holds every value of `value`: a stride-0 or overlapping view (a 1.7 KB
    file of `torch.zeros(1).expand(14000, 3500)`) would become hundreds of MB once copied into a module."""
    needed = value.numel() * value.element_size()
    held = value.untyped_storage().nbytes() - value.storage_offset() * value.element_size()
    if needed > held:
        raise CheckpointError(f"{key} has {value.numel():,} values but the file holds only {max(held, 0):,} bytes "
                              f"of them (an expanded or overlapping view, e.g. torch.zeros(1).expand(...)); "
                              "save real weights: torch.save(model.state_dict(), path).")


def _infer(part: dict[str, object], max_params: int,
           max_input_size: int = MAX_INPUT_SIZE) -> tuple[type[nn.RNNBase], dict, dict[str, torch.Tensor]]:
    """Module class, constructor config and validated weights of one recurrent part."""
    weights = {k: _check_tensor(k, v) for k, v in part.items()}
    params = sum(w.numel() for w in weights.values())   # checked before any copy: a stride-0 tensor can be huge
    if params > max_params:
        raise CheckpointError(f"{params:,} parameters is too many: cellviz accepts at most {max_params:,} here.")
    w_hh, w_ih, w_hr = weights.get("weight_hh_l0"), weights.get("weight_ih_l0"), weights.get("weight_hr_l0")
    if w_hh is None or w_ih is None:
        raise CheckpointError(f"missing {'weight_hh_l0' if w_hh is None else 'weight_ih_l0'}: found only "
                              f"{_listed(sorted(part))}. {ACCEPTED}")
    rows, cols = w_hh.shape if w_hh.dim() == 2 else (0, 0)
    proj = 0
    if w_hr is not None:               # nn.LSTM(proj_size=P): weight_hr (P, H), weight_hh (4H, P)
        if w_hr.dim() != 2 or not w_hr.shape[0] or w_hr.shape[0] != cols or rows != 4 * w_hr.shape[1] \
                or w_hr.shape[0] >= w_hr.shape[1]:
            raise CheckpointError(f"weight_hr_l0 has shape {tuple(w_hr.shape)} and weight_hh_l0 {tuple(w_hh.shape)}; "
                                  "an nn.LSTM with proj_size=P < H has weight_hr (P, H) and weight_hh (4H, P).")
        proj, hidden = w_hr.shape
    else:
        hidden = cols
    if not hidden or rows % hidden or rows // hidden not in MODULES:
        raise CheckpointError(f"weight_hh_l0 has shape {tuple(w_hh.shape)}; expected (G*H, H) with G = 1 (RNN), "
                              "3 (GRU) or 4 (LSTM) stacked gate blocks.")
    if hidden > MAX_HIDDEN:
        raise CheckpointError(f"hidden_size {hidden} is too large: cellviz accepts hidden_size <= {MAX_HIDDEN}.")
    if w_ih.dim() != 2 or not w_ih.shape[1]:
        raise CheckpointError(f"weight_ih_l0 has shape {tuple(w_ih.shape)}; expected ({rows}, input_size).")
    gates, inputs = rows // hidden, w_ih.shape[1]
    if inputs > max_input_size:
        raise CheckpointError(f"input_size {inputs:,} is too large: cellviz accepts input_size <= {max_input_size:,} "
                              "here (an nn.Embedding before the module makes token inputs narrow).")
    keys = [_KEY.match(k) for k in part]
    layers = len(found := {int(m["layer"]) for m in keys})
    if max(found) >= MAX_LAYERS:
        raise CheckpointError(f"layer l{max(found)}: cellviz reads recurrent modules of at most {MAX_LAYERS} layers. "
                              f"{ACCEPTED}")
    if found != set(range(layers)):
        raise CheckpointError(f"inconsistent checkpoint: layer numbers must run 0, 1, ... without gaps; found "
                              f"{_listed([f'l{n}' for n in sorted(found)], 12)}.")
    directions = 2 if any(m["rev"] for m in keys) else 1
    bias = any(m["name"].startswith("bias") for m in keys)
    out = proj or hidden
    expected = {}
    for layer in range(layers):
        for suffix in ("", "_reverse")[:directions]:
            columns = inputs if layer == 0 else out * directions
            shapes = {"weight_ih": (rows, columns), "weight_hh": (rows, out), "bias_ih": (rows,), "bias_hh": (rows,)}
            for name in NAMES[:4 if bias else 2]:
                expected[f"{name}_l{layer}{suffix}"] = shapes[name]
            if proj:
                expected[f"weight_hr_l{layer}{suffix}"] = (proj, hidden)
    missing = [k for k in expected if k not in weights]
    if missing:
        raise CheckpointError(f"inconsistent checkpoint: missing {', '.join(missing[:6])}"
                              f"{', ...' if len(missing) > 6 else ''} (found {_listed(sorted(part))}).")
    extra = [k for k in weights if k not in expected]
    if extra:
        raise CheckpointError(f"inconsistent checkpoint: {_listed(sorted(extra), 6)} do not belong to the inferred "
                              f"module ({layers} layer(s), {directions} direction(s), bias={bias}). {ACCEPTED}")
    kind = MODULES[gates].__name__
    for key, shape in expected.items():
        if tuple(weights[key].shape) != shape:
            raise CheckpointError(f"{key} has shape {tuple(weights[key].shape)}, expected {shape} for this {kind} with "
                                  f"input_size={inputs}, hidden_size={hidden}{f', proj_size={proj}' if proj else ''}, "
                                  f"{directions} direction(s) (layers above the first read "
                                  f"{'proj_size' if proj else 'hidden_size'} * directions inputs).")
    for key, w in weights.items():         # before anything is copied
        _check_storage(key, w)
    weights = _as_float({k: w for k, w in weights.items()})
    config = dict(input_size=inputs, hidden_size=hidden, num_layers=layers, bias=bias, bidirectional=directions == 2)
    if proj:
        config["proj_size"] = proj
    return MODULES[gates], config, weights


def _as_float(weights: dict[str, torch.Tensor], dtype: torch.dtype | None = None) -> dict[str, torch.Tensor]:
    """float64 if every tensor is (or `dtype`), else float32 (float16/bfloat16 converted); CheckpointError on NaN/inf."""
    if dtype is None:
        dtype = torch.float64 if all(w.dtype == torch.float64 for w in weights.values()) else torch.float32
    weights = {k: w.detach().to(dtype) for k, w in weights.items()}
    for key, w in weights.items():
        if not torch.isfinite(w).all():
            raise CheckpointError(f"{key} contains NaN or inf values; cellviz needs finite weights "
                                  "(was training diverging when this was saved?).")
    return weights


_EMBEDDING_NAMES = re.compile(r"emb|encoder|enc\b|lookup|wte|tok|word", re.I)
_HEAD_NAMES = re.compile(r"decoder|dec\b|head|fc|out|linear|classif|proj|dense|h2o|tag|logit|predict", re.I)


def _nearness(name: str, scope: str) -> int:
    """How many leading dotted segments `name` shares with the recurrent module's `scope`."""
    a, b = name.split("."), scope.split(".") if scope else []
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _with_io(loaded: _Loaded, max_params: int | None) -> CheckpointParts:
    """`loaded` plus the embedding (V, input_size) feeding it and the Linear head reading its output, when found."""
    module, flat, group = loaded.module, loaded.flat, loaded.group
    own = {p for p in group.prefixes}
    dtype = next(module.parameters()).dtype
    scope = group.prefixes[0][:-1]                  # "en.gru" (one layer of cells: "lstm1")
    out = (module.proj_size or module.hidden_size) * (2 if module.bidirectional else 1)
    emb, head = [], []
    for key, w in flat.items():
        if not key.endswith(".weight") or not isinstance(w, torch.Tensor) or w.dim() != 2 or not w.is_floating_point():
            continue
        base = key[:-len(".weight")]
        if any(key.startswith(p) for p in own if p) or _LINEAR_KEY.match(key):
            continue
        last = base.rsplit(".", 1)[-1]
        bias = flat.get(base + ".bias")
        near = _nearness(base, scope)
        if w.shape[1] == module.input_size and w.shape[0] >= 2 and bias is None and _EMBEDDING_NAMES.search(last):
            emb.append((near, key))
        if w.shape[1] == out and _HEAD_NAMES.search(last) and (near or not scope or "." not in scope) and (
                bias is None or (isinstance(bias, torch.Tensor) and tuple(bias.shape) == (w.shape[0],))):
            head.append((near, bias is not None, key))
    parts = CheckpointParts(module, group.name, sorted(loaded.groups))
    where = repr(group.name) if group.name else "the top level"
    if group.style == "cell":
        kind = {nn.LSTM: "LSTMCell", nn.GRU: "GRUCell", nn.RNN: "RNNCell"}[type(module)]
        parts.notes.append(f"{where}: nn.{kind} weights read as a {module.num_layers}-layer nn.{type(module).__name__} "
                           "(the same numbers, renamed).")
    elif group.style == "linear":
        parts.notes.append(f"{where}: the Linear layers i2h and h2h read as an nn.RNN "
                           "(h_t = act(i2h(x_t) + h2h(h_(t-1)))).")
    parts.notes.append(f"batch_first={module.batch_first}: a batch is read as "
                       f"{'(B, T, I)' if module.batch_first else '(T, B, I)'} (a state_dict cannot say which).")
    if isinstance(module, nn.RNN):
        parts.notes.append(f"nonlinearity={module.nonlinearity!r} (a state_dict cannot say; word_language_model's "
                           "RNN_RELU needs 'relu').")
    budget = (MAX_PARAMS if max_params is None else min(int(max_params), MAX_PARAMS)) - \
        sum(p.numel() for p in module.parameters())
    if emb:
        key = max(emb, key=lambda e: e[0])[1]
        parts.embedding = _extra(key, flat[key], dtype, budget)
        parts.embedding_key = key
        budget -= parts.embedding.numel()
        parts.notes.append(f"{key} {tuple(parts.embedding.shape)} is read as the embedding feeding "
                           f"{group.name or 'the module'}: token v's input is its row v.")
    head = [h for h in head if h[2] != parts.embedding_key or h[1]]
    if head:
        key = max(head, key=lambda h: (h[0], h[1]))[2]
        base = key[:-len(".weight")]
        parts.head_weight = _extra(key, flat[key], dtype, budget)
        parts.head_key = base
        if isinstance(flat.get(base + ".bias"), torch.Tensor):
            parts.head_bias = _extra(base + ".bias", flat[base + ".bias"], dtype, budget - parts.head_weight.numel())
        parts.notes.append(f"{base} ({parts.head_weight.shape[0]} outputs) is read as the Linear head on "
                           f"{group.name or 'the module'}'s output at every step.")
    return parts


def _extra(key: str, value: torch.Tensor, dtype: torch.dtype, budget: int) -> torch.Tensor:
    """An embedding or head tensor checked as the module's weights are (dense, real, held by the file, finite)."""
    w = _check_tensor(key, value)
    if w.numel() > budget:
        raise CheckpointError(f"{key} has {w.numel():,} values: with the recurrent module that is more parameters "
                              f"than cellviz accepts here.")
    _check_storage(key, w)
    return _as_float({key: w}, dtype)[key]
