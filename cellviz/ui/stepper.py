"""The step panel in the app: the step player (cellviz.player, a Custom Component v2) and the view below it.

The view's step-dependent figures are sent to the browser once per (input, view options) as player sections;
stepping, playing (Space), ←/→ and Home/End happen in the browser without a server round trip. The player
tells Python the step a moment after it settles (component state, debounced) so that the URL, downloads and
server-side panels follow; Python moves the player (a deep link, a clicked heatmap cell, a new input) by
bumping a sequence number the player watches. That side channel is a tiny component of its own, in a fragment
of its own: for views that compute nothing per step a step sync re-runs only it (~3 KB over the websocket);
views that do (STEP_ON_SERVER, or that send `server_data`) re-run their panel fragment, whose unchanged
sections the browser's message cache turns into references.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from .. import player as assets
from ..i18n import language, t
from ..player import payload
from . import links, state
from .data import Subject
from .downloads import figure_button
from .safety import guarded

APP_DIR = Path(__file__).resolve().parents[2]         # where app.py is: Streamlit serves its static/ folder
View = Callable[[Subject, int, list[int]], "go.Figure | Callable[[], go.Figure] | None"]

_PLAYER = st.components.v2.component(
    "cellviz_player", css=assets.css(), isolate_styles=False,
    js=assets.js() + "\nexport default function (c) { return window.CellvizPlayer.component(c); }\n")
_SYNC = st.components.v2.component("cellviz_player_sync", js=assets.sync_js(), isolate_styles=False)
log = logging.getLogger(__name__)


MAX_UNITS = 4096                          # a pick's unit when the panel does not say (checkpoint.MAX_HIDDEN)


@dataclass
class _Run:
    """What one run of the step panel collects: its player group, steps, and server data for the player."""

    group: str
    steps: int
    step_key: str = "step"                # the session-state key of the step
    url: tuple[str, ...] = links.EXPLORER_URL          # the keys the URL reproduces
    keyboard: bool = True
    on_server: bool = False               # the view computes something for the step (its module's STEP_ON_SERVER)
    units: int = MAX_UNITS                # hidden units a clicked cell may name (the subject's hidden size)
    server: dict = field(default_factory=dict)


_RUN: ContextVar[_Run | None] = ContextVar("cellviz_player_run", default=None)


def plotly_url() -> str:
    """plotly.js from the installed plotly package, served by Streamlit's static serving (fetched once per tab;
    relative, so that it works under a base URL path too). Written once per process, when this module is first
    imported; if the app's static/ folder cannot be written (a read-only deploy), plotly's CDN copy of the same
    version instead — never an error on the page."""
    return _PLOTLY_URL


def _plotly_url() -> str:
    try:
        return "app/static/" + assets.plotly_js_file(APP_DIR / "static")
    except OSError as e:
        from plotly.offline import get_plotlyjs_version
        log.exception("cannot write plotly.js into %s (%s): the step player loads it from the CDN", APP_DIR / "static",
                    e)
        return f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"


_PLOTLY_URL = _plotly_url()        # at start-up (this module's first import), not while a page runs


def preload() -> None:
    """Start fetching plotly.js at the top of a step page (in the sidebar: no room taken), while the server
    still builds the page; the player uses that script when its sections arrive. A plain script in st.html,
    not a component: it runs as soon as its element mounts, ~0.5-0.9 s before a component's module would."""
    with st.sidebar:
        st.html(_PRELOAD % json.dumps(plotly_url()), unsafe_allow_javascript=True)


_PRELOAD = ("<script>if (!window.Plotly && !document.querySelector('script[data-cellviz-plotly]')) {"
            "const s = document.createElement('script'); s.src = %s; s.async = true; s.dataset.cellvizPlotly = '1';"
            " document.head.appendChild(s); }</script>")


def panel(subject: Subject, view: View, name: str) -> None:
    """The step player and `view` in a fragment (a step sync re-runs only this)."""
    st.fragment(step_panel)(subject, view, name)


