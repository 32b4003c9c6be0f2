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


def test_next_step_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server)
            page.wait_for_selector(IDLE, timeout=90_000)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.get_by_text("step 0 of").wait_for(timeout=30_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "cell-step0.png"))
            page.locator(".st-key-step_next [data-testid^='stBaseButton']").first.click()
            page.get_by_text("step 1 of").wait_for(timeout=30_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
            page.wait_for_timeout(500)
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=str(ARTIFACTS / "cell-step1.png"))
            page.goto(server + "/over_time")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "over_time.png"), full_page=True)
        finally:
            browser.close()
