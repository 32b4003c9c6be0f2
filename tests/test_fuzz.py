"""Hostile input across the app: hypothesis-fuzzed text, series and typed numbers, hostile uploads.

The rule (DESIGN.md): bad input never crashes a page — the input functions return a valid result or raise a
ValueError with a message; the page shows it as an error and runs nothing from an uploaded file.
The checkpoint loader's own file fuzzing lives in test_checkpoint.py; here the *page* path is tested.
Deep-link query parameters are fuzzed with the links module's own tests.
"""
from __future__ import annotations

import io
import os
import pickle
import struct

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cellviz
import cellviz.zoo
from app_driver import assert_clean, charts, open_page, shown
from cellviz.ui import data, uploads
from cellviz.ui.state import UPLOAD

# one zoo model per task: every task's parse (text, symbols, series, number words, waveform shapes)
TASK_MODELS = {}
for _name in cellviz.zoo.names():
    TASK_MODELS.setdefault(cellviz.zoo.card(_name)["task"], _name)
FAST = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)),  # FUZZ_EXAMPLES=2000: a deeper run
                deadline=None, suppress_health_check=[HealthCheck.too_slow])
JUNK = ["", " ", ",", ";", "\n", "\t", "?", "-", ".", "e", "nan", "inf", "-inf", "1e309", "-1e39", "1e39", "0x1p3",
        "１２", "٣", "\x00", "\u202e", "😀", "(", ")", "((((((((((", "<script>", "'", '"', "\\", "None", "1_000"]


def _tokens_of(name: str) -> list[str]:
    task = data.zoo_model(name).task
    try:
        choices = list(task.choices)
    except Exception:          # noqa: BLE001 — a task without a fixed alphabet
        choices = []
    return [c for c in choices if isinstance(c, str)][:200]


def text_for(name: str):
    """Mostly-plausible and plainly hostile inputs for a task: its own symbols mixed with junk, plus any text."""
    words = st.sampled_from(_tokens_of(name) + JUNK + [task_sample(name)])
    sep = st.sampled_from(["", " ", ",", ", ", "\n"])
    built = st.tuples(st.lists(words, max_size=450), sep).map(lambda p: p[1].join(p[0]))
    return st.one_of(st.text(max_size=500), built)


def task_sample(name: str) -> str:
    return data.zoo_model(name).task.sample(0).text


def _check_example(name: str, source: data.Typed) -> None:
    try:
        ex = data.zoo_example(name, source)
    except ValueError as e:
        assert str(e).strip(), "a ValueError needs a message saying what is wrong"
        return
    task = data.zoo_model(name).task
    assert 1 <= len(ex.tokens) <= task.max_len + 1


@pytest.mark.parametrize("name", list(TASK_MODELS.values()))
def test_every_task_parse_returns_or_explains(name):
    @FAST
    @given(text=text_for(name))
    def run(text):
        _check_example(name, data.Typed(text))
    run()


@pytest.mark.parametrize("name", list(TASK_MODELS.values()))
def test_every_task_traces_what_it_accepts(name):
    """Whatever parse accepts, the trace runs on (finite, the right length): the page's whole input path."""
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=text_for(name))
    def run(text):
        try:
            subject = data.zoo_subject(data.ZooSource(name, data.Typed(text), data.zoo_model(name).parts()[0]))
        except ValueError as e:
            assert str(e).strip()
            return
        assert len(subject.tokens) == subject.steps >= 1
        assert np.isfinite(subject.trace.layer(0).h).all()
    run()


def _option_values(param):
    ints = st.integers(-10**9, 10**9)
    floats = st.floats(allow_nan=True, allow_infinity=True)
    return st.one_of(st.none(), ints, floats) if param.type is float else st.one_of(st.none(), ints)


@pytest.mark.parametrize("name", [n for n in TASK_MODELS.values() if data.parse_options(n)])
def test_task_options_fuzzed(name):
    """lag / period / amplitude / length: any number (or none) is used or explained."""
    opts = data.parse_options(name)

    @FAST
    @given(values=st.fixed_dictionaries({k: _option_values(p) for k, p in opts.items()}),
           text=st.one_of(st.just(task_sample(name)), text_for(name)))
    def run(values, text):
        chosen = tuple(sorted((k, v) for k, v in values.items() if v is not None))
        _check_example(name, data.Typed(text, chosen))
    run()


