"""AppTest: the intervene page — every intervention kind on an LSTM, a GRU and an RNN changes the shown
states where it should (and nowhere before step t), with no error; f = 1, i = 0 leaves c unchanged."""
import numpy as np
import pytest

from app_driver import assert_clean, figure, go_to_step, heatmap_values, open_page
from cellviz import plots

STEP = 5


def shown(at) -> tuple[dict, dict]:
    """(original, intervened) heatmap values by quantity: (units, steps) arrays."""
    names = {plots.qname(q): q for q in ("i", "f", "o", "r", "z", "c", "h")}
    return tuple({names[n]: z for n, z in heatmap_values(figure(at, f"iv_heat_{w}")).items()}
                 for w in ("original", "intervened"))


def choose(at, kind: str, **widgets) -> None:
    at.radio(key="iv_kind").set_value(kind).run()
    for key, value in widgets.items():
        (at.selectbox(key=key) if key == "iv_gate" else
         at.number_input(key=key) if key == "iv_value" else at.radio(key=key)).set_value(value)
    at.run()
    assert_clean(at)


@pytest.mark.parametrize("model", ["brackets-lstm", "brackets-gru", "brackets-rnn"])
def test_every_intervention_kind(model):
    at = open_page("intervene", model)
    go_to_step(at, STEP)
    before, _ = shown(at)
    T = before["h"].shape[1]
    kinds = [r.options for r in at.radio if r.key == "iv_kind"][0]
    assert len(kinds) == {"brackets-lstm": 4, "brackets-gru": 3, "brackets-rnn": 2}[model]

    # set h of unit 0 at step t only: exactly that value there, the past untouched, the future changed
    choose(at, "state", iv_value=0.5, iv_scope="units", iv_span="step")
    orig, new = shown(at)
    assert new["h"][0, STEP] == pytest.approx(0.5)
    np.testing.assert_allclose(new["h"][:, :STEP], orig["h"][:, :STEP], atol=1e-6)
    assert not np.allclose(new["h"][:, STEP + 1:], orig["h"][:, STEP + 1:])
    assert at.metric[0].label and at.metric[0].value

    # ablate unit 0: zero at every step, other units change downstream
    choose(at, "ablate", iv_scope="units")
    orig, new = shown(at)
    assert np.all(new["h"][0] == 0) and not np.all(orig["h"][0] == 0)
    assert not np.allclose(new["h"][1:, 1:], orig["h"][1:, 1:])

    if model != "brackets-rnn":            # clamp the first gate of all units to 1 at step t only
        gate = {"brackets-lstm": "f", "brackets-gru": "r"}[model]
        choose(at, "gate", iv_gate=gate, iv_gate_value=1.0, iv_scope="all", iv_span="step")
        orig, new = shown(at)
        assert np.all(new[gate][:, STEP] == 1) and not np.all(orig[gate][:, STEP] == 1)
        np.testing.assert_allclose(new["h"][:, :STEP], orig["h"][:, :STEP], atol=1e-6)

    if model == "brackets-lstm":           # f = 1, i = 0 from t on: the cell state never changes again
        choose(at, "freeze", iv_scope="all", iv_span="rest")
        orig, new = shown(at)
        np.testing.assert_array_equal(new["c"][:, STEP:], np.repeat(new["c"][:, STEP - 1:STEP], T - STEP, axis=1))
        np.testing.assert_allclose(new["c"][:, :STEP], orig["c"][:, :STEP], atol=1e-6)
        assert not np.allclose(orig["c"][:, STEP:], orig["c"][:, STEP - 1:STEP])


def test_prediction_and_loss_change():
    at = open_page("intervene", "lag-lstm")
    choose(at, "ablate", iv_scope="all")
    texts = [m.value for m in at.markdown if m.value.startswith("**Prediction")]
    assert len(texts) == 2 and texts[0].split("**")[-1] != texts[1].split("**")[-1]
    delta = at.metric[0].proto.delta
    assert delta.startswith("+")            # switching every unit off makes the loss worse


def test_reverse_direction_freeze_keeps_c_towards_the_start():
    at = open_page("intervene", "sentiment-bilstm")
    at.radio(key="direction").set_value(1).run()
    go_to_step(at, STEP)
    choose(at, "freeze", iv_scope="all", iv_span="rest")
    orig, new = shown(at)
    s = at.session_state["step"]
    np.testing.assert_array_equal(new["c"][:, :s + 1], np.repeat(new["c"][:, s:s + 1], s + 1, axis=1))


def test_choices_survive_a_visit_to_another_page():
    """The intervention settings are kept alive by state.init (key `keep`), not by the view."""
    at = open_page("intervene", "brackets-lstm")
    choose(at, "state", iv_value=0.5, iv_scope="all", iv_span="rest")
    at.switch_page("cellviz/ui/pages/cell.py").run()
    at.switch_page("cellviz/ui/pages/intervene.py").run()
    assert_clean(at)
    assert at.radio(key="iv_kind").value == "state" and at.number_input(key="iv_value").value == 0.5
    assert at.radio(key="iv_scope").value == "all" and at.radio(key="iv_span").value == "rest"
