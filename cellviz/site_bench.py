"""Benchmarks of the static site's budgets (DESIGN.md; goals, not timed tests). Prints its numbers.

    python -m cellviz.site_bench SITE_DIR            # a built site (python -m cellviz.site SITE_DIR)
    python -m cellviz.site_bench --build /tmp/site    # build it first (and time the build)

- size: the whole folder, and per model (its data files; plotly.js and the other assets once) — goal ≤ 150 MB;
- transfer: what a cold browser fetches for a page, gzip-compressed as a static host serves it — goal ≤ 2 MB;
- first chart: headless Chromium, cold cache, from navigation start to the first figure drawn — goal ≤ 2 s;
- player step: → on a step page with every step-dependent figure in view, key to the last figure redrawn
  (median) — goal ≤ 50 ms;
- load: 300 concurrent HTTP clients each fetching a page's resources from `python -m http.server` on
  loopback, p90 of a client's total time — goal ≤ 2 s.
"""
from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .hosted_bench import ARGS, CHROMIUM, free_port

PAGES = ["tour.html", "tour.html?present=1", "index.html", "cell.html", "gradients.html?model=brackets-gru", "over_time.html?model=charlm-lstm",
         "units.html?model=brackets-gru", "compare.html", "exploding.html", "training.html"]
STEP_PAGES = ["tour.html?slide=3", "gradients.html?model=brackets-gru&step=5", "gradients.html?model=charlm-lstm&step=5",
              "gradients.html?model=forecast-gru&step=5", "cell.html?model=charlm-lstm&step=5",
              "over_time.html?model=charlm-lstm&step=5", "units.html?model=brackets-gru&step=5"]


def sizes(site: Path) -> dict:
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    per_model = {}
    for d in sorted((site / "data").iterdir()):
        if d.is_dir() and d.name not in ("exploding", "training"):
            per_model[d.name] = sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
    for d in sorted((site / "data" / "training").glob("*")):
        per_model[d.name] = per_model.get(d.name, 0) + sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
    return {"total": total, "per_model": per_model}


