"""All session state of the app in one place: every key is named in `KEYS` with its type, default and whether it
is in the deep link. Views read and write it with `get` / `put` (never `st.session_state` directly).

The keys are the widget keys (`model`, `step`, ...), so the deep links (links.py) map them to `st.query_params`
one to one. `init()` runs at the top of every page: it fills in the defaults and keeps widgets alive.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from . import links
from .. import i18n
from ..i18n import set_language
from ..zoo.training import FINAL  # the final weights' label, shared with the training loops

UPLOAD = "__upload__"        # the model picker's value for "upload your own"
OPTION_PREFIX = "opt_"       # task.parse keyword options (lag, period, ...) live under opt_<name>: see `options`


@dataclass(frozen=True)
class Key:
    """One session-state key: what its value is, where a session starts, and how it lives.

    `link`: in the deep link (links.EXPLORER_URL / TOUR_URL write it to the URL and read it back).
    `keep`: a widget that not every page draws; `init` re-assigns it on every run, or Streamlit drops it
    on a page without the widget (the one keep-alive of the app).
    `fill`: `init` writes the default into the session; False for values only Streamlit may write (a file
    uploader, a chart's selection)."""

    type: Any
    default: Any
    doc: str
    link: bool = False
    keep: bool = False
    fill: bool = True


KEYS: dict[str, Key] = {
    # the explorer (sidebar and step panel)
    "lang": Key(str, "en", "language of the texts (a catalogue code)", link=True, keep=True),
    "model": Key(str, None, "a zoo name or UPLOAD; init fills in the zoo's first LSTM", link=True, keep=True),
    "snapshot": Key(str, FINAL, "a training snapshot label or FINAL", link=True, keep=True),
    "part": Key((str, type(None)), None, '"recurrent" | "encoder" | "decoder"; None until a model is shown',
                link=True, keep=True),
    "source": Key(str, "sample", '"sample" | "typed": where the zoo input comes from', link=True),
    "sample_seed": Key(int, 0, "which of the task's samples is the input", link=True),
    "text": Key((str, type(None)), None, "the typed input (None until a model is picked)", link=True, keep=True),
    "layer": Key(int, 0, "the layer shown", link=True, keep=True),
    "direction": Key(int, 0, "0 forward, 1 reverse", link=True, keep=True),
    "step": Key(int, 0, "the time step t", link=True, keep=True),
    "units": Key(list, [0], "the selected hidden units (at most 8)", link=True, keep=True),
    "playing": Key(bool, False, "the step panel is playing"),
    "_player_seen": Key((int, type(None)), None, "the step the step player last reported (cellviz.ui.stepper)"),
    "_player_seq": Key(int, 0, "bumped when Python moves the step, so that the step player follows it"),
    "_player_seen_tour_step": Key((int, type(None)), None, "the tour step the tour's step player last reported"),
    "_player_seq_tour_step": Key(int, 0, "bumped when Python moves the tour step (a new slide, a link)"),
    "panel_ms": Key((float, type(None)), None, "time of the last step panel run (read by cellviz.ui_bench)"),
    # the explanations' closed expanders (explain.details: their bodies run only once opened)
    **{f"open_{name}": Key(bool, False, f"the {name.replace('_', ' ')} expander is open (Streamlit writes it)",
                           fill=False) for name in ("conventions", "stacking", "shapes", "by_hand")},
    # page-specific explorer settings
    "quantities": Key((list, type(None)), None, "which quantities the over-time heatmaps show (None = all)",
                      keep=True),
    "color_by": Key(str, "h", "text and units: the quantity colouring the text", keep=True),
    "color_unit": Key(int, 0, "text and units: the unit colouring the text", keep=True),
    "feature": Key((str, type(None)), None, "the known feature to find a unit for", keep=True),
    "grad_scale": Key(str, "normalised", 'gradient curves of several models / snapshots: "normalised" | "raw"',
                      keep=True),
    # exploding gradients and clipping
    "expl_radius": Key(float, 3.0, "the demo's spectral radius of W_hh", keep=True),
    "expl_steps": Key(int, 40, "the demo's sequence length", keep=True),
    "expl_threshold": Key(float, 1.0, "the demo's clipping threshold", keep=True),
    # the upload path
    "upload": Key(object, None, "the file uploader's own value (Streamlit writes it)", fill=False),
    "upload_file": Key((tuple, type(None)), None,
                       "(file name, SHA-256 of its bytes) of the last upload; uploads.hold keeps the bytes"),
    "upload_prefix": Key(str, "", "which recurrent part of the uploaded state_dict", keep=True),
    "upload_nonlinearity": Key(str, "tanh", '"tanh" | "relu" for an uploaded nn.RNN', keep=True),
    "upload_source": Key(str, "random", '"random" | "onehot" | "typed": the uploaded module\'s input', keep=True),
    "upload_length": Key(int, 50, "steps of a generated input", keep=True),
    "upload_seed": Key(int, 0, "seed of a generated input", keep=True),
    "upload_numbers": Key(str, "", "typed numbers, one step per line", keep=True),
    "upload_pick": Key((str, type(None)), None, "the recurrent module picked among a file's candidates (its prefix)"),
    "upload_tokens": Key(str, "", "typed token ids or text, for an upload with an embedding", keep=True),
    "upload_target": Key(str, "", "the head's typed target (a class or value after the last step, or one per step)",
                         keep=True),
    "upload_vocab": Key(object, None, "the vocabulary uploader's own value (Streamlit writes it)", fill=False),
    "upload_vocab_file": Key((tuple, type(None)), None,
                             "(file name, SHA-256) of the vocabulary; uploads.hold keeps it"),
    "upload_source_for": Key(str, "", "the upload whose input source was last defaulted (tokens for an embedding)"),
    # the guided tour and presentation mode
    "slide": Key(int, 1, "the tour's slide (1-based)", link=True, keep=True),
    "tour_step": Key(int, 0, "the tour's step slider", link=True, keep=True),
    "present": Key(bool, False, "presentation mode (no sidebar, large type)", link=True, keep=True),
    "presenter": Key(bool, False, "the tour's presenter view (notes, next slide, clock; follows the projected one)",
                     link=True, keep=True),
    "_last_page": Key((str, type(None)), None, "the page of the previous run (a page knows it was just opened)"),
    "tour_host": Key(object, None, "the tour's browser side (tour_host.js): its `goto` trigger (Streamlit writes it)",
                     fill=False),
    "tour_lag": Key((int, type(None)), None, "slide 1's lag (None: the tour's LAG)", keep=True),
    # intervene
    "iv_kind": Key((str, type(None)), None, "gate | state | ablate (None: the first the cell allows)", keep=True),
    "iv_gate": Key((str, type(None)), None, "the clamped gate (None: the cell's first)", keep=True),
    "iv_gate_value": Key(float, 0.0, "the gate's clamped value, 0 or 1", keep=True),
    "iv_state": Key((str, type(None)), None, '"c" | "h": the state set (None: h)', keep=True),
    "iv_value": Key(float, 0.0, "the value the state is set to", keep=True),
    "iv_scope": Key(str, "all", '"units" (the selected ones) | "all"', keep=True),
    "iv_span": Key(str, "rest", '"step" (t only) | "rest" (t to the end): by default an edit that changes the '
                                'default model (f = 0 at step 0 alone is a no-op, c_{-1} = 0)', keep=True),
    # scrub through training
    "train_snapshot": Key((str, type(None)), None, "the training page's snapshot (None: the first)", keep=True),
    # watch it learn: the settings, and the run itself
    "learn_task": Key(str, "lag", "the live task", keep=True),
    "learn_cell_a": Key(str, "rnn", "run A's cell", keep=True),
    "learn_cell_b": Key(str, "lstm", "run B's cell", keep=True),
    "learn_hidden": Key(int, 16, "hidden units of both runs", keep=True),
    "learn_epochs": Key(int, 10, "epochs of both runs", keep=True),
    "learn_steps": Key(int, 20, "batches per epoch", keep=True),
    "learn_batch": Key(int, 32, "sequences per batch", keep=True),
    "learn_lr": Key(float, 0.01, "Adam's learning rate", keep=True),
    "learn_lag": Key(int, 10, "the lag task's longest lag", keep=True),
    "learn_length": Key(int, 10, "the adding task's sequence length", keep=True),
    "learn_run": Key((dict, type(None)), None, "the live run: its generators (cellviz.live.train_live), every report "
                     "so far, status; survives reruns so Stop and other pages do not lose it"),
    "learn_error": Key((str, type(None)), None, "why the last Train click was refused"),
    # deep-link bookkeeping (first run of a session)
    "_url_applied": Key(bool, False, "the URL's params were read into the state"),
    "_url_view": Key((str, type(None)), None, "a link's view= page, to switch to once"),
    "_url_problems": Key((list, type(None)), None, "the link's params that were ignored, for one warning"),
}
DEFAULTS: dict[str, Any] = {k: key.default for k, key in KEYS.items()}
PERSISTENT = tuple(k for k, key in KEYS.items() if key.keep)
LINKED = tuple(k for k, key in KEYS.items() if key.link)


def init(default_model: str) -> None:
    """Fill in missing keys with defaults and keep widget values alive across pages."""
    ss = st.session_state
    for name, key in KEYS.items():
        if key.fill and name not in ss:
            ss[name] = list(key.default) if isinstance(key.default, list) else key.default
    if ss["model"] is None:
        ss["model"] = default_model
    for key in PERSISTENT + tuple(k for k in ss if str(k).startswith(OPTION_PREFIX)):
        if key in ss:
            ss[key] = ss[key]
    set_language(ss["lang"])


def apply_url(catalog: links.Catalog) -> None:
    """First run of a session: the URL's query params become the state; the ignored ones are kept for a warning."""
    ss = st.session_state
    if ss.get("_url_applied"):
        return
    ss["_url_applied"] = True
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    values, problems = links.parse_query(params, catalog)
    view = values.pop("view", None)
    ss.update(values)
    if view is not None:
        ss["_url_view"] = view
    if problems:
        ss["_url_problems"] = problems


def write_url(keys: tuple[str, ...]) -> None:
    """Make the URL reproduce the current view: `keys` of the state that differ from the defaults."""
    ss = st.session_state
    if ss.get("model") == UPLOAD:
        keys = tuple(k for k in keys if k not in links.EXPLORER_KEYS)
    state = {k: ss.get(k) for k in (*keys, *[k for k in ss if str(k).startswith(OPTION_PREFIX)])}
    wanted = links.to_query(state, DEFAULTS, keys)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def get(key: str) -> Any:
    """The value of `key` (a name in KEYS or an opt_ option), its default when the session has none."""
    return st.session_state.get(key, DEFAULTS.get(key))


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def has(key: str) -> bool:
    """Whether the session holds `key` (e.g. a task option the user has not touched yet)."""
    return key in st.session_state


def pop(key: str) -> Any:
    """Take a one-shot value out of the session (a deep link's view or its ignored params)."""
    return st.session_state.pop(key, None)


def options() -> dict[str, Any]:
    """The task options the user set (lag=..., period=...), None values left out."""
    return {k[len(OPTION_PREFIX):]: v for k, v in st.session_state.items()
            if str(k).startswith(OPTION_PREFIX) and v is not None}


def reset_for_new_model() -> None:
    """A new model: its own sample input, first step, first layer and unit, no task options."""
    ss = st.session_state
    ss.update(source="sample", sample_seed=0, text=None, layer=0, direction=0, step=0, units=[0],
              playing=False, snapshot=FINAL, part=None, quantities=None)
    for k in [k for k in ss if str(k).startswith(OPTION_PREFIX)]:
        del ss[k]


def snapshot() -> str | None:
    """The chosen training snapshot as the zoo names it: a label, or None for the final weights."""
    value = get("snapshot")
    return None if value in (None, FINAL) else value


def clamp(key: str, low: int, high: int) -> int:
    """Keep an integer state inside [low, high] (e.g. the step after the input got shorter)."""
    value = min(max(int(get(key) or 0), low), high)
    put(key, value)
    return value


def session_language() -> str | None:
    """`lang` of the Streamlit session running on this thread, or None outside a script run (for cellviz.i18n:
    a fragment rerun starts on a fresh thread that has not called set_language)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get("lang")


i18n.set_session_language(session_language)
