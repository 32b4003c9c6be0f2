"""In-page training: learns, reports every epoch with a probe trace, stops on request and on its time limit."""
import numpy as np
import pytest

from cellviz.live import LIMITS, Limits, LiveConfig, train_live

QUICK = dict(task="lag", hidden=16, steps=20, task_options={"min_lag": 5, "max_lag": 10})


def test_lstm_learns_the_lag_task_and_reports_every_epoch():
    reports = list(train_live(LiveConfig(cell="lstm", epochs=8, **QUICK)))
    assert [r.epoch for r in reports] == list(range(9))
    assert reports[0].loss is None and reports[0].metrics["accuracy"] < 0.5          # untrained: near chance
    assert reports[-1].metrics["accuracy"] > 0.9                                       # learned
    assert reports[-1].loss < reports[1].loss
    for r in reports:
        assert r.probe.kind == "lstm" and r.grad_norm.shape == (r.probe.seq_len,)
        assert np.all(np.isfinite(r.grad_norm))
    assert all(a.seconds <= b.seconds for a, b in zip(reports, reports[1:]))


def test_stop_button_cancels_between_batches():
    calls = {"n": 0}

    def stop_after_a_few():
        calls["n"] += 1
        return calls["n"] > 5
    reports = list(train_live(LiveConfig(cell="gru", epochs=10, **QUICK), should_stop=stop_after_a_few))
    assert reports[-1].stopped == "stopped" and reports[-1].epoch == 1


def test_time_limit_ends_the_run():
    reports = list(train_live(LiveConfig(cell="rnn", epochs=40, **QUICK), limits=Limits(max_seconds=0.0)))
    assert reports[-1].stopped == "time limit" and len(reports) == 2


@pytest.mark.parametrize("change,message", [
    ({"hidden": LIMITS.max_hidden + 1}, "hidden must be between"), ({"epochs": 0}, "epochs must be between"),
    ({"task": "sentiment"}, "unknown task"), ({"cell": "transformer"}, "unknown cell"), ({"lr": 5.0}, "learning rate"),
])
def test_settings_over_the_limits_are_refused(change, message):
    cfg = LiveConfig(**{**QUICK, **change})
    with pytest.raises(ValueError, match=message):
        next(train_live(cfg))


def test_grad_norm_by_distance_counts_steps_back_from_the_loss():
    import torch
    import cellviz
    m = torch.nn.RNN(2, 3)
    tr = cellviz.trace(m, torch.randn(6, 2), at_step=3)
    g = tr.grad_norm_by_distance()
    full = np.linalg.norm(tr.layer(0).grad_h[:, 0], axis=-1)
    np.testing.assert_allclose(g, full[3::-1])


def test_lstm_learns_the_adding_problem_below_the_trivial_baseline():
    """The adding problem (sum of the two marked values): untrained the error sits at or above the baseline of
    always answering 1.0 (MSE 1/6); a 16-unit LSTM at length 10 gets far below it within 8 epochs."""
    from cellviz.zoo.tasks import make_task
    options = {"length": 10, "n_heldout": 512}
    baseline = make_task("adding", **options).baseline()["mse"]
    assert 0.14 < baseline < 0.19
    reports = list(train_live(LiveConfig(task="adding", cell="lstm", hidden=16, epochs=8, steps=40, batch=32,
                                         task_options=options)))
    first, last = reports[0].metrics, reports[-1].metrics
    assert set(first) == {"mse", "accuracy"} and first["mse"] > 0.8 * baseline
    assert last["mse"] < 0.25 * baseline and last["accuracy"] > 0.3          # within ±0.04 of the true sum
    assert reports[-1].probe.kind == "lstm" and np.all(np.isfinite(reports[-1].grad_norm))
    assert reports[-1].grad_norm.shape == (10,)
