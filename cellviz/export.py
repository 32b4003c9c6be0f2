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
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from . import loss_terms, plots
from .site import pages as site_pages, render
from .grads import SINGLE_STEP_LOSSES, loss_kind
from .trace import Trace
from .i18n import CATALOGUES, language, set_language, t

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
    """The page's player sections (cellviz.player.payload): the site's lecture page (`cellviz.site.pages.
    lecture_view`, arguments already checked): the step bar, then the cell diagram (and the first unit's
    numbers), the input coloured by ‖∂L/∂h_t‖, the units x time heatmaps, the gradient norms and, given `reach`,
    how far back the prediction reaches."""
    return [b["section"] for b in _blocks(tr, tokens, layer=layer, direction=direction, units=units, batch=batch,
                                          loss=loss, reach=reach, reach_loss=reach_loss)]


def _blocks(tr: Trace, tokens: Sequence[str], **kw) -> list[dict]:
    return site_pages.lecture_view(tr, tokens, group=GROUP, **kw)


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
        blocks = _blocks(tr, tokens, layer=layer, direction=direction, units=units, batch=batch, loss=loss,
                         reach=reach, reach_loss=reach_loss)
        return _page(title, intro, blocks, lang)


def _page(title: str, intro: Sequence[str], blocks: Sequence[dict], lang: str) -> str:
    """The lecture page: one page of the site's builder (`cellviz.site.render`), every asset inlined."""
    from . import __version__
    markup, sections = render.body(blocks)
    return render.inline_page(title, [site_pages.md(p) for p in intro if p], markup, sections, lang,
                              t("export.footer", version=__version__))


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
        intro = site_pages.model_intro(card, model, ex, part, layer, direction)
        kind = loss_kind(card["io"], model.task.output, part)
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
