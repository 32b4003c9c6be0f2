"""Two languages: the catalogues agree key for key, the Chinese is really Chinese, no view hard-codes a text,
the language is per thread, and every page of the app runs in Chinese."""
from __future__ import annotations

import ast
import json
import re
import string
import threading
from pathlib import Path

import pytest

from cellviz.ui import i18n
from cellviz.ui.i18n import CATALOGUES, EN, t

ROOT = Path(__file__).resolve().parents[1]
ZH = CATALOGUES["zh"]
CJK = re.compile(r"[\u3400-\u9fff]")
# words that are the same in both languages: names, code, math functions, units of the UI
SAME_WORDS = {"cellviz", "LSTM", "GRU", "RNN", "Bi", "tanh", "relu", "sigmoid", "log", "NPZ", "CSV", "HTML",
              "PyTorch", "Python", "Home", "End", "PageUp", "PageDown", "Space", "Esc", "max_steps"}
# keys whose Chinese text may equal the English one although it has other words (add with a reason)
SAME_KEYS: set[str] = set()


def _words(text: str) -> set[str]:
    """The Latin-letter words of a text, without placeholders, markup, symbols and the words both languages
    share (a text without such words may read the same in both languages)."""
    text = re.sub(r"\{[^{}]*\}|<[^<>]*>", " ", text)                     # placeholders, HTML tags
    text = re.sub(r"\b[A-Za-z]+_(\{[^{}]*\}|\w+)", " ", text)             # symbols: h_t, c_{t−1}, W_hn
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in SAME_WORDS}


def _fields(text: str) -> list[tuple[str, str, str]]:
    """The `{placeholders}` of a format string with their conversion and format spec, sorted."""
    return sorted((name, conv or "", spec or "") for _, name, spec, conv in string.Formatter().parse(text)
                  if name is not None)


# --- the catalogues --------------------------------------------------------------------------------------
def test_every_key_is_in_both_catalogues():
    missing_zh, missing_en = sorted(set(EN) - set(ZH)), sorted(set(ZH) - set(EN))
    assert not missing_zh, f"{len(missing_zh)} key(s) missing from cellviz/ui/locales/zh.py: {missing_zh}"
    assert not missing_en, f"{len(missing_en)} key(s) in zh.py but not in cellviz/ui/locales/en.py: {missing_en}"


def test_placeholders_agree():
    bad = {k: (_fields(EN[k]), _fields(ZH[k])) for k in EN.keys() & ZH.keys() if _fields(EN[k]) != _fields(ZH[k])}
    assert not bad, f"placeholders differ between en and zh (en, zh): {bad}"


def test_every_text_formats_in_both_languages():
    for lang, cat in CATALOGUES.items():
        for key, text in cat.items():
            names = {name for name, _, _ in _fields(text)}
            sample = {n: 1.5 if n in ("r", "value") else 1 for n in names}
            text.format(**sample)          # a stray brace or a bad spec raises here, naming nothing: say which
    # (reaching here means every text formats)


def test_chinese_is_chinese():
    empty = sorted(k for k in ZH if EN.get(k) and not ZH[k].strip())
    assert not empty, f"empty Chinese texts: {empty}"
    untranslated = sorted(k for k in EN.keys() & ZH.keys()
                          if k not in SAME_KEYS and _words(EN[k]) and not CJK.search(ZH[k]))
    assert not untranslated, ("Chinese texts with English words and no Chinese (translate them in zh.py, or "
                              f"add the key to SAME_KEYS with a reason): { {k: ZH[k] for k in untranslated} }")


def test_t_speaks_chinese_after_set_language():
    lang = i18n.language()
    try:
        i18n.set_language("zh")
        assert t("page.gradients") == "梯度流"
        assert t("model.card", cell="LSTM", io="N->1", task="lag", layers=1, hidden=32, bi="", params="4,480") \
            == "LSTM · N->1 · lag · 1 层 · 隐藏维度 32 · 4,480 个参数"
        assert CJK.search(t("grad.intro"))
        i18n.set_language("xx")            # unknown: English, never an exception
        assert t("page.gradients") == "Gradient flow"
    finally:
        i18n.set_language(lang)


def test_the_language_is_per_thread():
    """Two sessions' threads in two languages at the same time: neither sees the other's."""
    barrier, seen, errors = threading.Barrier(2), {}, []

    def session(lang: str) -> None:
        try:
            i18n.set_language(lang)
            barrier.wait(timeout=10)       # both languages set before either reads
            seen[lang] = {t("page.cell") for _ in range(200)} | {i18n.language()}
        except Exception as e:             # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=session, args=(lang,)) for lang in ("en", "zh")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=20)
    assert not errors
    assert seen == {"en": {EN["page.cell"], "en"}, "zh": {ZH["page.cell"], "zh"}}
    fresh = []
    th = threading.Thread(target=lambda: fresh.append((i18n.language(), t("page.cell"))))
    th.start()
    th.join()
    assert fresh == [("en", EN["page.cell"])]           # a new thread starts in English


# --- no hard-coded user-facing text in the UI ------------------------------------------------------------
# Streamlit calls whose first positional argument is a label or a text shown to the user
LABEL_CALLS = {"title", "header", "subheader", "markdown", "caption", "write", "text", "info", "warning", "error",
               "success", "toast", "button", "download_button", "link_button", "page_link", "form_submit_button",
               "selectbox", "radio", "multiselect", "slider", "select_slider", "number_input", "text_input",
               "text_area", "checkbox", "toggle", "file_uploader", "color_picker", "date_input", "time_input",
               "segmented_control", "pills", "feedback", "expander", "popover", "metric", "status", "spinner",
               "tabs", "dialog"}
