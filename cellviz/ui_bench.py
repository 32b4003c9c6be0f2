"""Benchmark of the explorer's budgets: `python -m cellviz.ui_bench [--steps 1000 --hidden 256] [--browser]`.

Prints, for an uploaded 1-layer LSTM with hidden size H on a random input of T steps (the budget's case):
- per page, the server-side time of a step change: the step panel's own code (figure builders + the
  JSON Streamlit ships, `plotly.io.to_json`) and, as an upper bound, AppTest's full script re-run;
- per page, the bytes of figure data one render ships (the plotly_chart specs);
- cold start: a fresh Python process to the first chart (AppTest), and with --browser the real thing:
  `streamlit run` until Chromium shows a `.js-plotly-plot`.
- with --first-chart, a new tab's first chart on a warm server (default page and tour, cold browser cache) and
  its timeline: Streamlit's shell, the script running / done, plotly.js requested / received / evaluated; `--url`
  measures running servers side by side (before / after a change), tabs interleaved.
- with --latency, the step change as a user feels it (browser-measured, the number that counts): in Debian's
  Chromium, press → on each step-dependent page (charlm-lstm, from step 5) and time until the page shows
  "step t of" with no skeleton left, and the bytes received over the websocket per step (the same measurement
  as the team's step_latency tool).
Goals (DESIGN.md): step change <= 100 ms in the browser, <= 5 KB per step, <= 2 MB per page render at T=1000,
H=256, cold start <= 5 s; a new tab's first chart <= 3 s (issue 23).
"""
from __future__ import annotations

import argparse
import io
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ("cell", "over_time", "gradients", "units", "compare")
IDLE_APP = "[data-testid='stApp'][data-test-script-state='notRunning']"


def checkpoint_bytes(input_size: int, hidden: int) -> bytes:
    import torch
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save(torch.nn.LSTM(input_size, hidden).state_dict(), buf)
    return buf.getvalue()


