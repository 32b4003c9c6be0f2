"""The step panel: step slider (key `step`), first / previous / next / last with keyboard shortcuts,
play / pause, the selected units — and the step-dependent view below them, all in one fragment, so that a
step change re-runs only this panel. While playing, the fragment re-runs itself every PLAY_SECONDS.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from . import links, state
from .data import Subject
from .downloads import figure_button
from ..i18n import t
from .safety import guarded

PLAY_SECONDS = 0.7
View = Callable[[Subject, int, list[int]], go.Figure | None]


def panel(subject: Subject, view: View, name: str) -> None:
    """Run the step controls and `view` in a fragment (auto-rerunning while playing)."""
    every = PLAY_SECONDS if state.get("playing") else None
    st.fragment(run_every=every)(step_panel)(subject, view, name)


def step_panel(subject: Subject, view: View, name: str) -> None:
    """The panel's body: plain function, so that tests and the fragment run the same code."""
    started = time.perf_counter()
    T, H = subject.steps, subject.trace.hidden_size
    if state.get("playing"):
        _advance(T)
    state.clamp("step", 0, T - 1)
    units = [u for u in (state.get("units") or []) if isinstance(u, int) and 0 <= u < H] or [0]
    state.put("units", units)
    _controls(subject)
    step = int(state.get("step"))
    fig = guarded(view)(subject, step, list(state.get("units")))
    if fig is not None:
        figure_button(fig, subject, name)
    state.put("panel_ms", 1000 * (time.perf_counter() - started))     # read by cellviz.ui_bench
    state.write_url(links.EXPLORER_URL)       # a fragment run: the step and units changed without a full run


def _advance(T: int) -> None:
    step = int(state.get("step") or 0)
    if step >= T - 1:
        state.put("playing", False)
        st.rerun()           # a full run, to drop the fragment's timer
    state.put("step", step + 1)


def _move(delta: int | None, T: int, to: int | None = None) -> None:
    step = to if to is not None else int(state.get("step") or 0) + delta
    state.put("step", min(max(step, 0), T - 1))


def _toggle_play(T: int) -> None:
    playing = not state.get("playing")
    if playing and int(state.get("step") or 0) >= T - 1:
        state.put("step", 0)
    state.put("playing", playing)


def _controls(subject: Subject) -> None:
    T, H = subject.steps, subject.trace.hidden_size
    last = T - 1
    step = int(state.get("step"))
    c = st.columns([1.3, 1.3, 6, 1.3, 1.3, 2], vertical_alignment="bottom")
    # (column, name, icon, shortcut, move args, disabled)
    moves = [(0, "first", "first_page", "Home", (None, T, 0), step == 0),
             (1, "prev", "chevron_left", "Left", (-1, T), step == 0),
             (3, "next", "chevron_right", "Right", (1, T), step >= last),
             (4, "last", "last_page", "End", (None, T, last), step >= last)]
    for col, name, icon, key, args, disabled in moves:
        c[col].button(t(f"step.{name}"), icon=f":material/{icon}:", on_click=_move, args=args, shortcut=key,
                      disabled=disabled, width="stretch", key=f"step_{name}", help=t(f"step.{name}.help"))
    if last > 0:
        c[2].slider(t("step.label"), 0, last, key="step", help=t("step.help"))
    else:
        c[2].caption(t("step.label") + ": 0")
    playing = bool(state.get("playing"))
    if c[5].button(t("step.pause") if playing else t("step.play"), width="stretch", key="step_play",
                   disabled=last == 0, type="primary" if playing else "secondary", on_click=_toggle_play,
                   icon=":material/pause:" if playing else ":material/play_arrow:",
                   help=t("step.pause.help") if playing else t("step.play.help"),
                   args=(T,), shortcut="Space"):
        st.rerun()           # a full run: the fragment's timer changes
    info, pick = st.columns([3, 2], vertical_alignment="bottom")
    token = subject.tokens[step] if step < len(subject.tokens) else ""
    info.markdown(t("step.token", t=step, T=T, token=f"`{token}`" if token.strip() else "`␣`"))
    pick.multiselect(t("nav.units"), list(range(H)), key="units", help=t("nav.units.help"), max_selections=8)