LABEL_KEYWORDS = {"label", "help", "placeholder", "title", "caption", "body", "page_title", "text"}
# (file, literal) pairs allowed to stay literal, with a reason
ALLOWED: set[tuple[str, str]] = set()


def _ui_files() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "cellviz" / "ui").rglob("*.py"))]
    return [f for f in files if f.name != "i18n.py" and "locales" not in f.parts]


def _literal_texts(node: ast.AST) -> list[str]:
    """The literal text parts of an argument: a string constant, an f-string's constant parts, list items."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [s for item in node.elts for s in _literal_texts(item)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_texts(node.left) + _literal_texts(node.right)
    return []


def _hard_coded(path: Path, root: Path = ROOT) -> list[str]:
    """`file:line: call('text')` for every literal with words passed as a label/text to a Streamlit call."""
    rel = path.relative_to(root).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        args = [node.args[0]] if name in LABEL_CALLS and node.args else []
        args += [kw.value for kw in node.keywords if kw.arg in LABEL_KEYWORDS and name in LABEL_CALLS | {"Page"}]
        for arg in args:
            for text in _literal_texts(arg):
                if _words(text) and (rel, text) not in ALLOWED:
                    found.append(f"{rel}:{node.lineno}: {name}({text!r})")
    return found


def test_the_scan_finds_hard_coded_texts(tmp_path):
    """The check itself: it flags literals and f-strings with words, and leaves keys, markup and math alone."""
    src = tmp_path / "view.py"
    src.write_text('import streamlit as st\nfrom .i18n import t\ncol = st\n'
                   'st.button("Run it")\ncol.slider(f"Step {1}", 0, 3)\n'
                   'st.selectbox(t("model.label"), [], help="Pick one")\n'
                   'st.markdown(f"**{t(\'x\')}**")\nst.caption(t("a") + ": 0")\nst.latex(r"h_t = \\tanh(a_t)")\n'
                   'st.tabs(["One", t("b")])\nst.Page("cellviz/ui/pages/cell.py", title="Cell")\n'
                   'st.markdown("### cellviz · LSTM")\n', encoding="utf-8")
    found = sorted(f.split(": ", 1)[1] for f in _hard_coded(src, tmp_path))
    assert found == sorted(["button('Run it')", "slider('Step ')", "selectbox('Pick one')", "tabs('One')",
                            "Page('Cell')"])


def test_no_view_hard_codes_a_user_facing_text():
    found = [f for path in _ui_files() for f in _hard_coded(path)]
    assert not found, "user-facing literals in the UI (put them in cellviz/ui/locales/en.py and zh.py):\n" + \
        "\n".join(found)


# --- the app in Chinese ----------------------------------------------------------------------------------
def _pages() -> list[str]:
    from cellviz.ui import layout
    return list(layout.PAGES)


WIDGETS = ("selectbox", "radio", "multiselect", "slider", "number_input", "text_input", "text_area", "button",
           "checkbox", "toggle")


@pytest.mark.parametrize("page", _pages())
def test_every_page_runs_in_chinese(page):
    from streamlit.testing.v1 import AppTest

    from cellviz.ui import layout
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = "zh"
    at.run()
    if page != getattr(layout, "DEFAULT_PAGE", next(iter(layout.PAGES))):
        at.switch_page(f"cellviz/ui/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    title_key = layout.PAGES[page][0]
    if at.subheader:                       # explorer pages: the page title as subheader
        assert at.subheader[0].value == ZH[title_key]
    else:                                  # the tour: a slide title
        assert at.title and at.title[0].value in ZH.values() and CJK.search(at.title[0].value)
    english = {v for k, v in EN.items() if _words(v) and ZH.get(k) != v}
    shown = []
    for block in (at.sidebar, at.main):
        for kind in WIDGETS:
            shown += [w.label for w in getattr(block, kind)]
        for kind in ("markdown", "caption", "subheader", "info", "warning"):
            shown += [w.value for w in getattr(block, kind)]
    leaked = [s for s in shown if s.strip("*# ") in english]
    assert not leaked, f"English texts on the Chinese {page} page: {leaked}"
    labels = [w.label for block in (at.sidebar, at.main) for kind in WIDGETS for w in getattr(block, kind)]
    english_labels = [s for s in labels if _words(s) and not CJK.search(s)]
    assert not english_labels, f"English widget labels on the Chinese {page} page: {english_labels}"
    titles = [_chart_title(c) for c in at.get("plotly_chart")]
    english_titles = [s for s in titles if _words(s) and not CJK.search(s)]
    assert not english_titles, f"English figure titles on the Chinese {page} page: {english_titles}"


def _chart_title(chart) -> str:
    """A Plotly chart's title text and axis titles, from the element's JSON spec."""
    layout = json.loads(chart.proto.spec).get("layout", {})
    title = layout.get("title", {})
    texts = [title.get("text", "") if isinstance(title, dict) else str(title)]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            texts.append((axis.get("title") or {}).get("text", "") if isinstance(axis.get("title"), dict) else "")
    return " ".join(x for x in texts if x)
