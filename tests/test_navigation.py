"""Every page has its own path: the default page is served at the root URL, and (since Streamlit answers a default
page's own path with "page not found") also registered, hidden, under /cell. Checked in Chromium by hand: /cell
and /over_time?view=cell both show the cell page."""
from cellviz.ui import layout


def test_every_page_has_a_url_path_including_the_default(monkeypatch):
    made = []
    monkeypatch.setattr(layout.st, "Page", lambda page, **kw: made.append((page, kw)) or kw)
    layout.navigation_pages()
    by_path = {kw["url_path"]: (page, kw) for page, kw in made}
    assert set(layout.PAGES) <= set(by_path), "every view is reachable at /<view name>"
    assert len(by_path) == len(made), "url paths are unique (Streamlit hashes pages by them)"
    defaults = [(page, kw) for page, kw in made if kw.get("default")]
    assert len(defaults) == 1 and defaults[0][0] == f"cellviz/ui/pages/{layout.DEFAULT_PAGE}.py"
    alias_page, alias = by_path[layout.DEFAULT_PAGE]
    assert alias_page == defaults[0][0] and not alias.get("default") and alias.get("visibility") == "hidden"
    visible = [kw["url_path"] for _, kw in made if kw.get("visibility", "visible") == "visible"]
    assert len(visible) == len(layout.PAGES), "the menu lists each view once"
