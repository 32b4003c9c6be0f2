"""Offline lecture export: one self-contained HTML file that steps through a trace with no Python and no network.

    python -m cellviz.export --model lag-lstm --sample 3 -o lecture.html

The page inlines plotly.js once and holds the cell diagram, the input strip, the units x time heatmaps and
the gradient norms, each with one animation frame per step. A global control (slider, buttons, keyboard:
arrows / PageUp / PageDown for presentation clickers, Space to play) calls `Plotly.animate` on every figure.
Frames carry only what changes: the diagram's colour strips and title, and elsewhere the cursor shapes.
Figures come from `cellviz.plots`; every text from the catalogues (`cellviz.i18n`, keys `export.*` for the
export's own), in any language they hold (`--lang en` / `--lang zh`).
"""
from __future__ import annotations

import argparse
import base64
import html
import inspect
import json
import math
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import torch
from plotly.offline import get_plotlyjs

from . import plots, summaries
from .trace import Trace
from .i18n import CATALOGUES, label, language, set_language, t
from .i18n import prediction as worded_prediction

MAX_STEPS = 300
PLAY_MS = 700                 # one step per PLAY_MS while playing
STRIP_CHARS = 100             # characters that fit on one row of the input strip
OUTLINE = "#00b4ff"           # step cursors and outlines: visible on black, navy, red and yellow

@contextmanager
def _language(lang: str) -> Iterator[None]:
    if lang not in CATALOGUES:
        raise ValueError(t("export.bad_lang", lang=lang, available=", ".join(CATALOGUES)))
    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


# --- figures with one frame per step -------------------------------------------------------------------
def _f4(a: np.ndarray) -> dict:
    """A float32 array as a plotly.js typed-array spec (base64: 4 bytes a value, ~5.3 characters)."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    spec = {"dtype": "f4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = ", ".join(map(str, a.shape))
    return spec


def _cursor_shapes(fig: go.Figure) -> list[int]:
    """Indices of the vertical cursor lines `plots` draws at step 0 (x0 == x1 == 0, y spanning the domain)."""
    found = [i for i, s in enumerate(fig.layout.shapes)
             if s.type == "line" and s.x0 == s.x1 == 0 and str(s.yref).endswith("domain")]
    if not found:
        raise RuntimeError("no step cursor found in the figure: did plots.style.add_cursor change?")
    return found


def _cursor_frames(fig: go.Figure, T: int) -> list[dict]:
    """Frames that only move the figure's cursor lines to each step (recoloured to show on a projector)."""
    idx = _cursor_shapes(fig)
    for i in idx:                 # plots' dotted #111 line disappears on dark heatmap cells
        fig.layout.shapes[i].line.update(color=OUTLINE, width=2.5, dash="solid")
    return [{"name": str(k), "layout": {f"shapes[{i}].{end}": k for i in idx for end in ("x0", "x1")}}
            for k in range(T)]


def _cell_figure(tr: Trace, layer: int, tokens: Sequence[str], direction: int, unit: int | None,
                 batch: int) -> tuple[go.Figure, list[dict]]:
    """The cell diagram at step 0, and per step a frame with every strip's vector and the title."""
    rec, x = tr.layer(layer, direction), summaries.layer_input(tr, layer)
    vecs = [summaries.cell_vectors(rec, x, k, direction, batch) for k in range(tr.seq_len)]
    fig = plots.cell_diagram(tr.kind, vecs[0], unit=unit, step=0, token=tokens[0], nonlinearity=tr.nonlinearity,
                             ranges=summaries.sequence_values(rec, x, batch))
    strip = {d.name: i for i, d in enumerate(fig.data) if d.type == "heatmap"}
    names = [n for n in vecs[0] if plots.qname(n) in strip]
    frames = [{"name": str(k), "traces": [strip[plots.qname(n)] for n in names],
               "data": [{"z": _f4(v[n][None])} for n in names],
               "layout": {"title.text": t("plot.cell.title", kind=tr.kind.upper(), t=k,
                                          token=plots.display_token(tokens[k]))}}
              for k, v in enumerate(vecs)]
    return fig, frames


