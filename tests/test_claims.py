"""The claims experiment: the committed table's shape and protocol, a tiny run end to end, the shared training parts."""
import json

import numpy as np
import pytest
import torch

from cellviz import zoo
from cellviz.zoo import claims_experiment as ce
from cellviz.zoo.models import ModelConfig, build
from cellviz.zoo.tasks.lag import LagTask
from cellviz.zoo.training import Curriculum, init_gates, train_curriculum, train_step

ROWS = ["rnn", "lstm", "lstm-forget1", "lstm-chrono", "gru", "gru-keep1"]


def _check_table(table: dict, n_seeds: int) -> None:
    p = table["protocol"]
    assert table["command"] == "python -m cellviz.zoo.claims_experiment"
    assert table["chance"] == 0.25 and table["one_bit"] == 0.5
    assert list(table["rows"]) == ROWS and len(p["seeds"]) == n_seeds
    cur = p["curriculum"]
    assert cur["levels"] == sorted(cur["levels"]) and cur["budget"] > 0 and cur["stuck_limit"] > 0
    assert p["optimiser"]["name"] == "Adam" and {"torch", "numpy", "python"} <= set(p["versions"])
    for row, d in table["rows"].items():
        assert (d["cell"], d["init"]) == ce.ROWS[row]
        assert len(d["largest_lag"]) == n_seeds
        assert all(v == 0 or v in cur["levels"] for v in d["largest_lag"])
        assert set(d["steps_to_learn"]) == {str(L) for L in cur["levels"]}
        for L, steps in d["steps_to_learn"].items():       # learned levels are exactly those up to largest_lag
            assert [s is not None for s in steps] == [int(L) <= big for big in d["largest_lag"]], (row, L)
        assert set(d["accuracy"]) == {str(L) for L in p["test_lags"]}
        assert all(0 <= a <= 1 and len(v) == n_seeds for v in d["accuracy"].values() for a in v)
        g = d["grad_ratio_init"]
        assert g["k"][0] == 0 and all(len(v) == len(g["k"]) and v[0] == 1.0 for v in g["h"])
        assert ("c" in g) == (d["cell"] == "lstm")
        fs = d["from_scratch"]
        assert fs["lags"] == p["scratch_lags"] and len(fs["largest_lag"]) == n_seeds


def test_committed_claims_table():
    table = zoo.claims()
    _check_table(table, len(table["protocol"]["seeds"]))
    p = table["protocol"]
    assert len(p["seeds"]) >= 3 and p["curriculum"]["levels"][-1] >= 160 and p["hidden"] == 32
    assert p["batch"] == 32 and p["optimiser"]["lr"] == 2e-3 and p["optimiser"]["clip"] == 1.0
    assert max(p["test_lags"]) >= 640


def test_tiny_experiment_runs(tmp_path):
    out = tmp_path / "claims.json"
    table = ce.run(ce.tiny(), out, quiet=True)
    assert json.loads(out.read_text()) == json.loads(json.dumps(table))
    _check_table(table, 2)


def test_inits_set_the_gate_biases():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 8)
    init_gates(lstm, "forget1")
    f = slice(8, 16)
    assert torch.all(lstm.bias_ih_l0[f] == 1) and torch.all(lstm.bias_hh_l0[f] == 0)
    init_gates(lstm, "chrono", max_lag=100)
    b_f, b_i = lstm.bias_ih_l0[f], lstm.bias_ih_l0[:8]
    assert torch.all(b_f >= 0) and torch.all(b_f <= np.log(99) + 1e-6) and torch.allclose(b_i, -b_f)
    assert torch.all(lstm.bias_hh_l0[:16] == 0)
    gru = torch.nn.GRU(3, 8)
    init_gates(gru, "keep1")
    assert torch.all(gru.bias_ih_l0[8:16] == 1) and torch.all(gru.bias_hh_l0[8:16] == 0)
    with pytest.raises(ValueError, match="LSTM"):
        init_gates(gru, "chrono")
    with pytest.raises(ValueError, match="unknown init"):
        init_gates(gru, "nope")


def test_train_step_and_curriculum():
    torch.manual_seed(0)
    task = LagTask(min_lag=2, max_lag=5)
    model = build(task, ModelConfig("gru", 8))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(0)
    loss = train_step(model, opt, task.batch(rng, 8, 3))
    assert np.isfinite(loss)
    res = train_curriculum(model, opt, task, Curriculum(levels=[3, 5], budget=30, stuck_limit=20, val_every=10,
                                                       val_n=16), rng)
    assert res.steps <= 30 and res.ended in ("done", "budget", "stuck") and len(res.history) == res.steps // 10
    assert all(h["level"] in (3, 5) for h in res.history)


def test_lag_batch_layout():
    b = LagTask().batch(np.random.default_rng(0), 5, 7)
    assert b.x.shape == (8, 5) and torch.equal(b.x[0], b.y)          # the cue first, the answer is the cue
    assert torch.all((b.x[1:-1] >= 4) & (b.x[1:-1] < 8)) and torch.all(b.x[-1] == 8)
