"""AppTest: the 'units' page with every kind of zoo model, at the first and the last step; the coloured text
the player shows is the chosen unit's trace, with an outline that follows the step."""
import numpy as np
import pytest

from app_driver import MODELS, charts, decode, go_to_step, open_page, panel, sync, visit_every_corner, zoo_trace
from cellviz import summaries


@pytest.mark.parametrize("model", MODELS)
def test_every_model_first_and_last_step(model):
    at = open_page("units", model)
    assert charts(at)
    visit_every_corner(at, model)


def test_coloured_text_is_the_chosen_units_values():
    at = open_page("units", "charlm-lstm")
    at.multiselect(key="units").set_value([1, 7]).run()
    at.selectbox(key="color_by").set_value("c").run()
    at.selectbox(key="color_unit").set_value(7).run()
    tr = zoo_trace("charlm-lstm")
    want = summaries.quantities(tr.layer(0))["c"][:, 7]
    text = panel(at, "text")
    per_row = text["cursors"][0]["per_row"]
    z = decode(text["figure"]["data"][0]["z"]).ravel()                     # rows of `per_row` tokens
    np.testing.assert_array_equal(z[:tr.seq_len], want.astype(np.float32))
    assert text["cursors"][0]["type"] == "cell" and per_row == 40
    go_to_step(at, 41)
    assert sync(at)["step"] == 41 and panel(at, "text") == text     # the outline moves in the browser