def _strip_figure(tokens: Sequence[str], grad: np.ndarray) -> tuple[go.Figure, list[dict]]:
    """The input tokens coloured by ‖∂L/∂h_t‖, with a frame per step moving the outline to token t."""
    shown = [plots.display_token(s) for s in tokens]
    width = int(np.percentile([len(s) for s in shown], 90))    # a few long labels (a waveform's header) get cut
    per_row = int(np.clip(STRIP_CHARS // (width + 1), 6, 40))
    fits = max(2, STRIP_CHARS // per_row - 1)
    labels = [s if len(s) <= fits else s[:fits - 1] + "…" for s in shown]
    title = t("export.strip.title", what=t("plot.grad.h"))
    fig = plots.token_strip(labels, grad, "grad", title, per_row=per_row, step=0)
    i = next(i for i, s in enumerate(fig.layout.shapes) if s.type == "rect")
    fig.layout.shapes[i].line.update(color=OUTLINE, width=3)       # #111 vanishes on the scale's dark end
    frames = []
    for k in range(len(tokens)):
        r, c = divmod(k, per_row)
        frames.append({"name": str(k), "layout": {f"shapes[{i}].x0": c - 0.5, f"shapes[{i}].x1": c + 0.5,
                                                  f"shapes[{i}].y0": r - 0.5, f"shapes[{i}].y1": r + 0.5}})
    return fig, frames


@dataclass
class Panel:
    """One figure of the page at step 0, its frames (one per step, named "0", "1", ...) and a caption."""

    fig: go.Figure
    frames: list[dict]
    caption: str = ""


def build_panels(tr: Trace, tokens: Sequence[str], *, layer: int = 0, direction: int = 0,
                 units: Sequence[int] = (), batch: int = 0) -> dict[str, Panel]:
    """Every figure of the page, by element id, in page order (arguments already checked)."""
    T, unit = tr.seq_len, (units[0] if units else None)
    rec = tr.layer(layer, direction)
    cell_caption = " ".join([t("cell.legend", unit=unit) if unit is not None else "",
                             t("nav.reverse_note") if direction == 1 else ""]).strip()
    time = plots.heatmaps_over_time(summaries.quantities(rec, batch), step=0, units=units, tokens=tokens,
                                    clickable=False)
    grads = plots.gradient_norms(plots.grad_norm_curves(tr, batch), step=0)
    return {"cell": Panel(*_cell_figure(tr, layer, tokens, direction, unit, batch), cell_caption),
            "tokens": Panel(*_strip_figure(tokens, summaries.grad_norms(rec, batch)[0])),
            "time": Panel(time, _cursor_frames(time, T)),
            "grad": Panel(grads, _cursor_frames(grads, T), t("grad.intro"))}


def _check(tr: Trace, tokens: Sequence[str], layer: int, direction: int, units: Sequence[int], batch: int,
           max_steps: int) -> None:
    """ValueError with a user-facing message for whatever the export cannot show."""
    if tr.seq_len > max_steps:
        raise ValueError(t("export.too_long", got=tr.seq_len, limit=max_steps))
    if len(tokens) != tr.seq_len:
        raise ValueError(t("export.bad_tokens", got=len(tokens), steps=tr.seq_len))
    if not 0 <= layer < tr.num_layers:
        raise ValueError(t("export.bad_layer", layer=layer, n=tr.num_layers))
    if not 0 <= direction < tr.num_directions:
        raise ValueError(t("export.bad_direction", direction=direction, n=tr.num_directions))
    if not 0 <= batch < tr.batch_size:
        raise ValueError(t("export.bad_batch", batch=batch, n=tr.batch_size))
    for u in units:
        if not 0 <= u < tr.hidden_size:
            raise ValueError(t("export.bad_unit", unit=u, n=tr.hidden_size, last=tr.hidden_size - 1))


# --- the page ------------------------------------------------------------------------------------------
def trace_to_html(tr: Trace, tokens: Sequence[str] | None = None, title: str = "cellviz", *,
                  intro: Sequence[str] = (), layer: int = 0, direction: int = 0, units: Sequence[int] = (),
                  batch: int = 0, lang: str = "en", max_steps: int = MAX_STEPS) -> str:
    """A self-contained HTML page stepping through any `Trace` (one layer, direction and batch element).

    tokens: one label per step (default "0", "1", ...); intro: paragraphs under the title (plain text,
    escaped; **bold** allowed). ValueError with a user-facing message for bad arguments.
    """
    tokens = [str(k) for k in range(tr.seq_len)] if tokens is None else [str(s) for s in tokens]
    units = [int(u) for u in units]
    with _language(lang):
        _check(tr, tokens, layer, direction, units, batch, max_steps)
        panels = build_panels(tr, tokens, layer=layer, direction=direction, units=units, batch=batch)
        last = tr.seq_len - 1         # steps are numbered 0..last, as on the figures' axes
        steps = [t("step.token", t=k, T=last, token=plots.display_token(s)) for k, s in enumerate(tokens)]
        return _page(title, intro, panels, steps, lang)


def _json(obj) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def _figure_json(panel: Panel) -> str:
    spec = json.loads(pio.to_json(panel.fig, validate=False))
    spec["frames"] = panel.frames
    spec["config"] = {"displaylogo": False, "responsive": True}
    return _json(spec)


def _para(text: str, cls: str = "") -> str:
    """Plain text as a paragraph, with the catalogue's **bold** and `code` markdown."""
    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
    body = re.sub(r"`(.+?)`", r"<code>\1</code>", body)
    return f'<p class="{cls}">{body}</p>' if cls else f"<p>{body}</p>"


# Button icons as inline SVG: the ⏮ / ⏭ glyphs are missing from many fonts.
_ICONS = {"first": "M3 3h2v10H3zM13 3v10L6 8z", "prev": "M11 3v10L4 8z", "play": "M4 2v12l10-6z",
          "next": "M5 3v10l7-5z", "last": "M11 3h2v10h-2zM3 3v10l7-5z", "pause": "M3 2h4v12H3zM9 2h4v12H9z"}


def _icon(name: str) -> str:
    return f'<svg viewBox="0 0 16 16" aria-hidden="true"><path d="{_ICONS[name]}"/></svg>'


def _page(title: str, intro: Sequence[str], panels: dict[str, Panel], steps: Sequence[str], lang: str) -> str:
    from . import __version__
    play, pause = (_icon(b) + html.escape(t(f"step.{b}")) for b in ("play", "pause"))
    buttons = "".join(f'<button id="{b}" type="button" title="{html.escape(t(f"step.{b}.help"))}">'
                      f'{play if b == "play" else _icon(b)}</button>' for b in ("first", "prev", "play", "next",
                                                                                 "last"))
    texts = {"play": play, "pause": pause, "steps": list(steps), "ms": PLAY_MS}
    divs = "\n".join(f'<div class="fig" id="{name}"></div>' + (_para(p.caption, "caption") if p.caption else "")
                     for name, p in panels.items())
    return _TEMPLATE.format(
        lang=html.escape(lang), title=html.escape(title), plotlyjs=get_plotlyjs(),
        intro="\n".join(_para(p) for p in intro if p), keys=html.escape(t("export.keys")), buttons=buttons,
        label=html.escape(t("step.label")), last=len(steps) - 1, first_step=html.escape(steps[0]), divs=divs,
        data="\n".join(f'<script type="application/json" id="{name}-data">{_figure_json(p)}</script>'
                       for name, p in panels.items()),
        texts=_json(texts), footer=html.escape(t("export.footer", version=__version__)), script=_SCRIPT)


_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Inter, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fff; }}
header, main, footer {{ max-width: 1100px; margin: 0 auto; padding: 0 16px; }}
h1 {{ font-size: 1.6em; margin: 18px 0 6px; }}
header p {{ margin: 4px 0; }}
.keys, footer {{ color: #666; font-size: 0.9em; }}
#control {{ position: sticky; top: 0; z-index: 10; background: rgba(255,255,255,0.96);
  border-bottom: 1px solid #ddd; padding: 8px 16px; display: flex; gap: 8px; align-items: center;
  flex-wrap: wrap; justify-content: center; }}
#control button {{ font: inherit; padding: 4px 10px; border: 1px solid #bbb; border-radius: 6px;
  background: #f7f7f7; cursor: pointer; }}
#control button:hover {{ background: #eee; }}
#control svg {{ width: 14px; height: 14px; fill: #333; vertical-align: -2px; }}
#play svg {{ margin-right: 5px; }}
.caption {{ color: #555; font-size: 0.92em; margin: 0 0 18px; }}
#step {{ flex: 1 1 240px; max-width: 420px; }}
#step-label {{ min-width: 16em; font-variant-numeric: tabular-nums; }}
.fig {{ width: 100%; margin: 8px 0; }}
footer {{ margin-top: 12px; padding-bottom: 24px; }}
</style>
<script>{plotlyjs}</script>
</head>
<body data-step="0">
<header>
<h1>{title}</h1>
{intro}
<p class="keys">{keys}</p>
</header>
<div id="control">
{buttons}
<input id="step" type="range" min="0" max="{last}" value="0" step="1" aria-label="{label}">
<span id="step-label" aria-live="polite">{first_step}</span>
</div>
<main>
{divs}
</main>
<footer>{footer}</footer>
{data}
<script>const TEXTS = {texts};
{script}</script>
</body>
</html>
"""

_SCRIPT = """
(function () {
  const figs = Array.from(document.querySelectorAll(".fig"));
  const slider = document.getElementById("step"), label = document.getElementById("step-label");
  const playButton = document.getElementById("play");
  const last = TEXTS.steps.length - 1, opts = {transition: {duration: 0}, frame: {duration: 0, redraw: true},
                                               mode: "immediate"};
  let step = 0, wanted = null, busy = false, timer = null;

  function pump() {            // draw the latest wanted step; steps asked for while drawing collapse into one
    if (busy || wanted === null) return;
    const k = String(wanted); wanted = null; busy = true;
    Promise.all(figs.map(d => Plotly.animate(d, [k], opts))).catch(() => {}).then(() => {
      busy = false; document.body.dataset.shown = k; pump();
    });
  }
  function go(k) {
    step = Math.max(0, Math.min(last, k));
    slider.value = step; label.textContent = TEXTS.steps[step]; document.body.dataset.step = step;
    wanted = step; pump();
  }
  function play(on) {
    clearInterval(timer); timer = null;
    if (on) {
      if (step >= last) go(0);
      timer = setInterval(() => { if (step >= last) play(false); else go(step + 1); }, TEXTS.ms);
    }
    playButton.innerHTML = on ? TEXTS.pause : TEXTS.play;
  }
  document.getElementById("first").onclick = () => go(0);
  document.getElementById("prev").onclick = () => go(step - 1);
  document.getElementById("next").onclick = () => go(step + 1);
  document.getElementById("last").onclick = () => go(last);
  playButton.onclick = () => play(timer === null);
  slider.oninput = () => go(Number(slider.value));
  // a clicked button gives the focus back, so that Space keeps meaning play / pause
  document.querySelectorAll("#control button").forEach(b => b.addEventListener("click", () => b.blur()));
  document.addEventListener("keydown", e => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;                                      // browser shortcuts
    if (e.target.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;   // the button's own
    const moves = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};   // clickers send PageUp / PageDown
    if (e.key in moves) go(step + moves[e.key]);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(last);
    else if (e.key === " ") play(timer === null);
    else return;
    e.preventDefault();
  });
  Promise.all(figs.map(d => Plotly.newPlot(d, JSON.parse(document.getElementById(d.id + "-data").textContent))))
    .then(() => { document.body.dataset.ready = "1"; document.body.dataset.shown = "0"; });
})();
"""


# --- zoo models ----------------------------------------------------------------------------------------
def export_html(model_name: str, text: str | None = None, *, sample: int | None = None, part: str | None = None,
                layer: int = 0, direction: int = 0, units: Sequence[int] = (), lang: str = "en",
                max_steps: int = MAX_STEPS, options: dict | None = None) -> str:
    """The lecture page for a zoo model on typed `text` (with the task's parse `options`) or sample `sample`
    (default: sample 0). ValueError with a user-facing message for an unknown model, bad input or arguments."""
    import cellviz
    from cellviz import zoo

    with _language(lang):
        card = zoo.card(model_name)               # ValueError naming the shipped models
        model = zoo.load(model_name)
        if text is not None and sample is not None:
            raise ValueError(t("export.bad_source"))
        options = dict(options or {})
        accepted = _parse_options(model.task)
        if set(options) - set(accepted) or (options and text is None):
            raise ValueError(t("export.bad_option", name=model_name, options=", ".join(options),
                                accepted=", ".join(accepted) or "–"))
        if text is None:
            ex = model.task.sample(sample or 0)
        else:
            try:
                ex = model.task.parse(text, **options)
            except (ValueError, OverflowError, TypeError) as e:     # int(inf), a str where a number belongs
                raise ValueError(t("input.invalid", reason=e)) from None
        part = part or model.parts()[0]
        if part not in model.parts():
            raise ValueError(t("export.bad_part", name=model_name, part=part, parts=", ".join(model.parts())))
        module, x, h0, loss = model.trace_args(ex, part=part)
        tr = cellviz.trace(module, x, h0=h0, loss=loss)
        tokens = list(ex.tokens)
        if part == "decoder" and hasattr(model.task, "decoder_tokens"):
            tokens = list(model.task.decoder_tokens(ex))
        bi = t("model.bi") if card["bidirectional"] else ""
        intro = [card.get("description", ""),
                 t("model.card", cell=card["cell"].upper(), io=card["io"], task=label("task", card["task"]),
                   layers=card["num_layers"], hidden=card["hidden_size"], bi=bi, params=f"{card['params']:,}"),
                 " · ".join(t("model.metric", metric=label("metric", m), value=_num(v), baseline=_num(card.get("baseline", {}).get(m)))
                            for m, v in card.get("metrics", {}).items()),
                 t("export.input", text=ex.text),
                 t("input.prediction", prediction=worded_prediction(card["task"], model.prediction(ex))),
                 t("export.view", layer=layer, direction=t(f"nav.direction.{direction}"),
                   part=t("export.view.part", part=t(f"model.part.{part}")) if len(model.parts()) > 1 else "")]
        if direction == 1:
            intro.append(t("nav.reverse_note"))
        return trace_to_html(tr, tokens, f"cellviz · {model_name}", intro=intro, layer=layer, direction=direction,
                             units=units, lang=lang, max_steps=max_steps)


def _parse_options(task) -> list[str]:
    """The keyword options a task's `parse` names (lag, period, ...)."""
    params = list(inspect.signature(task.parse).parameters.values())[1:]        # after the text
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _num(v) -> str:
    return "–" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v)


# --- command line --------------------------------------------------------------------------------------
OPTION_CHARS = 80             # an option echoed in an error message is cut to this many characters
MESSAGE_CHARS = 500           # a whole error line (it may quote the typed text)


def _short(text: str, limit: int = OPTION_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _option(text: str) -> tuple[str, object]:
    """KEY=VALUE as (key, int | float | str); ValueError for a malformed pair or a number that is not finite
    (inf, nan, 1e400), so the task never sees a value it cannot turn into steps."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"--option: expected KEY=VALUE, got {_short(text)!r}")
    try:
        return key, int(value)
    except ValueError:        # not an integer (or more digits than Python converts)
        pass
    try:
        number = float(value)
    except ValueError:
        return key, value
    if not math.isfinite(number):
        raise ValueError(f"--option {_short(key, 30)}: {_short(value, 40)!r} is not a finite number")
    return key, number


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m cellviz.export", description="Write a self-contained HTML page "
                                "that steps through a zoo model's trace offline (for a lecture hall).")
    p.add_argument("--model", required=True, help="a zoo model name, e.g. lag-lstm")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--text", help="the input, as typed in the app")
    src.add_argument("--sample", type=int, help="a held-out-style example by seed (default 0)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="a task option for --text, e.g. lag=20 or period=16 (repeatable)")
    p.add_argument("--part", help="encoder or decoder (encoder-decoder models)")
    p.add_argument("--layer", type=int, default=0)
    p.add_argument("--direction", type=int, default=0, help="0 forward, 1 reverse (bidirectional models)")
    p.add_argument("--unit", type=int, action="append", default=[], help="units to mark (repeatable)")
    p.add_argument("--lang", default="en", help=f"language of the texts ({', '.join(CATALOGUES)})")
    p.add_argument("--max-steps", type=int, default=MAX_STEPS)
    p.add_argument("-o", "--output", required=True, type=Path, help="the HTML file to write")
    a = p.parse_args(argv)
    torch.set_num_threads(1)      # tiny models: one thread is faster than two fighting over a busy machine
    try:
        options = dict(_option(o) for o in a.option)
        page = export_html(a.model, a.text, sample=a.sample, part=a.part, layer=a.layer, direction=a.direction,
                           units=a.unit, lang=a.lang, max_steps=a.max_steps, options=options)
    except (ValueError, OverflowError) as e:    # one line, no traceback: the message names what to change
        print(f"{p.prog}: error: {_short(' '.join(str(e).split()), MESSAGE_CHARS)}", file=sys.stderr)
        return 2
    a.output.write_text(page, encoding="utf-8")
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
