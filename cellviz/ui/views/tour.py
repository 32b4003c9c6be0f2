"""The guided tour page: renders the Slides of `cellviz.slides` with Streamlit (normal mode, presentation mode,
presenter view). What a slide says and every number on it come from `cellviz.slides`; this module only lays
them out, steps them (the step player, `stepper`) and turns them (buttons, clicker keys, the presenter window).

State: `slide` (1-based), `tour_step`, `present`, `presenter` (all in the URL), `tour_lag` (slide 1's option).
In presentation mode the browser side (`tour_host.js`) owns the keys, fits the slide to the screen and sets the
charts' fonts from the viewport; the presenter view (`?presenter=1`) follows the projected window and back.
"""
from __future__ import annotations

import html
from pathlib import Path

from plotly.graph_objects import Figure
import streamlit as st

from ... import slides
from ...i18n import language, t
from ...player import payload
from .. import data, links, sidebar, state, stepper
from ..safety import guarded

SLIDES = slides.SLIDES
MODELS = slides.MODELS
LAGS = slides.LAGS
LAG = slides.LAG
EQUATIONS = slides.EQUATIONS
_HOST = st.components.v2.component("cellviz_tour_host", js=Path(__file__).with_name("tour_host.js").read_text(),
                                   isolate_styles=False)
CSS_PRESENT = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
html {overflow: hidden;}
[data-testid="stMainBlockContainer"] {padding: 1.2vh 2.5vw 0 2.5vw !important; max-width: 100%;}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {gap: 0.9vh;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: calc(100vh / 27); line-height: 1.3;
  margin-bottom: 0.25em;}
[data-testid="stMain"] [data-testid="stHeading"] h1 {font-size: calc(100vh / 17); padding: 0; line-height: 1.15;}
[data-testid="stMain"] .stButton button {min-height: 0; padding: 0.6vh 1vw;}
[data-testid="stMain"] .stButton button p, [data-testid="stWidgetLabel"] p, .cvt-nav, .cvt-explore
  {font-size: calc(100vh / 36) !important;}
