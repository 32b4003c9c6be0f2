"""One real-browser test: `streamlit run app.py` headless on localhost, Debian's Chromium via Playwright.

Waits for the app to finish running and the charts to draw, clicks "next step", checks the step moved,
and saves screenshots (tests/artifacts/) for a person to look at. Skipped without /usr/bin/chromium —
except on CI (CI=true), where a missing browser is a failure.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    _require_browser()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.headless", "true", "--server.port", str(port),
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://localhost:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{proc.stdout.read()}")
        time.sleep(0.2)
    yield url
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
