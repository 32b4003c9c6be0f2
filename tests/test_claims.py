"""The claims experiment v2: the committed table's schema and internal consistency, a tiny grid end to end on both
executors (same numbers), censored summaries, the computed headlines, the figures, the shared training parts."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from cellviz import plots, zoo
from cellviz.i18n import set_language, t
from cellviz.zoo import claims_experiment as ce
from cellviz.zoo import claims_report as report
from cellviz.zoo.models import ModelConfig, build
from cellviz.zoo.tasks.adding import AddingTask
from cellviz.zoo.tasks.lag import LagTask
from cellviz.zoo.training import Curriculum, init_gates, train_curriculum, train_step

ROWS = ["rnn", "lstm", "lstm-forget1", "lstm-chrono", "gru", "gru-keep1"]
TIMING = {"seconds", "cpu_seconds", "cpu_seconds_runs", "executor", "machine"}


def _check_table(table: dict, n_seeds: int) -> None:
    report.read(table)
    p = table["protocol"]
    assert table["command"] == "python -m cellviz.zoo.claims_experiment"
    assert list(p["rows"]) == ROWS and len(p["seeds"]) == n_seeds
    assert p["optimiser"]["name"] == "Adam" and {"torch", "numpy", "python"} <= set(p["versions"])
    assert set(table["tasks"]) == {"lag", "prefix", "adding"}
    for name, task in table["tasks"].items():
        spec, cur = task["spec"], task["curriculum"]
        assert list(task["rows"]) == ROWS
        assert spec["levels"] == sorted(spec["levels"]) and cur["levels"] == spec["levels"]
        assert cur["val_every"] == p["val_every"] <= 10            # steps-to-learn resolved to <= 10 steps
        assert cur["budget"] == spec["stuck_limit"] * len(spec["levels"])   # the same curriculum for every row
        assert task["metric"] == ("mse" if name == "adding" else "accuracy")
        for row, d in task["rows"].items():
            assert (d["cell"], d["init"]) == ce.ROWS[row]
            assert len(d["largest"]) == len(d["ended"]) == len(d["steps"]) == n_seeds
            for i, big in enumerate(d["largest"]):
                got = [d["steps_to_learn"][str(L)][i] for L in spec["levels"]]
                # learned levels are exactly those up to the largest, in order, each at a check step
                assert [s is not None for s in got] == [L <= big for L in spec["levels"]], (name, row, i)
                learned = [s for s in got if s is not None]
                assert learned == sorted(learned) and all(s % cur["val_every"] == 0 for s in learned)
                assert (d["ended"][i] == "done") == (big == spec["levels"][-1])
                assert d["steps"][i] <= cur["budget"] and (not learned or learned[-1] <= d["steps"][i])
                if d["ended"][i] == "stuck":                # stopped after stuck_limit steps on one level
                    assert d["steps"][i] - (learned[-1] if learned else 0) == spec["stuck_limit"]
            assert set(d["score"]) == {str(L) for L in spec["test_levels"]}
            g = d["grad_init"]
            assert g["k"][0] == 0 and all(len(v) == len(g["k"]) and v[0] == 1.0 for v in g["h"])
            assert ("c" in g) == (d["cell"] == "lstm") and len(g["h_floor"]) == n_seeds
            fs = d["from_scratch"]
            assert set(fs["steps_to_learn"]) == {str(L) for L in spec["scratch_levels"]}
            for L, steps in fs["steps_to_learn"].items():
                assert all(s is None or 0 < s <= spec["scratch_budget"] for s in steps)
            assert fs["largest"] == [max([int(L) for L, v in fs["steps_to_learn"].items() if v[i] is not None],
                                         default=0) for i in range(n_seeds)]


def test_committed_claims_table():
    table = json.loads(Path(zoo.store.CLAIMS).read_text())
    assert table["schema"] == 2
    _check_table(table, len(table["protocol"]["seeds"]))
    p = table["protocol"]
    assert len(p["seeds"]) >= 5
    assert table["seconds"] > 0 and table["cpu_seconds_runs"] > 0 and table["machine"]["note"]
    for task in table["tasks"].values():
        assert task["spec"]["scratch_levels"] and task["spec"]["levels"][-1] >= 160


def _tiny() -> ce.Protocol:
    return ce.tiny()


def _numbers(table: dict) -> dict:
    return {k: v for k, v in table.items() if k not in TIMING} | {
        "tasks": {n: {**d, "rows": {r: {k: v for k, v in x.items() if k != "seconds"} for r, x in d["rows"].items()}}
                  for n, d in table["tasks"].items()}}


@pytest.fixture(scope="module")
def tiny_table(tmp_path_factory):
    out = tmp_path_factory.mktemp("claims") / "claims.json"
    table = ce.run(_tiny(), out, quiet=True)
    assert json.loads(out.read_text()) == json.loads(json.dumps(table))
    return table


def test_tiny_experiment_runs(tiny_table):
    _check_table(tiny_table, 2)
    assert tiny_table["executor"]["kind"] == "local"
    learned = [v for d in tiny_table["tasks"]["lag"]["rows"].values() for v in d["largest"]]
    assert any(learned)                                     # not a grid of nothing learned


def test_local_processes_and_dask_give_the_same_numbers(tiny_table):
    pytest.importorskip("distributed")
    p = _tiny()
    p.workers = 2
    procs = ce.run(p, None, quiet=True)                                 # ProcessPoolExecutor, 2 processes
    dask = ce.run(p, None, quiet=True, scheduler="local")               # a Dask LocalCluster, 2 workers
    assert procs["executor"]["kind"] == "local" and dask["executor"] == {"kind": "dask", "scheduler": "local",
                                                                         "workers": 2}
    assert _numbers(procs) == _numbers(tiny_table) == _numbers(dask)


def test_executor_refuses_a_bad_scheduler():
    from cellviz.zoo.executor import make_executor
    with pytest.raises(SystemExit, match="tcp://HOST:PORT"):
        make_executor("localhost")


def test_experiment_imports_trace_from_its_module():
    src = Path(ce.__file__).read_text()
    assert "from ..trace import trace" in src and "from .. import trace" not in src


# --- the report ---------------------------------------------------------------------------------------------------
def test_censored_summaries():
    s = report.steps_summary([100, None, 120, None, 130])
    assert (s.median, s.lo, s.hi, s.censored, s.hi_known) == (120, 100, None, 2, 130)
    assert report.fmt_steps(s) == t("claims.range_c", med="120", lo="100", hi="130", n=2, seeds=5)
    s = report.steps_summary([100, None, None, None, 130])
    assert s.median is None and report.fmt_steps(s) == t("claims.not_within_some", k=2, seeds=5, lo="100")
    assert report.fmt_steps(report.steps_summary([None] * 3)) == t("claims.not_within")
    assert report.fmt_steps(report.steps_summary([40, 40])) == "40"
    assert report.steps_summary([10, 20, 30, 40]).median == 25
    assert report.steps_summary([10, 20, None, None]).median is None        # the upper middle value is censored
    big = report.level_summary([320, 320, 160], ["done", "done", "stuck"], 320)
    assert big.at_least and report.fmt_level(big, 320) == t("claims.range", med="≥ 320", lo="160", hi="≥ 320")
    assert report.fmt_level(report.level_summary([0, 0, 0], ["stuck"] * 3, 320), 320) == t("compare.claims.none")


def _with(table, task, row, **values) -> dict:
    out = copy.deepcopy(table)
    out["tasks"][task]["rows"][row].update(values)
    return out


def test_headline_is_computed_from_the_table(tiny_table):
    task = "lag"
    spec = tiny_table["tasks"][task]["spec"]
    top, n = spec["levels"][-1], 2
    every = {r: {"largest": [top] * n, "ended": ["done"] * n,
                 "steps_to_learn": {str(L): [10 * (i + 1)] * n for i, L in enumerate(spec["levels"])}} for r in ROWS}
    table = copy.deepcopy(tiny_table)
    for r, v in every.items():
        table["tasks"][task]["rows"][r].update(v)
    text = report.headline(table, task)
    assert t("claims.head.gate_fails") in text and f"≥ {top}" in text and t("claims.head.every") in text
    worse = _with(table, task, "rnn", largest=[0] * n, ended=["stuck"] * n,
                  steps_to_learn={str(L): [None] * n for L in spec["levels"]})
    text = report.headline(worse, task)
    assert t("claims.head.gate_holds") in text and t("claims.head.gate_fails") not in text
    assert t("claims.head.not_ref", rows="RNN", name=t("claims.level.lag"), L=report.reference_level(table, task)) \
        in text
    chrono = _with(table, task, "lstm-chrono", largest=[spec["levels"][0]] * n, ended=["stuck"] * n)
    assert t("claims.head.init_level", cell="LSTM", values="").split("(")[0] in report.headline(chrono, task)
    set_language("zh")
    try:
        assert "RNN" in report.headline(worse, task) and "。" in report.headline(worse, task)
    finally:
        set_language("en")


def test_table_rows_and_slide(tiny_table):
    rows = report.table_rows(tiny_table, "adding")
    assert [r[t("claims.col.row")] for r in rows] == [plots.row_label(r) for r in ROWS]
    slide = report.slide(tiny_table)
    assert slide["task"] == "prefix" and slide["headline"] == report.headline(tiny_table, "prefix")
    assert slide["figure"].data and all(report.headline(tiny_table, n) in slide["notes"] for n in tiny_table["tasks"])
    assert report.run_note(tiny_table) in slide["notes"]
    with pytest.raises(ValueError, match="schema"):
        report.read({"rows": {}})


def test_levels_figure_shows_every_seed_and_marks_censoring(tiny_table):
    task = "lag"
    top = tiny_table["tasks"][task]["spec"]["levels"][-1]
    fig = plots.claims_levels(tiny_table, task)
    seeds = [tr for tr in fig.data if tr.type == "scatter"]
    assert len(seeds) == len(ROWS) and all(len(tr.x) == 2 for tr in seeds)
    points = [(float(x), float(y)) for tr in seeds for x, y in zip(tr.x, tr.y)]
    assert len(set(points)) == len(points)                        # no marker hides under another
    done = [(tr, i) for tr in seeds for i, c in enumerate(tr.customdata) if c[1].startswith("≥")]
    assert done and all(tr.marker.symbol[i] == "triangle-up-open" for tr, i in done)
    ticks = fig.layout.xaxis.ticktext
    assert len(ticks) == len(ROWS) and all(report.fmt_level(report.largest(tiny_table, task, r), top) in tick
                                           for r, tick in zip(ROWS, ticks))
    assert any(f"≥ {top}" in tick for tick in ticks)


def test_speed_figure_offsets_rows(tiny_table):
    fig = plots.claims_speed(tiny_table, "lag")
    xs = [float(x) for tr in fig.data if tr.mode and "lines" in tr.mode for x in tr.x]
    assert len(set(xs)) == len(xs)                                 # every row at its own x offset


def test_gradient_figure_marks_float32_underflow(tiny_table):
    table = copy.deepcopy(tiny_table)
    g = table["tasks"]["lag"]["rows"]["rnn"]["grad_init"]
    g["h_floor"] = [3, 3]
    fig = plots.claims_grad(table, "lag")
    rnn = next(tr for tr in fig.data if tr.name == plots.row_label("rnn"))
    assert max(rnn.x) < 3
    assert any(tr.text and t("claims.below_f32") in tr.text for tr in fig.data)
    g["h_floor"] = [None, None]
    fig = plots.claims_grad(table, "lag")
    assert not any(tr.text and t("claims.below_f32") in tr.text for tr in fig.data)


def test_v1_view_keeps_old_readers_working(tiny_table):
    from cellviz.ui.views import compare
    v1 = report.with_v1_view(tiny_table)
    assert v1["rows"]["rnn"]["largest_lag"] == tiny_table["tasks"]["lag"]["rows"]["rnn"]["largest"]
    assert v1["protocol"]["scratch_lags"] == tiny_table["tasks"]["lag"]["spec"]["scratch_levels"]
    texts = compare.claims_summary(v1)
    assert len(texts) == 2 + len(ROWS) + 1 and compare.finding(v1)
    k = compare.grad_k(v1)
    assert len(compare.grad_at_k(v1["rows"]["gru"], k)) == 2
    plots.claims_accuracy(v1, "from_scratch"), plots.claims_steps(v1), plots.claims_gradients(v1)
    assert zoo.claims()["schema"] == 2 and "rows" in zoo.claims()


# --- the shared training parts -------------------------------------------------------------------------------------
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


def test_curriculum_on_the_adding_problem_uses_mse():
    torch.manual_seed(0)
    task = AddingTask(length=6)
    model = build(task, ModelConfig("lstm", 8))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    res = train_curriculum(model, opt, task, Curriculum(levels=[4, 6], min_lag=2, budget=20, stuck_limit=20,
                                                       val_every=5, val_n=32), np.random.default_rng(0))
    assert res.history and all(h["accuracy"] >= 0 for h in res.history)       # "accuracy" holds the MSE here
    for h in res.history:                                  # a level is learned exactly when the MSE is <= 0.04
        assert (res.steps_to_learn[h["level"]] == h["step"]) == (h["accuracy"] <= 0.04)
    b = task.level_batch(np.random.default_rng(1), 5, 9)
    assert b.x.shape == (9, 5, 2) and torch.all(b.x[:, :, 1].sum(0) == 2)
    assert torch.allclose(b.y, (b.x[:, :, 0] * b.x[:, :, 1]).sum(0))


def test_lag_batch_layout():
    b = LagTask().batch(np.random.default_rng(0), 5, 7)
    assert b.x.shape == (8, 5) and torch.equal(b.x[0], b.y)          # the cue first, the answer is the cue
    assert torch.all((b.x[1:-1] >= 4) & (b.x[1:-1] < 8)) and torch.all(b.x[-1] == 8)