def page_session(page: str, data: bytes, steps: int):
    """An AppTest session on `page` exploring the uploaded LSTM on `steps` random steps."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "cell":
        at.switch_page(f"cellviz/ui/pages/{page}.py").run()
    at.selectbox(key="model").set_value("__upload__").run()
    at.file_uploader(key="upload").set_value(("bench.pt", data, "application/octet-stream")).run()
    at.number_input(key="upload_length").set_value(steps).run()
    assert not at.exception and not at.error, [e.value for e in list(at.exception) + list(at.error)]
    return at


def figure_bytes(at) -> int:
    """Figure data a page render ships: Streamlit's Plotly charts and the step player's sections."""
    return (sum(len(c.proto.spec) for c in at.get("plotly_chart")) +
            sum(len(c.proto.json) for c in at.get("bidi_component")))


def step_change_ms(at, repeats: int = 3) -> tuple[float, float]:
    """Median (step panel alone, whole AppTest re-run) in ms of the server's side of a step: the re-run the
    player's step sync causes (server-side only; what the user waits for is measured in the browser by
    ../shared/tools/step_latency.py, and does not include this).

    The panel time is what the fragment re-runs in the real app (the app records it as `panel_ms`);
    AppTest re-runs the whole script, sidebar included: an upper bound.
    """
    panel, full = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        at.session_state["step"] = (int(at.session_state["step"]) + 1) % 2 + 1
        at.run()
        full.append(time.perf_counter() - t0)
        panel.append(at.session_state["panel_ms"])
    return statistics.median(panel), 1000 * statistics.median(full)


def cold_start_apptest() -> float:
    code = ("import time; t0=time.perf_counter(); from streamlit.testing.v1 import AppTest; "
            f"at=AppTest.from_file({APP!r}, default_timeout=120); at.run(); "
            "assert at.get('plotly_chart') or at.get('bidi_component'); print(time.perf_counter()-t0)")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0


def cold_start_browser(sessions: int = 5) -> tuple[float, list[float]]:
    """`streamlit run app.py` to the first chart drawn in Debian's Chromium; then, on that warm server, the
    first chart of `sessions` new sessions (a fresh browser context each: nothing cached in the tab)."""
    from playwright.sync_api import sync_playwright
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        t0 = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
                                   "--server.port", str(port), "--server.fileWatcherType", "none"],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            page = browser.new_page()
            while True:
                try:
                    page.goto(f"http://localhost:{port}", timeout=2000)
                    break
                except Exception:
                    if time.perf_counter() - t0 > 60:
                        raise
                    time.sleep(0.05)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            cold = time.perf_counter() - t0
            warm = []
            for _ in range(sessions):
                context = browser.new_context()
                t1 = time.perf_counter()
                context.new_page().goto(f"http://localhost:{port}")
                context.pages[0].wait_for_selector(".js-plotly-plot", timeout=60_000)
                warm.append(time.perf_counter() - t1)
                context.close()
            return cold, warm
        finally:
            server.terminate()
            server.wait(timeout=10)
            browser.close()


# --- a new tab's first chart, on a warm server ---------------------------------------------------------------
# Marks in the page, in ms from the tab's navigation start: the Streamlit shell, its script running and done,
# plotly.js requested / answered / evaluated, and the first player figure drawn (a section whose figures are all
# plotted, `data-ready`). Recorded by a MutationObserver added before any page script runs.
MARKS = r"""
(() => {
  const M = (window.__cellvizMarks = {});
  const mark = k => { if (!(k in M)) M[k] = Math.round(performance.now()); };
  const obs = new MutationObserver(() => {
    if (document.querySelector("[data-testid=stApp]")) mark("shell");
    if (document.querySelector("[data-testid=stApp][data-test-script-state=running]")) mark("running");
    if (M.running && document.querySelector("[data-testid=stApp][data-test-script-state=notRunning]")) mark("done");
    if (document.querySelector("script[data-cellviz-plotly]")) mark("plotly_tag");
    if (document.querySelector("[data-ready='1'] .js-plotly-plot")) { mark("chart"); if (M.done) obs.disconnect(); }
  });
  obs.observe(document, {subtree: true, childList: true, attributes: true,
                         attributeFilter: ["data-test-script-state", "data-ready", "class"]});
})();
"""
RESOURCES = """() => {
  const tag = document.querySelector("script[data-cellviz-plotly]");
  const r = tag && performance.getEntriesByName(tag.src)[0];
  const reg = window.__cellvizPlayer || {};
  return Object.assign({}, window.__cellvizMarks, r ? {plotly_request: Math.round(r.startTime),
      plotly_response: Math.round(r.responseEnd), plotly_kb: Math.round(r.transferSize / 1024)} : {},
      reg.plotlyLoaded ? {plotly_loaded: Math.round(reg.plotlyLoaded)} : {});
}"""
FIRST_CHART_PAGES = ("", "tour")


def first_chart_session(browser, url: str) -> dict[str, int]:
    """One new tab (a fresh context: cold cache) opening `url` until its first player figure is drawn: the
    marks above, in ms from navigation start."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        context.add_init_script(MARKS)
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("[data-ready='1'] .js-plotly-plot", timeout=120_000)
        page.wait_for_selector(IDLE_APP, timeout=120_000)
        return page.evaluate(RESOURCES)
    finally:
        context.close()


def first_chart(targets: Sequence[tuple[str, str]] = (), pages: Sequence[str] = FIRST_CHART_PAGES,
                sessions: int = 5) -> dict[tuple[str, str], list[dict[str, int]]]:
    """Per (label, page), `sessions` new tabs' marks on warm servers: `targets` is (label, base URL) pairs, e.g.
    ("before", "http://127.0.0.1:8502"); none: a `streamlit run app.py` of this checkout. Each server is
    warmed by one tab per page first (imports, caches, static/plotly.js written). Tabs alternate between
    pages and servers (in turn, the order reversed every round), so that a change of machine load touches each
    alike: this machine is shared, and the first chart's time follows its load."""
    from playwright.sync_api import sync_playwright

    from .hosted_bench import ARGS, CHROMIUM, free_port, start_server
    server = None
    if not targets:
        port = free_port()
        server = start_server(port)
        targets = [("this checkout", f"http://127.0.0.1:{port}")]
    runs: dict[tuple[str, str], list[dict[str, int]]] = {(label, p): [] for label, _ in targets for p in pages}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _, base in targets:
                for path in pages:
                    first_chart_session(browser, f"{base}/{path}")
            for i in range(sessions):
                for path in pages:
                    for label, base in (targets if i % 2 == 0 else targets[::-1]):
                        runs[(label, path)].append(first_chart_session(browser, f"{base}/{path}"))
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    return runs


def first_chart_report(runs: dict[tuple[str, str], list[dict[str, int]]]) -> list[str]:
    """Lines: per (label, page), the first chart's median and range, and the median of each mark."""
    lines = []
    for (label, path), marks in runs.items():
        med = {k: statistics.median(m[k] for m in marks if k in m) for k in
               ("shell", "running", "plotly_request", "plotly_response", "done", "plotly_loaded")
               if any(k in m for m in marks)}
        charts = sorted(m["chart"] / 1000 for m in marks)
        lines.append(f"{label} {path or 'cell':<5} first chart: median {statistics.median(charts):.2f} s "
                     f"({charts[0]:.2f}-{charts[-1]:.2f}, {len(charts)} new tabs; goal <= 3 s); medians (ms): "
                     + ", ".join(f"{k} {v:.0f}" for k, v in med.items()))
    return lines