def step_panel(subject: Subject, view: View, name: str) -> None:
    """The panel's body: plain function, so that tests and the fragment run the same code."""
    started = time.perf_counter()
    H = subject.trace.hidden_size
    units = [u for u in (state.get("units") or []) if isinstance(u, int) and 0 <= u < H] or [0]
    state.put("units", units)
    with player(f"player-{name}", subject.tokens, on_server=bool(getattr(view, "STEP_ON_SERVER", False)),
                units=H) as step:
        st.multiselect(t("nav.units"), list(range(H)), key="units", help=t("nav.units.help"), max_selections=8)
        fig = guarded(view)(subject, step, list(state.get("units")))
    if fig is not None:
        figure_button(fig, subject, name)
    state.put("panel_ms", 1000 * (time.perf_counter() - started))     # read by cellviz.ui_bench
    state.write_url(links.EXPLORER_URL)       # a fragment run: the step and units changed without a full run


@contextmanager
def player(group: str, tokens: Sequence[str], *, step_key: str = "step", url: tuple[str, ...] = links.EXPLORER_URL,
           keyboard: bool = True, on_server: bool = False, units: int = MAX_UNITS) -> Iterator[int]:
    """The step bar of `group` (one per page) over len(tokens) steps, the state key `step_key` it keeps in sync;
    yields the current step. Sections mounted inside (`show`) follow the bar's step. `keyboard`: whether ←/→,
    Home/End and Space drive it (the tour leaves its keys to the slides). `on_server`: the body computes
    something for the step, so a step sync re-runs the enclosing fragment, not only the side channel. `units`:
    how many hidden units a clicked heatmap cell may name."""
    steps = len(tokens)
    step = state.clamp(step_key, 0, steps - 1)
    run = _Run(group, steps, step_key=step_key, url=url, keyboard=keyboard, on_server=on_server, units=units)
    token = _RUN.set(run)
    try:
        show([], key="controls", controls=True, tokens=tokens)
        yield step
    finally:
        _RUN.reset(token)
    if run.on_server or run.server:
        _sync(run)               # a step sync re-runs the whole panel: the view computes for the new step
    else:
        st.fragment(_sync)(run)  # only the side channel re-runs: nothing of the view is re-sent


def show(panels: Sequence[dict], *, key: str, controls: bool = False, tokens: Sequence[str] | None = None) -> None:
    """Mount a player section (panels that follow the panel's step) under `key` (unique on the page)."""
    run = _RUN.get()
    if run is None:
        raise RuntimeError("stepper.show() outside a step panel")
    data = payload.section(run.group, run.steps, panels, controls=controls, tokens=tokens, plotly_url=plotly_url(),
                           keyboard=run.keyboard)
    _PLAYER(key=f"{run.group}-{key}", data=data)


def server_data(name: str, value: dict) -> None:
    """Per-step data a server panel (payload `server=name`) shows for the current step."""
    run = _RUN.get()
    if run is not None:
        run.server[name] = value


def cached(key: Hashable, build: Callable[[], object]) -> object:
    """A payload built once per key (names, input, options, language) and shared by every session:
    re-running the panel on a step sync then costs a dictionary look-up, and the JSON is byte-identical.

    The cache is bounded by bytes (MAX_CACHED_BYTES, sizes from `payload_bytes`) and by age (CACHE_TTL):
    oldest first out; a payload larger than MAX_CACHED_BYTES / 4 is built for the run and not kept."""
    full = (key, language())
    now = time.monotonic()
    with _LOCK:
        _expire(now)
        if full in _CACHE:
            _CACHE.move_to_end(full)
            return _CACHE[full][0]
    value = build()
    size = payload_bytes(value)
    if size > MAX_CACHED_BYTES // 4:
        return value
    with _LOCK:
        if full in _CACHE:
            _CACHE_BYTES[0] -= _CACHE.pop(full)[1]
        _CACHE[full] = (value, size, now)
        _CACHE_BYTES[0] += size
        while len(_CACHE) > MAX_CACHED or _CACHE_BYTES[0] > MAX_CACHED_BYTES:
            _CACHE_BYTES[0] -= _CACHE.popitem(last=False)[1][1]
    return value