# --- the export CLI's options (issue 14.5) ----------------------------------------------------------------
NUMBERISH = ["inf", "-inf", "nan", "1e400", "-1e400", "1e308", "9" * 400, "9" * 5000, "1.5", "0", "-1", "7",
             "0x10", "1_0", "١٢", "", " ", "=", "==3", "lag", "1e-400", "3.0", "2e1"]


def _cli_option():
    key = st.one_of(st.sampled_from(["lag", "period", "amplitude", "length", "seed", "x", ""]),
                    st.text(max_size=20))
    value = st.one_of(st.sampled_from(NUMBERISH), st.text(max_size=40),
                      st.integers(-10**30, 10**30).map(str),
                      st.floats(allow_nan=True, allow_infinity=True).map(repr))
    return st.one_of(st.tuples(key, value).map(lambda kv: f"{kv[0]}={kv[1]}"), st.text(max_size=40))


@pytest.mark.parametrize("name, text", [("lag-lstm", "Bxwzy?"), ("waveform-lstm", "sine"),
                                        ("forecast-gru", "0.1, 0.5, 0.9")])
def test_export_cli_options_fuzzed(name, text, tmp_path_factory):
    """Any --option KEY=VALUE list ends in a written page (exit 0) or one stderr line (exit 2): never a
    traceback. The page itself is stubbed (it is tested in test_export): options only reach parse and trace."""
    from unittest import mock

    from cellviz import export
    out = tmp_path_factory.mktemp("cli") / "x.html"

    @FAST
    @given(options=st.lists(_cli_option(), max_size=3))
    def run(options):
        argv = ["--model", name, "--text", text, "-o", str(out)]
        for o in options:
            argv += ["--option", o]
        err = io.StringIO()
        with mock.patch.object(export, "trace_to_html", lambda *a, **k: "<html></html>"), \
                mock.patch("sys.stderr", err), mock.patch("sys.stdout", io.StringIO()):
            try:
                code = export.main(argv)
            except SystemExit as e:         # argparse's own usage errors (e.g. an option that looks like a flag)
                code = e.code
        assert code in (0, 2), (argv, err.getvalue())
        if code == 2:
            message = err.getvalue()
            assert "Traceback" not in message and message.strip() and len(message) < 1200, message[:300]
    run()


# --- trace arguments (issue 14.8) ------------------------------------------------------------------------
MODULES = {"rnn": torch.nn.RNN(2, 3), "lstm": torch.nn.LSTM(2, 3, num_layers=2), "gru": torch.nn.GRU(2, 3,
                                                                                                    bidirectional=True)}
ODD = st.sampled_from([None, 0, -1, 5, 6, -7, 1.5, float("nan"), True, "2", np.int64(3), np.float64(2.0), [1], 10**30])
VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), st.integers(-10**6, 10**6),
                   st.sampled_from([float("nan"), float("inf"), 1e300, -0.0]))


@pytest.mark.parametrize("kind", list(MODULES))
def test_trace_arguments_fuzzed(kind):
    """x with NaN / inf / huge values, any at_step, and interventions with any value, step, units and place:
    a trace with finite numbers, or a ValueError with a message (never IndexError, TypeError or NaN traces)."""
    module = MODULES[kind]
    targets = ["h", "c", "f", "i", "z", "n", "x", ""]

    @FAST
    @given(x=st.lists(st.tuples(VALUES, VALUES), min_size=1, max_size=6), at_step=ODD,
           edits=st.lists(st.fixed_dictionaries({
               "target": st.sampled_from(targets), "value": st.one_of(VALUES, st.tuples(VALUES, VALUES)),
               "step": ODD, "units": st.one_of(st.none(), st.tuples(st.integers(-2, 4)), st.just((0.5,))),
               "layer": st.sampled_from([0, 1, 2, 0.0]), "direction": st.sampled_from([0, 1, -1])}), max_size=2))
    def run(x, at_step, edits):
        try:
            interventions = [cellviz.Intervention(**e) for e in edits]
            tr = cellviz.trace(module, np.asarray(x, dtype=np.float64), at_step=at_step, interventions=interventions)
        except ValueError as e:
            assert str(e).strip() and len(str(e)) < 1000
            return
        for layer in range(tr.num_layers):
            for d in range(tr.num_directions):
                rec = tr.layer(layer, d)
                assert np.isfinite(rec.h).all() and np.isfinite(rec.grad_h).all()
    run()


# --- typed numbers for an uploaded module -------------------------------------------------------------
NUMBER_TOKENS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                          st.integers(-10**400, 10**400).map(str), st.sampled_from(JUNK))


