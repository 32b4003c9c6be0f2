"""`load_checkpoint`: a user's .safetensors or PyTorch state_dict file -> a fresh nn.RNN / nn.LSTM / nn.GRU.

Kind, sizes, layers, directions and bias are inferred from PyTorch's parameter names and shapes
(`weight_ih_l{k}[_reverse]`, ...); what a state_dict cannot say (batch_first, relu vs tanh) comes from
the caller. PyTorch files are read only with `torch.load(weights_only=True)`, never plain pickle, no fallback.
Every file cellviz cannot use raises `CheckpointError` saying what is wrong and what is accepted.
"""
from __future__ import annotations

import io
import os
import pickle
import re
import stat
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import safetensors.torch
import torch
from torch import nn

MAX_BYTES = 200 * 2**20
MAX_HIDDEN = 4096
MAX_PARAMS = 50_000_000
MODULES = {1: nn.RNN, 3: nn.GRU, 4: nn.LSTM}       # gate blocks stacked in weight_hh's rows -> module
WRAPPERS = ("state_dict", "model_state_dict", "model")
NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
ACCEPTED = ("Accepted: a .safetensors file, or a PyTorch state_dict saved with torch.save(model.state_dict(), path), "
            "holding an nn.RNN, nn.LSTM or nn.GRU (alone or inside a bigger model).")
_KEY = re.compile(r"^(?P<prefix>(?:.*\.)?)(?P<name>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
                  r"_l(?P<layer>\d{1,9})(?P<rev>_reverse)?$")

Source = str | os.PathLike | BinaryIO | bytes


class CheckpointError(ValueError):
    """A checkpoint file that cellviz cannot read, with a message saying why."""


