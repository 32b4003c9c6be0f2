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

`python -m cellviz.hosted_bench --uploads` measures instead what one visitor's uploads can cost (issue 20):
each case of HOSTILE runs in a subprocess of its own (an AppTest session on the real app, the page drawn once
before the baseline), watched from here every 20 ms and killed past its limit, and prints the peak and the
retained resident memory above that baseline, the time and what the page said. tests/test_hostile.py runs the
same cases with `run_capped`.
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


# --- what one visitor's uploads cost (issue 20), each case in a subprocess with a memory limit ---------------
# (name, case): the module uploaded (kind, input, hidden, layers), the page, the steps ("max" = the cap), how many
# distinct files one session uploads in turn, and how many sessions each upload their own.
HOSTILE = {
    "wide input, gradient page (was 1,543 MB)": dict(kind="RNN", input=20_000, hidden=1, page="gradients"),
    "input at the cap, gradient page": dict(kind="RNN", input=4096, hidden=1, page="gradients", steps="max"),
    "input at the cap, cell page": dict(kind="RNN", input=4096, hidden=1, page="cell", steps="max"),
    "five wide files, one session (was 1,049 MB)": dict(kind="RNN", input=4096, hidden=1, page="cell",
                                                        steps="max", files=5),
    "20,000 layers (was 27 CPU-s)": dict(kind="RNN", input=1, hidden=1, layers=20_000, page="cell",
                                         format="safetensors"),
}
# (the bytes of uploaded files the server holds are measured by tests/test_hostile.py through uploads.hold:
# AppTest sessions share their file's bytes with the test client, so a page-level case does not see them)


def _checkpoint(case: dict, seed: int) -> bytes:
    """The case's module as a torch.save'd state_dict (layers stacked by hand: building nn.RNN(num_layers=20000)
    is itself the quadratic bomb)."""
    import io

    import torch
    g = torch.Generator().manual_seed(seed)
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[case["kind"]]
    H, I, L = case["hidden"], case["input"], case.get("layers", 1)
    state = {}
    for layer in range(L):
        width = I if layer == 0 else H
        state[f"weight_ih_l{layer}"] = torch.randn(gates * H, width, generator=g) * 0.1
        state[f"weight_hh_l{layer}"] = torch.randn(gates * H, H, generator=g) * 0.1
    if case.get("pad"):       # distinct bytes up to the 10 MB upload limit, still within the parameter cap
        state["extra.weight"] = torch.randn(max(1, (int(9.5 * 2**20) - 4 * sum(v.numel() for v in state.values()))
                                                // 4), generator=g)
    if case.get("format") == "safetensors":     # 40,000 tiny tensors: ~3 MB (torch.save's zip: > 10 MB)
        from safetensors.torch import save
        return save(state)
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def _child(case: dict) -> dict:
    """Run one case in this process (the subprocess `run_capped` starts) and return what happened."""
    import gc
    import json as _json

    from streamlit.testing.v1 import AppTest

    def session():
        at = AppTest.from_file(APP, default_timeout=300)
        at.run()
        if case["page"] != "cell":
            at.switch_page(f"cellviz/ui/pages/{case['page']}.py").run()
        return at

    first = session()                        # torch, the app and a zoo model in memory: the baseline
    files = [_checkpoint(case, seed) for seed in range(max(case.get("files", 1), case.get("sessions", 1)))]
    print("BASE", _rss("VmRSS"), flush=True)
    _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    said: list[str] = []
    frame = 0
    sessions = [first] + [session() for _ in range(case.get("sessions", 1) - 1)]
    for k, at in enumerate(sessions):
        at.selectbox(key="model").set_value("__upload__").run()
        for j in range(case.get("files", 1)):
            raw = files[k if len(sessions) > 1 else j]
            ext = ".safetensors" if case.get("format") == "safetensors" else ".pt"
            at.file_uploader(key="upload").set_value((f"case{k}-{j}{ext}", raw, "application/octet-stream")).run()
            if case.get("steps") == "max" and not at.error and at.number_input(key="upload_length").max:
                at.number_input(key="upload_length").set_value(at.number_input(key="upload_length").max).run()
            said += [e.value for e in list(at.exception) + list(at.error)]
            frame = max([frame] + [len(el.proto.json) for el in at.get("bidi_component")] +
                        [len(c.proto.spec) for c in at.get("plotly_chart")])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.collect()
    return {"peak": _rss("VmHWM"), "retained": _rss("VmRSS"), "seconds": seconds, "cpu": cpu, "frame": frame,
            "said": _json.dumps(said)[:2000]}


def _rss(field: str) -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def run_capped(case: dict, limit_mb: float, timeout: float = 600) -> dict:
    """Run `case` in a subprocess; kill it once its resident memory grows `limit_mb` past its baseline.
    Returns the child's report in MB above the baseline (peak, retained), seconds, CPU seconds, the largest
    message to the browser (frame, bytes), what the page said (errors), and killed = True if it hit the limit
    (peak is then the last reading, at least the limit)."""
    import json as _json
    proc = subprocess.Popen([sys.executable, "-m", "cellviz.hosted_bench", "--child", _json.dumps(case)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1"))
    base = None
    for line in proc.stdout:                 # the child's first page is drawn: its baseline
        if line.startswith("BASE"):
            base = float(line.split()[1])
            break
    deadline, worst = time.time() + timeout, 0.0
    import threading
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
    reader.start()
    try:
        while proc.poll() is None:
            rss = _status(proc.pid).get("VmRSS", 0) / 1024
            if base is not None:
                worst = max(worst, rss - base)
                if rss - base > limit_mb:
                    proc.kill()
                    proc.wait()
                    return {"killed": True, "peak": worst, "retained": worst, "seconds": None, "cpu": None,
                            "frame": None, "said": ""}
            if time.time() > deadline:
                proc.kill()
                proc.wait()
                raise TimeoutError(f"case did not finish in {timeout} s")
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(10)
    text = "".join(out).strip().splitlines()
    if base is None or proc.returncode != 0 or not text:
        raise RuntimeError(f"the case failed (exit {proc.returncode}): {''.join(out)[-500:]}")
    report = _json.loads(text[-1])
    report["peak"] = max(report["peak"] - base, worst)
    report["retained"] -= base
    report["killed"] = False
    return report


def uploads_table(limit_mb: float = 600) -> None:
    print(f"{'case':<46} {'peak':>9} {'retained':>9} {'time':>7} {'CPU':>7} {'frame':>9}  page says")
    for name, case in HOSTILE.items():
        r = run_capped(case, limit_mb)
        if r["killed"]:
            print(f"{name:<46} >{limit_mb:7.0f} MB  killed at the limit")
            continue
        print(f"{name:<46} {r['peak']:+7.0f} MB {r['retained']:+7.0f} MB {r['seconds']:6.1f}s {r['cpu']:6.1f}s "
              f"{r['frame'] / 1e6:7.2f} MB  {r['said'][:90]}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        import json
        result = _child(json.loads(sys.argv[2]))
        print(json.dumps(result), flush=True)
    elif sys.argv[1:2] == ["--uploads"]:
        uploads_table()
    else:
        main()
