"""Load and isolation: 20 concurrent real sessions against `streamlit run`, each sees only its own state.

Why not AppTest in threads: AppTest is not thread-safe. Every `AppTest.run()` swaps process globals
(`Runtime._instance` is set to a mock and back to None, `config.get_option` is patched with
`unittest.mock.patch`, `PagesManager.uses_pages_directory` is reset), so concurrent runs fail with
"Runtime hasn't been created!" and can leave the config patched for later tests. Tried: 24 AppTest threads
fail that way. So this test starts the real server (as tests/test_browser.py does) and drives 20 Chromium
pages, each its own websocket session: they differ in model, typed input, language and step (set through a
deep link, then moved with the "next" button). All 20 pages are opened before any is waited for, so the
server runs their scripts concurrently; then every page is checked, every page steps once more
(concurrently again), and every page is checked again: its model, text, step and language in the widgets,
the URL the app writes back and the page title, no exception and no error. The server's resident memory
(VmRSS, process tree, /proc) is read after a warm-up session and at the end, and must stay within a bound.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

import cellviz.zoo
from cellviz.hosted_bench import ARGS, CHROMIUM, IDLE, free_port, memory_mb, start_server
from cellviz.ui import data
from cellviz.i18n import CATALOGUES

from test_browser import _require_browser

pytestmark = pytest.mark.browser

SESSIONS = 20
# A fair test of the app, not of the machine: waits are long enough for a busy 2-core machine (other processes
# may share it) and only catch a session that never draws; how long sessions took is measured in each browser
# (time from navigation to its first chart) and printed.
WAIT_MS = 300_000
FIRST_CHART = """new MutationObserver((_, obs) => { if (document.querySelector('.js-plotly-plot')) {
  window.__firstChart = performance.now(); obs.disconnect(); } }).observe(document, {childList: true, subtree: true});"""
RSS_BOUND_MB = 200           # server growth from one warm session to 20 open sessions (12 models, 24 inputs)
MODELS = [n for n in ["lag-lstm", "charlm-gru", "sentiment-bilstm", "translate-gru", "forecast-gru-2layer",
                      "waveform-rnn", "brackets-rnn", "charlm-lstm-2layer", "sentiment-gru", "lag-rnn",
                      "forecast-lstm", "brackets-gru"] if n in cellviz.zoo.names()]
LANGS = [code for code in ("en", "zh") if code in CATALOGUES]


def plan(k: int) -> dict:
    """Session k's own model, typed input (a different sample per session), language and start step."""
    model = MODELS[k % len(MODELS)]
    task = data.zoo_model(model).task
    text = task.sample(100 + k).text
    try:
        task.parse(text)
    except ValueError:                 # a sample shown with its options (waveform: "square p=23.9 a=0.55")
        text = text.split()[0]
    steps = data.zoo_subject(data.ZooSource(model, data.Typed(text), data.zoo_model(model).parts()[0])).steps
    return {"k": k, "model": model, "text": text, "lang": LANGS[k % len(LANGS)], "steps": steps,
            "step": min(k % 3, steps - 2)}


def link(base: str, p: dict) -> str:
    return base + "/?" + urlencode({"model": p["model"], "source": "typed", "text": p["text"],
                                    "step": p["step"], "lang": p["lang"]})


def check(page, p: dict) -> None:
    where = f"session {p['k']} ({p['model']}, {p['lang']}, step {p['step']})"
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT_MS)
    bad = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    assert bad.count() == 0, (where, bad.all_inner_texts())
    assert page.locator(".st-key-model input").first.input_value() == p["model"], where
    assert page.locator(".st-key-text textarea").first.input_value() == p["text"], where
    title = CATALOGUES[p["lang"]]["page.cell"]
    assert page.get_by_role("heading", name=title).count() >= 1, (where, title)
    slider = page.locator(".cvp-slider").first             # the step player's bar
    assert slider.input_value() == str(p["step"]), (where, slider.input_value())
    assert slider.get_attribute("max") == str(p["steps"] - 1), f"{where}: the trace shown is not this session's input"
    want = "" if p["step"] == 0 else str(p["step"])         # the app writes the session's state back to its URL
    page.wait_for_function("w => (new URLSearchParams(location.search).get('step') || '') === w", arg=want,
                           timeout=WAIT_MS)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("model", [p["model"]]) == [p["model"]], (where, page.url)


def test_20_concurrent_sessions_are_isolated_and_memory_is_bounded():
    _require_browser()
    from playwright.sync_api import sync_playwright
    plans = [plan(k) for k in range(SESSIONS)]
    port = free_port()
    base = f"http://localhost:{port}"
    server = start_server(port, threads=1)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                warm = browser.new_page(viewport={"width": 900, "height": 700})
                warm.goto(base)
                warm.wait_for_selector(IDLE, timeout=WAIT_MS)
                warm.wait_for_selector(".js-plotly-plot", timeout=WAIT_MS)
                warm.close()
                before = memory_mb(server.pid)[0]
                t0 = time.perf_counter()
                pages = []
                for p in plans:                       # open all first: the server runs them concurrently
                    page = browser.new_context(viewport={"width": 900, "height": 700}).new_page()
                    page.add_init_script(FIRST_CHART)
                    page.goto(link(base, p), wait_until="commit")
                    pages.append(page)
                for page, p in zip(pages, plans):
                    check(page, p)
                opened = time.perf_counter() - t0
                first = sorted(page.evaluate("window.__firstChart") / 1000 for page in pages)
                for page, p in zip(pages, plans):     # every session steps at once
                    page.locator(".cvp-next").first.click()       # in the browser; the server hears it debounced
                    p["step"] += 1
                for page, p in zip(pages, plans):
                    page.wait_for_timeout(100)
                    check(page, p)
                wall = time.perf_counter() - t0
                after, peak = memory_mb(server.pid)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\n{SESSIONS} concurrent browser sessions ({len(MODELS)} models, {LANGS}): first chart after "
          f"{first[len(first) // 2]:.1f} s median, {first[-1]:.1f} s the slowest (measured in each browser); "
          f"all open and checked in "
          f"{opened:.1f} s, stepped and re-checked in {wall:.1f} s; server RSS {before:.0f} -> {after:.0f} MB "
          f"({after - before:+.0f} MB, bound {RSS_BOUND_MB}), peak {peak:.0f} MB")
    assert after - before < RSS_BOUND_MB