[data-testid="stMain"] [data-testid="stButtonGroup"] button p {font-size: calc(100vh / 29) !important;}
[data-testid="stMain"] [data-testid="stButtonGroup"] button {min-height: 0; height: auto; padding: 0.4vh 1.4vw;}
[data-testid="stMain"] .stButton button [data-testid="stIconMaterial"] {font-size: calc(100vh / 30);}
.cvp-bar {padding: 0.3vh 0 0.6vh;}
.cvp-slider {max-width: 45vw; height: calc(100vh / 45);}
.cvp-btn, .cvp-speed, .cvp-step {font-size: calc(100vh / 40) !important;}
.cvp-btn svg {width: calc(100vh / 45); height: calc(100vh / 45);}
.cvp-title {font-size: calc(100vh / 40);}
.cvp-panel {margin: 0;}
</style>"""
CSS_ALWAYS = """<style>.st-key-tour_keys {display: none;}
.cvt-explore a {text-decoration: none;} .cvt-nav {text-align: center;}
.cvt-clock {font-size: 2.4rem; font-variant-numeric: tabular-nums; font-weight: 600;}
</style>"""


def run() -> None:
    """The tour page: sidebar (unless presenting), the current slide, next / previous; or the presenter view."""
    names = data.zoo_names()
    state.init(sidebar.default_model(names))
    present, presenter = bool(state.get("present")), bool(state.get("presenter"))
    n = len(SLIDES)
    k = state.clamp("slide", 1, n)
    st.html(CSS_ALWAYS + (CSS_PRESENT if present else ""))
    if not present:
        stepper.preload()
        with st.sidebar:
            st.markdown(f"### {t('app.title')}")
            sidebar.language_picker()
            if not presenter:
                st.toggle(t("tour.present"), key="present", help=t("tour.present.help"))
    with st.container(key="tour_keys"):        # hidden: the browser side, and the arrow keys outside presenting
        if not presenter:                      # (the presenter view shows it: its clock)
            _host(k, n, present, presenter)
        if not (present or presenter):
            st.button(t("tour.prev"), on_click=go, args=(-1,), shortcut="Left", key="tour_prev_arrow",
                      disabled=k <= 1)
            st.button(t("tour.next"), on_click=go, args=(1,), shortcut="Right", key="tour_next_arrow",
                      disabled=k >= n)
    slide = guarded(current_slide)(k)
    _navigation(k, n, present, presenter, slide)
    if slide is None:
        state.write_url(links.TOUR_URL)
        return
    if presenter:
        _presenter(k, n, slide)
    else:
        render(slide, present)
    state.write_url(links.TOUR_URL)


# --- the slides, built once per (name, language, options) and shared by every session -----------------------
@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _built(name: str, lang: str, options: tuple) -> slides.Slide:
    return slides.build_slide(name, lang=lang, **dict(options))


def current_slide(k: int) -> slides.Slide | None:
    """Slide k as the session sees it (its options from the session state), or None if its model is missing."""
    name = SLIDES[k - 1]
    model = MODELS.get(name)
    if model is not None and model not in data.zoo_names():
        st.info(t("tour.missing", name=model))
        return None
    options: tuple = ()
    if name == "rnn":
        if state.get("tour_lag") not in LAGS:
            state.put("tour_lag", LAG)
        options = (("lag", int(state.get("tour_lag"))),)
    return _built(name, language(), options)


def _host(k: int, n: int, present: bool, presenter: bool) -> None:
    """The browser side (tour_host.js): clicker keys, fit and fonts, the other window, the presenter's clock."""
    _HOST(key="tour_host", data={"slide": k, "n": n, "present": present, "presenter": presenter,
                                 "lang": language(), "clock": t("tour.presenter.clock")},
          on_goto_change=_on_goto, on_exit_change=_exit_present)


# --- navigation ----------------------------------------------------------------------------------------
def go(delta: int) -> None:
    """Next / previous slide (clamped); a new slide starts at step 0."""
    goto(int(state.get("slide") or 1) + delta)


def goto(k: int) -> None:
    state.put("slide", min(max(int(k), 1), len(SLIDES)))
    state.put("tour_step", 0)


def _on_goto() -> None:
    """The browser turned the slide (a clicker key in presentation mode, or the other tour window)."""
    value = state.get("tour_host")
    k = getattr(value, "goto", None) if not isinstance(value, dict) else value.get("goto")
    if isinstance(k, int) and not isinstance(k, bool):
        goto(k)


def _exit_present() -> None:
    state.put("present", False)


def _navigation(k: int, n: int, present: bool, presenter: bool, slide: slides.Slide | None) -> None:
    """The bar on top (a projector shows the first screenful only): previous, "slide k of n", next, the explorer
    link, and (presenting) exit. The buttons' own shortcuts work outside presentation mode; presenting, the
    browser side turns the slides (whatever has focus)."""
    keys = not (present or presenter)
    c = st.columns([2, 1.6, 2, 4, 1.6] if present else [3, 2, 3, 5], vertical_alignment="center")
    label = (lambda key: "") if present else t       # presenting: icons (their names in the tooltips), no prose
    c[0].button(label("tour.prev"), icon=":material/chevron_left:", on_click=go, args=(-1,),
                shortcut="PageUp" if keys else None, disabled=k <= 1, width="stretch", key="tour_prev",
                help=t("tour.prev.help"))
    c[1].html(f"<div class='cvt-nav'>{html.escape(t('tour.slide_of', k=k, n=n))}</div>")
    c[2].button(label("tour.next"), icon=":material/chevron_right:", on_click=go, args=(1,),
                shortcut="PageDown" if keys else None, disabled=k >= n, width="stretch", key="tour_next",
                type="primary", help=t("tour.next.help"))
    with c[3]:
        if slide is not None and slide.explore:
            _explore(slide)
        if not present and not presenter:
            st.caption(t("tour.keys"))
    if present:
        c[4].button(label("tour.exit"), icon=":material/close_fullscreen:", on_click=_exit_present, width="stretch",
                    key="tour_exit", help=t("tour.exit.help"))


