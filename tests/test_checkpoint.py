"""cellviz.load_checkpoint: round trips for every module configuration, prefixes, and every kind of bad file."""
from __future__ import annotations

import io
import json
import itertools
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from safetensors.torch import save as st_save
from torch import nn

import cellviz
import cellviz.checkpoint as ckpt
from cellviz import CheckpointError

KINDS = {"rnn": (nn.RNN, {}), "rnn_relu": (nn.RNN, {"nonlinearity": "relu"}), "lstm": (nn.LSTM, {}), "gru": (nn.GRU, {})}
CONFIGS = list(itertools.product([1, 2], [False, True], [True, False]))   # num_layers, bidirectional, bias


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: torch's worker threads only spin against other processes on a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _encode(state: dict, fmt: str) -> bytes:
    if fmt == "safetensors":
        return st_save({k: v.contiguous() for k, v in state.items()})
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def _load(data: bytes, how: str, tmp_path: Path, name: str = "model.bin", **kwargs):
    if how == "bytes":
        return cellviz.load_checkpoint(data, **kwargs)
    path = tmp_path / name
    path.write_bytes(data)
    if how == "path":
        return cellviz.load_checkpoint(path, **kwargs)
    with open(path, "rb") as f:
        return cellviz.load_checkpoint(f, **kwargs)


def _same(original: nn.Module, loaded: nn.Module, batch_first: bool = False) -> None:
    x = torch.randn(3, 7, original.input_size, dtype=next(original.parameters()).dtype)   # batched either way
    with torch.no_grad():
        out, h_n = original(x)
        out2, h_n2 = loaded(x)
    assert torch.allclose(out, out2) and not loaded.training
    for a, b in zip(h_n if isinstance(h_n, tuple) else (h_n,), h_n2 if isinstance(h_n2, tuple) else (h_n2,)):
        assert torch.allclose(a, b)
    tr = cellviz.trace(loaded, x)
    assert torch.allclose(torch.from_numpy(tr.output), out2, atol=1e-5)


@pytest.mark.parametrize("how", ["path", "file", "bytes"])
@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
@pytest.mark.parametrize("num_layers,bidirectional,bias", CONFIGS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_round_trip(kind, num_layers, bidirectional, bias, fmt, how, tmp_path):
    torch.manual_seed(0)
    cls, extra = KINDS[kind]
    original = cls(4, 5, num_layers, bias=bias, bidirectional=bidirectional, **extra).eval()
    loaded = _load(_encode(original.state_dict(), fmt), how, tmp_path, **extra)
    assert type(loaded) is cls
    assert (loaded.input_size, loaded.hidden_size, loaded.num_layers, loaded.bidirectional, loaded.bias) == \
        (4, 5, num_layers, bidirectional, bias)
    assert getattr(loaded, "nonlinearity", None) == getattr(original, "nonlinearity", None)
    _same(original, loaded)


def test_batch_first_and_path_kinds(tmp_path):
    original = nn.GRU(3, 4, batch_first=True).eval()
    (tmp_path / "m.pt").write_bytes(_encode(original.state_dict(), "pt"))
    loaded = cellviz.load_checkpoint(str(tmp_path / "m.pt"), batch_first=True)
    assert loaded.batch_first
    _same(original, loaded)


def test_uploaded_file_like():
    class Uploaded(io.BytesIO):          # what Streamlit's UploadedFile is
        name = "weights.safetensors"

    original = nn.LSTM(2, 3).eval()
    _same(original, cellviz.load_checkpoint(Uploaded(_encode(original.state_dict(), "safetensors"))))


@pytest.mark.parametrize("fmt,name", [("safetensors", "model.pt"), ("pt", "model.safetensors")])
def test_format_detected_by_content_not_extension(fmt, name, tmp_path):
    original = nn.RNN(2, 3).eval()
    _same(original, _load(_encode(original.state_dict(), fmt), "path", tmp_path, name=name))


def test_legacy_torch_format():
    original = nn.LSTM(2, 3, 2).eval()
    buf = io.BytesIO()
    torch.save(original.state_dict(), buf, _use_new_zipfile_serialization=False)
    _same(original, cellviz.load_checkpoint(buf.getvalue()))


@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
@pytest.mark.parametrize("stored,loaded_dtype", [(torch.float64, torch.float64), (torch.float16, torch.float32),
                                                  (torch.bfloat16, torch.float32), (torch.float32, torch.float32)])
def test_dtypes(fmt, stored, loaded_dtype):
    original = nn.GRU(2, 3).to(stored)
    loaded = cellviz.load_checkpoint(_encode(original.state_dict(), fmt))
    assert all(p.dtype == loaded_dtype for p in loaded.parameters())
    for k, v in original.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v.to(loaded_dtype))
    cellviz.trace(loaded, torch.randn(4, 2, dtype=loaded_dtype))


