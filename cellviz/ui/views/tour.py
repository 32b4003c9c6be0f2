"""The guided tour: one concept per slide, each on a live zoo model, for a class (and presentation mode).

An RNN can hold a cue but struggles to learn it -> latching blocks the gradient -> the LSTM's cell state and what
its forget gate really does -> what the GRU really does -> a Bi-LSTM reading both ways -> the claims experiment
and what it depends on. Every claim on a slide is printed beside the number it rests on, computed from the live
model on the slide (`cellviz.zoo.cue`) or read from assets/claims.json. Stepping is the step player's
(`_player`). State: `slide` (1-based), `tour_step`, `present` (all in the URL).
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import numpy as np

from ... import plots, summaries, zoo
from ...player import panels, payload
from .. import data, links, sidebar, state, stepper
from ...i18n import t
from ...zoo.cue import CueUnit, cue_unit
from ..safety import guarded
from .compare import claims_summary, finding, grad_at_k, grad_k, median_range, reached

SLIDES = ("rnn", "grad", "lstm", "gru", "bi", "claims")
MODELS = {"rnn": "lag-rnn", "grad": "lag-rnn", "lstm": "lag-lstm", "gru": "lag-gru", "bi": "sentiment-bilstm"}
LAGS = (20, 100, 300)
LAG = 100                      # the lag of the tour's lag-task input (slide 1 lets the class change it)
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
EQUATIONS = {
    "grad": r"\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}\!\left(1 - h_t^{2}\right) U"
            r"\qquad\Rightarrow\qquad \frac{\partial L}{\partial h_{t-k}} = \frac{\partial L}{\partial h_t}"
            r"\prod_{j=0}^{k-1} \operatorname{diag}\!\left(1 - h_{t-j}^{2}\right) U",
    "lstm": r"c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t), \qquad"
            r"\frac{\partial c_t}{\partial c_{t-1}}\Big|_{\text{direct}} = \operatorname{diag}(f_t)",
    "gru": r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}, \qquad "
           r"n_t = \tanh\!\big(W_n x_t + b_n + r_t \odot (U_n h_{t-1} + b_{hn})\big)",
}
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
    if name in EQUATIONS:                     # the slide's equations, rendered as math
        st.latex(EQUATIONS[name])
        st.markdown(t(f"tour.{name}.text2"))
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
def _lag_subject(name: str, lag: int, snapshot: str | None = None) -> data.Subject:
    """A zoo lag-task model on the tour's input (sample 0's cue and distractors) at `lag`."""
    return data.zoo_subject(data.ZooSource(name, data.Typed(tour_text(name), (("lag", lag),)), snapshot=snapshot))


def tour_text(name: str) -> str:
    """The tour's lag-task input: the model's task sample 0 (its cue and distractors), padded to a lag by parse."""
    return data.zoo_model(name).task.sample(0).text


@st.cache_data(show_spinner=False, max_entries=32)
def _cue(name: str, lag: int) -> CueUnit:
    """The cue-carrying unit of a lag model on the tour's input (cached on name and lag)."""
    return cue_unit(data.zoo_model(name), tour_text(name), lag=lag)


def _available(name: str) -> bool:
    if name in data.zoo_names():
        return True
    st.info(t("tour.missing", name=name))
    return False


def _model_caption(subject: data.Subject) -> None:
    text = subject.zoo.input.text if isinstance(subject.zoo.input, data.Typed) else ""
    shown = text if len(text) <= 60 else text[:57] + "…"
    st.caption(t("tour.model", name=subject.label, text=shown, prediction=subject.prediction))


def _signed(v: float) -> str:
    return f"{v:+.2f}"


