"""Memory of the hosted demo: `python -m cellviz.hosted_bench [--sessions 6] [--threads 2]`.

Starts `streamlit run app.py` headless on a free localhost port, drives real browser sessions (Debian's
Chromium through Playwright) through different zoo models, pages and inputs, and prints the server's
resident memory (VmRSS of the server process and its children, from /proc) at each stage:

- start: the server is listening, no session yet (Python + Streamlit, torch not imported yet);
- first session: one page drawn (torch, the app and one zoo model imported);
- per additional session: each opens its own model on its own page and input, steps, and stays open;
- traces cached: after K different (model, input) traces;
- VmHWM: the peak resident set over the whole run.

Goal (issue 5): the whole thing stays inside Streamlit Community Cloud's smallest tier, about 690 MB.
The browser runs in its own processes, which are not counted. Torch's thread pool is set with
`--threads` (OMP_NUM_THREADS) like a small cloud box; each thread's arena costs memory too.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIER_MB = 690
# (model, page, typed input or None for the model's own sample): different kinds, pages and inputs
PLAN = [
    ("lag-lstm", "", None),
    ("charlm-gru", "over_time", "the quick brown fox jumps over the lazy dog and runs far away"),
    ("sentiment-bilstm", "gradients", "the plot was not very good , but the cast was great"),
    ("translate-gru", "", None),
    ("forecast-gru-2layer", "over_time", "0.1, 0.5, 0.9, 0.5, 0.1, -0.3, -0.7, -0.3, 0.1, 0.5, 0.9"),
    ("waveform-rnn", "units", None),
    ("charlm-lstm-2layer", "compare", None),
    ("brackets-rnn", "gradients", "(()(()))()((()))"),
    ("sentiment-rnn", "units", "the movie was great"),
    ("lag-gru", "compare", None),
    ("charlm-lstm", "", "to be or not to be that is the question"),
    ("forecast-lstm", "", None),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (kB) of one process, {} if it is gone."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (from /proc/*/stat parent ids)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB summed over the process tree under `pid`."""
    rss = hwm = 0
    for p in descendants(pid):
        s = _status(p)
        rss += s.get("VmRSS", 0)
        hwm += s.get("VmHWM", 0)
    return rss / 1024, hwm / 1024


def start_server(port: int, threads: int | None = None) -> subprocess.Popen:
    """`streamlit run app.py` on localhost:`port`, returned once it listens (RuntimeError if it never does)."""
    env = dict(os.environ) if threads is None else dict(os.environ, OMP_NUM_THREADS=str(threads),
                                                        MKL_NUM_THREADS=str(threads))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
                             "--server.port", str(port), "--server.fileWatcherType", "none",
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited early")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("streamlit did not start listening within 60 s")


def wait_idle(page, timeout: float = 90_000) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)


def pick_model(page, name: str) -> None:
    """Choose `name` in the sidebar's model select box (type to filter, Enter)."""
    box = page.locator(".st-key-model input[role='combobox']").first
    box.click()
    box.fill(name)
    page.get_by_role("option", name=name, exact=True).first.click()
    wait_idle(page)
    page.wait_for_function("n => [...document.querySelectorAll('.st-key-model input')].some(i => i.value === n)",
                           arg=name, timeout=30_000)


def type_input(page, text: str) -> None:
    area = page.locator(".st-key-text textarea").first
    area.fill(text)
    page.keyboard.press("Control+Enter")
    wait_idle(page)


def drive(context, url: str, model: str, view: str, text: str | None) -> None:
    """One session: open a page, pick a model, maybe type an input, step twice, check for errors."""
    page = context.new_page()
    page.goto(f"{url}/{view}")
    wait_idle(page)
    pick_model(page, model)
    if text is not None:
        type_input(page, text)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    nxt = page.locator(".cvp-next")           # the step player's "next" (a step sync follows, debounced)
    for _ in range(2 if nxt.count() else 0):
        nxt.first.click()
        page.wait_for_timeout(400)
        wait_idle(page)
    errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
    if errors:
        raise RuntimeError(f"session {model} on /{view} shows {errors} error(s)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=len(PLAN), help=f"browser sessions (<= {len(PLAN)})")
    ap.add_argument("--threads", type=int, default=2, help="torch/OMP threads in the server (cloud: 2)")
    ap.add_argument("--rounds", type=int, default=2, help="times to repeat the plan, to see whether memory grows")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://localhost:{port}"
    t0 = time.perf_counter()
    server = start_server(port, args.threads)
    rows: list[tuple[str, float, float]] = []

    def record(label: str) -> float:
        rss, hwm = memory_mb(server.pid)
        rows.append((label, rss, hwm))
        print(f"{label:<52} {rss:8.0f} MB   peak {hwm:6.0f} MB   {rss / TIER_MB:5.0%} of {TIER_MB} MB"
              f"   ({time.perf_counter() - t0:5.1f} s)", flush=True)
        return rss

    print(f"server pid {server.pid} on {url}; torch threads {args.threads}")
    record("start (listening, no session)")
    plan = PLAN[:max(1, min(args.sessions, len(PLAN)))]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            contexts = []
            try:
                first = browser.new_context(viewport={"width": 1400, "height": 1000})
                contexts.append(first)
                page = first.new_page()
                page.goto(url)
                wait_idle(page)
                page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                after_first = record("first session drawn (torch + app + 1 model)")
                per_session = []
                for rnd in range(args.rounds):
                    for k, (model, view, text) in enumerate(plan, start=1):
                        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                        contexts.append(ctx)
                        before = memory_mb(server.pid)[0]
                        drive(ctx, url, model, view or "", text)
                        rss = record(f"round {rnd + 1} session {k:2d}: {model} /{view or 'cell'}"
                                     f"{' typed' if text else ''}")
                        per_session.append(rss - before)
                    if rnd == 0:
                        after_round1 = rows[-1][1]
                # close every session; Streamlit drops their state after the websocket closes
                for ctx in contexts:
                    ctx.close()
                time.sleep(3)
                record("all sessions closed")
            finally:
                browser.close()
        rss_end, hwm = memory_mb(server.pid)
        n = len(per_session)
        print()
        print(f"sessions driven          {n} ({len(plan)} models x {args.rounds} rounds) + 1 first session")
        print(f"zoo + app loaded         {after_first:.0f} MB (start {rows[0][1]:.0f} MB)")
        print(f"after round 1            {after_round1:.0f} MB ({len(plan)} models traced, "
              f"{after_round1 - after_first:+.0f} MB over the first session)")
        if args.rounds > 1:
            print(f"after round {args.rounds}            {rows[-2][1]:.0f} MB "
                  f"({rows[-2][1] - after_round1:+.0f} MB for the same models again: bounded if ~0)")
        print(f"per additional session  mean {sum(per_session) / n:+.1f} MB, "
              f"last round mean {sum(per_session[-len(plan):]) / len(plan):+.1f} MB")
        print(f"peak (VmHWM)             {hwm:.0f} MB = {hwm / TIER_MB:.0%} of the {TIER_MB} MB tier")
        print(f"wall time                {time.perf_counter() - t0:.1f} s")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
