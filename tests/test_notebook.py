"""The notebook player (`cellviz.show`, `cellviz.notebook`): the widget's state and payload, without a browser;
`Trace`'s rich display; `plots.cell_diagram_at`. The browser half is tests/test_notebook_browser.py."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch

import cellviz
from cellviz import plots, summaries
from cellviz.export import build_sections
from cellviz import player
from cellviz.player import panels, payload

if os.environ.get("CI") != "true":          # CI installs the notebook extra: there, a missing anywidget fails
    pytest.importorskip("anywidget")
from cellviz import notebook  # noqa: E402


@pytest.fixture(scope="module")
def tr():
    torch.manual_seed(0)
    return cellviz.trace(torch.nn.LSTM(3, 10, num_layers=2, bidirectional=True), torch.randn(14, 3))


def _ids(section: dict) -> list[str]:
    return [p["id"] for p in section["panels"]]


def test_show_returns_a_widget_with_one_focus_keyed_section_per_view(tr):
    expected = {"cell": ["cell", "numbers"], "over_time": ["time", "traces"], "gradients": ["grad", "tokens"],
                "units": ["text"], "all": ["cell", "numbers", "tokens", "time", "grad"]}
    groups = set()
    for view, ids in expected.items():
        w = cellviz.show(tr, view=view, unit=3, units=[1])
        assert isinstance(w, notebook.Player) and (w.view, w.step, w.steps) == (view, 0, 14)
        [section] = w.sections
        assert section["format"] == payload.FORMAT and section["steps"] == 14
        assert section["controls"] is True and section["keyboard"] == "focus"     # keys only while focused
        assert "Click the player" in section["texts"] or "Click the player" in section["keys"]
        assert _ids(section) == ids
        groups.add(section["group"])
    assert len(groups) == len(expected)          # each player steps on its own


def test_the_panels_are_the_apps_and_the_exports(tr):
    """No second implementation: the widget's panels are player.panels' and export.build_sections' own."""
    tokens = list("abcdefghijklmn")
    w = cellviz.show(tr, view="cell", tokens=tokens, layer=1, direction=1, unit=4)
    want = panels.cell_diagram(tr, 1, 1, tokens, 4, caption=w.sections[0]["panels"][0]["caption"])
    assert w.sections[0]["panels"][0] == json.loads(payload.to_json(want))
    everything = cellviz.show(tr, view="all", tokens=tokens, unit=2).sections[0]
    built = build_sections(tr, tokens, units=[2])
    assert everything["panels"] == json.loads(payload.to_json([p for s in built for p in s["panels"]]))
    assert everything["captions"] == next(s for s in built if s.get("controls"))["captions"]
    assert everything["captions"][3].startswith("step 3 of 13")


def test_the_payload_travels_gzip_compressed_and_without_plotly_js(tr):
    w = cellviz.show(tr, view="all")
    raw = payload.to_json(w.sections).encode()
    assert w._payload[:2] == b"\x1f\x8b" and len(w._payload) < 0.7 * len(raw)
    assert notebook.unpack(w._payload) == w.sections == json.loads(gzip.decompress(w._payload))
    state = w.get_state()
    head = player.plotly_js()[:300]
    assert head not in state["_esm"]
    assert head not in gzip.decompress(w._player).decode()
    assert ".cvp-bar" in state["_css"] and len(state["_esm"]) < 10_000      # the loader alone
    code = gzip.decompress(w._player).decode()      # player.js itself, gzip-compressed, without its comments
    assert "window.CellvizPlayer = { version: VERSION" in code and "/*" not in code
    assert w._player_version == "1" and len(w._player) < 12_000


def test_plotly_js_goes_to_the_page_as_a_custom_message_once_asked(tr, monkeypatch):
    w = cellviz.show(tr)
    sent = []
    monkeypatch.setattr(w, "send", lambda content, buffers=None: sent.append((content, buffers)))
    w._on_message(w, {"type": "something else"}, [])
    assert sent == [] and w.plotly_requests == 0
    w._on_message(w, {"type": "plotly.js?"}, [])
    [(content, buffers)] = sent
    assert content == {"type": "plotly.js"} and bytes(buffers[0]).decode() == player.plotly_js()
    assert w.plotly_requests == 1


def test_step_is_clamped_and_settable(tr):
    w = cellviz.show(tr, view="over_time", step=5)
    assert w.step == 5
    w.step = 100
    assert w.step == 13
    w.step = -3
    assert w.step == 0
    assert "step=0" in repr(w) and "steps=14" in repr(w)


def test_bad_arguments_say_what_is_accepted(tr):
    with pytest.raises(ValueError, match="view must be one of"):
        cellviz.show(tr, view="gates")
    with pytest.raises(ValueError, match="layer 2 does not exist"):
        cellviz.show(tr, layer=2)
    with pytest.raises(ValueError, match="unit 10 does not exist"):
        cellviz.show(tr, unit=10)
    with pytest.raises(ValueError, match="14 steps"):
        cellviz.show(tr, tokens=["a", "b"])
    with pytest.raises(ValueError, match="reach must be"):
        cellviz.show(tr, view="gradients", reach=np.ones(3))
    with pytest.raises(ValueError, match="quantity must be one of"):
        cellviz.show(tr, view="units", quantity="z")
    with pytest.raises(ValueError, match="at most 10"):
        cellviz.show(tr, max_steps=10)