def measured(slide: str, cu: CueUnit, subject: data.Subject) -> dict[str, str]:
    """The numbers slide `slide` prints, every one read from the live trace (`subject.trace`) at the cue unit."""
    rec = subject.trace.layer(0)
    T = subject.steps
    span = slice(1, T - 1)                                   # the distractor steps
    u = cu.unit
    out = {"lag": str(T - 1), "unit": str(u), "n": str(T - 2), "prediction": subject.prediction}
    h = rec.h[:, 0, u]
    if slide == "rnn":
        out.update(h0=_signed(h[0]), h1=_signed(h[T - 2]), lo=_signed(h[span].min()), hi=_signed(h[span].max()))
    elif slide == "lstm":
        c = rec.c[:, 0, u]
        out.update(f=f"{rec.gates['f'][span, 0, u].mean():.4f}", i=f"{rec.gates['i'][span, 0, u].mean():.2f}",
                   c0=_signed(c[0]), c1=_signed(c[T - 2]), h1=_signed(h[T - 2]))
    elif slide == "gru":
        z = float(rec.gates["z"][span, 0, u].mean())
        out.update(z=f"{z:.2f}", r=f"{rec.gates['r'][span, 0, u].mean():.2f}", new=f"{1 - z:.0%}",
                   lo=_signed(h[span].min()), hi=_signed(h[span].max()))
    return out


def _ratio(v: float) -> str:
    """A gradient ratio in scientific notation; an exact 0 (float32 underflow) said as such."""
    return f"{v:.1e}" if v > 0 else t("tour.grad.underflow")


def _curriculum(name: str) -> dict:
    card = data.zoo_card(name)
    cur = card.get("curriculum", {})
    levels = cur.get("levels", [])
    return {"levels": "–".join(str(v) for v in (levels[:1] + levels[-1:])) if levels else "—",
            "top_m1": str(levels[-1] - 1) if levels else "—"}


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
        cu = _cue(name, lag)
        with _player("rnn", subject):
            h = summaries.quantities(subject.trace.layer(0))["h"]
            stepper.show([stepper.cached(("tour", "rnn", stepper.subject_key(subject), cu.unit),
                                         lambda: panels.heatmaps({"h": h}, (cu.unit,), subject.tokens, clickable=False,
                                                                 title=t("tour.rnn.figure", name=name)))], key="h")
        _model_caption(subject)
    with left:
        st.markdown(t("tour.rnn.measured", **measured("rnn", cu, subject)))
        claims = _claims()
        if claims is not None:
            d = claims["rows"]["rnn"]
            far = str(max(claims["protocol"]["test_lags"]))
            st.markdown(t("tour.rnn.learn", seeds=len(claims["protocol"]["seeds"]),
                          scratch=median_range(d["from_scratch"]["largest_lag"]),
                          curriculum=median_range(d["largest_lag"]),
                          reached=reached(claims, "rnn"), held=f"{np.mean(d['accuracy'][far]):.0%}", far=far))
            st.plotly_chart(plots.claims_accuracy(claims, "from_scratch", rows=["rnn"]), key="tour_rnn_claims",
                            config={"displayModeBar": False})


def grad_numbers(trained: data.Subject, untrained: data.Subject, cu: CueUnit, claims: dict | None) -> dict:
    """Slide 2's numbers: the trained cue unit's mean tanh' over the distractors, ‖∂L/∂h‖ at the cue relative to the
    ‘?’ before / after training (this input), and the experiment's ratios at initialisation."""
    T = trained.steps
    h = trained.trace.layer(0).h[1:T - 1, 0, cu.unit]
    ratio = {}
    for key, subject in (("trained", trained), ("untrained", untrained)):
        gh, _ = summaries.grad_norms(subject.trace.layer(0))
        ratio[key] = _ratio(gh[0] / gh[-1])
    out = {"lag": str(T - 1), "unit": str(cu.unit), "slope": f"{np.mean(1 - h ** 2):.3f}", **ratio,
           "k": "—", "seeds": "—", "values": "—"}
    if claims is not None:
        k = grad_k(claims, T - 1)
        out.update(k=str(k), seeds=str(len(claims["protocol"]["seeds"])),
                   values=t("list.sep2").join(f"{plots.row_label(r)} {_ratio(np.median(grad_at_k(claims['rows'][r], k)))}"
                                              for r in ("rnn", "lstm", "lstm-chrono", "gru") if r in claims["rows"]))
    return out


