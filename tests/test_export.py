"""The offline lecture export: a self-contained page, one frame per step, bad input refused, and a real browser
stepping through it with the network blocked."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import cellviz
from cellviz import player, zoo
from cellviz.export import export_html, main, trace_to_html
from cellviz.player import payload
from cellviz.hosted_bench import ARGS as CHROMIUM_ARGS, CHROMIUM

PANELS = ("cell", "numbers", "tokens", "time", "grad", "reach", "reach_text")


def sections(page: str) -> list[dict]:
    """The player sections (cellviz.player.payload) embedded in an exported page."""
    found = re.search(r'<script type="application/json" id="cellviz-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def figures(page: str) -> dict[str, dict]:
    """The page's panels by id."""
    return {p["id"]: p for s in sections(page) for p in s["panels"]}


def zoo_trace(name: str, part: str | None = None, sample: int = 0) -> cellviz.Trace:
    model = zoo.load(name)
    module, x, h0, loss = model.trace_args(model.task.sample(sample), part=part or model.parts()[0])
    return cellviz.trace(module, x, h0=h0, loss=loss)


def strip(panel: dict, label: str) -> np.ndarray:
    """A cell-diagram strip's values, (T, n), as the player computes them."""
    return payload.strip_values(panel, label)


@pytest.fixture(scope="module")
def lag_page() -> str:
    return export_html("lag-lstm", sample=1, units=[3])


def test_page_is_self_contained_and_runs_the_apps_player(lag_page):
    plotlyjs = player.plotly_js()
    assert lag_page.count(plotlyjs) == 1 and len(re.findall(r"plotly\.js (?:\([^)]*\) )?v\d", lag_page)) == 1
    assert lag_page.count(player.js()) == 1                          # the app's player, not a copy of it
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", lag_page, re.I)
    assert "http" not in lag_page.replace(plotlyjs, "")           # no URL anywhere outside the library
    assert set(figures(lag_page)) == set(PANELS)
    bar = sections(lag_page)[0]
    assert bar["controls"] and bar["format"] == payload.FORMAT and len(bar["captions"]) == bar["steps"]