def _expire(now: float) -> None:
    """Drop payloads older than CACHE_TTL (the oldest-used sit first; hits move to the end). Under _LOCK."""
    for k in [k for k, (_, _, made) in _CACHE.items() if now - made > CACHE_TTL]:
        _CACHE_BYTES[0] -= _CACHE.pop(k)[1]


def payload_bytes(value: object) -> int:
    """About what a payload weighs in memory: its strings (base64 arrays, JSON) and arrays, plus 16 bytes per
    other leaf — close to its JSON length, which is what it costs."""
    stack, total = [value], 0
    while stack:
        v = stack.pop()
        if isinstance(v, (str, bytes)):
            total += len(v) + 50
        elif isinstance(v, dict):
            total += 64 + 16 * len(v)
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            total += 56 + 8 * len(v)
            stack.extend(v)
        elif hasattr(v, "nbytes"):
            total += int(v.nbytes) + 100
        else:
            total += 16
    return total


MAX_CACHED = 48               # payloads kept (and MAX_CACHED_BYTES in all, for CACHE_TTL seconds at most)
MAX_CACHED_BYTES = 32 * 2**20
CACHE_TTL = 900
_CACHE: OrderedDict = OrderedDict()      # key -> (payload, bytes, time built)
_CACHE_BYTES = [0]
_LOCK = threading.Lock()


def subject_key(subject: Subject) -> tuple:
    """What identifies a subject's trace (zoo name, snapshot, input, part; or an upload's hash and input)."""
    source = subject.source if subject.source is not None else ("trace", id(subject.trace))
    return (source, subject.steps, subject.trace.hidden_size)


# --- the side channel ----------------------------------------------------------------------------------
SEEN, SEQ = "_player_seen", "_player_seq"          # per step key: "step" as is, others suffixed (tour_step)


def _keys(step_key: str) -> tuple[str, str]:
    return (SEEN, SEQ) if step_key == "step" else (f"{SEEN}_{step_key}", f"{SEQ}_{step_key}")


def _sync(run: _Run) -> None:
    """The tiny component that carries the step both ways (and server data to the player). On its own (a
    fragment of its own, for views that compute nothing per step) a step sync re-runs only this: the state
    and the URL follow, and a kilobyte crosses the websocket."""
    seen, seq = _keys(run.step_key)
    step = state.clamp(run.step_key, 0, run.steps - 1)
    if state.get(seen) != step:           # Python moved the step: tell the player to follow
        state.put(seq, int(state.get(seq) or 0) + 1)
        state.put(seen, step)
    key = f"{run.group}-sync"
    data = {"group": run.group, "step": step, "seq": int(state.get(seq) or 0)}
    if run.server:
        data["server"] = run.server
    _SYNC(key=key, data=data, on_step_change=lambda: _on_step(key, run),
          on_pick_change=lambda: _on_pick(key, run))
    state.write_url(run.url)


def _value(key: str, name: str):
    """A value the player set on its side channel (`key`: the sync component's widget key)."""
    value = state.get(key)
    return value.get(name) if isinstance(value, dict) else None


def _on_step(key: str, run: _Run) -> None:
    """The player settled on a step: the state follows (and is marked as the player's own)."""
    value = _value(key, "step")
    if _is_index(value, run.steps):
        state.put(run.step_key, value)
        state.put(_keys(run.step_key)[0], value)


def _is_index(value: object, n: int) -> bool:
    """A step or unit from the browser: a plain int in 0..n-1 (not a bool, a float or a string)."""
    return type(value) is int and 0 <= value < n


def _on_pick(key: str, run: _Run) -> None:
    """A clicked heatmap cell: that step, and that unit first among the selected ones."""
    pick = _value(key, "pick")
    if not isinstance(pick, dict):
        return
    unit, step = pick.get("unit"), pick.get("step")
    if not (_is_index(unit, run.units) and _is_index(step, run.steps)):
        return
    state.put("units", [unit] + [u for u in (state.get("units") or []) if u != unit][:7])
    state.put(run.step_key, step)
    st.toast(t("time.selected", unit=unit, t=step))
    st.rerun(scope="app")        # the units changed: the whole panel (unit lines, traces) follows
