"""Offline lecture export: one self-contained HTML file that steps through a trace with no Python and no network.

    python -m cellviz.export --model lag-lstm --sample 3 -o lecture.html

The page inlines plotly.js once and the step player the app uses (`cellviz.player`: the same JS and the same
data format), with the cell diagram, the input strip, the units x time heatmaps and the gradient norms drawn
once; the player's step bar (buttons, slider, keyboard: arrows / PageUp / PageDown for presentation clickers,
Home / End, Space to play) moves cursors and recolours the diagram in the browser. Figures come from
`cellviz.plots` through `cellviz.player.panels`; every text from the catalogues (`cellviz.i18n`, keys
`export.*` for the export's own), in any language they hold (`--lang en` / `--lang zh`).
"""
from __future__ import annotations

import argparse
import html
import math
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from plotly.offline import get_plotlyjs

from . import loss_terms, player, plots, summaries
from .player import panels, payload
from .grads import SINGLE_STEP_LOSSES, loss_kind
from .trace import Trace
from .i18n import CATALOGUES, label, language, set_language, t
from .i18n import prediction as worded_prediction

MAX_STEPS = 300
STRIP_CHARS = 100             # characters that fit on one row of the input strip

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


# --- the player's sections ------------------------------------------------------------------------------
GROUP = "export"


def build_sections(tr: Trace, tokens: Sequence[str], *, layer: int = 0, direction: int = 0,
                   units: Sequence[int] = (), batch: int = 0, loss: str | None = None,
                   reach: np.ndarray | None = None, reach_loss: str | None = None) -> list[dict]:
    """The page's player sections (cellviz.player.payload): the step bar, the cell diagram (and the first
    unit's numbers), the input coloured by ‖∂L/∂h_t‖, the units x time heatmaps and the gradient norms —
    the same panels the app's pages draw (arguments already checked) — and, given `reach`, how far back the
    prediction reaches: (T,) ‖∂L/∂x_k‖ of one prediction after the last step, or (T, T) of the loss term at
    every step (`loss_terms.by_step`; row t drawn at step t). `reach_loss` names L (or its term at step t)."""
    T, unit = tr.seq_len, (units[0] if units else None)
    rec = tr.layer(layer, direction)
    cell_caption = " ".join([t("cell.legend", unit=unit) if unit is not None else "",
                             t("nav.reverse_note") if direction == 1 else ""]).strip()
    labels, per_row = panels.strip_layout(tokens, STRIP_CHARS)
    cell = [panels.cell_diagram(tr, layer, direction, tokens, unit, batch, caption=cell_caption)]
    if unit is not None:
        cell.append(panels.unit_numbers(tr, layer, direction, unit, batch))
    grads = panels.gradient_norms(plots.grad_norm_curves(tr, batch), y_title=plots.grad_axis_title(loss, what="any"))
    grads["caption"] = t("grad.intro")
    figures = [
        *cell,
        panels.token_strip("tokens", labels, summaries.grad_norms(rec, batch)[0], "grad",
                           t("export.strip.title", what=t("plot.grad.h")), per_row=per_row),
        panels.heatmaps(summaries.quantities(rec, batch), units, tokens, clickable=False),
        grads,
    ]
    if reach is not None and np.ndim(reach) == 2:
        figures += panels.input_reach_by_step(np.asarray(reach), tokens, reach_loss or "")
    elif reach is not None:
        figures += panels.input_reach(np.asarray(reach), tokens, T - 1, loss=reach_loss)
    return [payload.section(GROUP, T, controls=True, tokens=tokens, keys=t("export.keys")),
            payload.section(GROUP, T, figures)]


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
                  batch: int = 0, lang: str = "en", max_steps: int = MAX_STEPS, loss: str | None = None,
                  reach: np.ndarray | None = None, reach_loss: str | None = None) -> str:
    """A self-contained HTML page stepping through any `Trace` (one layer, direction and batch element).

    tokens: one label per step (default "0", "1", ...); intro: paragraphs under the title (plain text,
    escaped; **bold** allowed); loss: what L is, for the gradient axis ("L = ..."); reach, reach_loss: see
    `build_sections`. ValueError with a user-facing message for bad arguments.
    """
    tokens = [str(k) for k in range(tr.seq_len)] if tokens is None else [str(s) for s in tokens]
    units = [int(u) for u in units]
    loss, reach_loss = (None if v is None else plots.plotly_text(v) for v in (loss, reach_loss))  # caller's text
    with _language(lang):
        _check(tr, tokens, layer, direction, units, batch, max_steps)
        if reach is not None and np.shape(reach) not in ((tr.seq_len,), (tr.seq_len, tr.seq_len)):
            raise ValueError(f"reach must be (T,) or (T, T) with T = {tr.seq_len}, got shape {np.shape(reach)}")
        sections = build_sections(tr, tokens, layer=layer, direction=direction, units=units, batch=batch,
                                  loss=loss, reach=reach, reach_loss=reach_loss)
        return _page(title, intro, sections, lang)


