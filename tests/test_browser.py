"""One real-browser test: `streamlit run app.py` headless on localhost, Debian's Chromium via Playwright.

Waits for the app to finish running and the charts to draw, clicks "next step", checks the step moved,
and saves screenshots (tests/artifacts/) for a person to look at. Skipped without /usr/bin/chromium —
except on CI (CI=true), where a missing browser is a failure.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cellviz.hosted_bench import ARGS, CHROMIUM, IDLE, ROOT, free_port, start_server

ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} or playwright is missing on CI: the browser test must run there")
        pytest.skip(f"{CHROMIUM} or playwright is not installed")


@pytest.fixture(scope="module")
def server():
    _require_browser()
    port = free_port()
    try:
        proc = start_server(port)
    except RuntimeError as e:
        pytest.fail(str(e))
    yield f"http://localhost:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_step_changes_the_view_in_the_browser_without_a_round_trip(server):
    """→ moves the step and redraws the figure before the page sends anything to the server; the step reaches
    the server a moment later (debounced) for the URL, and that costs a few kilobytes, not a figure."""
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            ws = {"sent": 0, "received": 0}
            page.on("websocket", lambda w: (w.on("framesent", lambda f: ws.__setitem__("sent", ws["sent"] + 1)),
                                            w.on("framereceived", lambda f: ws.__setitem__(
                                                "received", ws["received"] + len(f)))))
            page.goto(server + "/?model=lag-lstm&step=5")
            page.wait_for_selector(IDLE, timeout=90_000)
            page.wait_for_selector("[data-ready='1'] [data-panel=cell] canvas.cvp-strip", timeout=60_000)
            page.get_by_text("step 5 of").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "cell-step5.png"))
            fills = "() => Array.from(document.querySelectorAll('[data-panel=cell] canvas.cvp-strip')).map(c => c.toDataURL()).join()"
            before = page.evaluate(fills)
            page.mouse.click(1390, 990)                    # focus the page, on nothing in particular
            ws.update(sent=0, received=0)
            page.keyboard.press("ArrowRight")
            page.get_by_text("step 6 of").wait_for(timeout=5_000)
            sent_when_shown = ws["sent"]
            assert page.evaluate(fills) != before                     # the diagram shows step 6
            assert sent_when_shown == 0                              # ... and the server was not asked
            page.wait_for_function("new URLSearchParams(location.search).get('step') === '6'", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=30_000)
            page.wait_for_timeout(500)
            assert ws["sent"] >= 1 and ws["received"] < 8_000, ws       # the sync: no figure re-sent
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=str(ARTIFACTS / "cell-step6.png"))

            page.goto(server + "/over_time?model=lag-lstm&step=3")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_selector("[data-ready='1'] [data-panel=time] .cvp-vline", timeout=30_000)
            left = "() => parseFloat(document.querySelector('[data-panel=time] .cvp-vline').style.left)"
            x3 = page.evaluate(left)
            page.mouse.click(1390, 990)
            last = page.evaluate("document.querySelector('.cvp-slider').max")
            page.keyboard.press("End")
            page.get_by_text(f"step {last} of {last}").wait_for(timeout=5_000)
            assert page.evaluate(left) > x3 + 200                    # the cursor went to the last step
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "over_time.png"), full_page=True)
        finally:
            browser.close()


def test_the_reach_of_each_step_is_redrawn_in_the_browser(server):
    """Gradient page, a model whose loss adds up over steps: → redraws "how far back step t reaches" with the
    new step's row, which came with the page (no server round trip); out of view it waits until scrolled to."""
    from playwright.sync_api import sync_playwright

    from cellviz.ui import data
    rows = data.terms_by_step(data.zoo_subject(data.ZooSource("charlm-gru"))).input_sensitivity
    bars = "() => Array.from(document.querySelector('[data-panel=reach] .js-plotly-plot').data[0].y)"
    shown = "() => document.querySelector('[data-panel=reach] .cvp-figwrap').dataset.byStep"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            ws = {"sent": 0}
            page.on("websocket", lambda w: w.on("framesent", lambda f: ws.__setitem__("sent", ws["sent"] + 1)))
            page.goto(server + "/gradients?model=charlm-gru&step=5")
            page.wait_for_selector(IDLE, timeout=90_000)
            page.wait_for_selector("[data-ready='1'] [data-panel=reach] .js-plotly-plot", timeout=60_000)
            page.locator("[data-panel=reach]").scroll_into_view_if_needed()
            page.wait_for_function(f"() => ({shown})() === '5'", timeout=10_000)
            assert page.evaluate(bars) == pytest.approx(rows[5].tolist(), rel=1e-6)
            page.mouse.click(1390, 990)
            ws["sent"] = 0
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => ({shown})() === '6'", timeout=5_000)
            assert ws["sent"] == 0                                    # drawn before the server heard of it
            assert page.evaluate(bars) == pytest.approx(rows[6].tolist(), rel=1e-6)
            assert page.locator("[data-panel=reach] .cvp-title").inner_text().startswith("How far back")
            assert "step 6 " in page.locator("[data-panel=reach] .cvp-title").inner_text()
            page.screenshot(path=str(ARTIFACTS / "gradients-reach.png"))
        finally:
            browser.close()


def test_a_closed_explanation_runs_once_it_is_opened(server):
    """The cell page's explanations are closed expanders whose bodies the server runs only once opened (the
    first chart does not wait for their tables and code); a click opens one and shows its body. plotly.js is
    fetched once, by the page's early preload."""
    from playwright.sync_api import sync_playwright

    from cellviz.i18n import t
    title = t("explain.hand.title", module="nn.LSTM", dh="")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(server + "/?model=lag-lstm")
            page.wait_for_selector("[data-ready='1'] .js-plotly-plot, [data-ready='1'] canvas.cvp-strip",
                                   timeout=90_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            assert page.evaluate("document.querySelectorAll('script[data-cellviz-plotly]').length") == 1
            assert page.get_by_text("def lstm_by_hand").count() == 0            # closed: its body never ran
            page.get_by_text(title.split(":")[0]).first.click()
            page.get_by_text("def lstm_by_hand").first.wait_for(timeout=30_000)
            page.wait_for_selector(IDLE, timeout=30_000)
            assert page.locator("[data-testid='stException']").count() == 0
            assert not errors, errors
        finally:
            browser.close()