def _grad() -> None:
    name = MODELS["grad"]
    if not _available(name):
        return
    snap = (data.zoo_card(name).get("snapshots") or [None])[0]
    trained = _lag_subject(name, LAG)
    untrained = _lag_subject(name, LAG, snap) if snap else trained
    cu = _cue(name, LAG)
    nums = grad_numbers(trained, untrained, cu, _claims(quiet=True))
    st.markdown(t("tour.grad.measured", snap=snap or "—", **nums))
    curves = {}
    for key, subject in (("tour.grad.untrained", untrained), ("tour.grad.trained", trained)):
        gh, _ = summaries.grad_norms(subject.trace.layer(0))
        curves[t(key)] = gh / gh[-1]
    fig = plots.gradient_norms(curves, trained.steps - 1, title=t("tour.grad.figure"),
                               y_title=t("tour.grad.y"))
    st.plotly_chart(fig, key="tour_grad", config={"displayModeBar": False})
    _model_caption(trained)


def _gated(slide: str, names: tuple[str, ...]) -> None:
    """An LSTM / GRU slide: the measured numbers on the cue unit, the live cell diagram at the step, and the cue
    unit's gate and state over time."""
    name = MODELS[slide]
    if not _available(name):
        return
    subject = _lag_subject(name, LAG)
    cu = _cue(name, LAG)
    st.markdown(t(f"tour.{slide}.measured", **measured(slide, cu, subject), **_curriculum(name)))
    key = ("tour", slide, stepper.subject_key(subject), cu.unit)
    series = summaries.quantities(subject.trace.layer(0))
    title = t(f"tour.{slide}.figure", unit=cu.unit)
    with _player(slide, subject):
        left, right = st.columns([3, 2])
        with left:
            stepper.show([stepper.cached(key + ("cell",), lambda: panels.cell_diagram(
                subject.trace, 0, 0, subject.tokens, cu.unit))], key="cell")
        with right:
            stepper.show([stepper.cached(key + ("unit",), lambda: payload.figure("traces", plots.unit_traces(
                {q: series[q] for q in names}, [cu.unit], None, subject.tokens, title=title)))], key="time")
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


def _claims(quiet: bool = False) -> dict | None:
    try:
        claims = zoo.claims()
    except FileNotFoundError:
        claims = None
    if claims is None or "rows" not in claims:
        if not quiet:
            st.info(t("tour.claims.missing", command=CLAIMS_COMMAND))
        return None
    return claims


def _claims_slide() -> None:
    claims = _claims()
    if claims is None:
        return
    texts = claims_summary(claims)
    st.markdown(texts[0])                                   # the protocol
    left, right = st.columns(2)
    left.plotly_chart(plots.claims_accuracy(claims, "from_scratch"), key="tour_claims_acc",
                      config={"displayModeBar": False})
    right.plotly_chart(plots.claims_steps(claims), key="tour_claims_steps", config={"displayModeBar": False})
    lines = [t("tour.claims.row", row=plots.row_label(r), curriculum=median_range(d["largest_lag"]),
               reached=reached(claims, r), scratch=median_range(d["from_scratch"]["largest_lag"]))
             for r, d in claims["rows"].items()]
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.markdown(finding(claims))
    st.markdown(texts[-1])                                  # what it depends on


SLIDE_BODIES: dict[str, Callable[[], None]] = {
    "rnn": _rnn, "grad": _grad, "lstm": lambda: _gated("lstm", ("f", "i", "c")),
    "gru": lambda: _gated("gru", ("z", "h")), "bi": _bi, "claims": _claims_slide}
assert tuple(SLIDE_BODIES) == SLIDES
