"""The notebook player in a real JupyterLab (localhost, no network) driven by Debian's Chromium via Playwright.

A notebook with two players and long text between them: the players draw, plotly.js comes once from the kernel
(no request leaves localhost), → and PageDown do nothing to a player without focus (PageDown scrolls the
notebook), step it once it has focus (and the kernel's `widget.step` follows), and Python setting `widget.step`
moves it. Skipped without /usr/bin/chromium, playwright or jupyterlab — except on CI (CI=true), where that
is a failure. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cellviz.hosted_bench import ARGS, CHROMIUM, ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
T = 20
LONG = "\n\n".join(f"Paragraph {k}: " + "some words to scroll past " * 12 for k in range(30))
CELLS = [
    ("code", "import json, torch, cellviz\ntorch.manual_seed(0)\n"
             f"tr = cellviz.trace(torch.nn.LSTM(3, 16), torch.randn({T}, 3))\n"
             "w = cellviz.show(tr, view='cell', unit=2)\n"
             "w.observe(lambda change: open('step.txt', 'w').write(str(change['new'])), 'step')\nw"),
    ("markdown", LONG),
    ("code", "w2 = cellviz.show(tr, view='over_time', units=[1])\nw2"),
    ("markdown", LONG),
    ("code", "w.step = 7"),
    ("code", "open('state.json', 'w').write(json.dumps({'step': w.step, 'plotly_requests': "
             "w.plotly_requests + w2.plotly_requests}))"),
]
PLAYER = ".cellviz-nb .cvnb-root"
STEP = f"() => document.querySelector('{PLAYER}').dataset.step"
SCROLLER = "() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTop"
FOCUSED = "() => !!document.activeElement.closest('.cellviz-nb')"


def _require() -> None:
    missing = [what for what, ok in [(CHROMIUM, Path(CHROMIUM).exists()),
                                     ("playwright", _importable("playwright.sync_api")),
                                     ("jupyterlab", _importable("jupyterlab")), ("anywidget", _importable("anywidget"))]
               if not ok]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing on CI: {', '.join(missing)} — the notebook browser test must run there")
        pytest.skip(f"not installed: {', '.join(missing)}")


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _require()
    from notebook_lab import start_lab, stop, write
    folder = tmp_path_factory.mktemp("lab")
    write(folder / "player.ipynb", CELLS)
    try:
        proc, url = start_lab(folder)
    except RuntimeError as e:
        pytest.fail(str(e))
    yield folder, url
    stop(proc)
    log = folder / "jupyterlab.log"
    if log.exists():
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "notebook-jupyterlab.log")


def test_the_player_in_jupyterlab_steps_only_with_focus_and_syncs_with_python(lab):
    from playwright.sync_api import sync_playwright

    from notebook_lab import RUN_CELL
    folder, url = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url)
                    if not r.url.startswith((url, "data:", "blob:")) else None)
            page.goto(url + "/lab/tree/player.ipynb")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=180_000)
            page.evaluate(RUN_CELL, 0)
            page.wait_for_selector(".cellviz-nb[data-ready='1'] [data-panel=cell] canvas.cvp-strip", timeout=180_000)
            page.evaluate(RUN_CELL, 2)
            page.wait_for_function("() => document.querySelectorAll(\".cellviz-nb[data-ready='1']\").length === 2"
                                   " && document.querySelector(\"[data-panel=time] .cvp-vline\")", timeout=60_000)
            # drawn: the diagram's strips are painted, the heatmaps are plotly figures, plotly.js came from the kernel
            assert page.locator(".cellviz-nb .js-plotly-plot").count() >= 2
            assert page.evaluate("window.__cellvizPlayer.plotlyFrom") == "kernel"
            assert page.evaluate(STEP) == "0"
            page.screenshot(path=str(ARTIFACTS / "notebook-players.png"))

            # no focus on a player (a markdown cell selected, command mode): → and PageDown are the notebook's
            page.locator(".jp-MarkdownCell").first.click()
            page.keyboard.press("Escape")
            assert not page.evaluate(FOCUSED)
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(400)
            assert page.evaluate(STEP) == "0"
            top = page.evaluate(SCROLLER)
            page.keyboard.press("PageDown")
            page.wait_for_function(f"() => ({SCROLLER})() > {top} + 200", timeout=5_000)   # the notebook scrolled
            assert page.evaluate(STEP) == "0"

            # focus the player (a click on it): the keys step it, PageDown does not scroll, Python hears the step
            page.locator(f"{PLAYER} .cvp-step").first.click()
            assert page.evaluate(FOCUSED)
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => ({STEP})() === '1'", timeout=5_000)
            top = page.evaluate(SCROLLER)
            page.keyboard.press("PageDown")
            page.wait_for_function(f"() => ({STEP})() === '2'", timeout=5_000)
            page.wait_for_timeout(300)
            assert page.evaluate(SCROLLER) == top
            page.keyboard.press("End")
            page.wait_for_function(f"() => ({STEP})() === '{T - 1}'", timeout=5_000)
            page.keyboard.press("ArrowLeft")
            page.wait_for_function(f"() => ({STEP})() === '{T - 2}'", timeout=5_000)
            step_file = folder / "step.txt"
            for _ in range(50):                              # the step reaches the kernel (debounced, 250 ms)
                if step_file.exists() and step_file.read_text() == str(T - 2):
                    break
                page.wait_for_timeout(200)
            assert step_file.read_text() == str(T - 2)
            page.screenshot(path=str(ARTIFACTS / "notebook-focused.png"))

            # Python moves the player
            page.evaluate(RUN_CELL, 4)
            page.wait_for_function(f"() => ({STEP})() === '7'", timeout=15_000)
            page.evaluate(RUN_CELL, 5)
            state = folder / "state.json"
            for _ in range(50):
                if state.exists() and state.read_text():
                    break
                page.wait_for_timeout(200)
            assert json.loads(state.read_text()) == {"step": 7, "plotly_requests": 1}   # plotly.js sent once
            assert outside == []                                                     # nothing left localhost
        finally:
            browser.close()
