"""Pages as HTML: the one page builder of the static site and of the offline lecture export.

A page's content (`pages`: blocks of text and player sections) becomes HTML in which each player block is a
placeholder ``<div class="cv-player" data-section="k">`` plus the list of sections, which `site.js` mounts
with the player (`CellvizPlayer.mount`). Two ways to ship it:

- **site** (`shell`): a small HTML file per page kind with relative links to the shared assets (plotly.js once,
  player.js/css, site.js/css) and the manifest; `site.js` reads the URL (query or hash: the app's names) and
  loads that view's data file, a `<script src>` that sets a global (so it also works from file://, where
  fetch does not), then mounts it.
- **inline** (`inline_page`): one self-contained file (the export): every asset inlined, the sections in a
  ``<script type="application/json" id="cellviz-data">``, no `src` or `href` at all.
"""
from __future__ import annotations

import html
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .. import player
from ..player import payload

HERE = Path(__file__).resolve().parent


@cache
def site_js() -> str:
    return (HERE / "site.js").read_text(encoding="utf-8")


FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
           'fill="#1f6feb"/><path d="M3 11h10M3 8h6M3 5h8" stroke="#fff" stroke-width="1.6"/></svg>')


@cache
def site_css() -> str:
    return (HERE / "site.css").read_text(encoding="utf-8")


def body(blocks: Sequence[dict]) -> tuple[str, list[dict]]:
    """Blocks -> (HTML with a placeholder per player section, the sections in placeholder order)."""
    sections: list[dict] = []

    def walk(items: Sequence[dict]) -> str:
        out = []
        for b in items:
            kind = b["type"]
            if kind == "html":
                out.append(b["html"])
            elif kind == "player":
                out.append(f'<div class="cv-player" data-section="{len(sections)}"></div>')
                sections.append(b["section"])
            elif kind == "cols":
                out.append('<div class="cv-cols">' + "".join(f'<div class="cv-col">{walk(c)}</div>'
                                                             for c in b["children"]) + "</div>")
            else:
                raise ValueError(f"unknown block type {kind!r}")
        return "\n".join(out)
    return walk(blocks), sections


def data_js(key: str, content: dict) -> str:
    """A page's data as a script that sets a global (loadable from file://): {title, intro, html, sections}."""
    return (f"(window.CELLVIZ_DATA=window.CELLVIZ_DATA||{{}})[{json.dumps(key)}]="
            f"{payload.to_json(content)};\n")


def page_data(content: dict) -> dict:
    """A page's content (`pages`) as its data file holds it."""
    markup, sections = body(content["blocks"])
    out = {"title": content["title"], "intro": list(content.get("intro", ())), "html": markup,
           "sections": sections}
    for k in ("steps", "extra"):
        if k in content:
            out[k] = content[k]
    return out


_SHELL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cellviz</title>
<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="assets/site.css">
<link rel="stylesheet" href="assets/player.css">
{plotly}<script src="manifest.js"></script>
<script src="assets/player.js"></script>
</head>
<body data-page="{page}">
<nav id="cv-nav"></nav>
<header id="cv-header"></header>
<main id="cv-main"></main>
<footer id="cv-footer"></footer>
<script src="assets/site.js"></script>
</body>
</html>
"""


def shell(page: str, plotly_file: str | None) -> str:
    """The HTML of one page kind of the site (the same for every model, input and language: the URL says)."""
    plotly = (f'<script src="assets/{plotly_file}" async data-cellviz-plotly="1"></script>\n'
              if plotly_file else "")
    return _SHELL.format(page=html.escape(page), plotly=plotly)


_INLINE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{site_css}
{css}
</style>
<script>{plotlyjs}</script>
<script>{player_js}</script>
</head>
<body data-page="{page}" class="cv-inline">
<header id="cv-header">
<h1>{title}</h1>
{intro}
</header>
<main id="cv-main">
{html}
</main>
<footer id="cv-footer">{footer}</footer>
<script type="application/json" id="cellviz-data">{data}</script>
<script>{site_js}</script>
</body>
</html>
"""


def inline_page(title: str, intro_html: Sequence[str], content_html: str, sections: Sequence[dict], lang: str,
                footer: str, page: str = "lecture") -> str:
    """One self-contained HTML file: plotly.js, the player and site.js inlined, the sections as JSON."""
    return _INLINE.format(
        lang=html.escape(lang), title=html.escape(title), site_css=site_css(), css=player.css(),
        plotlyjs=player.plotly_js(), player_js=player.js(), page=html.escape(page),
        intro="\n".join(f"<p>{p}</p>" for p in intro_html if p), html=content_html,
        data=payload.to_json(list(sections)), footer=html.escape(footer), site_js=site_js())
