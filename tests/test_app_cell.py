"""AppTest: the 'cell' page with every kind of zoo model, at the first and the last step; and the values the
player is given to show at a step are the trace's (the diagram's strips, its title, the unit's numbers)."""
import numpy as np
import pytest

from app_driver import MODELS, charts, decode, go_to_step, open_page, panel, sync, visit_every_corner, zoo_trace
from cellviz import summaries
from cellviz.player import payload


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
    strips = {s["label"]: payload.strip_values(diagram, s["label"]) for s in diagram["strips"]}
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


def test_a_wide_cell_carries_each_quantity_once_in_blocks():
    """H=200: strips of unit-block means (the cell is ~100 px wide), h_{t-1} and c_{t-1} read from h and c."""
    import torch
    import cellviz
    from cellviz.player import panels
    torch.manual_seed(0)
    tr = cellviz.trace(torch.nn.LSTM(3, 200), torch.randn(30, 3))
    diagram = panels.cell_diagram(tr, 0, 0, [str(k) for k in range(30)], unit=150)
    assert set(diagram["series"]) == {"x", "i", "f", "g", "o", "c", "h", "tanh_c"}    # no h_prev / c_prev copies
    h = payload.strip_values(diagram, "h (hidden state)")
    assert h.shape == (30, 67)                                         # ceil(200 / 3) blocks of 3 units
    np.testing.assert_allclose(h[7, 50], tr.layer(0).h[7, 0, 150:153].mean(), atol=2e-3)
    h_prev = payload.strip_values(diagram, "h (previous)")
    np.testing.assert_array_equal(h_prev[8], h[7])
    np.testing.assert_allclose(h_prev[0], 0, atol=1e-6)                # the initial state
    assert {s["bu"] for s in diagram["strips"] if s["label"] != "x (input)"} == {3}
