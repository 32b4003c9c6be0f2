"""AppTest: the 'over_time' page with every kind of zoo model, at the first and the last step; the heatmaps and
unit traces the player draws hold the trace's values, and the step moves only a cursor (no figure re-sent)."""
import numpy as np
import pytest

from app_driver import (MODELS, charts, decode, go_to_step, heatmap_values, open_page, panel, player, sync,
                        visit_every_corner, zoo_trace)
from cellviz import summaries


@pytest.mark.parametrize("model", MODELS)
def test_every_model_first_and_last_step(model):
    at = open_page("over_time", model)
    assert charts(at)
    visit_every_corner(at, model)


@pytest.mark.parametrize("model", ["lag-lstm", "charlm-gru"])
def test_values_shown_are_the_traces_and_a_step_moves_only_the_cursor(model):
    at = open_page("over_time", model)
    at.multiselect(key="units").set_value([2, 5]).run()
    tr = zoo_trace(model)
    series = summaries.quantities(tr.layer(0))
    time, traces = panel(at, "time"), panel(at, "traces")
    heat = heatmap_values(time["figure"])
    gate = "f (forget gate)" if tr.kind == "lstm" else "z (update gate)"
    np.testing.assert_array_equal(heat[gate], series[gate[0]].T)           # (units, steps), float32 exact
    np.testing.assert_array_equal(heat["h (hidden state)"], series["h"].T)
    lines = {(tr_["name"], tr_.get("yaxis", "y")): decode(tr_["y"]) for tr_ in traces["figure"]["data"]}
    row = list(series).index(gate[0])                                     # one panel per quantity
    np.testing.assert_array_equal(lines[("unit 5", f"y{row + 1}" if row else "y")], series[gate[0]][:, 5])
    assert time["cursors"] == [{"type": "vline", "color": time["cursors"][0]["color"]}]
    assert time["click"] == "unit_step"
    dashed = sorted({s["y0"] for s in time["figure"]["layout"]["shapes"] if s.get("line", {}).get("dash") == "dash"})
    assert dashed == [2, 5]                                               # the selected units are marked
    before = player(at)
    for step in (7, tr.seq_len - 1):
        go_to_step(at, step)
        assert sync(at)["step"] == step
        assert player(at) == before                     # the same payload: the browser moves the cursor itself