def _inside(module: nn.Module, prefix: str) -> dict:
    state = {prefix + k: v for k, v in module.state_dict().items()}
    return {"embed.weight": torch.randn(10, 4), **state, "head.weight": torch.randn(2, 5), "head.bias": torch.zeros(2)}


@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
@pytest.mark.parametrize("prefix", ["rnn.", "encoder.lstm.", "module.", "module.encoder.rnn."])
def test_nested_prefixes(prefix, fmt):
    original = nn.LSTM(4, 5, 2, bidirectional=True).eval()
    _same(original, cellviz.load_checkpoint(_encode(_inside(original, prefix), fmt)))


@pytest.mark.parametrize("wrapper", ["state_dict", "model", "model_state_dict"])
def test_wrapped_state_dict(wrapper):
    original = nn.GRU(4, 5).eval()
    saved = {wrapper: _inside(original, "gru."), "epoch": 7, "optimizer_state_dict": {"state": {}, "param_groups": []}}
    buf = io.BytesIO()
    torch.save(saved, buf)
    _same(original, cellviz.load_checkpoint(buf.getvalue()))


@pytest.fixture
def seq2seq() -> tuple[nn.LSTM, nn.GRU, bytes]:
    encoder, decoder = nn.LSTM(4, 5).eval(), nn.GRU(5, 5).eval()
    state = {**_inside(encoder, "encoder.lstm."), **{"decoder.gru." + k: v for k, v in decoder.state_dict().items()}}
    return encoder, decoder, _encode(state, "safetensors")


def test_encoder_decoder_needs_prefix(seq2seq):
    with pytest.raises(CheckpointError, match=r"2 recurrent modules.*\['decoder.gru', 'encoder.lstm'\]"):
        cellviz.load_checkpoint(seq2seq[2])


@pytest.mark.parametrize("prefix,which", [("encoder.lstm", 0), ("encoder.lstm.", 0), ("decoder", 1), ("decoder.gru", 1)])
def test_encoder_decoder_prefix_picks(seq2seq, prefix, which):
    _same(seq2seq[which], cellviz.load_checkpoint(seq2seq[2], prefix=prefix))


def test_unknown_prefix_lists_candidates(seq2seq):
    with pytest.raises(CheckpointError, match=r"'attention'.*candidates: \['decoder.gru', 'encoder.lstm'\]"):
        cellviz.load_checkpoint(seq2seq[2], prefix="attention")


# --- bad files ---------------------------------------------------------------------------------------------------

def _pt(obj: object, **kwargs) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    return buf.getvalue()


def test_empty_file(tmp_path):
    (tmp_path / "empty.pt").write_bytes(b"")
    for src in (b"", tmp_path / "empty.pt", io.BytesIO()):
        with pytest.raises(CheckpointError, match="empty.*Accepted"):
            cellviz.load_checkpoint(src)


def test_random_bytes():
    with pytest.raises(CheckpointError, match="neither a safetensors nor a PyTorch file"):
        cellviz.load_checkpoint(b"hello, I am not a checkpoint at all")


@settings(max_examples=50, deadline=None)
@given(head=st.sampled_from([b"", b"PK\x03\x04", b"\x80\x02", b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19",
                             (40).to_bytes(8, "little") + b"{", (10**12).to_bytes(8, "little") + b"{"]),
       tail=st.binary(max_size=200))
def test_fuzzed_bytes_raise_checkpoint_error(head, tail):
    with pytest.raises(CheckpointError):
        cellviz.load_checkpoint(head + tail)


@pytest.mark.parametrize("fmt", ["safetensors", "pt", "legacy"])
@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.95])
def test_truncated(fmt, fraction):
    state = nn.LSTM(3, 4).state_dict()
    data = _pt(state, _use_new_zipfile_serialization=False) if fmt == "legacy" else _encode(state, fmt)
    with pytest.raises(CheckpointError, match="truncated|corrupt"):
        cellviz.load_checkpoint(data[:max(9, int(len(data) * fraction))])


