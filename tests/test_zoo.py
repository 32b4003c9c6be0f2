"""The model zoo: every shipped model loads, reproduces its card, beats its baseline and traces."""
from __future__ import annotations

import socket
import time

import numpy as np
import pytest
import torch

import cellviz
from cellviz import zoo
from cellviz.zoo import store, train
from cellviz.zoo.cue import cue_unit

NAMES = zoo.names()
CARD_KEYS = {"name", "cell", "io", "task", "num_layers", "hidden_size", "bidirectional", "params", "metrics",
             "baseline", "train_command", "epochs", "seed", "snapshots", "description"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Loading a zoo model never touches the network."""
    def refuse(*args, **kwargs):
        raise AssertionError("the zoo tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_zoo_ships_the_core_models():
    for name in ["lag-rnn", "lag-lstm", "lag-gru", "brackets-lstm", "sentiment-gru", "sentiment-bilstm"]:
        assert name in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_card_and_model(name):
    c = zoo.card(name)
    assert CARD_KEYS <= set(c) and c["name"] == name
    assert c["cell"] in ("rnn", "lstm", "gru") and c["io"] in ("N->N", "N->1", "1->N", "N->M")
    t0 = time.perf_counter()
    m = zoo.load(name)
    assert time.perf_counter() - t0 < 1.0
    assert not m.training and m.name == name and m.card["name"] == name
    assert c["params"] == sum(p.numel() for p in m.parameters())
    rec = m.recurrent
    modules = rec if isinstance(rec, dict) else {"recurrent": rec}
    assert list(modules) == m.parts()
    for mod in modules.values():
        assert isinstance(mod, (torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU))
        assert mod.hidden_size == c["hidden_size"]
    first = next(iter(modules.values()))
    assert first.num_layers == c["num_layers"] and first.bidirectional == c["bidirectional"]


@pytest.mark.parametrize("name", NAMES)
def test_metrics_reproduce_and_beat_baseline(name):
    c = zoo.card(name)
    got = zoo.load(name).evaluate()
    assert set(got) == set(c["metrics"])
    for k, v in c["metrics"].items():
        assert got[k] == pytest.approx(v, rel=0.02, abs=1e-4), k
    for k, base in c["baseline"].items():
        if c["better"][k] == "higher":
            assert c["metrics"][k] > base, (k, c["metrics"][k], base)
        else:
            assert c["metrics"][k] < base, (k, c["metrics"][k], base)


@pytest.mark.parametrize("name", NAMES)
def test_examples_trace_and_predict(name):
    m = zoo.load(name)
    ex = m.task.sample(7)
    assert len(ex.tokens) == len(ex.x_raw) and ex.text
    assert isinstance(m.predict(ex), str)
    for key, f in m.task.features(ex).items():
        assert f.shape == (len(ex.tokens),), key
    for part in m.parts():
        module, x, h0, loss = m.trace_args(ex, part=part)
        tr = cellviz.trace(module, x, h0=h0, loss=loss)
        assert np.isfinite(tr.loss) and tr.loss >= 0
        with torch.no_grad():
            out, _ = module(x, h0)
        np.testing.assert_allclose(tr.output, out.numpy(), atol=1e-5)
        assert np.isfinite(tr.layer(0).grad_h).all()
    with pytest.raises(ValueError):
        m.trace_args(ex, part="nonsense")


@pytest.mark.parametrize("name", NAMES)
def test_parse_errors_are_clear(name):
    task = zoo.load(name).task
    assert task.input_kind in ("text", "series", "symbols")
    with pytest.raises(ValueError, match="empty"):
        task.parse("   ")
    if task.input_kind != "series" and task.choices:
        with pytest.raises(ValueError, match="accepted") as err:
            task.parse(task.sample(1).text[:3] + " #@")
        assert "#" in str(err.value) and "@" in str(err.value)


def test_parse_builds_examples():
    lag = zoo.load("lag-lstm")
    ex = lag.task.parse("C", lag=30)
    assert len(ex.tokens) == 31 and ex.target == 2 and ex.tokens[-1] == "?"
    assert lag.predict(ex).startswith("C")
    with pytest.raises(ValueError, match="cue"):
        lag.task.parse("xwyz?")
    br = zoo.load("brackets-gru").task
    assert list(br.features(br.parse("(a(b))"))["depth"]) == [1, 1, 2, 2, 1, 0]
    with pytest.raises(ValueError, match="never opened"):
        br.parse("())")
    with pytest.raises(ValueError, match="limit"):
        br.parse("a" * (br.max_len + 1))
    sent = zoo.load("sentiment-bilstm")
    assert sent.task.parse("the acting was good , although the plot was not fun").target == 1
    assert sent.task.parse("the movie was not very good").target == 0
    with pytest.raises(ValueError, match="unknown word"):
        sent.task.parse("the movie was fantabulous")


def test_parse_other_tasks():
    tr = zoo.load("translate-gru")
    ex = tr.task.parse("two thousand five")
    assert ex.meta["number"] == 2005 and tr.task.parse("2005").tokens == ex.tokens
    assert tr.predict(ex).split()[0] == "2005"
    assert tr.task.decoder_tokens(ex) == ["^", "2", "0", "0", "5"]
    with pytest.raises(ValueError, match="form"):
        tr.task.parse("two three")
    fc = zoo.load("forecast-lstm").task
    assert fc.input_kind == "series" and fc.parse("0.1, 0.5;0.9 0.5").tokens == ["0.10", "0.50", "0.90", "0.50"]
    with pytest.raises(ValueError, match="not numbers: 'x'"):
        fc.parse("1, x, 3")
    with pytest.raises(ValueError, match="limit"):
        fc.parse(",".join(["1"] * (fc.max_len + 1)))
    wf = zoo.load("waveform-gru").task
    ex = wf.parse("square", period=12, amplitude=0.5)
    assert len(ex.tokens) == wf.length and ex.target[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="sine"):
        wf.parse("zigzag")
    lm = zoo.load("charlm-lstm")
    ex = lm.task.parse("Shall I compare thee")
    assert ex.text == "shall i compare thee" and ex.target[-1] == -100
    assert lm.predict(ex).startswith("next:")
    assert set(lm.task.features(ex)) >= {"in word", "position in word"}


def test_lag_cards_state_their_curriculum_and_init():
    for cell, init in (("lstm", "chrono"), ("gru", "default"), ("rnn", "default")):
        c = zoo.card(f"lag-{cell}")
        cur = c["curriculum"]
        assert c["init"] == init and cur["levels"][-1] >= 160
        learned = [int(L) for L, s in cur["steps_to_learn"].items() if s is not None]
        assert cur["largest_lag"] == max(learned, default=0) and cur["trained_lags"][0] == cur["min_lag"]
        # snapshots: the untrained weights, then one at each step a level was learned
        assert c["snapshots"] == ["step-00000"] + [f"step-{cur['steps_to_learn'][str(L)]:05d}" for L in learned]
        assert c["task_options"]["max_lag"] == cur["levels"][-1]


def test_lag_lstm_keeps_the_cue_on_its_carousel():
    """The shipped chrono-init LSTM: on the unit that separates the cues, f >= 0.9 over the distractors, at lag 100."""
    model = zoo.load("lag-lstm")
    for cue in "ABCD":
        text = cue + model.task.sample(0).text[1:]
        cu = cue_unit(model, text, lag=100)
        assert cu.lag == 100 and cu.gates["f"] >= 0.9, (cue, cu)
        assert model.predict(model.task.parse(text, lag=100)).startswith(cue)


def test_lag_curriculum_cli(tmp_path):
    train.main(["--task", "lag", "--cell", "lstm", "--quick", "--hidden", "8", "--out", str(tmp_path)])
    c = zoo.card("lag-lstm", tmp_path)
    assert c["init"] == "chrono" and c["curriculum"]["levels"] == [3, 5] and c["snapshots"][0] == "step-00000"
    m = zoo.load("lag-lstm", root=tmp_path)
    for k, v in c["metrics"].items():
        assert m.evaluate()[k] == pytest.approx(v, rel=0.02, abs=1e-4)


def test_snapshots_load():
    for name in NAMES:
        labels = zoo.snapshots(name)
        if name.startswith("lag-"):
            assert len(labels) >= 2 and labels[0] == "step-00000"
        for label in labels[:2]:
            assert not zoo.load(name, snapshot=label).training
    with pytest.raises(ValueError, match="snapshot"):
        zoo.load("lag-lstm", snapshot="nope")
    with pytest.raises(ValueError, match="lag-lstm"):
        zoo.load("no-such-model")


def test_loaded_models_are_independent():
    a, b = zoo.load("lag-gru"), zoo.load("lag-gru")
    with torch.no_grad():
        a.head.weight.zero_()
    assert b.head.weight.abs().sum() > 0


def test_cli_retrains_end_to_end(tmp_path, capsys):
    train.main(["--task", "brackets", "--cell", "gru", "--quick", "--epochs", "1", "--hidden", "8",
                "--out", str(tmp_path)])
    assert zoo.names(tmp_path) == ["brackets-gru"]
    c = zoo.card("brackets-gru", tmp_path)
    assert c["hidden_size"] == 8 and c["epochs"] == 1 and c["history"][0]["loss"] > 0
    m = zoo.load("brackets-gru", root=tmp_path)
    for k, v in c["metrics"].items():
        assert m.evaluate()[k] == pytest.approx(v, rel=0.02, abs=1e-4)
    assert "epoch   1" in (tmp_path / "brackets-gru" / "train_log.txt").read_text()


def test_assets_stay_small():
    total = sum(p.stat().st_size for p in store.ASSETS.rglob("*") if p.is_file())
    assert total < 25e6
    assert not list(store.ASSETS.rglob("*.pt")) and not list(store.ASSETS.rglob("*.pkl"))