@pytest.mark.parametrize("name, opts", [
    ("lag-lstm", {}),
    ("brackets-gru", {"units": [0, 5]}),
    ("sentiment-rnn", {}),
    ("sentiment-bilstm", {"direction": 1}),
    ("charlm-lstm-2layer", {"layer": 1}),
    ("translate-gru", {"part": "decoder"}),
])
def test_every_step_is_in_the_page_showing_the_chosen_layer_and_direction(name, opts):
    page = export_html(name, **opts)
    tr = zoo_trace(name, opts.get("part"))
    T = tr.seq_len
    figs = figures(page)
    bar = sections(page)[0]
    assert bar["steps"] == T and [c.split(" ·")[0] for c in bar["captions"][:2]] == ["step 0 of " + str(T - 1),
                                                                                        "step 1 of " + str(T - 1)]
    for panel in ("time", "grad", "tokens"):          # drawn once: only a cursor moves
        assert set(figs[panel]) <= {"id", "type", "figure", "cursors", "caption", "config"}
    assert figs["tokens"]["cursors"][0]["type"] == "cell"
    # the diagram's h strip at step k is the trace's h_t of the chosen layer and direction
    rec = tr.layer(opts.get("layer", 0), opts.get("direction", 0))
    h = strip(figs["cell"], "h (hidden state)")
    assert h.shape == (T, tr.hidden_size)
    for k in (0, T // 2, T - 1):
        np.testing.assert_allclose(h[k], rec.h[k, 0], atol=2e-3)          # float16 colours
        assert f"step {k}" in figs["cell"]["titles"][k]
    if "units" in opts:
        rows = {r["label"]: payload.decode(r["values"]) for r in figs["numbers"]["rows"]}
        np.testing.assert_array_equal(rows["h (hidden state)"], rec.h[:, 0, 0])   # the first unit, exactly


def test_the_reach_of_each_step_is_in_the_page():
    """N->N: the loss term at every step, row t equal to the trace with the loss at step t alone; N->1: the one
    prediction's reach, fixed."""
    figs = figures(export_html("brackets-gru"))
    model = zoo.load("brackets-gru")
    module, x, h0, loss = model.trace_args(model.task.sample(0))
    rows = payload.decode(figs["reach"]["by_step"]["values"])
    T = rows.shape[0]
    assert rows.shape == (T, T) and "server" not in figs["reach"]
    for k in (0, T // 2, T - 1):
        want = cellviz.trace(module, x, h0=h0, loss=loss, at_step=k).input_sensitivity[:, 0]
        np.testing.assert_allclose(rows[k], want, rtol=1e-5)
        assert f"step {k} " in figs["reach"]["titles"][k]
    figs = figures(export_html("sentiment-rnn"))
    bars = figs["reach"]["figure"]["data"][0]
    np.testing.assert_allclose(payload.decode(bars["y"]), zoo_trace("sentiment-rnn").input_sensitivity[:, 0], rtol=1e-6)
    assert "by_step" not in figs["reach"]


def test_trace_of_a_plain_torch_lstm():
    torch.manual_seed(0)
    module = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
    tr = cellviz.trace(module, torch.randn(2, 12, 3))                 # two sequences; show the second
    tokens = ["</script><b>", *"abcdefghijk"]
    page = trace_to_html(tr, tokens, title="my <LSTM>", layer=1, direction=1, units=[2], batch=1)
    figs = figures(page)
    assert sections(page)[0]["steps"] == 12 and len(figs["cell"]["titles"]) == 12
    assert "<title>my &lt;LSTM&gt;</title>" in page and "</script><b>" not in page
    np.testing.assert_allclose(strip(figs["cell"], "h (hidden state)")[5], tr.layer(1, 1).h[5, 1], atol=2e-3)
    with pytest.raises(ValueError, match="3 token labels for 12 steps"):
        trace_to_html(tr, tokens=list("abc"))
    with pytest.raises(ValueError, match="batch element 2 does not exist"):
        trace_to_html(tr, batch=2)
    with pytest.raises(ValueError, match=re.escape("reach must be (T,) or (T, T) with T = 12, got shape (11,)")):
        trace_to_html(tr, reach=np.ones(11))
    assert "by_step" in figures(trace_to_html(tr, reach=np.ones((12, 12))))["reach"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(model_name="no-such-model"), "no zoo model named 'no-such-model'"),
    (dict(model_name="lag-lstm", text="Qxx?"), "unknown symbol"),
    (dict(model_name="lag-lstm", sample=1, max_steps=5), "at most 5"),
    (dict(model_name="lag-lstm", layer=1), "layer 1 does not exist"),
    (dict(model_name="lag-lstm", direction=1), "direction 1 does not exist"),
    (dict(model_name="lag-lstm", units=[32]), "unit 32 does not exist"),
    (dict(model_name="lag-lstm", part="decoder"), "no part 'decoder'; its parts: recurrent"),
    (dict(model_name="lag-lstm", text="Axx?", sample=2), "either a text or a sample"),
    (dict(model_name="lag-lstm", lang="xx"), "no 'xx' texts"),
    (dict(model_name="lag-lstm", text="Ax?", options={"colour": 1}), "options of a typed text: lag"),
    (dict(model_name="lag-lstm", options={"lag": 5}), "does not take the option(s) lag here"),
])
def test_bad_input_is_a_value_error_saying_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        export_html(**kwargs)


