"""Imports run one way (DESIGN.md): nothing outside cellviz/ui imports from it, Streamlit only in cellviz/ui and
app.py, no torch in cellviz/plots, the catalogues (cellviz/i18n) import nothing of cellviz above them, and no
module calls a private torch API (torch._VF & co. change without notice).

Read from the source (every import statement, relative ones resolved, also those inside functions), so a lazy
import cannot hide. `python tests/test_imports.py` prints the module graph."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def sources() -> list[Path]:
    return sorted((ROOT / "cellviz").rglob("*.py")) + [ROOT / "app.py"]


def imports(path: Path) -> set[str]:
    """Absolute names of the modules `path` imports (`from a import b` counts as a.b and a)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found |= {f"{mod}.{a.name}" for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    """cellviz module -> the cellviz modules it imports (and "streamlit" / "torch" where it imports them)."""
    known = {module_name(p) for p in sources()}
    out = {}
    for path in sources():
        mods = imports(path)
        inner = {m for m in mods if m in known}
        outer = {m.split(".")[0] for m in mods if m.split(".")[0] in ("streamlit", "torch", "plotly")}
        out[module_name(path)] = (inner - {module_name(path)}) | outer
    return out


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


GRAPH = graph()
# modules outside cellviz/ui allowed to import streamlit, with the reason
STREAMLIT_ALLOWED = {"cellviz.ui_bench": "a benchmark that drives the app through streamlit.testing (like tests/)",
                     "cellviz.hosted_bench": "its --uploads cases drive the app through streamlit.testing"}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_one_way_imports(module):
    deps = GRAPH[module]
    in_ui = _in(module, "cellviz.ui") or module == "app"
    if not in_ui:
        assert not {d for d in deps if _in(d, "cellviz.ui")}, f"{module} imports from cellviz.ui"
        assert "streamlit" not in deps or module in STREAMLIT_ALLOWED, \
            f"{module} imports streamlit (only cellviz/ui and app.py may)"
    if _in(module, "cellviz.plots"):
        assert "torch" not in deps, f"{module}: no torch in the figure layer (numpy in, go.Figure out)"
    if _in(module, "cellviz.i18n"):
        above = {d for d in deps if d.startswith("cellviz") and not _in(d, "cellviz.i18n") and d != "cellviz"}
        assert not above, f"{module} imports {above}: the catalogues sit below everything that shows text"


PRIVATE_TORCH = re.compile(r"\btorch\._[A-Za-z]")


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_torch_api(path):
    hits = [f"{k}: {line.strip()}" for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if PRIVATE_TORCH.search(line.split("#")[0])]
    assert not hits, f"{path.relative_to(ROOT)} uses a private torch API: {hits}"


def test_the_checks_see_what_they_check():
    """The graph is read right: known edges are there (also a lazy import inside a function)."""
    assert "cellviz.ui.state" in GRAPH["cellviz.ui.data"] and "streamlit" in GRAPH["cellviz.ui.data"]
    assert "cellviz.plots.style" in GRAPH["cellviz.plots.gradients"]
    assert "cellviz.i18n" in GRAPH["cellviz.plots.style"]
    assert "torch" in GRAPH["cellviz.trace"] and "cellviz.cells" in GRAPH["cellviz.trace"]
    assert "cellviz.ui.layout" in GRAPH["app"]
    assert PRIVATE_TORCH.search("out = torch._VF.lstm(x)") and not PRIVATE_TORCH.search("torch.func.functional_call")


def test_readme_names_every_module():
    """README's "How the code is organised" has a line for every module (a glob may cover a folder of them)."""
    import fnmatch
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How the code is organised", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`((?:cellviz|app)[\w/.*]*\.\w+)`", section))
    empty_inits = {p for p in sources() if p.name == "__init__.py" and not p.read_text(encoding="utf-8").strip()}
    missing = [str(p.relative_to(ROOT)) for p in sources() if p not in empty_inits
               and p.name != "__main__.py" and not any(fnmatch.fnmatch(str(p.relative_to(ROOT)), n) for n in named)]
    assert not missing, f"add a line for these modules to README's 'How the code is organised': {missing}"
    gone = [n for n in named if not any(ROOT.glob(n))]
    assert not gone, f"README names modules that do not exist: {gone}"


if __name__ == "__main__":
    for mod, deps in sorted(GRAPH.items()):
        inner = sorted(d for d in deps if d.startswith("cellviz"))
        outer = sorted(d for d in deps if not d.startswith("cellviz"))
        print(f"{mod:34} -> {', '.join(inner + outer) or '-'}")
    sys.exit(0)
