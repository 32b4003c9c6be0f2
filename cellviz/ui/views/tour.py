"""The guided tour: one concept per slide, each on a live zoo model, for a class (and presentation mode).

RNN forgetting -> gradients vanishing -> LSTM gates and cell-state highway -> GRU's two gates -> a Bi-LSTM
reading both ways -> the claims, measured. State: `slide` (1-based), `tour_step`, `present` (all in the URL).
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ... import plots, summaries, zoo
from ...player import panels
from .. import data, links, sidebar, state, stepper
from ...i18n import t
from ..safety import guarded

SLIDES = ("rnn", "grad", "lstm", "gru", "bi", "claims")
MODELS = {"rnn": "lag-rnn", "grad": "lag-rnn", "lstm": "lag-lstm", "gru": "lag-gru", "bi": "sentiment-bilstm"}
LAGS = (10, 40, 120)
LAG = 40                       # the lag of the tour's lag-task input (slide 1 lets the class change it)
CLAIMS_COMMAND = "python -m cellviz.zoo.claims_experiment"
CSS_PRESENT = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2.5rem 1rem 2.5rem; max-width: 100%;}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.55rem; line-height: 1.45;}
[data-testid="stCaptionContainer"] p {font-size: 1.15rem;}
[data-testid="stMarkdownContainer"] h1 {font-size: 2.8rem; padding-top: 0.2rem;}
.stButton button p, [data-testid="stWidgetLabel"] p {font-size: 1.25rem;}
</style>"""
CSS_ALWAYS = "<style>.st-key-tour_keys {display: none;}</style>"


def run() -> None:
    """The tour page: sidebar (unless presenting), the current slide, next / previous."""
    names = data.zoo_names()
    state.init(sidebar.default_model(names))
    present = bool(state.get("present"))
    n = len(SLIDES)
    slide = state.clamp("slide", 1, n)
    st.html(CSS_ALWAYS + (CSS_PRESENT if present else ""))
    if not present:                           # presenting: no sidebar at all (the player loads plotly.js itself)
        stepper.preload()
    if not present:
        with st.sidebar:
            st.markdown(f"### {t('app.title')}")
            sidebar.language_picker()
            st.toggle(t("tour.present"), key="present", help=t("tour.present.help"))
    _navigation(slide, n, present)            # on top: a projector shows the first screenful only
    name = SLIDES[slide - 1]
    st.title(t(f"tour.{name}.title"))
    st.markdown(t(f"tour.{name}.text"))
    guarded(SLIDE_BODIES[name])()
    state.write_url(links.TOUR_URL)


# --- navigation ----------------------------------------------------------------------------------------
def go(delta: int) -> None:
    """Next / previous slide (clamped); a new slide starts at step 0."""
    state.put("slide", min(max(int(state.get("slide") or 1) + delta, 1), len(SLIDES)))
    state.put("tour_step", 0)


def _exit_present() -> None:
    state.put("present", False)


def _navigation(slide: int, n: int, present: bool) -> None:
    c = st.columns([3, 2, 3, 5] if not present else [2, 1.5, 2, 4, 1.5], vertical_alignment="center")
    c[0].button(t("tour.prev"), icon=":material/chevron_left:", on_click=go, args=(-1,), shortcut="PageUp",
                disabled=slide <= 1, width="stretch", key="tour_prev", help=t("tour.prev.help"))
    c[1].markdown(f"<div style='text-align:center'>{t('tour.slide_of', k=slide, n=n)}</div>", unsafe_allow_html=True)
    if not present:
        c[3].caption(t("tour.keys"))
    c[2].button(t("tour.next"), icon=":material/chevron_right:", on_click=go, args=(1,), shortcut="PageDown",
                disabled=slide >= n, width="stretch", key="tour_next", type="primary", help=t("tour.next.help"))
    if present:
        c[4].button(t("tour.exit"), icon=":material/close_fullscreen:", on_click=_exit_present, shortcut="Escape",
                    width="stretch", key="tour_exit", help=t("tour.exit.help"))
    with st.container(key="tour_keys"):        # hidden: clickers that send → / ← instead of PageDown / PageUp
        st.button(t("tour.prev"), on_click=go, args=(-1,), shortcut="Left", key="tour_prev_arrow",
                  disabled=slide <= 1)
        st.button(t("tour.next"), on_click=go, args=(1,), shortcut="Right", key="tour_next_arrow",
                  disabled=slide >= n)


def _player(slide: str, subject: data.Subject):
    """The step player over the slide's input (state `tour_step`, in the URL). Its keys stay with the slides
    (→ / ← and PageUp / PageDown turn them, for clickers): the bar's buttons and slider step."""
    return stepper.player(f"player-tour-{slide}", subject.tokens, step_key="tour_step", url=links.TOUR_URL,
                          keyboard=False)