class _Hostile:
    marker: str = ""

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("pack", ["torch_zip", "torch_legacy", "raw_pickle"])
def test_hostile_pickle_is_not_executed(pack, tmp_path):
    marker = tmp_path / "pwned"
    _Hostile.marker = str(marker)
    payload = {"weight_ih_l0": _Hostile()}
    data = {"torch_zip": lambda: _pt(payload), "torch_legacy": lambda: _pt(payload, _use_new_zipfile_serialization=False),
            "raw_pickle": lambda: pickle.dumps(payload, protocol=2)}[pack]()
    with pytest.raises(CheckpointError, match="refused to unpickle"):
        cellviz.load_checkpoint(data)
    assert not marker.exists()


class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(2, 3)


@pytest.mark.parametrize("model", [nn.LSTM(2, 3), _Net()], ids=["nn.LSTM", "custom"])
@pytest.mark.parametrize("zipfile", [True, False])
def test_whole_pickled_model_says_save_state_dict(model, zipfile):
    with pytest.raises(CheckpointError, match=r"(?s)whole model.*torch\.save\(model\.state_dict\(\)") as info:
        cellviz.load_checkpoint(_pt(model, _use_new_zipfile_serialization=zipfile))
    lines = str(info.value).splitlines()     # the exact lines that convert it where the class is importable
    assert "m = torch.load(path, weights_only=False)" in lines
    assert 'torch.save(m.state_dict(), "model_state.pt")' in lines


def test_no_recurrent_weights_lists_keys():
    state = {"embed.weight": torch.randn(3, 2), "head.weight": torch.randn(2, 2), "head.bias": torch.zeros(2)}
    with pytest.raises(CheckpointError, match=r"no recurrent weights.*3 keys: 'embed.weight', 'head.bias', 'head.weight'"):
        cellviz.load_checkpoint(_encode(state, "safetensors"))


def test_not_a_dict():
    with pytest.raises(CheckpointError, match="expected a state_dict.*found a Tensor"):
        cellviz.load_checkpoint(_pt(torch.zeros(3)))


def _edited(module: nn.Module, **changes) -> dict:
    state = dict(module.state_dict())
    for key, value in changes.items():
        if value is None:
            del state[key]
        else:
            state[key] = value
    return state


