"""How big a saved notebook with cellviz players is: `python -m cellviz.notebook_bench [--models lag-lstm ...]`.

Executes a notebook with nbclient (a real kernel) that traces a zoo model on its sample 0 and shows one player,
then five (the four views and "all"), and saves it the way JupyterLab does with "save widget state" on
(nbclient `store_widget_state`: every widget's state, buffers base64, in the notebook's metadata) — the largest a
saved notebook gets; without widget state it keeps only a reference per output. plotly.js is never in it (it
reaches the page from the kernel as a custom message). A measurement, not a timed test; goal ≤ 1 MB for five.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .hosted_bench import ROOT

FIVE = ("cell", "over_time", "gradients", "units", "all")
GOAL_MB = 1.0


def cells(model: str, views: Sequence[str]) -> list[str]:
    setup = ("import cellviz\nfrom cellviz import zoo\n"
             f"model = zoo.load({model!r}); ex = model.task.sample(0)\n"
             "module, x, h0, loss = model.trace_args(ex)\n"
             "tr = cellviz.trace(module, x, h0=h0, loss=loss)\ntr")
    return [setup] + [f"cellviz.show(tr, view={v!r}, tokens=list(ex.tokens))" for v in views]


def saved_size(model: str, views: Sequence[str], widget_state: bool = True) -> dict:
    """Execute the notebook and save it: bytes on disk, and the largest widget state."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells(model, views)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=widget_state,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    text = nbformat.writes(nb)
    from .player import plotly_js
    head = plotly_js()[200:400]                # a piece of plotly.js itself (past its licence header)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    players = {k: v for k, v in state.items() if v.get("model_name") == "AnyModel"}
    sizes = sorted(len(json.dumps(v)) for v in players.values())
    return {"model": model, "players": len(views), "bytes": len(text.encode("utf-8")), "widget_state": widget_state,
            "player_state_bytes": sizes, "plotly_js_inside": head in text or json.dumps(head)[1:-1] in text}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m cellviz.notebook_bench", description=__doc__.split("\n")[0])
    p.add_argument("--models", nargs="+", default=["lag-lstm", "charlm-lstm", "sentiment-bilstm"])
    a = p.parse_args(argv)
    import os                 # the kernelspec runs "python": this interpreter's, with cellviz and torch
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    worst = 0.0
    for model in a.models:
        for views, state in ((FIVE[:1], True), (FIVE, True), (FIVE, False)):
            r = saved_size(model, views, state)
            mb = r["bytes"] / 1e6
            if state and len(views) == 5:
                worst = max(worst, mb)
            print(f"{model}: {r['players']} player(s), widget state {'saved' if state else 'not saved'}: "
                  f"{mb:.3f} MB (players' states: {', '.join(f'{b / 1e3:.0f} KB' for b in r['player_state_bytes'])}"
                  f"{'' if r['player_state_bytes'] else '–'}); plotly.js inside: {r['plotly_js_inside']}", flush=True)
    print(f"largest five-player notebook: {worst:.3f} MB (goal ≤ {GOAL_MB} MB)")
    return 0 if worst <= GOAL_MB else 1


if __name__ == "__main__":
    sys.exit(main())
