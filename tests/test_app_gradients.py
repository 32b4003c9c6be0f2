"""AppTest: the 'gradients' page with every kind of zoo model, at the first and the last step; the norms the
player draws are the trace's, and "how far back step t reaches" is the trace with the loss at step t."""
import numpy as np
import pytest

from app_driver import MODELS, charts, decode, go_to_step, open_page, panel, sync, visit_every_corner, zoo_trace
from cellviz import summaries


@pytest.mark.parametrize("model", MODELS)
def test_every_model_first_and_last_step(model):
    at = open_page("gradients", model)
    assert charts(at)
    visit_every_corner(at, model)


def test_norms_and_reach_at_every_step_are_the_traces():
    at = open_page("gradients", "charlm-gru")                 # N->N: the reach depends on the step
    tr = zoo_trace("charlm-gru")
    lines = {d["name"]: decode(d["y"]) for d in panel(at, "grad")["figure"]["data"]}
    gh, _ = summaries.grad_norms(tr.layer(0))
    np.testing.assert_allclose(lines["‖∂L/∂h_t‖ · Layer 0"], gh, rtol=1e-6)
    reach = panel(at, "reach")                               # every step's row, sent once: the browser steps
    rows = decode(reach["by_step"]["values"])
    assert rows.shape == (tr.seq_len, tr.seq_len) and "server" not in reach
    for step in (0, 5, tr.seq_len - 1):
        want = zoo_trace("charlm-gru", at_step=step).input_sensitivity[:, 0]
        np.testing.assert_allclose(rows[step], want, rtol=1e-5)
        assert not np.any(rows[step][step + 1:])            # the loss at step t reads nothing after t
        assert f"step {step} " in reach["titles"][step]
    strip = panel(at, "reach_text")
    np.testing.assert_array_equal(decode(strip["by_step"]["values"]), rows)
    go_to_step(at, 9)                                        # a step sync sends no figure data
    assert "server" not in sync(at) and sync(at)["step"] == 9


def test_large_inputs_fall_back_to_the_server_per_step(monkeypatch):
    from cellviz.ui import data
    monkeypatch.setattr(data, "ALL_STEPS_COST", 0)           # as for an upload too large to do every step at once
    at = open_page("gradients", "charlm-gru")
    for step in (5, zoo_trace("charlm-gru").seq_len - 1):
        go_to_step(at, step)
        reach = sync(at)["server"]["reach"]                  # sent per step, a few hundred bytes
        assert reach["t"] == step and f"step {step}" in reach["layout"]["title.text"]
        want = zoo_trace("charlm-gru", at_step=step).input_sensitivity[:, 0]
        np.testing.assert_allclose(decode(reach["values"]), want, rtol=1e-6)
    assert panel(at, "reach")["server"] == "reach"
    assert sync(at)["server"]["compare"]["t"] == step         # the normalised comparison too


def test_reach_of_a_classifier_is_its_one_prediction():
    at = open_page("gradients", "sentiment-rnn")
    tr = zoo_trace("sentiment-rnn")
    bars = panel(at, "reach")["figure"]["data"][0]
    np.testing.assert_allclose(decode(bars["y"]), tr.input_sensitivity[:, 0], rtol=1e-6)
    assert "server" not in sync(at)


def test_normalised_comparison_at_every_step():
    from dataclasses import replace
    from cellviz.ui import data, gradflow
    at = open_page("gradients", "charlm-gru")                 # L adds up over steps: normalised at t* = t
    compare = panel(at, "compare")
    curves = decode(compare["by_step"]["values"])
    subject = data.zoo_subject(data.ZooSource("charlm-gru", data.Sample(0)))
    names = data.siblings("charlm-gru")
    assert curves.shape == (subject.steps, len(names), subject.steps)
    assert [d["name"] for d in compare["figure"]["data"]] == names
    for step in (0, 9, subject.steps - 1):
        for row, name in zip(curves[step], names):
            want = gradflow.curve(data.zoo_subject(replace(subject.zoo, name=name)), 0, 0, step, gradflow.NORMALISED)
            np.testing.assert_allclose(row, want, rtol=1e-4)
            assert row[step] == pytest.approx(1.0)              # 1 at t* = the step shown
    lo, hi = compare["figure"]["layout"]["yaxis"]["range"]      # one y range holds every step's curves
    finite = curves[np.isfinite(curves) & (curves > 0)]
    assert lo <= np.log10(finite.min()) and np.log10(finite.max()) <= hi