BAD_STATES = {
    "hh_not_gate_multiple": (lambda: _edited(nn.GRU(3, 4), weight_hh_l0=torch.randn(10, 4)), r"weight_hh_l0 has shape \(10, 4\)"),
    "hh_two_blocks": (lambda: _edited(nn.GRU(3, 4), weight_hh_l0=torch.randn(8, 4)), r"G = 1 \(RNN\), 3 \(GRU\) or 4"),
    "ih_rows_mismatch": (lambda: _edited(nn.LSTM(3, 4), weight_ih_l0=torch.randn(12, 3)), r"weight_ih_l0 has shape \(12, 3\), expected \(16, 3\)"),
    "missing_bias_hh": (lambda: _edited(nn.LSTM(3, 4), bias_hh_l0=None), r"missing bias_hh_l0"),
    "missing_weight_hh": (lambda: _edited(nn.RNN(3, 4), weight_hh_l0=None), r"missing weight_hh_l0"),
    "missing_weight_hh_l1": (lambda: _edited(nn.RNN(3, 4, 2), weight_hh_l1=None), r"missing weight_hh_l1"),
    "layer_gap": (lambda: {k.replace("_l1", "_l2"): v for k, v in nn.GRU(3, 4, 2).state_dict().items()},
                  r"without gaps; found l0, l2"),
    "absurd_layer": (lambda: _edited(nn.GRU(3, 4), weight_ih_l999999999=torch.zeros(12, 4)), r"weight_ih_l999999999.*at most 16 layers"),
    "layer_16": (lambda: {**nn.GRU(3, 4, 16).state_dict(), "weight_ih_l16": torch.zeros(12, 4), "weight_hh_l16": torch.zeros(12, 4)},
                 r"weight_ih_l16.*at most 16 layers"),
    "three_d_weight": (lambda: _edited(nn.GRU(3, 4), weight_ih_l0=torch.zeros(12, 3, 1)), r"implausible shape \(12, 3, 1\)"),
    "extra_key": (lambda: _edited(nn.LSTM(3, 4, 2), weight_hr_l1=torch.zeros(2, 4)),
                  r"weight_hr_l1 do not belong to the inferred module"),
    "missing_reverse": (lambda: _edited(nn.GRU(3, 4, 2, bidirectional=True), weight_ih_l1_reverse=None),
                        r"missing weight_ih_l1_reverse"),
    "upper_layer_input": (lambda: _edited(nn.GRU(3, 4, 2, bidirectional=True), weight_ih_l1=torch.randn(12, 4)),
                          r"weight_ih_l1 has shape \(12, 4\), expected \(12, 8\).*hidden_size \* directions"),
    "bias_shape": (lambda: _edited(nn.RNN(3, 4), bias_ih_l0=torch.randn(4, 1)), r"bias_ih_l0 has shape \(4, 1\)"),
    "non_tensor": (lambda: _edited(nn.RNN(2, 2), weight_ih_l0=[[1.0, 2.0], [3.0, 4.0]]), r"weight_ih_l0 is a list, not a tensor"),
    "sparse": (lambda: _edited(nn.RNN(2, 2), weight_hh_l0=torch.eye(2).to_sparse()), r"weight_hh_l0 is a torch.sparse_coo tensor"),
    "int_tensor": (lambda: _edited(nn.RNN(2, 2), bias_hh_l0=torch.ones(2, dtype=torch.int64)), r"bias_hh_l0 has dtype torch.int64"),
    "nan": (lambda: _edited(nn.LSTM(2, 2), weight_hh_l0=torch.full((8, 2), float("nan"))), r"weight_hh_l0 contains NaN or inf"),
    "inf": (lambda: _edited(nn.LSTM(2, 2), bias_ih_l0=torch.tensor([float("inf")] * 8)), r"bias_ih_l0 contains NaN or inf"),
    "bad_projection": (lambda: _edited(nn.LSTM(3, 4, proj_size=2), weight_hr_l0=torch.zeros(3, 4)),
                       r"weight_hr_l0 has shape \(3, 4\).*weight_hr \(P, H\)"),
    "hidden_too_large": (lambda: {"weight_ih_l0": torch.zeros(1).expand(5000, 3), "weight_hh_l0": torch.zeros(1).expand(5000, 5000)},
                         r"hidden_size 5000 is too large.*<= 4096"),
    "too_many_params": (lambda: {"weight_ih_l0": torch.zeros(1).expand(16384, 1000), "weight_hh_l0": torch.zeros(1).expand(16384, 4096)},
                        r"parameters is too many.*at most 50,000,000"),
    "huge_half_view": (lambda: {"weight_ih_l0": torch.zeros(1, dtype=torch.float16).expand(10**6, 10**6),
                                "weight_hh_l0": torch.zeros(1, dtype=torch.float16).expand(10**6, 10**6)},
                       r"implausible shape \(1000000, 1000000\)"),
}


@pytest.mark.parametrize("case", list(BAD_STATES))
def test_bad_state_dicts(case):
    make, message = BAD_STATES[case]
    with pytest.raises(CheckpointError, match=message):
        cellviz.load_checkpoint(_pt(make()))


def test_int_tensor_in_safetensors():
    state = {k: v.to(torch.int32) for k, v in nn.GRU(2, 2).state_dict().items()}
    with pytest.raises(CheckpointError, match="dtype torch.int32"):
        cellviz.load_checkpoint(_encode(state, "safetensors"))


@pytest.mark.parametrize("how", ["path", "file", "bytes"])
def test_size_cap(how, tmp_path, monkeypatch):
    monkeypatch.setattr(ckpt, "MAX_BYTES", 2**20)
    data = _encode({"weight_ih_l0": torch.zeros(600, 600), "weight_hh_l0": torch.zeros(600, 600)}, "safetensors")
    with pytest.raises(CheckpointError, match="larger than the 1 MB limit"):
        _load(data, how, tmp_path)