def _para(text: str, cls: str = "") -> str:
    """Plain text as a paragraph, with the catalogue's **bold** and `code` markdown."""
    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
    body = re.sub(r"`(.+?)`", r"<code>\1</code>", body)
    return f'<p class="{cls}">{body}</p>' if cls else f"<p>{body}</p>"


def _page(title: str, intro: Sequence[str], sections: Sequence[dict], lang: str) -> str:
    from . import __version__
    return _TEMPLATE.format(
        lang=html.escape(lang), title=html.escape(title), plotlyjs=get_plotlyjs(), css=player.css(),
        intro="\n".join(_para(p) for p in intro if p), player_js=player.js(),
        data=payload.to_json(list(sections)), footer=html.escape(t("export.footer", version=__version__)))


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
footer {{ color: #666; font-size: 0.9em; margin-top: 12px; padding-bottom: 24px; }}
main > div:first-child {{ position: sticky; top: 0; z-index: 10; background: rgba(255,255,255,0.96);
  border-bottom: 1px solid #ddd; }}
{css}
</style>
<script>{plotlyjs}</script>
<script>{player_js}</script>
</head>
<body>
<header>
<h1>{title}</h1>
{intro}
</header>
<main id="player"></main>
<footer>{footer}</footer>
<script type="application/json" id="cellviz-data">{data}</script>
<script>
(function () {{
  const root = document.getElementById("player");
  const sections = JSON.parse(document.getElementById("cellviz-data").textContent);
  const ready = sections.map(P => {{
    const div = document.createElement("div");
    root.appendChild(div);
    window.CellvizPlayer.mount(div, P);
    return new Promise(resolve => {{ const check = () => div.dataset.ready === "1" || !P.panels.length
      ? resolve() : setTimeout(check, 20); check(); }});
  }});
  Promise.all(ready).then(() => {{ document.body.dataset.ready = "1"; }});
}})();
</script>
</body>
</html>
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
        accepted = model.task.parse_options()
        if set(options) - set(accepted) or (options and text is None):
            raise ValueError(t("export.bad_option", name=model_name, options=", ".join(options),
                                accepted=", ".join(accepted) or "–"))
        for key, value in options.items():        # lag=1.5 is no number of steps (int() would make it 1)
            if accepted[key].type is int and not (isinstance(value, int) or (isinstance(value, float)
                                                                              and value.is_integer())):
                raise ValueError(t("export.bad_int", name=key, value=_short(str(value), 40)))
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
                 t("model.card", cell=card["cell"].upper(), io=label("io", card["io"]), task=label("task", card["task"]),
                   layers=card["num_layers"], hidden=card["hidden_size"], bi=bi, params=f"{card['params']:,}"),
                 " · ".join(t("model.metric", metric=label("metric", m), value=_num(v), baseline=_num(card.get("baseline", {}).get(m)))
                            for m, v in card.get("metrics", {}).items()),
                 t("export.input", text=ex.text),
                 t("input.prediction", prediction=worded_prediction(card["task"], model.prediction(ex))),
                 t("export.view", layer=layer, direction=t(f"nav.direction.{direction}"),
                   part=t("export.view.part", part=t(f"model.part.{part}")) if len(model.parts()) > 1 else "")]
        if direction == 1:
            intro.append(t("nav.reverse_note"))
        kind = loss_kind(card["io"], model.task.output, part)
        intro.append(t(f"loss.{kind}.long"))
        reach = reach_loss = None
        if tr.seq_len <= max_steps:              # (longer: trace_to_html refuses it)
            if kind in SINGLE_STEP_LOSSES:       # one prediction: how far back it reaches
                reach, reach_loss = tr.input_sensitivity[:, 0], t(f"loss.{kind}")
            else:                                # a term at every step: each step's own, all computed at once
                reach = loss_terms.by_step(module, x, h0, loss).input_sensitivity
                reach_loss = t(f"loss.{kind}.at", t="t")
        return trace_to_html(tr, tokens, f"cellviz · {model_name}", intro=intro, layer=layer, direction=direction,
                             units=units, lang=lang, max_steps=max_steps, loss=t(f"loss.{kind}"),
                             reach=reach, reach_loss=reach_loss)


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
    try:                                         # atomic: a temp file next to the output, then renamed over it
        _write_atomic(a.output, page)
    except OSError as e:                         # a directory, a missing folder, a full disk: one line, exit 2
        print(f"{p.prog}: error: cannot write {_short(str(a.output), 200)}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e6:.1f} MB)")
    return 0


def _write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file in the same folder and a rename (no half-written page)."""
    import os
    import tempfile
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory")
    if path.exists() and not path.is_file():     # /dev/full and other special files: written in place
        path.write_text(text, encoding="utf-8")
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)             # as a plain write would (mkstemp makes it 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    sys.exit(main())
