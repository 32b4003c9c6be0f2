"""One page = sidebar + header + the view (in the step panel when the view depends on the step)."""
from __future__ import annotations

from types import ModuleType

import streamlit as st

from . import data, links, sidebar, state, stepper
from .downloads import figure_button
from ..i18n import CATALOGUES, set_language, t
from .safety import NAME_CHARS, escape_markdown, guarded

# view module name -> (title key, icon); the order of the navigation
PAGES = {"tour": ("page.tour", ":material/school:"),
         "cell": ("page.cell", ":material/memory:"), "over_time": ("page.over_time", ":material/grid_on:"),
         "gradients": ("page.gradients", ":material/trending_down:"),
         "exploding": ("page.exploding", ":material/trending_up:"), "units": ("page.units", ":material/translate:"),
         "compare": ("page.compare", ":material/compare_arrows:"),
         "intervene": ("page.intervene", ":material/tune:"), "learn": ("page.learn", ":material/model_training:"),
         "training": ("page.training", ":material/history:")}
DEFAULT_PAGE = "cell"
MAX_PROBLEMS = 10            # a link's ignored params listed in its warning
DEFAULT_SUFFIX = "-home"     # the default page's reserved (unused) url_path: /cell is its hidden alias


def run_page(view: ModuleType) -> None:
    """Render a page for a view module with `render(subject, step, units) -> Figure | None` and USES_STEP."""
    name = view.__name__.rsplit(".", 1)[-1]
    if state.get("present") or state.get("presenter"):    # presentation belongs to the tour: leave it here
        state.put("present", False)
        state.put("presenter", False)
        st.rerun()
    if getattr(view, "USES_STEP", True):
        stepper.preload()
    arrived = state.get("_last_page") != name          # the first run of this page since another page
    state.put("_last_page", name)
    preferred = getattr(view, "preferred_model", None)
    if arrived and preferred is not None:     # e.g. Scrub through training opens on a model that has snapshots
        better = preferred(state.get("model"))
        if better is not None and better != state.get("model"):
            state.put("model", better)
            state.reset_for_new_model()
    if getattr(view, "NEEDS_SUBJECT", True):
        subject = guarded(sidebar.render)()
    else:                                     # the page has its own model (a demo, a live run): no model picker
        subject = None
        state.init(sidebar.default_model(data.zoo_names()))
        with st.sidebar:
            st.markdown(f"### {t('app.title')}")
            sidebar.language_picker()
            st.caption(t("nav.own_model"))
    st.subheader(t(PAGES[name][0]))
    if subject is None and getattr(view, "NEEDS_SUBJECT", True):
        state.write_url(links.EXPLORER_URL)
        return
    _opening_step(view, name, subject)
    if getattr(view, "USES_STEP", True):
        stepper.panel(subject, view.render, name)
    else:
        fig = guarded(view.render)(subject, None, [])
        if fig is not None and subject is not None:       # (a page with its own models names no subject)
            figure_button(fig, subject, name)
    state.write_url(links.EXPLORER_URL)


def _opening_step(view: ModuleType, name: str, subject) -> None:
    """A page first opened on a subject at step 0 starts where its view says something (`view.opening_step`,
    e.g. the gradient page of an N->N model at the last step); a step the user or a link chose stays."""
    opening = getattr(view, "opening_step", None)
    if opening is None or subject is None:
        return
    seen, key = f"_opened_{name}", stepper.subject_key(subject)
    if state.get(seen) == key:
        return
    state.put(seen, key)
    at = opening(subject)
    if at is not None and int(state.get("step") or 0) == 0:
        state.put("step", int(at))


def catalog() -> links.Catalog:
    """Valid deep-link values: zoo models and their snapshots, pages, languages, tour slides."""
    from .views import tour
    names = data.zoo_names()
    return links.Catalog(models={n: tuple(data.zoo_card(n).get("snapshots") or ()) for n in names},
                         pages=tuple(PAGES), languages=tuple(CATALOGUES), slides=len(tour.SLIDES),
                         options=_option_types)


def _option_types(name: str) -> dict[str, type]:
    return {k: option.type for k, option in data.parse_options(name).items()}


def start_session() -> bool:
    """Top of every run (app.py): the URL on a session's first run, the language. Whether to present."""
    state.apply_url(catalog())
    set_language(state.get("lang"))
    return bool(state.get("present"))


def follow_url_view(current: object) -> None:
    """A link's `view=` names another page than the path: go there once (keeping the other params)."""
    view = state.pop("_url_view")
    if view and view != _page_name(current):
        params = {k: v for k, v in st.query_params.to_dict().items() if k != "view"}
        st.switch_page(f"cellviz/ui/pages/{view}.py", query_params=params)


def warn_ignored_params() -> None:
    """One warning listing the link's malformed params (defaults were used for them)."""
    problems = state.pop("_url_problems")
    if problems:
        shown = [escape_markdown(p, NAME_CHARS) for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… (+{len(problems) - MAX_PROBLEMS})")
        st.warning(t("link.ignored", items=", ".join(shown)), icon=":material/link_off:")


def _page_name(page) -> str:
    return getattr(page, "url_path", "") or DEFAULT_PAGE


def navigation_pages() -> list:
    """The st.Page objects for app.py's st.navigation (one file per view under cellviz/ui/pages).

    The default page is served at the root URL, and Streamlit then answers its own path with "page not found"
    (a default page's pathname is ""). So the default view is registered twice: as the default (root URL, the
    menu entry; its url_path only reserves a name nobody links to) and, hidden from the menu, under /cell."""
    pages = []
    for name, (key, icon) in PAGES.items():
        default = name == DEFAULT_PAGE
        pages.append(st.Page(f"cellviz/ui/pages/{name}.py", title=t(key), icon=icon, default=default,
                             url_path=f"{name}{DEFAULT_SUFFIX}" if default else name))
        if default:
            pages.append(st.Page(f"cellviz/ui/pages/{name}.py", title=t(key), icon=icon, url_path=name,
                                 visibility="hidden"))
    return pages
