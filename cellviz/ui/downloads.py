"""Downloads: the current figure as standalone HTML, the trace as NPZ and as CSV (built only when clicked).

The trace files and the lecture page are built once per subject (and layer, direction, units, language for
the lecture page) and kept in a small cache shared by every session (DOWNLOAD_CACHE_BYTES, DOWNLOAD_TTL), so a
repeated click costs a look-up; building one takes a slot of the process's heavy jobs (`cellviz.live.HEAVY`,
shared with live training), waiting up to BUSY_WAIT seconds, else the file says the server is busy. The CSV
is offered up to MAX_CSV_ROWS rows (one per layer, direction, step and unit); above, the NPZ holds the same.
"""
from __future__ import annotations

import html
import io
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from .. import export, summaries
from ..live import HEAVY, Busy
from . import data, state
from .data import Subject
from ..i18n import CATALOGUES, language, t


def trace_arrays(subject: Subject) -> dict[str, np.ndarray]:
    """Every array of the trace by a flat name: x, tokens, and l{layer}_d{direction}_{quantity} (T, H)."""
    tr = subject.trace
    out = {"x": tr.x[:, 0], "tokens": np.asarray(subject.tokens), "loss": np.asarray(tr.loss)}
    for l in range(tr.num_layers):
        for d in range(tr.num_directions):
            out.update({f"l{l}_d{d}_{q}": a for q, a in _layer_columns(tr.layer(l, d)).items()})
    return out


def _layer_columns(rec) -> dict[str, np.ndarray]:
    """One layer and direction's (T, H) arrays: every gate, c, h, and the gradients."""
    cols = {**summaries.quantities(rec), "grad_h": rec.grad_h[:, 0]}
    if rec.grad_c is not None:
        cols["grad_c"] = rec.grad_c[:, 0]
    return cols


def trace_npz(subject: Subject) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **trace_arrays(subject))
    return buf.getvalue()


def trace_csv(subject: Subject) -> str:
    """Long-ish CSV: one row per (layer, direction, step, unit) with a column per quantity."""
    tr = subject.trace
    rows = []
    for l in range(tr.num_layers):
        for d in range(tr.num_directions):
            cols = _layer_columns(tr.layer(l, d))
            names = list(cols)
            stacked = np.stack([cols[n] for n in names], axis=-1)          # (T, H, Q)
            T, H, _ = stacked.shape
            for step in range(T):
                token = _csv_field(subject.tokens[step])
                for unit in range(H):
                    vals = ",".join(f"{v:.6g}" for v in stacked[step, unit])
                    rows.append(f"{l},{d},{step},{token},{unit},{vals}")
    header = "layer,direction,step,token,unit," + ",".join(names)
    return header + "\n" + "\n".join(rows) + "\n"


def _csv_field(s: str) -> str:
    return '"' + s.replace('"', '""') + '"' if re.search(r'[,"\n\r]', s) else s


def _file_stem(subject: Subject) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", subject.label).strip("_") or "trace"


MAX_CSV_ROWS = 100_000          # (layer, direction, step, unit) rows: ~12 MB of text (the NPZ has any size)
DOWNLOAD_CACHE_BYTES = 16 * 2**20
DOWNLOAD_TTL = 900
BUSY_WAIT = 10.0               # seconds a click waits for a heavy-job slot before the file says "busy"
EXPORT_SECONDS = 60.0          # the longest a slot is held by one build
_FILES: OrderedDict = OrderedDict()     # key -> (bytes or str, size, time built)
_FILES_LOCK = threading.Lock()


def csv_rows(subject: Subject) -> int:
    tr = subject.trace
    return tr.num_layers * tr.num_directions * tr.seq_len * tr.hidden_size


def built(key: Hashable, build: Callable[[], bytes | str], busy: Callable[[], bytes | str]):
    """The file `build` makes for `key`, from the shared cache or built under a heavy-job slot (`busy()`'s file
    when no slot frees up within BUSY_WAIT seconds; that one is not kept)."""
    now = time.monotonic()
    with _FILES_LOCK:
        for k in [k for k, (_, _, made) in _FILES.items() if now - made > DOWNLOAD_TTL]:
            del _FILES[k]
        if key in _FILES:
            _FILES.move_to_end(key)
            return _FILES[key][0]
    try:
        lease = HEAVY.take(EXPORT_SECONDS, wait=BUSY_WAIT)
    except Busy:
        return busy()
    try:
        value = build()
    finally:
        HEAVY.give(lease)
    size = len(value)
    if size <= DOWNLOAD_CACHE_BYTES // 2:
        with _FILES_LOCK:
            _FILES[key] = (value, size, time.monotonic())
            while sum(v[1] for v in _FILES.values()) > DOWNLOAD_CACHE_BYTES:
                _FILES.popitem(last=False)
    return value


