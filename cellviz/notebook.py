"""`cellviz.show(trace, view=...)`: the step player inline in a Jupyter notebook (an anywidget widget).

    import cellviz
    tr = cellviz.trace(module, x)
    cellviz.show(tr, view="cell", tokens=words)        # the last expression of a cell: the player

The widget draws the same player sections as the app and the offline export (`cellviz.player.panels`, and
`cellviz.export.build_sections` for view="all") with the same `player.js`; nothing here draws a figure.

- **plotly.js once per notebook, never in the saved file.** The first player on a page asks its kernel for
  plotly.js (a custom widget message, which a saved notebook does not keep) and leaves it on `window`; every
  later player, in any cell, reuses it. No network is needed. A saved notebook opened without a kernel (a static
  render) falls back to the plotly.js CDN of the same version, if that is reachable.
- **Small saved notebooks.** The widget's state is its sections as gzip-compressed JSON (`_payload`, inflated
  in the browser by DecompressionStream), player.js gzip-compressed too (`_player`, run once per page) and a
  small loader (`_esm`); see `cellviz.notebook_bench` for the measured size.
- **Keys only while the player has focus** (click it, or Tab to it): `keyboard: "focus"` in the section, so
  JupyterLab's own shortcuts and PageDown scrolling are untouched otherwise.
- **`widget.step`** follows the player both ways: stepping in the browser updates it (debounced, 250 ms), and
  setting it from Python moves the player.

Needs the optional extra `pip install -e .[notebook]` (anywidget).
"""
from __future__ import annotations

import gzip
import json
import re
import uuid
from collections.abc import Sequence
from functools import cache

import numpy as np

try:
    import anywidget
    import traitlets
except ImportError as e:           # an optional extra: say how to get it
    raise ImportError("cellviz.show needs anywidget: pip install 'cellviz[notebook]' (or pip install anywidget)") from e

from . import player, plots, summaries
from .export import _check, _language, build_sections
from .i18n import t
from .player import panels, payload
from .trace import Trace

VIEWS = ("cell", "over_time", "gradients", "units", "all")
MAX_STEPS = 1000              # a notebook player holds at most this many steps (raise `max_steps` for more)


