"""Drive the Streamlit app with AppTest: open a page, pick a model, step, and check that nothing broke."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import cellviz
import cellviz.zoo

APP = str(Path(__file__).resolve().parents[1] / "app.py")
# one zoo model of every kind: RNN / LSTM / GRU, bidirectional, stacked, encoder-decoder, series, 1->N
KINDS = ["brackets-rnn", "lag-lstm", "charlm-gru", "sentiment-bilstm", "charlm-lstm-2layer", "translate-gru",
         "forecast-gru-2layer", "waveform-rnn"]
MODELS = [pytest.param(n, id=n) if n in cellviz.zoo.names() else
          pytest.param(n, id=n, marks=pytest.mark.skip(reason=f"{n} not in the zoo")) for n in KINDS]


def open_page(page: str = "cell", model: str | None = None) -> AppTest:
    """A fresh session on `page` (a view name), optionally with `model` picked in the sidebar."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page != "cell":
        at.switch_page(f"cellviz/ui/pages/{page}.py").run()
    if model is not None:
        at.selectbox(key="model").set_value(model).run()
    assert_clean(at)
    return at


DETAILS = ("open_conventions", "open_stacking", "open_shapes", "open_by_hand")   # explain.details' keys


def open_details(at: AppTest) -> AppTest:
    """Open every closed explanation on the page, as a reader clicks them (their bodies run only once open)."""
    for key in DETAILS:
        at.session_state[key] = True
    at.run()
    assert_clean(at)
    return at


def shown(markdown: str) -> str:
    """A message's Markdown source as the reader sees it: `escape_markdown`'s backslash escapes and
    word joiners removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def assert_clean(at: AppTest) -> None:
    """No exception and no error message on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def charts(at: AppTest) -> list:
    """Every chart on the page: Streamlit's Plotly charts and the step player's figure panels."""
    return list(at.get("plotly_chart")) + [p for s in player(at).values() for p in s["panels"]
                                           if p["type"] == "figure"]


def player(at: AppTest) -> dict[str, dict]:
    """The step player's sections the page sends to the browser, by key ("controls", "diagram", ...):
    the payloads (cellviz.player.payload) that player.js draws."""
    out = {}
    for el in at.get("bidi_component"):
        if el.proto.component_name == "cellviz_player":
            out[el.proto.id.rsplit("-", 1)[-1]] = json.loads(el.proto.json)
    return out


def sync(at: AppTest) -> dict:
    """What the page tells the player through its side channel: the step, the seek number, server data."""
    found = [d for d in (json.loads(el.proto.json) for el in at.get("bidi_component")
                         if el.proto.component_name == "cellviz_player_sync")]
    assert len(found) == 1, found
    return found[0]


def panel(at: AppTest, panel_id: str) -> dict:
    """One panel of the player by id ("cell", "numbers", "time", ...)."""
    found = [p for s in player(at).values() for p in s["panels"] if p["id"] == panel_id]
    assert len(found) == 1, f"{len(found)} player panels {panel_id!r}"
    return found[0]


def go_to_step(at: AppTest, step: int) -> AppTest:
    """What the player does when the user steps: the step reaches the session (as its sync callback does)."""
    at.session_state["step"] = step
    return at.run()


def steps_of(at: AppTest) -> int:
    """The number of steps of the current input, from the player's step bar (1 without one)."""
    bars = [s for s in player(at).values() if s.get("controls")]
    return bars[0]["steps"] if bars else 1


def visit_every_corner(at: AppTest, model: str) -> None:
    """First and last step in every part, layer and direction the model has; charts and no errors each time."""
    card = cellviz.zoo.card(model)
    parts = ["encoder", "decoder"] if card["io"] == "N->M" else [None]
    for part in parts:
        if part is not None:
            at.radio(key="part").set_value(part).run()
        for layer in range(card["num_layers"]):
            if card["num_layers"] > 1:
                at.selectbox(key="layer").set_value(layer).run()
            for direction in range(2 if card["bidirectional"] else 1):
                if card["bidirectional"]:
                    at.radio(key="direction").set_value(direction).run()
                _first_and_last(at)


def _first_and_last(at: AppTest) -> None:
    last = steps_of(at) - 1
    for step in (last, 0):
        go_to_step(at, step)
        assert_clean(at)
        assert at.session_state["step"] == step and sync(at)["step"] == step
        assert charts(at)


def figure(at: AppTest, key: str) -> dict:
    """The Plotly figure (as a dict) of the chart with this key."""
    found = [c for c in charts(at) if c.proto.id.endswith(f"-{key}")]
    assert found, f"no chart with key {key!r}"
    return json.loads(found[-1].proto.spec)


def heatmap_values(fig: dict) -> dict[str, np.ndarray]:
    """Each heatmap trace's z as a (units, steps) array, by trace name (decodes Plotly's base64 arrays)."""
    def decode(z):
        if isinstance(z, dict):
            a = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
            shape = z.get("shape")
            return a.reshape([int(s) for s in str(shape).split(",")]) if shape else a
        return np.asarray(z, dtype=float)
    return {tr["name"]: decode(tr["z"]) for tr in fig["data"] if tr.get("type") == "heatmap"}


def decode(spec) -> np.ndarray:
    """A Plotly / player typed-array spec ({dtype, bdata, shape}) or a plain list as an array."""
    if isinstance(spec, dict):
        a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"])).astype(np.float64)
        shape = spec.get("shape")
        if isinstance(shape, str):
            shape = [int(s) for s in shape.split(",")]
        return a.reshape(shape) if shape else a
    return np.asarray(spec, dtype=float)


def zoo_trace(model: str, part: str | None = None, at_step: int | None = None):
    """The trace the app shows for `model` on its default input (sample 0), computed here independently."""
    m = cellviz.zoo.load(model)
    module, x, h0, loss = m.trace_args(m.task.sample(0), part=part or m.parts()[0])
    return cellviz.trace(module, x, h0=h0, loss=loss, at_step=at_step)
