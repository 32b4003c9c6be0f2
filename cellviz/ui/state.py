"""All session state of the explorer in one place, as plain values (str / int / float / list / None).

The keys are the widget keys (`model`, `step`, ...), so a later deep-link feature can map them to
`st.query_params` one to one. `init()` runs at the top of every page.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from . import links
from ..i18n import set_language
from ..zoo.training import FINAL  # the final weights' label, shared with the training loops

UPLOAD = "__upload__"        # the model picker's value for "upload your own"

DEFAULTS: dict[str, Any] = {
    "lang": "en",
    "model": None,           # a zoo name or UPLOAD (filled in by init from the zoo)
    "snapshot": FINAL,       # a training snapshot label or FINAL
    "part": None,            # "recurrent" | "encoder" | "decoder"
    "source": "sample",      # "sample" | "typed": where the zoo input comes from
    "sample_seed": 0,
    "text": None,            # the typed input (None until a model is picked)
    "layer": 0,
    "direction": 0,
    "step": 0,
    "units": [0],
    "playing": False,
    "quantities": None,      # which quantities the over-time heatmaps show (None = all)
    "color_by": "h",         # text and units: the quantity colouring the text
    "color_unit": 0,
    "feature": None,         # the known feature to find a unit for
    # upload path
    "upload_file": None,     # (file name, bytes) of the last upload, kept across pages
    "upload_prefix": "",
    "upload_nonlinearity": "tanh",
    "upload_source": "random",
    "upload_length": 50,
    "upload_seed": 0,
    "upload_numbers": "",
    # the guided tour (1-based slide number) and presentation mode
    "slide": 1,
    "tour_step": 0,
    "present": False,
}
# widgets that not every page renders: re-assigning keeps Streamlit from dropping their values
PERSISTENT = ("lang", "slide", "tour_step", "present", "model", "snapshot", "part", "text", "layer", "direction", "step", "units", "quantities",
              "color_by", "color_unit", "feature",
              "upload_prefix", "upload_nonlinearity", "upload_source", "upload_length", "upload_seed",
              "upload_numbers")
OPTION_PREFIX = "opt_"       # task.parse keyword options (lag, period, ...) live under opt_<name>


def init(default_model: str) -> None:
    """Fill in missing keys with defaults and keep widget values alive across pages."""
    ss = st.session_state
    for key, value in DEFAULTS.items():
        if key not in ss:
            ss[key] = list(value) if isinstance(value, list) else value
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
    return st.session_state.get(key, DEFAULTS.get(key))


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


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