def test_gradients_view_takes_a_reach(tr):
    sens = tr.input_sensitivity[:, 0]
    w = cellviz.show(tr, view="gradients", reach=sens, reach_loss="L")
    assert _ids(w.sections[0]) == ["grad", "tokens", "reach", "reach_text"]
    every = cellviz.show(tr, view="gradients", reach=np.tile(sens, (14, 1)), reach_loss="L_t")
    assert "by_step" in every.sections[0]["panels"][2]


def test_texts_follow_lang(tr):
    w = cellviz.show(tr, lang="zh")
    assert "点击播放器" in w.sections[0]["keys"]
    assert "Click the player" in cellviz.show(tr).sections[0]["keys"]      # the language is put back


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_widget_module_is_valid_javascript(tmp_path):
    path = tmp_path / "widget.mjs"
    path.write_text(notebook._esm(), encoding="utf-8")
    subprocess.run(["node", "--check", str(path)], check=True, capture_output=True)
    path = tmp_path / "player.js"                   # what the widget carries of player.js, comments stripped
    path.write_text(gzip.decompress(notebook._player_js()[0]).decode(), encoding="utf-8")
    subprocess.run(["node", "--check", str(path)], check=True, capture_output=True)


# --- Trace's display ---------------------------------------------------------------------------------------
def test_trace_repr_is_one_line_without_arrays(tr):
    text = repr(tr)
    assert "\n" not in text and len(text) < 200 and "array" not in text
    assert text.startswith("<cellviz.Trace LSTM: 2 layer(s), bidirectional, T=14, B=1, H=10, input_size=3, loss=")
    assert f"{float(tr.loss):.6g}" in text


def test_trace_html_summarises_shapes_and_how_the_input_was_read(tr, monkeypatch):
    html = tr._repr_html_()
    for part in ("LSTM", "2 layer(s)", "2 direction(s)", "T = 14", "B = 1", "H = 10", "input_size",
                 f"{float(tr.loss):.6g}", "gates[&quot;f&quot;]</code> (14, 1, 10)", "grad_c</code> (14, 1, 10)",
                 "<code>x</code> (14, 1, 3)", "<code>h_n</code> (4, 10)", "batch_first</code></td><td>False",
                 "(T, I), unbatched"):
        assert part in html, part
    assert "array" not in html and len(html) < 4000
    rnn = cellviz.trace(torch.nn.RNN(2, 4, nonlinearity="relu", batch_first=True), torch.randn(3, 5, 2), at_step=2)
    html = rnn._repr_html_()
    assert "batch_first</code></td><td>True" in html and "(B, T, I)" in html and "relu" in html
    assert "at step 2" in html
    assert summaries.overview(rnn)["per_layer"]["preacts[\"h\"]"] == (5, 3, 4)
    proj = cellviz.trace(torch.nn.LSTM(2, 6, proj_size=3), torch.randn(4, 2))
    assert "proj_size=3" in repr(proj) and "proj_size</code></td><td>3" in proj._repr_html_()
    assert "h</code> (4, 1, 3)" in proj._repr_html_() and "c</code> (4, 1, 6)" in proj._repr_html_()


# --- the cell diagram at step t in one call -------------------------------------------------------------------
def test_cell_diagram_at_is_the_apps_figure(tr):
    rec, x = tr.layer(1, 1), summaries.layer_input(tr, 1)
    want = plots.cell_diagram("lstm", summaries.cell_vectors(rec, x, 5, 1), unit=2, step=5, token="f",
                              ranges=summaries.sequence_values(rec, x))
    got = plots.cell_diagram_at(tr, 5, layer=1, direction=1, unit=2, tokens=list("abcdefghijklmn"))
    assert got.to_json() == want.to_json()
    assert plots.cell_diagram_at(tr, -1).to_json() == plots.cell_diagram_at(tr, 13).to_json()
    with pytest.raises(IndexError, match="14 steps"):
        plots.cell_diagram_at(tr, 14)
    with pytest.raises(IndexError):
        plots.cell_diagram_at(tr, 0, layer=2)


def test_without_anywidget_show_says_how_to_install(monkeypatch):
    import importlib
    import sys
    monkeypatch.setitem(sys.modules, "anywidget", None)          # as if the notebook extra were not installed
    monkeypatch.delitem(sys.modules, "cellviz.notebook")
    with pytest.raises(ImportError, match=r"pip install 'cellviz\[notebook\]'"):
        importlib.import_module("cellviz.notebook")
    with pytest.raises(ImportError, match="anywidget"):
        cellviz.show