def test_zip_bomb_is_not_unpacked(monkeypatch):
    """A deflated torch archive whose contents exceed the byte cap is refused before torch reads it."""
    monkeypatch.setattr(ckpt, "MAX_BYTES", 2**20)
    with zipfile.ZipFile(buf := io.BytesIO(), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        archive.writestr("archive/data/0", bytes(2**20 + 1))
    assert len(buf.getvalue()) < 10_000
    with pytest.raises(CheckpointError, match="unpacks to more than the 1 MB limit"):
        cellviz.load_checkpoint(buf.getvalue())


def test_text_mode_file_and_missing_path(tmp_path):
    (tmp_path / "m.pt").write_bytes(_encode(nn.RNN(2, 2).state_dict(), "pt"))
    with open(tmp_path / "m.pt", encoding="latin-1") as f, pytest.raises(CheckpointError, match="binary mode"):
        cellviz.load_checkpoint(f)
    with pytest.raises(CheckpointError, match="cannot read.*nope.pt"):
        cellviz.load_checkpoint(tmp_path / "nope.pt")


def test_caller_errors():
    with pytest.raises(ValueError, match="nonlinearity"):
        cellviz.load_checkpoint(_encode(nn.RNN(2, 2).state_dict(), "pt"), nonlinearity="sigmoid")
    with pytest.raises(TypeError, match="path, a binary file object or bytes"):
        cellviz.load_checkpoint(42)


# --- structure caps (issue 20 #2): refused from the header / the keys, before any module is built ------------------

def _safetensors_by_hand(names: list[str]) -> bytes:
    """A valid safetensors file of float32 (1, 1) zeros, written directly (safetensors' own writer takes seconds
    for 124,000 tensors)."""
    header = {name: {"dtype": "F32", "shape": [1, 1], "data_offsets": [4 * k, 4 * k + 4]} for k, name in enumerate(names)}
    raw = json.dumps(header).encode()
    return len(raw).to_bytes(8, "little") + raw + bytes(4 * len(names))


def test_62000_layers_are_refused_from_the_header_in_well_under_a_second(tmp_path):
    """The issue's file: 62,000 layers of hidden 1 in ~10 MB. The old loader built nn.RNN(num_layers=62000) (223 s).
    Timed in a subprocess with a timeout, so a regression fails instead of hanging the suite."""
    path = tmp_path / "deep.safetensors"
    path.write_bytes(_safetensors_by_hand([f"{n}_l{k}" for k in range(62_000) for n in ("weight_ih", "weight_hh")]))
    assert path.stat().st_size > 9 * 2**20
    code = ("import sys, time, cellviz\nt = time.perf_counter()\ntry:\n    cellviz.load_checkpoint(sys.argv[1])\n"
            "except cellviz.CheckpointError as e:\n    print(time.perf_counter() - t)\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    elapsed, message = done.stdout.split("\n", 1)
    assert "124,000 tensors" in message and "at most 10,000" in message
    assert float(elapsed) < 1.0, elapsed


@pytest.fixture
def no_module_built(monkeypatch):
    """Any nn.RNN / LSTM / GRU construction fails the test: caps must act before."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("a module was built before the structure was checked")
    monkeypatch.setattr(nn.RNNBase, "__init__", refuse)


@pytest.mark.parametrize("fmt", ["safetensors", "pt", "legacy"])
@pytest.mark.parametrize("layers", [17, 300])
def test_too_many_layers_refused_before_torch_reads_the_tensors(fmt, layers, monkeypatch, no_module_built):
    state = {f"{n}_l{k}": torch.zeros(1, 1) for k in range(layers) for n in ("weight_ih", "weight_hh")}
    data = _pt(state, _use_new_zipfile_serialization=False) if fmt == "legacy" else _encode(state, fmt)

    def no_tensors(*args, **kwargs):
        raise AssertionError("tensors were decoded before the structure was checked")
    monkeypatch.setattr(torch, "load", no_tensors)
    monkeypatch.setattr(ckpt.safetensors.torch, "load", no_tensors)
    with pytest.raises(CheckpointError, match=r"at most 16 layers.*at least \d+"):
        cellviz.load_checkpoint(data)


@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
def test_too_many_tensors_refused_before_decoding(fmt, monkeypatch, no_module_built):
    state = {f"x{k}.weight": torch.zeros(1) for k in range(10_001)}
    data = _safetensors_by_hand(list(state)) if fmt == "safetensors" else _encode(state, fmt)
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load ran"))
    monkeypatch.setattr(ckpt.json, "loads", lambda *a, **k: pytest.fail("the header was decoded"))
    with pytest.raises(CheckpointError, match=r"10,0\d\d tensors.*at most 10,000"):
        cellviz.load_checkpoint(data)


def test_16_layers_is_the_most_and_loads():
    original = nn.GRU(2, 2, 16).eval()
    _same(original, cellviz.load_checkpoint(_encode(original.state_dict(), "safetensors")))


def test_deep_nesting_and_absurd_shapes_in_the_header(no_module_built):
    nested: dict = {"weight_ih_l0": torch.zeros(3, 2)}
    for _ in range(40):
        nested = {"a": nested}
    with pytest.raises(CheckpointError, match="more than 32 levels deep"):
        cellviz.load_checkpoint(_pt(nested))
    header = {"weight_hh_l0": {"dtype": "F32", "shape": [1, 1, 1, 1, 1], "data_offsets": [0, 4]}}
    raw = json.dumps(header).encode()
    with pytest.raises(CheckpointError, match=r"implausible shape \(1, 1, 1, 1, 1\)"):
        cellviz.load_checkpoint(len(raw).to_bytes(8, "little") + raw + bytes(4))


# --- formats people save, cells, the embedding and head next to the module -----------------------------------------

@pytest.mark.parametrize("ext", [".pt", ".pth", ".ckpt", ".bin", ".safetensors", ""])
@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
def test_any_extension_is_read_by_content(ext, fmt, tmp_path):
    original = nn.GRU(3, 4).eval()
    _same(original, _load(_encode(original.state_dict(), fmt), "path", tmp_path, name="model" + ext))


def test_nested_checkpoint_any_depth_and_prefix_across_levels():
    """The chatbot tutorial's {'en': ..., 'de': ..., 'en_opt': ..., 'voc_dict': ...}, one level deeper too."""
    en, de = nn.GRU(4, 4, 2, bidirectional=True).eval(), nn.GRU(4, 4, 2).eval()
    ckpt_dict = {"iteration": 5, "en": {"embedding.weight": torch.randn(9, 4), **{"gru." + k: v for k, v in en.state_dict().items()}},
                 "de": {"embedding.weight": torch.randn(9, 4), **{"gru." + k: v for k, v in de.state_dict().items()},
                        "out.weight": torch.randn(9, 4), "out.bias": torch.zeros(9)},
                 "en_opt": {"state": {0: {"exp_avg": torch.zeros(3)}}, "param_groups": [{"lr": 0.1}]},
                 "voc_dict": {"name": "cornell", "word2index": {"hi": 3}}, "embedding": {"weight": torch.randn(9, 4)}}
    data = _pt({"run": {"checkpoint": ckpt_dict}})
    assert cellviz.recurrent_candidates(data) == ["run.checkpoint.de.gru", "run.checkpoint.en.gru"]
    for prefix in ("en", "en.gru", "checkpoint.en", "run.checkpoint.en.gru"):
        _same(en, cellviz.load_checkpoint(data, prefix=prefix))
    _same(de, cellviz.load_checkpoint(data, prefix="de.gru"))
    with pytest.raises(CheckpointError, match=r"'gru' matches 2 of the recurrent modules.*candidates") as info:
        cellviz.load_checkpoint(data, prefix="gru")
    assert info.value.candidates == ["run.checkpoint.de.gru", "run.checkpoint.en.gru"]
    with pytest.raises(CheckpointError, match="holds 2 recurrent modules") as info:
        cellviz.load_checkpoint(data)
    assert len(info.value.candidates) == 2


@pytest.mark.parametrize("cell_cls,module_cls,kw", [(nn.LSTMCell, nn.LSTM, {}), (nn.GRUCell, nn.GRU, {}),
                                                     (nn.RNNCell, nn.RNN, {}), (nn.RNNCell, nn.RNN, {"nonlinearity": "relu"})])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
def test_a_cell_loads_as_a_one_layer_module_exactly(cell_cls, module_cls, kw, bias, fmt):
    torch.manual_seed(0)
    cell = cell_cls(3, 5, bias=bias, **kw).double()
    loaded = cellviz.load_checkpoint(_encode({"cell." + k: v for k, v in cell.state_dict().items()}, fmt), **kw)
    assert type(loaded) is module_cls and loaded.num_layers == 1 and loaded.bias == bias
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    h = torch.zeros(2, 5, dtype=torch.float64)
    c, outs = torch.zeros(2, 5, dtype=torch.float64), []
    with torch.no_grad():
        for t in range(6):
            if cell_cls is nn.LSTMCell:
                h, c = cell(x[t], (h, c))
            else:
                h = cell(x[t], h)
            outs.append(h)
        assert torch.equal(loaded(x)[0], torch.stack(outs)) or torch.allclose(loaded(x)[0], torch.stack(outs), atol=1e-15)
    tr = cellviz.trace(loaded, x)
    np.testing.assert_allclose(tr.output, torch.stack(outs).numpy(), atol=1e-12)


def test_chained_cells_are_offered_as_a_stacked_module():
    """time_sequence_prediction: lstm1 = LSTMCell(1, 51), lstm2 = LSTMCell(51, 51), linear = Linear(51, 1)."""
    torch.manual_seed(0)
    lstm1, lstm2, linear = nn.LSTMCell(1, 51), nn.LSTMCell(51, 51), nn.Linear(51, 1)
    state = {**{"lstm1." + k: v for k, v in lstm1.state_dict().items()},
             **{"lstm2." + k: v for k, v in lstm2.state_dict().items()}, "linear.weight": linear.weight, "linear.bias": linear.bias}
    data = _encode(state, "pt")
    assert cellviz.recurrent_candidates(data) == ["lstm1", "lstm1+lstm2", "lstm2"]
    with pytest.raises(CheckpointError, match=r"prefix='lstm1\+lstm2' loads them as one 2-layer module"):
        cellviz.load_checkpoint(data)
    stacked = cellviz.load_checkpoint(data, prefix="lstm1+lstm2")
    assert isinstance(stacked, nn.LSTM) and stacked.num_layers == 2 and stacked.hidden_size == 51
    _same(cellviz.module_from_cells(lstm1, lstm2), stacked)
    assert isinstance(cellviz.load_checkpoint(data, prefix="lstm2"), nn.LSTM)
    parts = cellviz.load_checkpoint_parts(data, prefix="lstm1+lstm2")
    assert parts.head_key == "linear" and parts.embedding is None
    assert parts.notes[0] == "'lstm1+lstm2': nn.LSTMCell weights read as a 2-layer nn.LSTM (the same numbers, renamed)."
    assert torch.equal(parts.head_weight, linear.weight.detach()) and torch.equal(parts.head_bias, linear.bias.detach())
    with pytest.raises(ValueError, match="reads 3 inputs into 4 units"):
        cellviz.module_from_cells(nn.GRUCell(2, 4), nn.GRUCell(3, 4))


def test_i2h_h2h_cells_load_as_an_rnn_and_the_concat_style_is_explained():
    torch.manual_seed(0)
    i2h, h2h, h2o = nn.Linear(57, 16), nn.Linear(16, 16), nn.Linear(16, 18)
    state = {"i2h.weight": i2h.weight, "i2h.bias": i2h.bias, "h2h.weight": h2h.weight, "h2h.bias": h2h.bias,
             "h2o.weight": h2o.weight, "h2o.bias": h2o.bias}
    rnn = cellviz.load_checkpoint(_encode(state, "pt"))
    x, h, outs = torch.randn(5, 1, 57), torch.zeros(1, 16), []
    with torch.no_grad():
        for t in range(5):
            h = torch.tanh(i2h(x[t]) + h2h(h))
            outs.append(h)
        assert torch.allclose(rnn(x)[0], torch.stack(outs), atol=1e-6)
    old = {"i2h.weight": torch.randn(16, 57 + 16), "i2h.bias": torch.zeros(16), "i2o.weight": torch.randn(18, 73),
           "i2o.bias": torch.zeros(18)}
    with pytest.raises(CheckpointError, match=r"\[x_t, h_\(t-1\)\].*no nonlinearity.*2017 char-RNN.*cannot trace it"):
        cellviz.load_checkpoint(_encode(old, "pt"))


def test_parts_find_the_embedding_and_tied_head():
    """word_language_model: encoder (Embedding), rnn, decoder (Linear), tied weights."""
    torch.manual_seed(0)
    encoder, rnn, decoder = nn.Embedding(30, 8), nn.LSTM(8, 8, 2), nn.Linear(8, 30)
    decoder.weight = encoder.weight
    state = {"encoder.weight": encoder.weight, **{"rnn." + k: v for k, v in rnn.state_dict().items()},
             "decoder.weight": decoder.weight, "decoder.bias": decoder.bias}
    for fmt in ("pt", "safetensors"):
        data = _encode(state, "pt") if fmt == "pt" else st_save({k: v.detach().clone().contiguous() for k, v in state.items()})
        parts = cellviz.load_checkpoint_parts(data)
        assert parts.prefix == "rnn" and parts.candidates == ["rnn"]
        assert parts.embedding_key == "encoder.weight" and torch.equal(parts.embedding, encoder.weight.detach())
        assert parts.head_key == "decoder" and torch.equal(parts.head_weight, decoder.weight.detach())
        assert torch.equal(parts.head_bias, decoder.bias.detach())
        assert [n.split(" ")[0] for n in parts.notes] == ["batch_first=False:", "encoder.weight", "decoder"]
        _same(rnn.eval(), parts.module)
    bare = cellviz.load_checkpoint_parts(_encode(rnn.state_dict(), "pt"))
    assert bare.embedding is None and bare.head_weight is None and bare.prefix == ""


def test_parts_count_the_embedding_in_the_parameter_cap():
    state = {"emb.weight": torch.zeros(1).expand(5000, 4), **{"rnn." + k: v for k, v in nn.GRU(4, 4).state_dict().items()}}
    with pytest.raises(CheckpointError, match="emb.weight has 20,000 values"):
        cellviz.load_checkpoint_parts(_pt(state), max_params=10_000)
    assert cellviz.load_checkpoint(_pt(state), max_params=10_000).hidden_size == 4


def test_input_size_cap():
    with pytest.raises(CheckpointError, match=r"input_size 300 is too large.*<= 256"):
        cellviz.load_checkpoint(_pt(nn.RNN(300, 1).state_dict()), max_input_size=256)


@pytest.mark.parametrize("fmt", ["safetensors", "pt"])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_projection_lstm_round_trip(fmt, layers, bidirectional):
    original = nn.LSTM(4, 6, layers, bidirectional=bidirectional, proj_size=2).eval()
    loaded = cellviz.load_checkpoint(_encode({"lstm." + k: v for k, v in original.state_dict().items()}, fmt))
    assert loaded.proj_size == 2 and loaded.hidden_size == 6 and loaded.num_layers == layers
    _same(original, loaded)


@settings(max_examples=60, deadline=None)
@given(layers=st.integers(1, 40), directions=st.integers(1, 2), hidden=st.integers(1, 3), extra=st.integers(0, 3),
       gates=st.sampled_from([1, 3, 4]), fmt=st.sampled_from(["safetensors", "pt"]), wrap=st.integers(0, 3))
def test_fuzzed_structures_load_exactly_or_are_refused_before_building(layers, directions, hidden, extra, gates, fmt, wrap):
    """Random recurrent structures (up to 40 layers, junk keys, nesting): a plausible one loads as the module it is;
    one past the caps is refused by CheckpointError, and no module is built for it."""
    cls = {1: nn.RNN, 3: nn.GRU, 4: nn.LSTM}[gates]
    G = gates
    state = {}
    for l in range(layers):
        for suffix in ("", "_reverse")[:directions]:
            state[f"rnn.weight_ih_l{l}{suffix}"] = torch.randn(G * hidden, 2 if l == 0 else hidden * directions)
            state[f"rnn.weight_hh_l{l}{suffix}"] = torch.randn(G * hidden, hidden)
    for k in range(extra):
        state[f"junk{k}.weight"] = torch.randn(2)
    built = []
    original_init = nn.RNNBase.__init__

    def spy(self, *args, **kwargs):
        built.append(kwargs.get("num_layers", args[3] if len(args) > 3 else 1))
        original_init(self, *args, **kwargs)
    obj: object = state
    for _ in range(wrap):
        obj = {"state_dict": obj, "epoch": 3}
    data = _encode(state, fmt) if wrap == 0 or fmt == "safetensors" else _pt(obj)
    nn.RNNBase.__init__ = spy
    try:
        if layers > 16:
            with pytest.raises(CheckpointError, match="at most 16 layers"):
                cellviz.load_checkpoint(data)
            assert not built
        else:
            m = cellviz.load_checkpoint(data)
            assert type(m) is cls and m.num_layers == layers and m.bidirectional == (directions == 2)
            assert built == [layers]
    finally:
        nn.RNNBase.__init__ = original_init


def test_a_checkpoint_with_its_argparse_namespace_loads_and_other_objects_are_refused():
    import argparse
    original = nn.GRU(2, 3).eval()
    _same(original, cellviz.load_checkpoint(_pt({"args": argparse.Namespace(lr=0.1, model="GRU"), "epoch": 3,
                                                   "state_dict": original.state_dict()})))
    with pytest.raises(CheckpointError, match=r"(?s)refused to unpickle.*checkpoint dict holding such an object"):
        cellviz.load_checkpoint(_pt({"scheduler": torch.optim.lr_scheduler.StepLR(torch.optim.SGD(original.parameters(), 0.1), 1),
                                     "state_dict": original.state_dict()}))


def test_parts_say_what_was_assumed():
    parts = cellviz.load_checkpoint_parts(_pt(nn.RNN(3, 4).state_dict()), nonlinearity="relu", batch_first=True)
    assert "batch_first=True: a batch is read as (B, T, I) (a state_dict cannot say which)." in parts.notes
    assert any(n.startswith("nonlinearity='relu'") for n in parts.notes)
