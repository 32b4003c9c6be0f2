"""The player's one data format ("cellviz-player/1"): what `player.js` draws, in the app and in the export.

A *section* is a JSON-able dict: a group name (sections of one page share their step), the number of steps,
and panels. The section with ``controls`` also carries the step bar's captions and texts. Panels:

- ``figure``: a Plotly figure spec (data + layout, drawn once) and what moves with the step:
  ``cursors`` — ``{"type": "vline"}`` (a line at x = step in every subplot, or ``axes``: ["x2y2", ...]) or
  ``{"type": "cell", "per_row": n}`` (an outline around cell (row, col) = divmod(step, n) of a token strip);
  ``strips`` — colour strips recoloured per step (the cell diagram): geometry, colour axis and which of
  the panel's ``series`` (T, n) they read (shifted by a step, or through tanh: see `strip_values`); ``titles`` — one heading per step; ``click`` — "unit_step" reports clicks as (unit, step);
  ``server`` — a name under which the host sends per-step data it computed (``server_update`` says how);
  ``by_step`` — that data for every step at once (``values`` (T, …), row t for step t; per-step ``layouts``;
  ``update``: how, as ``server_update``), applied in the browser as the step changes.
- ``table``: rows of (label, one value per step), shown with ``digits`` decimals.

Arrays travel as typed-array specs ``{"dtype": "f4" | "f2", "bdata": base64, "shape": [...]}`` (the encoding
plotly.js reads too), so a trace crosses the wire once, compactly.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ..i18n import t
from ..plots.style import display_token

FORMAT = "cellviz-player/1"
PLAY_MS = 700                 # one step per PLAY_MS while playing
OUTLINE = "#00b4ff"           # cursors and outlines: visible on black, navy, red and yellow cells


def typed(a, dtype: str = "f4") -> dict:
    """A float array as a typed-array spec: f4 (float32, exact for the trace) or f2 (float16, colours only)."""
    arr = np.ascontiguousarray(a, dtype=np.float32 if dtype == "f4" else np.float16)
    return {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii"), "shape": list(arr.shape)}


def decode(spec: dict) -> np.ndarray:
    """The inverse of `typed` (tests and tools read payloads with it)."""
    dt = {"f4": np.float32, "f2": np.float16}[spec["dtype"]]
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=dt).astype(np.float32)
    return a.reshape(spec["shape"]) if spec.get("shape") else a


def figure_spec(fig: go.Figure) -> dict:
    """A figure as plotly.js reads it (numpy arrays become typed-array specs)."""
    return json.loads(pio.to_json(fig, validate=False))


def figure(panel_id: str, fig: go.Figure, *, cursor: str | None = "vline", per_row: int | None = None,
           strips: Sequence[dict] = (), titles: Sequence[str] | None = None, caption: str = "",
           click: str | None = None, server: str | None = None, server_update: dict | None = None,
           server_at: int | None = None, by_step: dict | None = None, config: dict | None = None) -> dict:
    """A figure panel (see the module docstring). cursor: "vline", "cell" (with per_row) or None; with
    `server`, the cursor sits at the step of the server's latest data (`server_at` until some arrives).
    by_step: see `by_step`."""
    spec = figure_spec(fig)
    if titles is not None:               # the heading above the figure changes with the step: no Plotly title
        spec["layout"].setdefault("title", {})["text"] = ""
        spec["layout"].setdefault("margin", {})["t"] = 24
    panel: dict[str, Any] = {"id": panel_id, "type": "figure", "figure": spec}
    if cursor == "vline":
        panel["cursors"] = [{"type": "vline", "color": OUTLINE}]
    elif cursor == "cell":
        panel["cursors"] = [{"type": "cell", "per_row": int(per_row), "color": OUTLINE}]
    if server and cursor:                # the cursor marks the step the server's data is for
        panel["cursors"][0]["at"] = "server"
    if strips:
        panel["strips"] = list(strips)
    if titles is not None:
        panel["titles"] = list(titles)
    if caption:
        panel["caption"] = caption
    if click:
        panel["click"] = click
    if server:
        panel["server"], panel["server_update"] = server, dict(server_update or {})
        panel["server_at"] = server_at
    if by_step:
        panel["by_step"] = by_step
    if config:
        panel["config"] = config
    return panel


def by_step(values: np.ndarray, update: dict, layouts: Sequence[dict] | None = None) -> dict:
    """A figure's data for every step: `values` (T, …) float32, row t shown at step t as `update` says
    ({"kind": "lines" | "bars" | "strip", …}), with `layouts[t]` (a Plotly layout update) if given."""
    out: dict[str, Any] = {"values": typed(values), "update": dict(update)}
    if layouts is not None:
        out["layouts"] = list(layouts)
    return out


def strip_values(panel: dict, label: str) -> np.ndarray:
    """A cell-diagram strip's (T, n) values as player.js computes them from the panel's series (shifted by a
    step from the initial state for h_{t-1} and c_{t-1}, tanh for tanh(c_t)): what the page shows per step."""
    s = next(s for s in panel["strips"] if s["label"] == label)
    src = decode(panel["series"][s["series"]])
    shift = int(s.get("shift", 0))
    out = np.empty_like(src)
    for k in range(len(src)):
        j = k - shift
        out[k] = src[j] if 0 <= j < len(src) else decode(s["initial"])
    return np.tanh(out) if s.get("fn") == "tanh" else out


def table(panel_id: str, title: str, columns: Sequence[str], rows: Sequence[tuple[str, np.ndarray]],
          digits: int = 4) -> dict:
    """A table whose value column follows the step: rows of (label, (T,) values)."""
    return {"id": panel_id, "type": "table", "title": title, "columns": list(columns), "digits": digits,
            "rows": [{"label": label, "values": typed(values)} for label, values in rows]}


def captions(tokens: Sequence[str]) -> list[str]:
    """The step bar's caption per step: "step t of T · input x" (steps numbered 0..T as on the axes)."""
    last = len(tokens) - 1
    return [t("step.token", t=k, T=last, token=display_token(s) if str(s).strip() else "␣")
            for k, s in enumerate(tokens)]


def control_texts() -> dict[str, str]:
    """The step bar's labels and tooltips in the active language."""
    out = {"play": t("step.play"), "pause": t("step.pause"), "label": t("step.label"), "unit": t("plot.unit"),
           "mean": t("plot.mean"), "speed": t("step.speed"), "rate": t("step.rate"), "position": t("plot.position")}
    for b in ("first", "prev", "next", "last", "play", "pause"):
        out[f"{b}.help"] = t(f"step.{b}.help")
    return out


def section(group: str, steps: int, panels: Sequence[dict] = (), *, controls: bool = False,
            tokens: Sequence[str] | None = None, keys: str = "", plotly_url: str | None = None,
            keyboard: bool = True) -> dict:
    """One section of a page; with `controls`, the step bar (captions from `tokens`) and the keyboard."""
    out: dict[str, Any] = {"format": FORMAT, "group": group, "steps": int(steps), "panels": list(panels),
                           "texts": control_texts()}
    if plotly_url:
        out["plotly_url"] = plotly_url
    if controls:
        out.update(controls=True, play_ms=PLAY_MS, keyboard=keyboard,
                   captions=captions(tokens if tokens is not None else [str(k) for k in range(steps)]))
        if keys:
            out["keys"] = keys
    return out


def to_json(obj) -> str:
    """JSON that is safe inside an HTML <script> element."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