def load_checkpoint(path_or_file: Source, *, prefix: str | None = None, batch_first: bool = False,
                    nonlinearity: str = "tanh", max_bytes: int | None = None,
                    max_params: int | None = None) -> nn.RNN | nn.LSTM | nn.GRU:
    """Build the recurrent module stored in a checkpoint, with its weights loaded, in eval mode.

    `path_or_file`: a path to a regular file, a binary file object (e.g. Streamlit's UploadedFile) or raw bytes.
    `prefix` picks one recurrent part when the file holds several (e.g. "encoder.lstm").
    `nonlinearity` ("tanh" | "relu") applies to a vanilla RNN only.
    `max_bytes` caps both the file and what it unpacks to (a torch zip's members); `max_params` the recurrent
    module's parameters. Lower them to bound a server's memory per upload (the app derives them from its
    upload limit); they cannot be raised above MAX_BYTES / MAX_PARAMS.
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    max_bytes = MAX_BYTES if max_bytes is None else min(int(max_bytes), MAX_BYTES)
    max_params = MAX_PARAMS if max_params is None else min(int(max_params), MAX_PARAMS)
    state = _unwrap(_parse(_read(path_or_file, max_bytes), max_bytes))
    module_cls, config, weights = _infer(_recurrent_part(state, prefix), max_params)
    if module_cls is nn.RNN:
        config["nonlinearity"] = nonlinearity
    dtype = next(iter(weights.values())).dtype
    module = module_cls(**config, batch_first=batch_first, dtype=dtype)
    try:
        module.load_state_dict(weights, strict=True)
    except RuntimeError as e:
        raise CheckpointError(f"the weights do not fit the inferred {module_cls.__name__}: {e}. {ACCEPTED}") from e
    return module.eval()


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


def _load_safetensors(data: bytes) -> dict[str, torch.Tensor]:
    header = int.from_bytes(data[:8], "little")
    if header > len(data) - 8:
        raise CheckpointError(f"truncated safetensors file: its header alone should be {header} bytes, "
                              f"but the file has {len(data)}. {ACCEPTED}")
    try:
        return safetensors.torch.load(data)
    except Exception as e:  # SafetensorError and friends: the file itself is bad
        raise CheckpointError(f"could not read this safetensors file (truncated or corrupt?): {e}. {ACCEPTED}") from e


def _load_torch(data: bytes, max_bytes: int) -> object:
    if data[:2] == b"PK":  # a deflated archive could unpack to far more than the file's size
        try:
            unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except Exception as e:
            raise CheckpointError(f"could not read this PyTorch file (truncated or corrupt?): {e}. {ACCEPTED}") from None
        if unpacked > max_bytes:
            raise CheckpointError(f"this PyTorch file unpacks to more than the {_megabytes(max_bytes)} limit for "
                                  f"checkpoints ({unpacked:,} bytes). {ACCEPTED}")
    try:
        with warnings.catch_warnings():
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
            "Save the weights instead: torch.save(model.state_dict(), 'model.pt'), or "
            "safetensors.torch.save_file(model.state_dict(), 'model.safetensors').") from None
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


def _unwrap(obj: object) -> Mapping:
    """The state_dict itself, also when saved inside {"state_dict": ...}, {"model": ...}, ..."""
    for _ in range(4):
        if not isinstance(obj, Mapping):
            raise CheckpointError(f"expected a state_dict (a dict of parameter names to tensors), "
                                  f"found a {type(obj).__name__}. {ACCEPTED}")
        inner = next((obj[k] for k in WRAPPERS if isinstance(obj.get(k), Mapping)), None)
        if inner is None or any(isinstance(k, str) and _KEY.match(k) for k in obj):
            return obj
        obj = inner
    return obj


def _recurrent_part(state: Mapping, prefix: str | None) -> dict[str, object]:
    """The entries of the one recurrent module in `state`, keyed by its own names ("weight_ih_l0", ...)."""
    groups: dict[str, dict[str, object]] = {}
    for key, value in state.items():
        if isinstance(key, str) and (m := _KEY.match(key)):
            groups.setdefault(m["prefix"], {})[key[len(m["prefix"]):]] = value
    if not groups:
        keys = ", ".join(_brief(k, 60) for k in sorted(map(str, state))[:6]) + (", ..." if len(state) > 6 else "")
        raise CheckpointError(f"no recurrent weights found (expected keys like 'weight_ih_l0' or 'rnn.weight_ih_l0'); "
                              f"the file has {len(state)} keys: {keys or 'none'}. {ACCEPTED}")
    names = sorted(p.rstrip(".") for p in groups)
    candidates = "[" + ", ".join(_brief(p, 60) for p in names[:6]) + (f", ... ({len(names)} in all)]" if len(names) > 6 else "]")
    if prefix is None:
        if len(groups) > 1:
            raise CheckpointError(f"this file holds {len(groups)} recurrent modules; pick one with prefix=, "
                                  f"one of {candidates}.")
        return next(iter(groups.values()))
    want = prefix.rstrip(".")
    chosen = [p for p in groups if p.rstrip(".") == want] or [p for p in groups if p.startswith(want + ".")]
    if len(chosen) != 1:
        raise CheckpointError(f"prefix {_brief(str(prefix), 60)} matches {len(chosen) or 'none'} of the recurrent modules in this "
                              f"file; candidates: {candidates}.")
    return groups[chosen[0]]


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


def _infer(part: dict[str, object], max_params: int) -> tuple[type[nn.RNNBase], dict, dict[str, torch.Tensor]]:
    """Module class, constructor config and validated weights of one recurrent part."""
    if any(k.startswith("weight_hr") for k in part):
        raise CheckpointError("this LSTM has projections (proj_size > 0, 'weight_hr_l*' keys), which cellviz does not "
                              "support. Accepted: nn.LSTM without proj_size, nn.GRU, nn.RNN.")
    weights = {k: _check_tensor(k, v) for k, v in part.items()}
    params = sum(w.numel() for w in weights.values())   # checked before any copy: a stride-0 tensor can be huge
    if params > max_params:
        raise CheckpointError(f"{params:,} parameters is too many: cellviz accepts at most {max_params:,} here.")
    w_hh, w_ih = weights.get("weight_hh_l0"), weights.get("weight_ih_l0")
    if w_hh is None or w_ih is None:
        raise CheckpointError(f"missing {'weight_hh_l0' if w_hh is None else 'weight_ih_l0'}: found only "
                              f"{_listed(sorted(part))}. {ACCEPTED}")
    rows, hidden = w_hh.shape if w_hh.dim() == 2 else (0, 0)
    if not hidden or rows % hidden or rows // hidden not in MODULES:
        raise CheckpointError(f"weight_hh_l0 has shape {tuple(w_hh.shape)}; expected (G*H, H) with G = 1 (RNN), "
                              "3 (GRU) or 4 (LSTM) stacked gate blocks.")
    if hidden > MAX_HIDDEN:
        raise CheckpointError(f"hidden_size {hidden} is too large: cellviz accepts hidden_size <= {MAX_HIDDEN}.")
    if w_ih.dim() != 2 or not w_ih.shape[1]:
        raise CheckpointError(f"weight_ih_l0 has shape {tuple(w_ih.shape)}; expected ({rows}, input_size).")
    gates, inputs = rows // hidden, w_ih.shape[1]
    keys = [_KEY.match(k) for k in part]
    layers = len(found := {int(m["layer"]) for m in keys})
    if found != set(range(layers)):
        raise CheckpointError(f"inconsistent checkpoint: layer numbers must run 0, 1, ... without gaps; found "
                              f"{_listed([f'l{n}' for n in sorted(found)], 12)}.")
    directions = 2 if any(m["rev"] for m in keys) else 1
    bias = any(m["name"].startswith("bias") for m in keys)
    expected = {}
    for layer in range(layers):
        for suffix in ("", "_reverse")[:directions]:
            columns = inputs if layer == 0 else hidden * directions
            shapes = {"weight_ih": (rows, columns), "weight_hh": (rows, hidden), "bias_ih": (rows,), "bias_hh": (rows,)}
            for name in NAMES[:4 if bias else 2]:
                expected[f"{name}_l{layer}{suffix}"] = shapes[name]
    missing = [k for k in expected if k not in weights]
    if missing:
        raise CheckpointError(f"inconsistent checkpoint: missing {', '.join(missing[:6])}"
                              f"{', ...' if len(missing) > 6 else ''} (found {_listed(sorted(part))}).")
    kind = MODULES[gates].__name__
    for key, shape in expected.items():
        if tuple(weights[key].shape) != shape:
            raise CheckpointError(f"{key} has shape {tuple(weights[key].shape)}, expected {shape} for this {kind} with "
                                  f"input_size={inputs}, hidden_size={hidden}, {directions} direction(s) "
                                  "(layers above the first read hidden_size * directions inputs).")
    for key, w in weights.items():         # before anything is copied
        _check_storage(key, w)
    dtype = torch.float64 if all(w.dtype == torch.float64 for w in weights.values()) else torch.float32
    weights = {k: w.to(dtype) for k, w in weights.items()}   # float16/bfloat16 -> float32
    for key, w in weights.items():
        if not torch.isfinite(w).all():
            raise CheckpointError(f"{key} contains NaN or inf values; cellviz needs finite weights "
                                  "(was training diverging when this was saved?).")
    config = dict(input_size=inputs, hidden_size=hidden, num_layers=layers, bias=bias, bidirectional=directions == 2)
    return MODULES[gates], config, weights