def sections(tr: Trace, view: str = "cell", tokens: Sequence[str] | None = None, *, layer: int = 0,
             direction: int = 0, batch: int = 0, unit: int | None = None, units: Sequence[int] = (),
             quantity: str = "h", loss: str | None = None, reach: np.ndarray | None = None,
             reach_loss: str | None = None, group: str = "notebook", max_steps: int = MAX_STEPS) -> list[dict]:
    """The player sections (`cellviz-player/1`) a notebook player draws: ONE section with the step bar and the
    view's panels, its keys active only while it has focus. ValueError with a user-facing message for bad
    arguments (the export's checks).

    view: "cell" (the cell diagram, and `unit`'s numbers), "over_time" (units x time heatmaps of every gate
    and state, and the `units` as lines), "gradients" (‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ of every layer, the input
    coloured by ‖∂L/∂h_t‖, and how far back the prediction reaches if `reach` is given: (T,) or (T, T), see
    `export.build_sections`), "units" (the input coloured by `quantity` of `unit`, default h of unit 0), or
    "all" (everything the offline export shows, `export.build_sections`).
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(map(repr, VIEWS))}, got {view!r}")
    tokens = [str(k) for k in range(tr.seq_len)] if tokens is None else [str(s) for s in tokens]
    units = [int(u) for u in units]
    marked = units + ([] if unit is None else [int(unit)])
    _check(tr, tokens, layer, direction, marked, batch, max_steps)
    if reach is not None and np.shape(reach) not in ((tr.seq_len,), (tr.seq_len, tr.seq_len)):
        raise ValueError(f"reach must be (T,) or (T, T) with T = {tr.seq_len}, got shape {np.shape(reach)}")
    rec = tr.layer(layer, direction)
    series = summaries.quantities(rec, batch)
    if quantity not in series:
        raise ValueError(f"quantity must be one of {', '.join(series)} for a {tr.kind}, got {quantity!r}")
    T = tr.seq_len
    if view == "all":
        built = build_sections(tr, tokens, layer=layer, direction=direction,
                               units=([unit] if unit is not None else []) + units, batch=batch, loss=loss,
                               reach=reach, reach_loss=reach_loss)
        shown = [panel for s in built for panel in s["panels"]]       # one section: the player is one focus target
        out = payload.section(group, T, shown, controls=True, tokens=tokens, keys=t("notebook.keys"))
        return [_focus_keys(out)]
    labels, per_row = panels.strip_layout(tokens)
    if view == "cell":
        caption = " ".join([t("cell.legend", unit=unit) if unit is not None else "",
                            t("nav.reverse_note") if direction == 1 else ""]).strip()
        shown = [panels.cell_diagram(tr, layer, direction, tokens, unit, batch, caption=caption)]
        if unit is not None:
            shown.append(panels.unit_numbers(tr, layer, direction, unit, batch))
    elif view == "over_time":
        chosen = units or ([unit] if unit is not None else [])
        shown = [panels.heatmaps(series, chosen, tokens, clickable=False)]
        if chosen:
            shown.append(panels.unit_traces(series, chosen, tokens))
    elif view == "gradients":
        grads = panels.gradient_norms(plots.grad_norm_curves(tr, batch),
                                      y_title=plots.grad_axis_title(loss, what="any"))
        grads["caption"] = t("grad.intro")
        shown = [grads, panels.token_strip("tokens", labels, summaries.grad_norms(rec, batch)[0], "grad",
                                           t("export.strip.title", what=t("plot.grad.h")), per_row=per_row)]
        if reach is not None and np.ndim(reach) == 2:
            shown += panels.input_reach_by_step(np.asarray(reach), tokens, reach_loss or "")
        elif reach is not None:
            shown += panels.input_reach(np.asarray(reach), tokens, T - 1, loss=reach_loss)
    else:                                                   # units
        u = 0 if unit is None else int(unit)
        title = t("plot.text.title", what=f"{plots.qname(quantity)} · {t('plot.unit')} {u}")
        shown = [panels.token_strip("text", labels, series[quantity][:, u], quantity, title, per_row=per_row)]
    out = payload.section(group, T, shown, controls=True, tokens=tokens, keys=t("notebook.keys"))
    return [_focus_keys(out)]


def _focus_keys(section: dict) -> dict:
    section["keyboard"] = "focus"     # player.js: keys on the player's own box (tabindex 0), not the document
    return section


# --- the widget ----------------------------------------------------------------------------------------
_ESM = r"""
// cellviz notebook player (anywidget): the same player.js as the app and the offline export, which travels
// gzip-compressed in the widget's `_player` (it is in every player's saved state) and runs once per page
const PLOTLY_VERSION = "/*PLOTLY_VERSION*/";
const CDN_AFTER_MS = 8000;        // no answer from a kernel by then (a saved notebook, no kernel): try the CDN

function registry() { return (window.__cellvizPlayer = window.__cellvizPlayer || { groups: {} }); }

/** plotly.js source -> the Plotly object, whatever module loader the host page has (plotly.js is a UMD
 *  bundle: given a `module`, it exports itself there and defines no AMD module of the page's). */
function evaluatePlotly(src) {
  const m = { exports: {} };
  new Function("module", "exports", "define", src)(m, m.exports, undefined);
  return m.exports;
}

async function inflate(bytes) {
  const blob = new Blob([bytes.buffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes]);
  return await new Response(blob.stream().pipeThrough(new DecompressionStream("gzip"))).text();
}

/** player.js (window.CellvizPlayer) once per page, from the first widget that gets here. */
function playerJs(model) {
  const R = registry(), version = model.get("_player_version");
  if (window.CellvizPlayer && window.CellvizPlayer.version === version) return Promise.resolve(window.CellvizPlayer);
  if (!R.loading || R.loadingVersion !== version) {
    R.loadingVersion = version;
    R.loading = inflate(model.get("_player")).then(src => {
      if (!(window.CellvizPlayer && window.CellvizPlayer.version === version)) new Function(src)();
      return window.CellvizPlayer;
    });
  }
  return R.loading;
}

