"""cellviz as a static site: every zoo model's step pages, Compare, Exploding gradients and Scrub through
training, in every language, as files any static host serves (no Python per visitor).

    python -m cellviz.site OUTDIR [--models ...] [--langs en zh] [--quick]

`pages` says what each page shows (the app's builders: `cellviz.player.panels`, `cellviz.plots`), `render`
turns a page into HTML (the site's shells, or one self-contained file: the offline export is a page of it),
`build` writes the folder. The step player is the app's (`cellviz/player/player.js`), hosted by `site.js`.

Later (typed input traced in the visitor's browser): a data file is a page's figure templates (Plotly specs)
plus the trace's arrays as typed-array specs (`cellviz-player/1`), keyed by model, part, sample, layer and
direction in `manifest.js`; an in-browser engine would load a model's weights (safetensors, one file per model)
and fill the same sections' arrays, leaving the templates and the player as they are.
"""
from __future__ import annotations

__all__ = ["build", "pages", "render"]