def test_cli_writes_the_file(tmp_path, capsys):
    out = tmp_path / "lecture.html"
    assert main(["--model", "lag-gru", "--text", "Bxyzw?", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Bxyzw?" in page
    assert sections(page)[0]["steps"] == 6
    assert "lecture.html" in capsys.readouterr().out


def test_cli_option_and_unknown_model(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["--model", "lag-rnn", "--text", "Cx?", "--option", "lag=7", "-o", str(out)]) == 0
    assert sections(out.read_text(encoding="utf-8"))[0]["steps"] == 8
    assert main(["--model", "nope", "-o", str(tmp_path / "y.html")]) == 2
    assert "no zoo model named 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "y.html").exists()


def test_cli_in_chinese(tmp_path):
    """--lang zh: every text of the page from the Chinese catalogue, and the caller's language left alone."""
    from cellviz.i18n import CATALOGUES, language
    zh, en = CATALOGUES["zh"], CATALOGUES["en"]
    out = tmp_path / "zh.html"
    assert main(["--model", "lag-lstm", "--sample", "1", "--lang", "zh", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and zh["export.keys"] in page
    assert "由 cellviz" in page and "Exported by" not in page and en["export.keys"] not in page
    figs = figures(page)
    assert figs["cell"]["titles"][0].startswith("第 0 步的 LSTM 循环单元")
    assert figs["cell"]["titles"][3].startswith("第 3 步的 LSTM 循环单元")
    assert "着色的输入" in figs["tokens"]["figure"]["layout"]["title"]["text"]
    bar = sections(page)[0]
    assert bar["captions"][0].startswith("第 0 / ") and "播放" in bar["texts"]["play"]
    with pytest.raises(ValueError, match="第 1 层不存在"):
        export_html("lag-lstm", layer=1, lang="zh")
    assert language() == "en"


@pytest.mark.integration
def test_cli_bad_text_exits_non_zero(tmp_path):
    out = tmp_path / "bad.html"
    run = subprocess.run([sys.executable, "-m", "cellviz.export", "--model", "lag-lstm", "--text", "Q?",
                          "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "This input cannot be used: unknown symbol(s) 'Q'" in run.stderr
    assert not out.exists()


@pytest.mark.browser
def test_page_steps_in_chromium_offline(lag_page, tmp_path):
    """Opens the export in Debian's Chromium with every non-file request blocked and steps through it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        reason = "Python playwright is missing" if sync_playwright is None else f"{CHROMIUM} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    path = tmp_path / "lecture.html"
    path.write_text(lag_page, encoding="utf-8")
    requests, errors = [], []
    state = """() => ({step: document.querySelector('.cvp-section').parentElement.dataset.step,
        label: document.querySelector('.cvp-step').textContent,
        slider: document.querySelector('.cvp-slider').value,
        title: document.querySelector('[data-panel=cell] .cvp-title').textContent,
        lines: Array.from(document.querySelectorAll('[data-panel=grad] .cvp-vline, [data-panel=time] .cvp-vline'))
                    .map(l => parseFloat(l.style.left)),
        box: document.querySelector('[data-panel=tokens] .cvp-box').style.left,
        strips: Array.from(document.querySelectorAll('[data-panel=cell] canvas.cvp-strip'))
                    .map(c => c.toDataURL()).join(),
        number: document.querySelector('[data-panel=numbers] td.cvp-num').textContent})"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_offline(True)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else (requests.append(r.request.url), r.abort()))
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=20_000)
            assert page.locator(".js-plotly-plot").count() == len(PANELS) - 1        # the numbers are a table
            before = page.evaluate(state)
            assert before["step"] == "0" and before["label"].startswith("step 0 of")

            page.keyboard.press("ArrowRight")
            after = page.evaluate(state)
            assert after["step"] == after["slider"] == "1" and after["label"].startswith("step 1 of")
            assert all(b < a for b, a in zip(before["lines"], after["lines"]))    # every cursor moved right
            assert len(after["lines"]) == 7                                        # i f g o c h + the norms
            assert after["box"] != before["box"] and after["number"] != before["number"]
            assert "step 1" in after["title"] and after["strips"] != before["strips"]

            page.click(".cvp-next")
            page.wait_for_function("document.querySelector('.cvp-slider').value === '2'")
            page.keyboard.press("PageDown")
            page.wait_for_function("document.querySelector('.cvp-slider').value === '3'")
            page.keyboard.press("PageUp")
            page.wait_for_function("document.querySelector('.cvp-slider').value === '2'")
            page.keyboard.press("End")
            page.wait_for_function("document.querySelector('.cvp-slider').value === document.querySelector('.cvp-slider').max")
            page.keyboard.press("Home")
            page.wait_for_function("document.querySelector('.cvp-slider').value === '0'")

            page.keyboard.press("Space")                                   # play ...
            page.wait_for_function("Number(document.querySelector('.cvp-slider').value) >= 2", timeout=5_000)
            page.keyboard.press("Space")                                   # ... and pause
            stopped = page.evaluate("document.querySelector('.cvp-slider').value")
            page.wait_for_timeout(900)
            assert page.evaluate("document.querySelector('.cvp-slider').value") == stopped

            page.select_option(".cvp-speed", "50")                          # 20 steps/s: every step is painted
            painted = page.evaluate("""() => new Promise(done => {
              const seen = [], slider = document.querySelector('.cvp-slider');
              document.querySelector('.cvp-first').click(); document.querySelector('.cvp-play').click();
              const frame = () => { const k = Number(slider.value);
                if (seen[seen.length - 1] !== k) seen.push(k);
                if (k < Number(slider.max) && seen.length < 40) requestAnimationFrame(frame); else done(seen); };
              requestAnimationFrame(frame); })""")
            assert painted == list(range(painted[0], painted[0] + len(painted))) and len(painted) > 5, painted
        finally:
            browser.close()
    assert not requests and not errors, (requests, errors)