@FAST
@given(width=st.integers(1, 5),
       rows=st.lists(st.tuples(st.lists(NUMBER_TOKENS, max_size=7), st.sampled_from([" ", ",", ", ", "\t"])),
                     max_size=30),
       line_sep=st.sampled_from(["\n", ";", "\r\n", "\n\n"]), raw=st.text(max_size=200), use_raw=st.booleans())
@example(width=1, rows=[], line_sep="\n", raw="1e39", use_raw=True)          # finite in float64, inf in float32
@example(width=2, rows=[], line_sep="\n", raw="1 2\n3 -3.5e38", use_raw=True)
def test_parse_numbers_returns_finite_rows_or_explains(width, rows, line_sep, raw, use_raw):
    text = raw if use_raw else line_sep.join(sep.join(tokens) for tokens, sep in rows)
    try:
        x = uploads.parse_numbers(text, width)
    except ValueError as e:
        assert str(e).strip()
        return
    assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == width
    assert 1 <= x.shape[0] <= uploads.MAX_UPLOAD_STEPS
    assert np.isfinite(x).all(), "a number that overflows float32 must be refused, not become inf"


def test_parse_numbers_refuses_too_many_steps():
    with pytest.raises(ValueError, match=str(uploads.MAX_UPLOAD_STEPS)):
        uploads.parse_numbers("\n".join(["1"] * (uploads.MAX_UPLOAD_STEPS + 1)), 1)


@FAST
@given(width=st.integers(1, 8), source=st.sampled_from(["random", "onehot"]),
       length=st.integers(-10**6, 10**6), seed=st.integers(0, 2**63))
def test_generated_upload_inputs_are_bounded(width, source, length, seed):
    try:
        x = uploads.upload_input(width, uploads.UploadInput(source, length, seed))
    except ValueError as e:
        assert str(e).strip()
        assert not 1 <= length <= uploads.MAX_UPLOAD_STEPS
        return
    assert x.shape == (length, width) and np.isfinite(x).all()


