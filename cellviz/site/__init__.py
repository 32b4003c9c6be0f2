"""cellviz as a static site: every zoo model's step pages, Compare, Exploding gradients and Scrub through
training, in every language, as files any static host serves (no Python per visitor).

    python -m cellviz.site OUTDIR [--models ...] [--langs en zh] [--quick]

`pages` says what each page shows (the app's builders: `cellviz.player.panels`, `cellviz.plots`), `render`
turns a page into HTML (the site's shells, or one self-contained file: the offline export is a page of it),
`build` writes the folder. The step player is the app's (`cellviz/player/player.js`), hosted by `site.js`.
"""
from __future__ import annotations

__all__ = ["build", "pages", "render"]