# --- live subjects -------------------------------------------------------------------------------------
def _lag_subject(name: str, lag: int) -> data.Subject:
    """A zoo lag-task model on the tour's input (sample 0's cue and distractors) at `lag`."""
    base = data.zoo_model(name).task.sample(0).text
    return data.zoo_subject(data.ZooSource(name, data.Typed(base, (("lag", lag),))))


def _available(name: str) -> bool:
    if name in data.zoo_names():
        return True
    st.info(t("tour.missing", name=name))
    return False


def _model_caption(subject: data.Subject) -> None:
    text = subject.zoo.input.text if isinstance(subject.zoo.input, data.Typed) else ""
    shown = text if len(text) <= 60 else text[:57] + "…"
    st.caption(t("tour.model", name=subject.label, text=shown, prediction=subject.prediction))


# --- the slides ----------------------------------------------------------------------------------------
def _rnn() -> None:
    name = MODELS["rnn"]
    if not _available(name):
        return
    if state.get("tour_lag") not in LAGS:
        state.put("tour_lag", LAG)
    left, right = st.columns([2, 3])
    with right:
        st.segmented_control(t("tour.lag"), LAGS, key="tour_lag", on_change=state.put, args=("tour_step", 0))
        lag = int(state.get("tour_lag") or LAG)
        subject = _lag_subject(name, lag)
        with _player("rnn", subject):
            h = summaries.quantities(subject.trace.layer(0))["h"]
            stepper.show([stepper.cached(("tour", "rnn", stepper.subject_key(subject)), lambda: panels.heatmaps(
                {"h": h}, (), subject.tokens, clickable=False, title=t("tour.rnn.figure", name=name)))], key="h")
        _model_caption(subject)
    with left:
        claims = _claims()
        if claims is not None:
            only_rnn = {**claims, "accuracy": {k: v for k, v in claims["accuracy"].items() if k == "rnn"}}
            st.plotly_chart(plots.claims_accuracy(only_rnn), key="tour_rnn_claims", config={"displayModeBar": False})


def _grad() -> None:
    name = MODELS["grad"]
    if not _available(name):
        return
    subject = _lag_subject(name, LAG)
    gh, _ = summaries.grad_norms(subject.trace.layer(0))
    fig = plots.gradient_norms({t("plot.grad.h"): gh}, subject.steps - 1, title=t("tour.grad.figure", name=name),
                               y_title=plots.grad_axis_title(t(f"loss.{subject.loss}")))
    st.plotly_chart(fig, key="tour_grad", config={"displayModeBar": False})
    _model_caption(subject)


def _gated(slide: str, beside: tuple[str, ...]) -> None:
    """An LSTM / GRU slide: the live cell diagram at the step, and two quantities over time beside it."""
    name = MODELS[slide]
    if not _available(name):
        return
    subject = _lag_subject(name, LAG)
    key = ("tour", slide, stepper.subject_key(subject))
    series = summaries.quantities(subject.trace.layer(0))
    with _player(slide, subject):
        left, right = st.columns([3, 2])
        with left:
            stepper.show([stepper.cached(key + ("cell",), lambda: panels.cell_diagram(
                subject.trace, 0, 0, subject.tokens, 0))], key="cell")
        with right:
            stepper.show([stepper.cached(key + ("time",), lambda: panels.heatmaps(
                {q: series[q] for q in beside}, (), subject.tokens, clickable=False))], key="time")
    _model_caption(subject)


def _bi() -> None:
    name = MODELS["bi"]
    if not _available(name):
        return
    subject = data.zoo_subject(data.ZooSource(name, data.Sample(0)))
    tr = subject.trace
    with _player("bi", subject):
        cols = st.columns(2)
        for d, title in ((0, "tour.bi.forward"), (1, "tour.bi.reverse")):
            h = summaries.quantities(tr.layer(0, d))["h"]
            with cols[d]:
                stepper.show([stepper.cached(("tour", "bi", d, stepper.subject_key(subject)), lambda: panels.heatmaps(
                    {"h": h}, (), subject.tokens, clickable=False, title=t(title), panel_id=f"h{d}"))], key=f"h{d}")
    st.caption(t("tour.model", name=name, text=" ".join(subject.tokens), prediction=subject.prediction))


def _claims() -> dict | None:
    try:
        return zoo.claims()
    except FileNotFoundError:
        st.info(t("tour.claims.missing", command=CLAIMS_COMMAND))
        return None


def _claims_slide() -> None:
    claims = _claims()
    if claims is None:
        return
    left, right = st.columns(2)
    left.plotly_chart(plots.claims_accuracy(claims), key="tour_claims_acc", config={"displayModeBar": False})
    right.plotly_chart(plots.claims_gradients(claims), key="tour_claims_grad", config={"displayModeBar": False})


SLIDE_BODIES: dict[str, Callable[[], None]] = {
    "rnn": _rnn, "grad": _grad, "lstm": lambda: _gated("lstm", ("f", "c")), "gru": lambda: _gated("gru", ("z", "h")),
    "bi": _bi, "claims": _claims_slide}
assert tuple(SLIDE_BODIES) == SLIDES