def serve_gzip(site: Path, port: int) -> None:
    """A static server as a CDN or GitHub Pages is one: files gzip-compressed once (kept in memory) and sent with
    Content-Encoding: gzip to clients that accept it; many threads."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    cache: dict[str, bytes] = {}
    lock = threading.Lock()

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            path = Path(self.translate_path(self.path))
            if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
                return super().do_GET()
            key = str(path)
            with lock:
                body = cache.get(key)
            if body is None:
                body = gzip.compress(path.read_bytes(), 6)
                with lock:
                    cache[key] = body
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(key))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(site)))
    server.serve_forever()


class Server:
    """A static server on loopback serving the site folder: `python -m http.server` (plain), or with `gzip`
    the files compressed as a CDN sends them (`serve_gzip`)."""

    def __init__(self, site: Path, gzip_: bool = False):
        self.port = free_port()
        cmd = ([sys.executable, "-m", "cellviz.site_bench", str(site), "--serve", str(self.port)] if gzip_ else
               [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1", "--directory", str(site)])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/manifest.js", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("http.server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def browse(url: str, pages: list[str], site: Path) -> dict:
    """Per page, cold: requests made (and their gzip size from the files), first chart time."""
    from playwright.sync_api import sync_playwright
    out = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for path in pages:
            ctx = b.new_context(viewport={"width": 1280, "height": 900})      # a fresh, empty cache
            page = ctx.new_page()
            got: list[str] = []
            page.on("requestfinished", lambda r: got.append(r.url))
            page.goto(f"{url}/{path}")
            page.wait_for_selector("body[data-ready]", timeout=60_000)
            first = page.evaluate("(window.__cellvizPlayer || {}).firstDrawn || null")
            raw = gz = 0
            for u in got:
                rel = u[len(url) + 1:].split("?")[0].split("#")[0]
                f = site / rel
                if f.is_file():
                    data = f.read_bytes()
                    raw += len(data)
                    gz += len(gzip.compress(data, 6))
            out[path] = {"requests": len(got), "raw": raw, "gzip": gz, "first_chart_ms": first}
            ctx.close()
        b.close()
    return out


STEP_JS = """async (n) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const times = [];
  for (let i = 0; i < n; i++) {
    const before = Number(document.querySelector('[data-step]').dataset.step), want = before + 1;
    const t0 = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
    for (;;) {                                   // every by-step figure in view shows the new step
      const figs = Array.from(document.querySelectorAll('.cvp-figwrap')).filter(w => {
        const r = w.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight;
      });
      const pending = figs.filter(w => w.dataset.byStep !== undefined && Number(w.dataset.byStep) !== want);
      if (!pending.length) break;
      await sleep(1);
    }
    await frame();                               // ... painted
    times.push(performance.now() - t0);
    await sleep(60);
  }
  return times;
}"""


def step_latency(url: str, pages: list[str], n: int = 25) -> dict:
    """Median key → every step-dependent figure in view redrawn, per page (tall viewport: all in view)."""
    from playwright.sync_api import sync_playwright
    out = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for path in pages:
            page = b.new_page(viewport={"width": 1280, "height": 2400})
            page.goto(f"{url}/{path}")
            page.wait_for_selector("body[data-ready='1']", timeout=60_000)
            time.sleep(0.5)
            in_view = page.evaluate("""Array.from(document.querySelectorAll('.cvp-figwrap')).filter(w => {
                const r = w.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }).length""")
            times = page.evaluate(STEP_JS, n)
            out[path] = {"median_ms": statistics.median(times), "max_ms": max(times), "figures_in_view": in_view}
            page.close()
        b.close()
    return out


def load(url: str, paths: list[str], clients: int = 300, gzip_: bool = False) -> dict:
    """`clients` concurrent clients each fetching `paths` in turn (a cold page load); per-client seconds."""
    start = threading.Barrier(clients)
    headers = {"Accept-Encoding": "gzip"} if gzip_ else {}
    for p in paths:                              # warm: the server's compressed copies (a CDN's are made once)
        urllib.request.urlopen(urllib.request.Request(f"{url}/{p}", headers=headers), timeout=300).read()

    def one(_):
        start.wait()
        t0 = time.perf_counter()
        try:
            for p in paths:
                with urllib.request.urlopen(urllib.request.Request(f"{url}/{p}", headers=headers), timeout=300) as r:
                    r.read()
        except OSError:                          # refused / reset: that client got no page
            return None
        return time.perf_counter() - t0
    with ThreadPoolExecutor(clients) as ex:
        done = list(ex.map(one, range(clients)))
    times = sorted(x for x in done if x is not None)
    failed = len(done) - len(times)
    pick = lambda q: times[min(len(times) - 1, int(len(times) * q))] if times else float("nan")  # noqa: E731
    return {"clients": clients, "failed": failed, "p50_s": pick(0.5), "p90_s": pick(0.9),
            "max_s": times[-1] if times else float("nan")}


def page_files(site: Path, data_key: str, plotly: bool = True, shell: str = "cell.html") -> list[str]:
    files = [shell, "assets/site.css", "assets/player.css", "manifest.js", "assets/player.js",
             "assets/site.js", "assets/favicon.svg", f"data/{data_key}.js"]
    if plotly:
        files.append("assets/" + next(p.name for p in (site / "assets").glob("plotly-*.js")))
    return files


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m cellviz.site_bench", description=__doc__.split("\n")[0])
    p.add_argument("site", type=Path)
    p.add_argument("--build", action="store_true", help="build the whole site into SITE first, timed")
    p.add_argument("--clients", type=int, default=300)
    p.add_argument("--skip-load", action="store_true")
    p.add_argument("--only-load", action="store_true")
    p.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)     # the gzip server's process
    a = p.parse_args(argv)
    if a.serve:
        serve_gzip(a.site, a.serve)
        return 0
    if a.build:
        from .site import build
        t0 = time.perf_counter()
        build.build(a.site, log=lambda *_: None)
        print(f"build: {time.perf_counter() - t0:.0f} s wall")
    s = sizes(a.site)
    print(f"site: {s['total'] / 1e6:.1f} MB in all (goal ≤ 150 MB)")
    for name, n in s["per_model"].items():
        print(f"  {name}: {n / 1e6:.2f} MB")
    server = Server(a.site)
    try:
        for path, r in ([] if a.only_load else browse(server.url, PAGES, a.site).items()):
            first = f"{r['first_chart_ms']:.0f} ms" if r["first_chart_ms"] else "no chart"
            print(f"page {path}: {r['requests']} requests, {r['raw'] / 1e6:.2f} MB, {r['gzip'] / 1e6:.2f} MB gzip "
                  f"(goal ≤ 2 MB); first chart {first} (goal ≤ 2000 ms)")
        for path, r in ([] if a.only_load else step_latency(server.url, STEP_PAGES).items()):
            print(f"step {path}: median {r['median_ms']:.0f} ms, max {r['max_ms']:.0f} ms, "
                  f"{r['figures_in_view']} figures in view (goal ≤ 50 ms)")
    finally:
        server.stop()
    if not a.skip_load:
        first = "tour/rnn-tour_lag100.en" if (a.site / "data/tour/rnn-tour_lag100.en.js").exists() \
            else "lag-lstm/recurrent/s0/l0d0/cell.en"
        files = page_files(a.site, first, shell="tour.html" if first.startswith("tour") else "cell.html")
        for gz, what in ((True, "gzip, as a CDN sends them"), (False, "python -m http.server, uncompressed")):
            server = Server(a.site, gzip_=gz)
            try:
                r = load(server.url, files, a.clients, gzip_=gz)
            finally:
                server.stop()
            print(f"load: {r['clients']} concurrent clients x {len(files)} files of {first} (plotly.js included; "
                  f"{what}): p50 {r['p50_s']:.2f} s, p90 {r['p90_s']:.2f} s, max {r['max_s']:.2f} s, {r['failed']} clients "
                  f"refused or reset (goal p90 ≤ 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