def _explore(slide: slides.Slide) -> None:
    """"Explore this model": the slide's model and input in the explorer (a new tab: the tour stays)."""
    url = slides.explore_url(slide.explore, language())
    st.html(f"<div class='cvt-explore'><a href='{html.escape(url)}' target='_blank' rel='noopener' "
            f"title='{html.escape(t('tour.open.help'))}'>↗ {html.escape(t('tour.open'))}</a></div>")


# --- one slide -----------------------------------------------------------------------------------------
def render(slide: slides.Slide, present: bool) -> None:
    """A slide: title, headline, body, its option, the main chart (with the player if it steps); in normal mode
    also the equation, the other figures and the notes under the slide."""
    st.title(slide.title)
    st.markdown(f"**{slide.headline}**" + (f" {slide.body}" if present and slide.body else ""))
    if slide.body and not present:
        st.markdown(slide.body)
    if slide.equation and not present:
        st.latex(slide.equation)
    _options(slide, present)
    _figures(slide, present)
    if not present and slide.notes:
        st.markdown(f"#### {t('tour.notes')}")
        st.markdown(slide.notes)


def _options(slide: slides.Slide, present: bool) -> None:
    """The slide's option (slide 1's lag); presenting, without its label: the headline names the lag."""
    lag = slide.options.get("lag")
    if lag is not None:
        st.segmented_control(lag["label"], lag["values"], key="tour_lag", on_change=state.put, args=("tour_step", 0),
                             label_visibility="collapsed" if present else "visible")


def _figures(slide: slides.Slide, present: bool, group_prefix: str = "player-tour") -> None:
    """The slide's figures through the step player (one drawing engine for every chart of the tour, so that the
    browser side can size them and set their fonts): a stepping section under its step bar, a static figure as a
    section of one step. Presenting, only the main chart."""
    shown = slide.figures[:1] if present else slide.figures
    for i, fig in enumerate(shown):
        if isinstance(fig, Figure):
            section = payload.section(f"{group_prefix}-{slide.name}-{i}", 1, [payload.figure(
                f"fig{i}", fig, cursor=None, config={"displayModeBar": False})], plotly_url=stepper.plotly_url())
            stepper._PLAYER(key=f"tour-{slide.name}-fig{i}", data=section)
            continue
        panel_list = fig["panels"][:1] if present else fig["panels"]
        with stepper.player(f"{group_prefix}-{slide.name}", slide.tokens, step_key="tour_step", url=links.TOUR_URL,
                            keyboard=False):
            if len(panel_list) > 1:
                cols = st.columns(len(panel_list))
                for col, p in zip(cols, panel_list):
                    with col:
                        stepper.show([p], key=p["id"])
            else:
                stepper.show(panel_list, key=panel_list[0]["id"])


# --- the presenter view --------------------------------------------------------------------------------
def _presenter(k: int, n: int, slide: slides.Slide) -> None:
    """The lecturer's window: the current slide small, the next slide's title, the notes and a clock."""
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"#### {slide.title}")
        st.markdown(f"**{slide.headline}** {slide.body}")
        _figures(slide, present=True, group_prefix="player-tour-presenter")
    with right:
        _host(k, n, False, True)
        st.markdown(t("tour.presenter.next", title=t(f"tour.{SLIDES[k]}.title")) if k < n else
                    t("tour.presenter.last"))
        st.markdown(f"#### {t('tour.notes')}")
        if slide.equation:
            st.latex(slide.equation)
        st.markdown(slide.notes)
