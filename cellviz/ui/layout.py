"""One page = sidebar + header + the view (in the step panel when the view depends on the step)."""
from __future__ import annotations

from types import ModuleType

import streamlit as st

from . import sidebar, stepper
from .downloads import figure_button
from .i18n import t
from .safety import guarded

# view module name -> (title key, icon); the order of the navigation
PAGES = {"cell": ("page.cell", ":material/memory:"), "over_time": ("page.over_time", ":material/grid_on:"),
         "gradients": ("page.gradients", ":material/trending_down:"), "units": ("page.units", ":material/translate:"),
         "compare": ("page.compare", ":material/compare_arrows:")}


def run_page(view: ModuleType) -> None:
    """Render a page for a view module with `render(subject, step, units) -> Figure | None` and USES_STEP."""
    name = view.__name__.rsplit(".", 1)[-1]
    subject = guarded(sidebar.render)()
    st.subheader(t(PAGES[name][0]))
    if subject is None:
        return
    if getattr(view, "USES_STEP", True):
        stepper.panel(subject, view.render, name)
    else:
        fig = guarded(view.render)(subject, None, [])
        if fig is not None:
            figure_button(fig, subject, name)


def navigation_pages() -> list:
    """The st.Page objects for app.py's st.navigation (one file per view under cellviz/ui/pages)."""
    return [st.Page(f"cellviz/ui/pages/{name}.py", title=t(key), icon=icon, default=k == 0)
            for k, (name, (key, icon)) in enumerate(PAGES.items())]