function fromCdn() {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script"), amd = window.define;
    window.define = undefined;                    // plotly.js must set window.Plotly, not define a module
    s.src = "https://cdn.plot.ly/plotly-" + PLOTLY_VERSION + ".min.js";
    s.onload = () => { window.define = amd; window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")); };
    s.onerror = () => { window.define = amd; s.remove(); reject(new Error("plotly.js: no kernel answered and the CDN is out of reach")); };
    document.head.appendChild(s);
  });
}

/** plotly.js once per page: the first player asks its kernel (a custom message, kept out of the saved
 *  notebook), every other player waits for the same promise. */
function plotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  const R = registry();
  if (R.plotly) return R.plotly;
  R.plotly = new Promise((resolve, reject) => {
    let settled = false;
    const done = (P, err) => {
      if (settled) return;
      if (P) { settled = true; window.Plotly = window.Plotly || P; R.plotlyFrom = R.plotlyFrom || "kernel"; resolve(window.Plotly); }
      else if (err) { settled = true; R.plotly = null; reject(err); }
    };
    const onMsg = (msg, buffers) => {
      if (!msg || msg.type !== "plotly.js" || !buffers || !buffers.length) return;
      model.off("msg:custom", onMsg);
      try { done(evaluatePlotly(new TextDecoder().decode(buffers[0]))); } catch (e) { done(null, e); }
    };
    model.on("msg:custom", onMsg);
    model.send({ type: "plotly.js?" });
    setTimeout(() => {
      if (settled || window.Plotly) { done(window.Plotly); return; }
      fromCdn().then(P => { R.plotlyFrom = "cdn"; done(P); }, e => setTimeout(() => done(null, e), 30000));
    }, CDN_AFTER_MS);
  });
  return R.plotly;
}

async function sections(model) {
  return JSON.parse(await inflate(model.get("_payload")));
}

async function render({ model, el }) {
  el.classList.add("cellviz-nb");
  const status = document.createElement("div");
  status.className = "cvnb-status";
  status.textContent = "cellviz: loading the player…";
  el.appendChild(status);
  let cleanups = [], onStep = null, g = null, sync = null;
  try {
    const [P] = await Promise.all([sections(model), plotly(model), playerJs(model)]);
    status.remove();
    g = window.CellvizPlayer.group(P[0].group);
    g.step = g.sent = model.get("step");
    for (const section of P) {
      const root = document.createElement("div");
      root.className = "cvnb-root";
      el.appendChild(root);
      cleanups.push(window.CellvizPlayer.mount(root, section));
    }
    sync = { setStateValue(name, value) {          // the player's step, debounced by player.js
      if (name === "step" && model.get("step") !== value) { model.set("step", value); model.save_changes(); }
    }, setTriggerValue() {} };
    g.sync = sync;
    onStep = () => { const k = model.get("step"); if (k !== g.step) g.seek(k); };
    model.on("change:step", onStep);
    el.dataset.ready = "1";
  } catch (e) {
    status.textContent = "cellviz: the player could not start: " + (e && e.message ? e.message : e);
    status.classList.add("cvnb-error");
  }
  return () => {
    if (onStep) model.off("change:step", onStep);
    if (g && g.sync === sync) g.sync = null;
    cleanups.forEach(c => c());
  };
}

