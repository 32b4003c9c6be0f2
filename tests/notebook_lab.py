"""A real JupyterLab for the notebook player's browser test (tests/test_notebook_browser.py): a server on
localhost with an isolated config, the repo's `cellviz` on the kernel's path, and a notebook to open.

No network: JupyterLab's news and update checks are off, and the kernel ships plotly.js to the page.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cellviz.hosted_bench import ROOT, free_port


def notebook(cells: list[tuple[str, str]]) -> dict:
    """An nbformat-4 notebook of (kind, source) cells on the python3 kernel."""
    out = []
    for kind, source in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {"nbformat": 4, "nbformat_minor": 5, "cells": out,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}}}


def start_lab(folder: Path, port: int | None = None, timeout: float = 120.0) -> tuple[subprocess.Popen, str]:
    """`jupyter lab` serving `folder` (no token, app exposed as window.jupyterapp); (process, base url)."""
    port = port or free_port()
    home = folder / ".jupyter-home"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),  # the kernel's python
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               IPYTHONDIR=str(home / "ipython"), JUPYTER_PLATFORM_DIRS="1", OMP_NUM_THREADS="1")
    log = open(folder / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={folder}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         "--ServerApp.terminals_enabled=False", "--allow-root"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited ({proc.returncode}): {(folder / 'jupyterlab.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def write(path: Path, cells: list[tuple[str, str]]) -> Path:
    path.write_text(json.dumps(notebook(cells), indent=1), encoding="utf-8")
    return path


RUN_CELL = """async (i) => {
  const app = window.jupyterapp, panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  panel.content.activeCellIndex = i;
  panel.content.deselectAll();
  await app.commands.execute('notebook:run-cell');
  return true;
}"""
