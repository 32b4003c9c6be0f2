"""AppTest: the 'cell' page with every kind of zoo model, at the first and the last step; and the values the
player is given to show at a step are the trace's (the diagram's strips, its title, the unit's numbers)."""
import numpy as np
import pytest

from app_driver import MODELS, charts, decode, go_to_step, open_page, panel, sync, visit_every_corner, zoo_trace
from cellviz import summaries


@pytest.mark.parametrize("model", MODELS)
def test_every_model_first_and_last_step(model):
    at = open_page("cell", model)
    assert charts(at)
    visit_every_corner(at, model)


@pytest.mark.parametrize("model, layer, direction", [("lag-lstm", 0, 0), ("charlm-gru", 0, 0),
                                                     ("brackets-rnn", 0, 0), ("sentiment-bilstm", 0, 1),
                                                     ("charlm-lstm-2layer", 1, 0)])
def test_values_shown_at_a_step_are_the_traces(model, layer, direction):
    at = open_page("cell", model)
    if layer:
        at.selectbox(key="layer").set_value(layer).run()
    if direction:
        at.radio(key="direction").set_value(direction).run()
    at.multiselect(key="units").set_value([3]).run()
    tr = zoo_trace(model)
    rec, x = tr.layer(layer, direction), summaries.layer_input(tr, layer)
    step = tr.seq_len // 2
    go_to_step(at, step)
    assert sync(at)["step"] == step                     # the player is told to show this step
    diagram, numbers = panel(at, "cell"), panel(at, "numbers")
    want = summaries.cell_vectors(rec, x, step, direction)
    strips = {s["label"]: decode(s["values"]) for s in diagram["strips"]}
    h = strips["h (hidden state)"]
    assert h.shape == (tr.seq_len, tr.hidden_size)
    np.testing.assert_allclose(h[step], want["h"], atol=2e-3)           # float16 colours
    np.testing.assert_allclose(strips["h (previous)"][step], want["h_prev"], atol=2e-3)
    gate = {"lstm": "f (forget gate)", "gru": "z (update gate)", "rnn": None}[tr.kind]
    if gate:
        np.testing.assert_allclose(strips[gate][step], want[gate[0]], atol=2e-3)
    assert all(s["unit"] == 3 for s in diagram["strips"] if s["label"] != "x (input)")   # the outlined unit
    assert f"step {step}" in diagram["titles"][step]
    rows = {r["label"]: decode(r["values"]) for r in numbers["rows"]}
    assert numbers["title"] == "Numbers for unit 3"
    np.testing.assert_array_equal(rows["h (hidden state)"][step], np.float32(want["h"][3]))    # exact float32
    if gate:
        np.testing.assert_array_equal(rows[gate][step], np.float32(want[gate[0]][3]))