def _subject_key(subject: Subject) -> tuple:
    source = subject.source if subject.source is not None else ("trace", id(subject.trace))
    return (source, subject.steps, subject.trace.hidden_size)


def trace_buttons(subject: Subject) -> None:
    """The trace as NPZ and CSV (sidebar)."""
    st.markdown(f"**{t('download.header')}**")
    stem = _file_stem(subject)
    key = _subject_key(subject)
    busy = t("busy")                  # worded now: the click is served outside the session
    c1, c2 = st.columns(2)
    c1.download_button(t("download.npz"), lambda: built(("npz", key), lambda: trace_npz(subject),
                                                        lambda: busy.encode()),
                       file_name=f"{stem}-trace.npz", mime="application/octet-stream", on_click="ignore", key="dl_npz")
    rows = csv_rows(subject)
    if rows <= MAX_CSV_ROWS:
        c2.download_button(t("download.csv"), lambda: built(("csv", key), lambda: trace_csv(subject),
                                                            lambda: busy + "\n"),
                           file_name=f"{stem}-trace.csv", mime="text/csv", on_click="ignore", key="dl_csv")
    else:
        c2.caption(t("download.csv.too_big", rows=f"{rows:,}", limit=f"{MAX_CSV_ROWS:,}"))
    lecture_button(subject)


def lecture_html(subject: Subject, layer: int, direction: int, units: list[int], lang: str) -> str:
    """The offline lecture page (cellviz.export) for a subject's model, input, part, layer and direction: a zoo
    model's page as the export CLI builds it, an upload's from its trace (its loss named on the gradient axes)."""
    src = subject.zoo
    if src is None:
        loss = CATALOGUES.get(lang, CATALOGUES["en"]).get(f"loss.{subject.loss}")
        return export.trace_to_html(subject.trace, subject.tokens, subject.label, layer=layer, direction=direction,
                                    units=units, lang=lang, loss=loss)
    if isinstance(src.input, data.Sample):
        return export.export_html(src.name, sample=src.input.seed, part=src.part, layer=layer, direction=direction,
                                  units=units, lang=lang)
    return export.export_html(src.name, src.input.text, options=dict(src.input.options) or None, part=src.part,
                              layer=layer, direction=direction, units=units, lang=lang)


def lecture_button(subject: Subject) -> None:
    """Download the offline lecture page (built only when clicked), or say why there is none."""
    if subject.steps > export.MAX_STEPS:
        st.caption(t("download.lecture.too_long", limit=export.MAX_STEPS, got=subject.steps))
        return
    H = subject.trace.hidden_size
    units = [u for u in (state.get("units") or []) if isinstance(u, int) and 0 <= u < H]
    args = (subject, int(state.get("layer") or 0), int(state.get("direction") or 0), units, language())

    def page(text: str) -> str:
        return f"<!doctype html><meta charset='utf-8'><p>{html.escape(text)}</p>"

    def build() -> str:
        try:
            return lecture_html(*args)
        except ValueError as e:       # the page has no error slot once the click is served: say it in the file
            return page(t("download.lecture.failed", reason=e))

    key = ("lecture", _subject_key(subject), *args[1:3], tuple(args[3]), args[4])
    busy = page(t("busy"))            # worded now: the click is served outside the session
    st.download_button(t("download.lecture"), lambda: built(key, build, lambda: busy),
                       file_name=f"{_file_stem(subject)}-lecture.html",
                       mime="text/html", on_click="ignore", key="dl_lecture", help=t("download.lecture.help"),
                       icon=":material/slideshow:", width="stretch")
    if subject.zoo is not None and subject.zoo.snapshot is not None:
        st.caption(t("download.lecture.snapshot"))


def figure_button(fig: go.Figure | Callable[[], go.Figure], subject: Subject, view: str) -> None:
    """The view's main figure (or a function building it, called only on a click) as a standalone HTML file
    (plotly.js from the CDN)."""
    def page() -> str:
        return (fig if isinstance(fig, go.Figure) else fig()).to_html(include_plotlyjs="cdn", full_html=True)

    st.download_button(t("download.figure"), page,
                       file_name=f"{_file_stem(subject)}-{view}.html", mime="text/html", on_click="ignore",
                       key=f"dl_fig_{view}")
