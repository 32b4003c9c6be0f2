"""The adding problem: examples, typed input and its errors, features, held-out metrics against the trivial
baseline, a regression N->1 model traced end to end, and hostile typed input fuzzed."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cellviz
from cellviz.zoo.models import Classifier, ModelConfig, build
from cellviz.zoo.tasks import TASKS, make_task
from cellviz.zoo.tasks.adding import TOLERANCE, AddingTask


@pytest.fixture(scope="module")
def task() -> AddingTask:
    return make_task("adding", length=12, n_heldout=512)


def test_registered_as_an_n_to_1_value_task(task):
    assert TASKS["adding"] is AddingTask
    assert (task.io, task.output, task.encoding, task.input_kind) == ("N->1", "value", "float", "series")
    assert task.in_features == 2 and task.n_out == 1 and task.choices == []
    assert list(task.better) == ["mse", "accuracy"] and task.better["mse"] == "lower"


def test_samples_mark_one_value_in_each_half(task):
    for seed in range(50):
        ex = task.sample(seed)
        assert len(ex.tokens) == 12 and ex.x_raw.shape == (12, 2) and ex.x_raw.dtype == np.float32
        values, marked = ex.x_raw[:, 0], ex.x_raw[:, 1]
        assert ((0 <= values) & (values <= 1)).all() and set(np.unique(marked)) == {0.0, 1.0}
        i, j = ex.meta["markers"]
        assert i < 6 <= j and list(np.flatnonzero(marked)) == [i, j]
        assert ex.target == pytest.approx(values[i] + values[j])
        assert ex.tokens[i].endswith("*") and ex.tokens[j].endswith("*")
        assert sum(t.endswith("*") for t in ex.tokens) == 2
    assert task.sample(3).text == task.sample(3).text and task.sample(3).text != task.sample(4).text


def test_parse_typed_input(task):
    ex = task.parse("0.3, 0.7*, 0.1, 0.9*, 0.2")
    assert ex.tokens == ["0.30", "0.70*", "0.10", "0.90*", "0.20"] and ex.target == pytest.approx(1.6)
    assert ex.meta["markers"] == (1, 3) and ex.text == "0.30, 0.70*, 0.10, 0.90*, 0.20"
    # semicolons / spaces, a '*' in front, a '*' after a space, 0 and 1 themselves
    ex = task.parse("0 ; *1  0.5 0.25 *")
    assert ex.tokens == ["0.00", "1.00*", "0.50", "0.25*"] and ex.target == pytest.approx(1.25)
    assert task.parse(task.sample(7).text).tokens == task.sample(7).tokens    # what is shown parses back


@pytest.mark.parametrize("text,message", [
    ("   ", "empty"), ("0.3, 0.7, 0.1", "marks 0"), ("0.3, 0.7*, 0.1", "marks 1"),
    ("0.3*, 0.7*, 0.1*", "marks 3"), ("0.3, x, 0.2*, 0.1*", "not numbers: 'x'"), ("0.3, nan*, 0.2*", "not numbers"),
    ("0.3, 1e999, 0.2*, 0.1*", "not numbers"), ("0.3, 1.5*, 0.2*", "between 0 and 1; got 1.5*"),
    ("-0.1, 0.2*, 0.1*", "between 0 and 1"), ("**0.2, 0.1*", "not numbers"), ("*", "not numbers"),
    (", ".join(["0.5*", "0.5*"] + ["0.1"] * 199), "the limit is 200"),
])
def test_parse_errors_say_what_is_wrong(task, text, message):
    with pytest.raises(ValueError, match=message):
        task.parse(text)


def test_features_find_the_running_sum(task):
    f = task.features(task.parse("0.3, 0.7*, 0.1, 0.9*, 0.2"))
    np.testing.assert_allclose(f["marked"], [0, 1, 0, 1, 0])
    np.testing.assert_allclose(f["running sum of marked values"], [0, 0.7, 0.7, 1.6, 1.6], atol=1e-6)
    np.testing.assert_allclose(f["value"], [0.3, 0.7, 0.1, 0.9, 0.2], atol=1e-6)


def test_options_are_checked():
    assert make_task("adding", length=50).sample(0).x_raw.shape == (50, 2)
    for bad in (1, 0, -3, 10_000):
        with pytest.raises(ValueError, match="length must be between 2 and 200"):
            make_task("adding", length=bad)


def test_baseline_is_the_variance_of_the_sum(task):
    base = task.baseline()
    assert base["mse"] == pytest.approx(1 / 6, abs=0.02)            # Var(u1 + u2) = 2/12
    assert base["accuracy"] == pytest.approx(2 * TOLERANCE, abs=0.04)  # density of u1 + u2 near 1 is 1

    class Oracle(torch.nn.Module):                                    # reads the marked values off the input
        def forward(self, x, lengths=None):
            return (x[..., 0] * x[..., 1]).sum(0)
    assert task.metrics(Oracle()) == {"mse": pytest.approx(0.0, abs=1e-10), "accuracy": 1.0}


def test_regression_head_batches_traces_and_predicts(task):
    model = build(task, ModelConfig("gru", 8))
    assert isinstance(model, Classifier)
    b = task.batch(np.random.default_rng(0), 5)
    assert b.x.shape == (12, 5, 2) and b.y.dtype == torch.float32 and b.lengths is None
    assert model(b.x).shape == (5,)
    loss = model.loss(b)
    assert loss.ndim == 0 and torch.isfinite(loss)
    ex = task.parse("0.3, 0.7*, 0.1, 0.9*, 0.2")
    with torch.no_grad():
        pred = float(model(model.x_tensor(ex)))
    module, x, h0, loss_fn = model.trace_args(ex)
    tr = cellviz.trace(module, x, h0=h0, loss=loss_fn)
    assert tr.loss == pytest.approx((pred - 1.6) ** 2, rel=1e-4)
    assert np.isfinite(tr.layer(0).grad_h).all() and tr.layer(0).h.shape[0] == 5
    assert model.predict(ex).startswith("sum ≈ ") and "true 1.60" in model.predict(ex)
    # mixed lengths are packed
    mixed = task.collate([task.parse("0.1*, 0.2*"), ex])
    assert mixed.lengths.tolist() == [2, 5] and model(mixed.x, mixed.lengths).shape == (2,)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                       st.floats(0, 1).map(lambda v: f"{v:.3f}"), st.floats(0, 1).map(lambda v: f"{v:.2f}*"),
                       st.sampled_from(["*", "**", "", "e", "nan*", "١", "0x1p-1", "1_0", "\x00", "😀", "-0"])),
             max_size=220).flatmap(lambda parts: st.sampled_from([",", ", ", " ", ";", "\n"]).map(
                 lambda sep: sep.join(parts)))))
def test_fuzzed_input_parses_or_explains(text):
    task = AddingTask()
    try:
        ex = task.parse(text)
    except ValueError as e:
        assert str(e).strip()
        return
    assert 2 <= len(ex.tokens) <= task.max_len and ex.x_raw.shape == (len(ex.tokens), 2)
    assert np.isfinite(ex.x_raw).all() and ex.x_raw[:, 1].sum() == 2 and 0 <= ex.target <= 2