LATENCY_PAGES = ("", "over_time", "gradients", "units", "tour?slide=3")
SHOWS = """(want) => document.body.innerText.includes(want)"""


def step_latency(model: str = "charlm-lstm", presses: int = 12) -> list[tuple[str, float, float]]:
    """(page, median ms from keypress to the new step shown, KB received per step) in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from .hosted_bench import ARGS, CHROMIUM, IDLE, free_port, start_server
    port = free_port()
    server = start_server(port)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for page_path in LATENCY_PAGES:
                tour = page_path.startswith("tour")
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                rx = {"bytes": 0}
                page.on("websocket", lambda ws: ws.on("framereceived", lambda f: rx.__setitem__(
                    "bytes", rx["bytes"] + len(f))))
                sep = "&" if "?" in page_path else "?"
                page.goto(f"http://127.0.0.1:{port}/{page_path}{sep}model={model}&step=5&tour_step=5&lang=en")
                page.wait_for_selector(IDLE, timeout=180_000)
                page.wait_for_selector("[data-ready='1'] .js-plotly-plot", timeout=90_000)
                page.wait_for_timeout(2000)
                page.mouse.click(1390, 890)
                times, sizes = [], []
                for i in range(presses):
                    rx["bytes"] = 0
                    t0 = time.perf_counter()
                    if tour:                          # the tour's keys turn slides: its bar's button steps
                        page.locator(".cvp-next").first.click()
                    else:
                        page.keyboard.press("ArrowRight")
                    page.wait_for_function(SHOWS, arg=f"step {6 + i} of", timeout=60_000)
                    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')",
                                           timeout=60_000)
                    times.append(1000 * (time.perf_counter() - t0))
                    page.wait_for_timeout(400)
                    sizes.append(rx["bytes"] / 1024)
                rows.append((page_path or "cell", statistics.median(times), statistics.median(sizes)))
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--inputs", type=int, default=32)
    ap.add_argument("--browser", action="store_true", help="also time a real server + Chromium cold start")
    ap.add_argument("--latency", action="store_true", help="only the browser-measured step latency per page")
    ap.add_argument("--first-chart", action="store_true",
                    help="only a new tab's first chart on a warm server (default page and tour), with its timeline")
    ap.add_argument("--url", action="append", default=[], metavar="LABEL=URL",
                    help="with --first-chart: measure these running servers (e.g. before=http://127.0.0.1:8502), "
                         "tabs interleaved; default: a streamlit run of this checkout")
    ap.add_argument("--sessions", type=int, default=5, help="with --first-chart: new tabs per page and server")
    args = ap.parse_args(argv)
    if args.first_chart:
        import os
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min) before")
        runs = first_chart([tuple(u.split("=", 1)) for u in args.url], sessions=args.sessions)
        print("\n".join(first_chart_report(runs)))
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} after")
        return
    if args.latency:
        for page, ms, kb in step_latency():
            print(f"{page:<14} keypress to new step shown: median {ms:4.0f} ms; {kb:4.1f} KB per step over the websocket")
        return
    data = checkpoint_bytes(args.inputs, args.hidden)
    print(f"uploaded LSTM, input {args.inputs}, hidden {args.hidden}, T = {args.steps}")
    print(f"{'page':<10} {'figure data':>12} {'server side of a step sync: panel':>35} {'whole script':>14}")
    for page in PAGES:
        at = page_session(page, data, args.steps)
        size = figure_bytes(at)
        panel, full = step_change_ms(at) if page != "compare" else (float("nan"), float("nan"))
        print(f"{page:<10} {size / 1e6:>9.2f} MB {panel:>32.0f} ms {full:>11.0f} ms")
    print(f"cold start, fresh process to first chart (AppTest): {cold_start_apptest():.2f} s")
    if args.browser:
        cold, warm = cold_start_browser()
        print(f"cold start, streamlit run to first chart in Chromium: {cold:.2f} s")
        print(f"a new session on the warm server, to its first chart: median {statistics.median(warm):.2f} s "
              f"({', '.join(f'{w:.2f}' for w in warm)}; goal <= 3 s)")


if __name__ == "__main__":
    main()