export default { render };
"""

_CSS = """
.cellviz-nb { padding: 4px 2px; }
.cellviz-nb .cvp-section:focus { outline: none; }
.cellviz-nb .cvp-section:focus-visible, .cellviz-nb .cvp-section:focus-within { box-shadow: 0 0 0 2px #1f6feb55; border-radius: 6px; }
.cellviz-nb .cvnb-status { color: #666; font-size: 0.9rem; padding: 6px 0; }
.cellviz-nb .cvnb-status.cvnb-error { color: #b00020; }
"""


@cache
def _esm() -> str:
    import plotly.offline
    return _ESM.replace("/*PLOTLY_VERSION*/", plotly.offline.get_plotlyjs_version())


@cache
def _player_js() -> tuple[bytes, str]:
    """player.js as the widget carries it (gzip, without comments) and its version (VERSION in player.js)."""
    code = _strip_comments(player.js())
    version = re.search(r'const VERSION = "([^"]+)"', code).group(1)
    return gzip.compress(code.encode("utf-8"), 9, mtime=0), version


def _strip_comments(code: str) -> str:
    """player.js without its block comments and indentation: it travels in every player's saved state."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    return "\n".join(line.strip() for line in code.splitlines() if line.strip())


@cache
def _plotly_bytes() -> bytes:
    return player.plotly_js().encode("utf-8")


def pack(obj) -> bytes:
    """Sections as the widget holds them: gzip-compressed JSON (the browser inflates it with DecompressionStream)."""
    return gzip.compress(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 9, mtime=0)


def unpack(data: bytes):
    """The inverse of `pack` (tests and tools read a widget's sections with it)."""
    return json.loads(gzip.decompress(data).decode("utf-8"))


class Player(anywidget.AnyWidget):
    """The step player as a Jupyter widget. Build it with `cellviz.show`; `step` follows the player both ways."""

    _esm = traitlets.Unicode().tag(sync=True)
    _css = traitlets.Unicode(player.css() + _CSS).tag(sync=True)
    _payload = traitlets.Bytes().tag(sync=True)
    _player = traitlets.Bytes().tag(sync=True)
    _player_version = traitlets.Unicode().tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    steps = traitlets.Int(1).tag(sync=True)
    view = traitlets.Unicode("cell").tag(sync=True)

    def __init__(self, section_list: Sequence[dict], *, step: int = 0, view: str = "cell", **kwargs):
        steps = int(section_list[0]["steps"])
        code, version = _player_js()
        super().__init__(_esm=_esm(), _payload=pack(list(section_list)), _player=code, _player_version=version,
                         steps=steps, view=view, **kwargs)
        self.step = step
        self.plotly_requests = 0           # how often a page asked this widget for plotly.js
        self.on_msg(self._on_message)

    @traitlets.validate("step")
    def _valid_step(self, proposal) -> int:
        return int(np.clip(int(proposal["value"]), 0, max(0, self.steps - 1)))

    @property
    def sections(self) -> list[dict]:
        """The player sections this widget draws (`cellviz-player/1`)."""
        return unpack(self._payload)

    def _on_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly.js?":
            self.plotly_requests += 1
            self.send({"type": "plotly.js"}, buffers=[_plotly_bytes()])

    def __repr__(self) -> str:
        return f"cellviz.notebook.Player(view={self.view!r}, step={self.step}, steps={self.steps})"


def show(trace: Trace, view: str = "cell", tokens: Sequence[str] | None = None, layer: int = 0, direction: int = 0,
         *, batch: int = 0, unit: int | None = None, units: Sequence[int] = (), quantity: str = "h",
         loss: str | None = None, reach: np.ndarray | None = None, reach_loss: str | None = None, step: int = 0,
         lang: str | None = None, max_steps: int = MAX_STEPS) -> Player:
    """The step player for `trace` inline in a notebook: returns a widget (the last expression of a cell shows
    it; or `display(widget)`). Click the player (or Tab to it) and step with ←/→ or PageUp/PageDown, Home/End,
    Space plays; `widget.step` reads and sets the step from Python.

    view: "cell" | "over_time" | "gradients" | "units" | "all" (see `sections`); tokens: one label per step
    (default 0, 1, ...); layer, direction, batch: which record of the trace; unit: the unit to mark (cell,
    units); units: units drawn as lines (over_time); quantity: what "units" colours the input by; loss: what L
    is, for the gradient axis; reach, reach_loss: how far back the prediction reaches (gradients, all); lang:
    the texts' language ("en", "zh"; default: the current one). ValueError with a user-facing message for bad
    arguments.
    """
    from .i18n import language
    with _language(lang or language()):
        built = sections(trace, view, tokens, layer=layer, direction=direction, batch=batch, unit=unit, units=units,
                         quantity=quantity, loss=loss, reach=reach, reach_loss=reach_loss,
                         group=f"notebook-{uuid.uuid4().hex[:12]}", max_steps=max_steps)
    return Player(built, step=step, view=view)


__all__ = ["show", "sections", "Player", "VIEWS", "MAX_STEPS", "pack", "unpack"]