# --- the page: uploads --------------------------------------------------------------------------------
class _Marker:
    """Unpickling this runs code that writes a file: loading it must never happen."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (exec, (f"open({self.path!r}, 'w').write('executed')",))


def _errors(at) -> str:
    return " ".join(shown(e.value) for e in at.error)


def _upload(at, name: str, raw: bytes):
    at.selectbox(key="model").set_value(UPLOAD).run()
    at.file_uploader(key="upload").set_value((name, raw, "application/octet-stream")).run()
    return at


def _torch_bytes(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def upload_page():
    return open_page("cell")


def _hostile_files(marker) -> list[tuple[str, bytes, str]]:
    legit = torch.nn.LSTM(2, 3).state_dict()
    header = b'{"x": {"dtype": "F32", "shape": [1000000000], "data_offsets": [0, 4000000000]}}'
    return [
        ("evil.pt", pickle.dumps(_Marker(marker)), ""),                               # plain pickle
        ("evil-zip.pt", _torch_bytes({"weight_ih_l0": _Marker(marker)}), ""),          # torch.save zip
        ("evil-mixed.pth", _torch_bytes({**legit, "extra": _Marker(marker)}), ""),     # real weights + payload
        ("evil.safetensors", pickle.dumps(_Marker(marker)), ""),                      # pickle under a safe name
        ("huge-header.safetensors", struct.pack("<Q", 2**62) + b"{}", ""),            # lying header length
        ("huge-tensor.safetensors", struct.pack("<Q", len(header)) + header, ""),    # lying tensor size
        ("oversized.pt", b"\x00" * (11 * 2**20), ""),                                 # over maxUploadSize = 10 MB
        ("weights.pkl", b"MZ\x90\x00" + bytes(100), ".safetensors"),                 # neither format, any name
    ]


def test_hostile_uploads_are_explained_and_never_run(tmp_path, upload_page):
    """Each file gets a clear st.error, no exception, no chart — and the payload never runs."""
    marker = tmp_path / "executed.txt"
    at = upload_page
    for name, raw, says in _hostile_files(marker):
        _upload(at, name, raw)
        assert not at.exception, (name, [e.value for e in at.exception])
        msg = _errors(at)
        assert msg.strip() and name in msg, (name, msg)
        assert says in msg, (name, msg)
        assert not charts(at), name
        assert not marker.exists(), f"{name}: the pickle payload ran"
    # and the page still works afterwards with a legitimate file
    _upload(at, "ok.pt", _torch_bytes(torch.nn.GRU(2, 4).state_dict()))
    assert_clean(at)
    assert charts(at)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=4096), st.binary(min_size=8, max_size=64).map(lambda b: b"PK\x03\x04" + b)),
       ext=st.sampled_from([".pt", ".pth", ".safetensors"]))
def test_random_bytes_upload_is_explained(upload_page, raw, ext):
    at = _upload(upload_page, "random" + ext, raw)
    assert not at.exception, [e.value for e in at.exception]
    assert _errors(at).strip()
    assert not charts(at)


# --- the page: fuzzed text in the sidebar --------------------------------------------------------------
_PAGES: dict[str, object] = {}


def _page_for(model: str):
    if model not in _PAGES:
        _PAGES[model] = open_page("cell", model)
    return _PAGES[model]


@pytest.mark.parametrize("model", ["lag-lstm", "charlm-gru", "forecast-gru"])
def test_fuzzed_sidebar_text_never_crashes_the_page(model):
    if model not in cellviz.zoo.names():
        pytest.skip(f"{model} not in the zoo")

    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=text_for(model))
    def run(text):
        at = _page_for(model)
        at.text_area(key="text").input(text).run()
        assert not at.exception, [e.value for e in at.exception]
        msg = _errors(at)
        if msg:
            assert not charts(at), "a refused input draws nothing"
        else:
            assert charts(at), "accepted input must draw"
    run()


# --- upload structure (issue 20): input size, layers, tensor count ---------------------------------------
def _structure_file(kind: str, inputs: int, hidden: int, layers: int, bi: bool, extra: int, fmt: str) -> bytes:
    """A recurrent state_dict written by hand (nn.RNN(num_layers=L) itself is quadratic in L), plus `extra`
    unrelated tensors, as torch.save or safetensors."""
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    state = {}
    for layer in range(layers):
        for suffix in ("", "_reverse") if bi else ("",):
            width = inputs if layer == 0 else hidden * (2 if bi else 1)
            state[f"weight_ih_l{layer}{suffix}"] = torch.zeros(gates * hidden, width)
            state[f"weight_hh_l{layer}{suffix}"] = torch.zeros(gates * hidden, hidden)
    state.update({f"head.t{k}": torch.zeros(1) for k in range(extra)})
    if fmt == "safetensors":
        from safetensors.torch import save
        return save(state)
    return _torch_bytes(state)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["rnn", "gru", "lstm"]), inputs=st.one_of(st.integers(1, 64), st.integers(3000, 6000)),
       hidden=st.integers(1, 6), layers=st.one_of(st.integers(1, 4), st.integers(14, 40)), bi=st.booleans(),
       extra=st.one_of(st.just(0), st.integers(9900, 10100)), fmt=st.sampled_from(["pt", "safetensors"]))
@example(kind="rnn", inputs=1, hidden=1, layers=2000, bi=False, extra=0, fmt="safetensors")
def test_upload_structure_fuzzed(kind, inputs, hidden, layers, bi, extra, fmt):
    """Any number of layers, input features and tensors: the module loads within every cap (and its trace and
    every-step budgets count the input), or the upload is refused with a message — quickly, from the header."""
    import time
    raw = _structure_file(kind, inputs, hidden, layers, bi, extra, fmt)
    started = time.process_time()
    try:
        module = uploads.upload_module(uploads.digest(raw), raw, "", "tanh")
    except cellviz.CheckpointError as e:
        assert str(e).strip() and len(str(e)) < 1000
        assert layers > cellviz.checkpoint.MAX_LAYERS or inputs > uploads.MAX_UPLOAD_INPUT or \
            2 * layers * (2 if bi else 1) + extra > cellviz.checkpoint.MAX_TENSORS, str(e)
        assert time.process_time() - started < 2.0
        return
    finally:
        uploads.upload_module.clear()
    assert module.num_layers == layers <= cellviz.checkpoint.MAX_LAYERS and module.input_size == inputs <= 4096
    steps = uploads.upload_steps(module)
    assert steps * uploads.step_bytes(module) <= uploads.UPLOAD_TRACE_BYTES or steps == 1
    from cellviz import loss_terms
    D = 2 if bi else 1
    per_copy = steps * (hidden * layers * D * loss_terms.BYTES_PER_STATE + inputs * loss_terms.BYTES_PER_INPUT)
    if loss_terms.cost(steps, hidden, layers, D, inputs) <= data.ALL_STEPS_COST:
        assert per_copy <= loss_terms.BUDGET_BYTES      # a chunk of one copy already fits the budget
