"""The step panel: step slider (key `step`), first / previous / next / last with keyboard shortcuts,
play / pause, the selected units — and the step-dependent view below them, all in one fragment, so that a
step change re-runs only this panel. While playing, the fragment re-runs itself every PLAY_SECONDS.
"""
from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from . import state
from .data import Subject
from .downloads import figure_button
from .i18n import t
from .safety import guarded

PLAY_SECONDS = 0.7
View = Callable[[Subject, int, list[int]], go.Figure | None]


def panel(subject: Subject, view: View, name: str) -> None:
    """Run the step controls and `view` in a fragment (auto-rerunning while playing)."""
    every = PLAY_SECONDS if state.get("playing") else None
    st.fragment(run_every=every)(step_panel)(subject, view, name)


def step_panel(subject: Subject, view: View, name: str) -> None:
    """The panel's body: plain function, so that tests and the fragment run the same code."""
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
    c = st.columns([1.4, 1.4, 6, 1.4, 1.4, 2], vertical_alignment="bottom")
    c[0].button(t("step.first"), on_click=_move, args=(None, T, 0), shortcut="Home", disabled=step == 0,
                width="stretch", key="step_first", help=t("step.first.help"))
    c[1].button(t("step.prev"), on_click=_move, args=(-1, T), shortcut="Left", disabled=step == 0,
                width="stretch", key="step_prev", help=t("step.prev.help"))
    if last > 0:
        c[2].slider(t("step.label"), 0, last, key="step", help=t("step.help"))
    else:
        c[2].caption(t("step.label") + ": 0")
    c[3].button(t("step.next"), on_click=_move, args=(1, T), shortcut="Right", disabled=step >= last,
                width="stretch", key="step_next", help=t("step.next.help"))
    c[4].button(t("step.last"), on_click=_move, args=(None, T, last), shortcut="End", disabled=step >= last,
                width="stretch", key="step_last", help=t("step.last.help"))
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
