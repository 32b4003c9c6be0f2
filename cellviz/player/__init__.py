"""The step player: one JS module (`player.js`, with `player.css`) and one data format (`payload`), used by the
Streamlit app (as a Custom Component v2, `cellviz.ui.stepper`) and by the offline export (`cellviz.export`).

The trace is sent to the browser once; stepping, playing and hovering happen there. No Streamlit here.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path

from . import panels, payload

HERE = Path(__file__).resolve().parent


@cache
def js() -> str:
    """The player module's source (defines `window.CellvizPlayer`)."""
    return (HERE / "player.js").read_text(encoding="utf-8")


@cache
def css() -> str:
    return (HERE / "player.css").read_text(encoding="utf-8")


@cache
def sync_js() -> str:
    """The host's tiny side channel (a Custom Component v2 ES module), without its comments: it travels with
    every step sync."""
    code = re.sub(r"/\*.*?\*/", "", (HERE / "sync.js").read_text(encoding="utf-8"), flags=re.S)
    code = re.sub(r"\s+//[^\n\"]*\n", "\n", code)
    return "\n".join(line.strip() for line in code.splitlines() if line.strip())


VENDORED_PLOTLY = HERE / "vendor" / "plotly-cartesian.min.js"   # npm plotly.js-cartesian-dist-min (MIT)


def _plotly_js_version(code: str) -> str | None:
    m = re.search(r"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)", code[:2000])
    return m.group(1) if m else None


@cache
def plotly_js() -> str:
    """The plotly.js every player loads: the vendored cartesian bundle (scatter, bar and heatmap: every trace type
    cellviz draws; 1.5 MB instead of 4.8 MB, so a tab evaluates it in a third of the time) when it is the plotly.js
    version the installed plotly package builds figures for, else that package's full bundle."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version
    if VENDORED_PLOTLY.exists():
        code = VENDORED_PLOTLY.read_text(encoding="utf-8")
        if _plotly_js_version(code) == get_plotlyjs_version():
            return code
    return get_plotlyjs()


def plotly_js_file(folder: Path) -> str:
    """`plotly_js()` as a file in `folder` (written once, named by version and a hash of its content so a browser
    may cache it for good; world-readable, 0644, for whatever serves it); its file name. OSError if `folder`
    cannot be written."""
    import hashlib

    import plotly
    code = plotly_js()
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()[:12]
    name = f"plotly-{plotly.__version__}-{digest}.min.js"
    path = Path(folder) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")      # atomic: concurrent sessions may race
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(code)
            os.chmod(tmp, 0o644)                                          # mkstemp makes it 0600
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return name


__all__ = ["js", "css", "sync_js", "plotly_js", "plotly_js_file", "panels", "payload"]
