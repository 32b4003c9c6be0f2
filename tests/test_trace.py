"""cellviz.trace against torch.nn (values) and autograd (gradients), for every module configuration."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn

import cellviz
from reference import reference

KINDS = [("lstm", nn.LSTM, {}), ("gru", nn.GRU, {}), ("rnn", nn.RNN, {}), ("rnn", nn.RNN, {"nonlinearity": "relu"})]
CONFIGS = list(itertools.product([1, 2], [False, True], [False, True], [True, False]))  # layers, bidir, batch_first, bias


def _tol(dtype):
    return (1e-5, 1e-4) if dtype == torch.float32 else (1e-11, 1e-9)


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-12)


def _check(m, x, h0=None, loss=None, at_step=None):
    dtype = next(m.parameters()).dtype
    atol, rtol = _tol(dtype)
    tr = cellviz.trace(m, x, h0=h0, loss=loss, at_step=at_step)
    with torch.no_grad():
        out, hn = m(x, h0)
    np.testing.assert_allclose(tr.output, out.numpy(), atol=atol, rtol=0)
    if isinstance(hn, tuple):
        np.testing.assert_allclose(tr.h_n, hn[0].numpy(), atol=atol)
        np.testing.assert_allclose(tr.c_n, hn[1].numpy(), atol=atol)
    else:
        np.testing.assert_allclose(tr.h_n, hn.numpy(), atol=atol)
    ref = reference(m, x, h0=h0, loss=loss, at_step=at_step)
    np.testing.assert_allclose(ref["output"].numpy(), out.numpy(), atol=atol)   # the reference is right
    np.testing.assert_allclose(tr.loss, ref["loss"].numpy(), atol=atol, rtol=atol)
    for (l, d), r in ref["layers"].items():
        rec = tr.layer(l, d)
        np.testing.assert_allclose(rec.h, torch.stack(r["h"]).detach().numpy(), atol=atol)
        if r["c"] is not None:
            np.testing.assert_allclose(rec.c, torch.stack(r["c"]).detach().numpy(), atol=atol)
        else:
            assert rec.c is None and rec.grad_c is None
        assert set(rec.gates) == set(r["gates"])
        for g, vals in r["gates"].items():
            np.testing.assert_allclose(rec.gates[g], torch.stack(vals).detach().numpy(), atol=atol)
        assert _rel(rec.grad_h, torch.stack(r["grad_h"]).numpy()) < rtol
        if r["grad_c"] is not None:
            assert _rel(rec.grad_c, torch.stack(r["grad_c"]).numpy()) < rtol
    assert _rel(tr.grad_x, ref["grad_x"].numpy()) < rtol
    return tr


@pytest.mark.parametrize("kind,cls,kw", KINDS, ids=["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("layers,bidir,batch_first,bias", CONFIGS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["f32", "f64"])
def test_matches_torch(kind, cls, kw, layers, bidir, batch_first, bias, dtype):
    torch.manual_seed(layers * 7 + bidir * 3 + batch_first)
    m = cls(4, 6, num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias, **kw).to(dtype)
    x = torch.randn((2, 9, 4) if batch_first else (9, 2, 4), dtype=dtype)
    tr = _check(m, x)
    assert tr.kind == kind and tr.num_layers == layers and tr.num_directions == (2 if bidir else 1)
    assert tr.hidden_size == 6
    rec = tr.layer(layers - 1, tr.num_directions - 1)
    assert rec.h.shape == (9, 2, 6)
    for g in rec.gates.values():
        assert g.shape == (9, 2, 6)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_unbatched_input_and_user_h0(cls):
    torch.manual_seed(1)
    m = cls(3, 5, num_layers=2, bidirectional=True)
    x = torch.randn(7, 3)
    h0 = torch.randn(4, 5)
    h0 = (h0, torch.randn(4, 5)) if cls is nn.LSTM else h0
    tr = _check(m, x, h0=h0)
    assert tr.output.shape == (7, 10) and tr.layer(1, 1).h.shape == (7, 1, 5)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_user_loss_over_output_and_state(cls):
    torch.manual_seed(2)
    m = cls(3, 4, num_layers=2, batch_first=True)
    x = torch.randn(2, 8, 3)
    target = torch.randn(2, 8, 4)

    def loss(output, h_n):
        hn = h_n[0] if isinstance(h_n, tuple) else h_n
        extra = h_n[1].pow(2).sum() if isinstance(h_n, tuple) else 0
        return ((output - target) ** 2).mean() + hn[0].sum() * 0.3 + extra
    _check(m, x, loss=loss)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("step", [0, 4, 9])
def test_gradient_of_a_single_step(cls, bidir, step):
    torch.manual_seed(3)
    m = cls(3, 4, num_layers=2, bidirectional=bidir)
    x = torch.randn(10, 2, 3)
    tr = _check(m, x, loss=lambda o, h: (o ** 2).sum(), at_step=step)
    if not bidir:  # causality: nothing after the loss step affects it
        assert np.all(tr.input_sensitivity[step + 1:] == 0) and np.all(tr.input_sensitivity[:step + 1] > 0)


def test_lstm_long_sequence_float64_tight():
    torch.manual_seed(4)
    m = nn.LSTM(8, 16).double()
    x = torch.randn(200, 1, 8, dtype=torch.float64)
    _check(m, x)


def test_gate_pre_activations_and_gradients_are_consistent():
    torch.manual_seed(5)
    m = nn.LSTM(3, 4)
    tr = cellviz.trace(m, torch.randn(6, 1, 3))
    rec = tr.layer(0)
    for g in "ifo":
        np.testing.assert_allclose(rec.gates[g], 1 / (1 + np.exp(-rec.preacts[g])), atol=1e-6)
    np.testing.assert_allclose(rec.gates["g"], np.tanh(rec.preacts["g"]), atol=1e-6)
    norms = rec.gate_grad_norms()
    assert set(norms) == set("ifgo") and norms["f"].shape == (6, 1)
    # dL/d(pre_o) = dL/dh * tanh(c) * o (1 - o)
    o = rec.gates["o"]
    np.testing.assert_allclose(rec.grad_gates["o"], rec.grad_h * np.tanh(rec.c) * o * (1 - o), atol=1e-6)


def test_jacobian_norms_match_autograd():
    from cellviz import cells, grads
    from cellviz.trace import layer_weights
    torch.manual_seed(6)
    for cls in (nn.RNN, nn.GRU, nn.LSTM):
        m = cls(3, 5).double()
        x = torch.randn(12, 1, 3, dtype=torch.float64)
        kind = cellviz.trace(m, x).kind
        w = layer_weights(m, 0, 0)
        z = np.zeros((1, 5))
        fw = cells.forward(kind, w, x.numpy(), z, z if kind == "lstm" else None)
        norms = grads.jacobian_norms(fw, w)
        # autograd: the Jacobian of h_T w.r.t. each h_t via the reference loop
        ref = []
        for t in range(12):
            def h_T_from(h_t, t=t):
                out = reference_tail(m, x, fw, t, h_t)
                return out
            J = torch.autograd.functional.jacobian(h_T_from, torch.from_numpy(fw.h[t, 0].copy()))
            ref.append(J.norm().item())
        np.testing.assert_allclose(norms, ref, rtol=1e-8)


def reference_tail(m, x, fw, t, h_t):
    """h_T as a function of h_t, holding c_t fixed (LSTM), by torch ops."""
    c = None if fw.c is None else torch.from_numpy(fw.c[t, 0].copy())
    h = h_t
    for s in range(t + 1, x.shape[0]):
        if isinstance(m, nn.LSTM):
            _, (h, c) = m(x[s:s + 1, 0], (h[None], c[None]))
            h, c = h[0], c[0]
        else:
            _, h = m(x[s:s + 1, 0], h[None])
            h = h[0]
    return h


def test_bad_inputs_raise_clear_errors():
    m = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match="input_size=3"):
        cellviz.trace(m, torch.randn(5, 1, 2))
    with pytest.raises(ValueError, match="2-D"):
        cellviz.trace(m, torch.randn(5))
    with pytest.raises(ValueError, match="no time steps"):
        cellviz.trace(m, torch.randn(0, 1, 3))
    with pytest.raises(ValueError, match=r"tuple \(h_0, c_0\)"):
        cellviz.trace(m, torch.randn(5, 1, 3), h0=torch.zeros(1, 1, 4))
    with pytest.raises(ValueError, match="shape"):
        cellviz.trace(m, torch.randn(5, 1, 3), h0=(torch.zeros(2, 1, 4), torch.zeros(1, 1, 4)))
    with pytest.raises(ValueError, match="scalar"):
        cellviz.trace(m, torch.randn(5, 1, 3), loss=lambda o, h: o)
    with pytest.raises(TypeError, match="RNN, LSTM or GRU"):
        cellviz.trace(nn.Linear(3, 4), torch.randn(5, 1, 3))
    with pytest.raises(ValueError, match="at_step"):
        cellviz.trace(m, torch.randn(5, 1, 3), at_step=5)


def test_numpy_input_is_accepted():
    m = nn.GRU(2, 3)
    x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    tr = cellviz.trace(m, x)
    with torch.no_grad():
        out, _ = m(torch.from_numpy(x))
    np.testing.assert_allclose(tr.output, out.numpy(), atol=1e-6)


@pytest.mark.integration
def test_engine_imports_without_streamlit():
    import subprocess
    import sys
    code = "import sys, cellviz, torch; cellviz.trace(torch.nn.GRU(2, 3), torch.zeros(4, 2)); " \
           "assert 'streamlit' not in sys.modules and 'plotly' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.integration
def test_benchmark_script_runs(capsys):
    """The benchmark measures what it prints: a time for every cell on both sides and the trace's memory
    (an LSTM trace holds at least h, c, the 4 gates and dL/dh, dL/dc: 8 (T, H) float32 arrays)."""
    from cellviz import bench
    out = bench.main(["--hidden", "8", "--steps", "20", "--repeat", "1", "--memory-steps", "50",
                      "--memory-hidden", "8", "--skip-naive"])
    printed = capsys.readouterr().out
    for cell in ("LSTM", "GRU", "RNN"):
        r = out[cell]
        assert r["fused"] > 0 and r["trace"] > 0 and r["ratio"] == pytest.approx(r["trace"] / r["fused"])
        assert f"{r['ratio']:6.2f}x" in printed
    mem = out["memory"]
    assert mem["one_array"] == 50 * 8 * 4 and mem["held"] >= 8 * mem["one_array"] and mem["peak"] > 0


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["lstm", "gru", "rnn_tanh", "rnn_relu"]), layers=st.integers(1, 3),
       bidir=st.booleans(), batch_first=st.booleans(), bias=st.booleans(), unbatched=st.booleans(),
       T=st.integers(1, 12), B=st.integers(1, 3), I=st.integers(1, 5), H=st.integers(1, 7),
       seed=st.integers(0, 2**16))
def test_random_shapes_match_torch(kind, layers, bidir, batch_first, bias, unbatched, T, B, I, H, seed):
    torch.manual_seed(seed)
    cls, kw = {"lstm": (nn.LSTM, {}), "gru": (nn.GRU, {}), "rnn_tanh": (nn.RNN, {}),
               "rnn_relu": (nn.RNN, {"nonlinearity": "relu"})}[kind]
    m = cls(I, H, num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias, **kw).double()
    shape = (T, I) if unbatched else ((B, T, I) if batch_first else (T, B, I))
    _check(m, torch.randn(shape, dtype=torch.float64), loss=lambda o, h: (o.sin() * o).sum())


def test_fused_lstm_path_is_right_on_many_threads_at_once():
    """The fused LSTM kernel runs through torch.func.functional_call on a weightless template that swaps the
    weights in for the call: sessions trace on several threads, so each thread has its own template (a race on a
    shared one is rare enough that this smoke test cannot force it; it checks every thread's values)."""
    import threading
    modules = [nn.LSTM(3, 5 + k % 2) for k in range(6)]
    x = torch.randn(40, 1, 3)
    results, errors = {}, []

    def run(k):
        try:
            for _ in range(5):
                results[k] = cellviz.trace(modules[k], x).output
        except Exception as e:        # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(modules))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for k, m in enumerate(modules):
        with torch.no_grad():
            np.testing.assert_allclose(results[k], m(x)[0].numpy(), atol=1e-6)


def test_norms_of_a_vanishing_gradient_do_not_underflow():
    """A gradient of ~1e-28 is representable in float32, its square is not: norms are taken in float64."""
    torch.manual_seed(0)
    m = nn.RNN(1, 4)
    with torch.no_grad():
        m.weight_hh_l0.copy_(0.01 * torch.eye(4))
    tr = cellviz.trace(m, torch.ones(16, 1))
    assert 0 < np.abs(tr.layer(0).grad_h[0]).max() < 1e-19          # the gradient far back is tiny, not 0
    assert tr.input_sensitivity[0, 0] > 0
    assert tr.grad_norm_by_distance()[-1] > 0
    assert all(v[0, 0] > 0 for v in tr.layer(0).gate_grad_norms().values())


@pytest.mark.parametrize("layers,bidir,batch_first,bias", CONFIGS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["f32", "f64"])
def test_lstm_with_projections_matches_torch(layers, bidir, batch_first, bias, dtype):
    """nn.LSTM(proj_size=P): h_t = W_hr (o_t * tanh c_t) has P units, c_t and the gates keep H."""
    torch.manual_seed(layers * 5 + bidir)
    m = nn.LSTM(4, 6, num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias, proj_size=3).to(dtype)
    x = torch.randn((2, 9, 4) if batch_first else (9, 2, 4), dtype=dtype)
    h0 = (torch.randn(layers * (1 + bidir), 2, 3, dtype=dtype), torch.randn(layers * (1 + bidir), 2, 6, dtype=dtype))
    tr = _check(m, x, h0=h0, loss=lambda o, h: o.sin().sum() + h[0].pow(2).sum() + h[1].sum())
    assert tr.hidden_size == 6 and tr.proj_size == 3
    rec = tr.layer(layers - 1, tr.num_directions - 1)
    assert rec.h.shape == (9, 2, 3) and rec.c.shape == (9, 2, 6) and rec.grad_c.shape == (9, 2, 6)
    assert all(g.shape == (9, 2, 6) for g in rec.gates.values()) and tr.output.shape[-1] == 3 * tr.num_directions


def test_lstm_with_projections_under_interventions_matches_the_reference():
    """The step loop (used whenever something is forced) projects too, and a forced h cuts its P units."""
    torch.manual_seed(9)
    m = nn.LSTM(3, 5, num_layers=2, proj_size=2).double()
    x = torch.randn(8, 1, 3, dtype=torch.float64)
    edits = [cellviz.Intervention("h", 0.5, step=3, units=(1,)), cellviz.Intervention("f", 1.0, step=5, layer=1)]
    tr = cellviz.trace(m, x, loss=lambda o, h: (o ** 2).sum(), interventions=edits)
    ref = reference(m, x, loss=lambda o, h: (o ** 2).sum(), interventions=edits)
    np.testing.assert_allclose(tr.output, ref["output"].numpy(), atol=1e-12)
    for (l, d), r in ref["layers"].items():
        np.testing.assert_allclose(tr.layer(l, d).h, torch.stack(r["h"]).detach().numpy(), atol=1e-12)
        assert _rel(tr.layer(l, d).grad_h, torch.stack(r["grad_h"]).numpy()) < 1e-9
        assert _rel(tr.layer(l, d).grad_c, torch.stack(r["grad_c"]).numpy()) < 1e-9
    assert _rel(tr.grad_x, ref["grad_x"].numpy()) < 1e-9
    with pytest.raises(ValueError, match=r"out of range 0..1"):
        cellviz.trace(m, x, interventions=[cellviz.Intervention("h", 0.0, units=(2,))])
    cellviz.trace(m, x, interventions=[cellviz.Intervention("c", 0.0, units=(4,))])   # c keeps H = 5 units


def test_trace_records_how_the_input_was_read():
    """What the repr and the app's header say: T x B x I, batch_first, unbatched, the nonlinearity, proj_size."""
    tr = cellviz.trace(nn.RNN(3, 4, nonlinearity="relu", batch_first=True), torch.randn(5, 7, 3))
    assert (tr.seq_len, tr.batch_size, tr.input_size, tr.batch_first, tr.unbatched, tr.nonlinearity, tr.proj_size) == \
        (7, 5, 3, True, False, "relu", 0)
    tr = cellviz.trace(nn.LSTM(3, 4, proj_size=2), torch.randn(6, 3))
    assert (tr.seq_len, tr.batch_size, tr.batch_first, tr.unbatched, tr.nonlinearity, tr.proj_size, tr.hidden_size) == \
        (6, 1, False, True, "tanh", 2, 4)
    assert tr.rnn_path is None


def test_token_ids_cells_and_packed_input_get_messages():
    m = nn.GRU(16, 4)
    for ids in (torch.randint(0, 50, (12, 1)), torch.randint(0, 50, (12,)), np.arange(12).reshape(12, 1)):
        with pytest.raises(ValueError, match=r"token ids\?.*input_size=16.*embed the ids first.*nn.Embedding\(V, 16\)"):
            cellviz.trace(m, ids)
    np.testing.assert_allclose(cellviz.trace(m, torch.eye(16)[torch.arange(5)].long()).output,   # integer one-hot rows
                               m(torch.eye(16)[torch.arange(5)])[0].detach().numpy(), atol=1e-6)
    with pytest.raises(TypeError, match=r"not an nn.LSTMCell.*module_from_cells"):
        cellviz.trace(nn.LSTMCell(3, 4), torch.randn(5, 3))
    packed = nn.utils.rnn.pack_padded_sequence(torch.randn(5, 2, 16), torch.tensor([5, 3]))
    with pytest.raises(ValueError, match=r"x is a PackedSequence. Pad it"):
        cellviz.trace(m, packed)
