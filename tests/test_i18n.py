"""Two languages: the catalogues agree key for key, the Chinese is really Chinese, no view hard-codes a text,
the language is per thread, and every page of the app runs in Chinese."""
from __future__ import annotations

import ast
import json
import re
import string
import threading
from pathlib import Path

import pandas as pd
import pytest

from cellviz import i18n
from cellviz.i18n import CATALOGUES, EN, t

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
    assert not missing_zh, f"{len(missing_zh)} key(s) missing from cellviz/i18n/locales/zh.py: {missing_zh}"
    assert not missing_en, f"{len(missing_en)} key(s) in zh.py but not in cellviz/i18n/locales/en.py: {missing_en}"


def test_placeholders_agree():
    bad = {k: (_fields(EN[k]), _fields(ZH[k])) for k in EN.keys() & ZH.keys() if _fields(EN[k]) != _fields(ZH[k])}
    assert not bad, f"placeholders differ between en and zh (en, zh): {bad}"


def _unformattable(catalogues) -> list[str]:
    """`lang:key: error` for every text that does not format with sample values (a stray brace, a bad spec), or
    whose placeholders show no value once formatted."""
    bad = []
    for lang, cat in catalogues.items():
        for key, text in cat.items():
            try:
                names = {name for name, _, _ in _fields(text)}
                out = text.format(**{n: 1.5 if n in ("r", "value") else 1 for n in names})
            except (ValueError, KeyError, IndexError, TypeError) as e:
                bad.append(f"{lang}:{key}: {type(e).__name__}: {e}")
                continue
            if names and "1" not in out:
                bad.append(f"{lang}:{key}: formatted as {out!r}")
    return bad


def test_every_text_formats_in_both_languages():
    bad = _unformattable(CATALOGUES)
    assert not bad, "texts that do not format:\n" + "\n".join(bad)


def test_the_format_check_names_a_broken_text():
    bad = _unformattable({"en": {"ok": "step {t} of {T}", "plain": "no placeholder", "brace": "step {t",
                                 "spec": "value {value:d}", "literal": "keep {{t}} as is"}})
    assert [b.split(": ")[0] for b in bad] == ["en:brace", "en:spec"], bad


def test_chinese_is_chinese():
    empty = sorted(k for k in ZH if EN.get(k) and not ZH[k].strip())
    assert not empty, f"empty Chinese texts: {empty}"
    untranslated = sorted(k for k in EN.keys() & ZH.keys()
                          if k not in SAME_KEYS and _words(EN[k]) and not CJK.search(ZH[k]))
    assert not untranslated, ("Chinese texts with English words and no Chinese (translate them in zh.py, or "
                              f"add the key to SAME_KEYS with a reason): { {k: ZH[k] for k in untranslated} }")


def test_no_chinese_text_is_stale():
    """Every Chinese text was checked against the English it now stands for (zh_sources.json, see i18n.py)."""
    stale = i18n.stale_zh()
    assert not stale, (f"{len(stale)} key(s) whose English text changed (or is new) since its Chinese translation "
                       f"was recorded: {stale}. Re-check (or write) the Chinese in cellviz/i18n/locales/zh.py, then "
                       "run `python -m cellviz.i18n --refresh-zh-sources` to record it.")


def test_the_stale_check_notices_a_changed_english_text(monkeypatch):
    monkeypatch.setitem(EN, "page.cell", EN["page.cell"] + " (changed)")
    assert i18n.stale_zh() == ["page.cell"]


# --- names that come from the zoo ------------------------------------------------------------------------
def _zoo_tasks():
    from cellviz.zoo.tasks import TASKS, make_task
    return {name: make_task(name) for name in TASKS}


def test_zoo_names_are_in_the_catalogues():
    """Every task, metric, known feature, class label and prediction the zoo can show has a catalogue text."""
    from cellviz import zoo
    from cellviz.zoo.tasks.waveform import SHAPES
    keys = set()
    for name in zoo.names():
        card = zoo.card(name)
        keys |= {f"task.{card['task']}"} | {f"metric.{m}" for m in [*card.get("metrics", {}), *card.get("baseline", {})]}
    for name, task in _zoo_tasks().items():
        keys |= {f"task.{name}"} | {f"metric.{m}" for m in task.better}
        keys |= {f"feature.{f}" for f in task.features(task.sample(0))}
        for kind, template in task.predictions.items():
            key = f"pred.{name}.{kind}"
            assert key in EN and _fields(EN[key]) == _fields(template), (key, template)
        assert task.predictions, f"task {name} words no prediction (Task.predictions)"
    keys |= {f"class.sentiment.{c}" for c in _zoo_tasks()["sentiment"].classes}
    keys |= {f"class.waveform.{s}" for s in SHAPES}
    missing = sorted(k for k in keys if k not in EN or k not in ZH)
    assert not missing, f"zoo names without a catalogue text (add them to en.py and zh.py): {missing}"


def test_zoo_predictions_are_worded_in_chinese():
    from cellviz import zoo
    lang = i18n.language()
    try:
        i18n.set_language("zh")
        for name in ("lag-lstm", "sentiment-lstm", "brackets-lstm", "forecast-lstm", "waveform-lstm", "translate-lstm"):
            model = zoo.load(name)
            text = i18n.prediction(model.task.name, model.prediction(model.task.sample(0)))
            assert CJK.search(text) and not _words(text) - {"mse"}, (name, text)
        assert i18n.label("metric", "sequence_accuracy") == "序列准确率"
        assert i18n.label("metric", "not_a_metric") == "not_a_metric"      # unknown: the name itself
        i18n.set_language("en")
        model = zoo.load("sentiment-lstm")
        ex = model.task.sample(0)
        assert i18n.prediction("sentiment", model.prediction(ex)) == model.predict(ex)     # same words as the zoo
    finally:
        i18n.set_language(lang)


def _zoo_english() -> set[str]:
    """The English names the zoo gives (raw and as the English catalogue words them): none may show in zh."""
    names = set()
    for task in _zoo_tasks().values():
        names |= {task.name, *task.better, *task.features(task.sample(0))}
    names |= {"lexicon_accuracy", "negative", "positive", "all right", "wrong", "generated", "next value"}
    names |= {v for k, v in EN.items() if k.split(".")[0] in ("metric", "task", "feature", "class") and _words(v)}
    kept = {v for k, v in ZH.items() if k.split(".")[0] in ("metric", "task", "feature", "class")}
    return {n for n in names if re.search("[A-Za-z]{2,}", n) and not any(n in v for v in kept)}   # 每字符比特数 (bpc)


def _leaked_zoo_names(texts: list[str]) -> list[tuple[str, str]]:
    """(name, text) for every English zoo name found as whole words in a text (model names like lag-lstm and
    `code` spans, such as the input's tokens, aside)."""
    from cellviz import zoo
    names = sorted(_zoo_english(), key=len, reverse=True)
    models = re.compile("|".join(re.escape(n) for n in sorted(zoo.names(), key=len, reverse=True)))
    found = []
    for text in texts:
        plain = models.sub(" ", re.sub(r"`[^`]*`", " ", str(text)))     # `code`: the input as typed, commands
        found += [(n, text) for n in names if re.search(rf"(?<![A-Za-z0-9_-]){re.escape(n)}(?![A-Za-z0-9_-])", plain)]
    return found


def test_the_zoo_name_scan_finds_names():
    assert _leaked_zoo_names(["准确率：0.99", "模型 lag-lstm", "sequence_accuracy：1.0", "深度 0 1 (all right)"]) \
        == [("sequence_accuracy", "sequence_accuracy：1.0"), ("all right", "深度 0 1 (all right)")]


def _shown_texts(at) -> list[str]:
    """Widget labels and options, texts, captions and dataframe headers and cells of an AppTest page."""
    shown = []
    for block in (at.sidebar, at.main):
        for kind in WIDGETS:
            for w in getattr(block, kind):
                shown.append(w.label)
                if kind in ("selectbox", "radio", "multiselect") and w.key != "lang":
                    shown += [str(o) for o in w.options]
        for kind in ("markdown", "caption", "subheader", "info", "warning", "success"):
            shown += [w.value for w in getattr(block, kind)]
    for frame in at.dataframe:
        df = frame.value
        shown += [str(c) for c in df.columns]
        shown += [str(v) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) for v in df[c]]
    return shown


def _open_zh(page: str, model: str | None = None):
    from streamlit.testing.v1 import AppTest

    from cellviz.ui import layout
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = "zh"
    at.run()
    if page != getattr(layout, "DEFAULT_PAGE", next(iter(layout.PAGES))):
        at.switch_page(f"cellviz/ui/pages/{page}.py").run()
    if model is not None:
        # AppTest words a selectbox's value with its format_func on this thread: speak the session's language
        token = i18n._lang.set("zh")
        try:
            at.selectbox(key="model").set_value(model).run()
        finally:
            i18n._lang.reset(token)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("page,model", [("cell", "sentiment-lstm"), ("units", "sentiment-lstm"),
                                        ("units", "forecast-gru"), ("intervene", "waveform-lstm")])
@pytest.mark.integration
def test_zoo_names_are_chinese_in_a_chinese_session(page, model):
    """Metric names, the task, the prediction and the known features of a model, all in Chinese."""
    at = _open_zh(page, model)
    shown = _shown_texts(at)
    leaked = _leaked_zoo_names(shown)
    assert not leaked, f"English zoo names on the Chinese {page} page with {model}: {leaked}"
    prediction = next(s for s in shown if s.startswith(ZH["input.prediction"].split("{")[0]))
    assert CJK.search(prediction.split("：", 1)[1]), prediction
    if page == "units":
        options = at.selectbox(key="feature").options
        assert options and all(CJK.search(o) for o in options), options


def test_t_speaks_chinese_after_set_language():
    lang = i18n.language()
    try:
        i18n.set_language("zh")
        assert t("page.gradients") == "梯度流"
        assert t("model.card", cell="LSTM", io="N->1", task="lag", layers=1, hidden=32, bi="", params="4,480") \
            == "LSTM · N->1 · lag · 1 层 · 隐藏维度 32 · 4,480 个参数"
        assert CJK.search(t("grad.read.single", loss=""))
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
    return [f for f in files if "locales" not in f.parts]


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
    assert not found, "user-facing literals in the UI (put them in cellviz/i18n/locales/en.py and zh.py):\n" + \
        "\n".join(found)


# --- the app in Chinese ----------------------------------------------------------------------------------
def _pages() -> list[str]:
    from cellviz.ui import layout
    return list(layout.PAGES)


WIDGETS = ("selectbox", "radio", "multiselect", "slider", "number_input", "text_input", "text_area", "button",
           "checkbox", "toggle")


@pytest.mark.integration
@pytest.mark.parametrize("page", _pages())
def test_every_page_runs_in_chinese(page):
    from cellviz.ui import layout
    at = _open_zh(page)
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
    leaked_names = _leaked_zoo_names(_shown_texts(at))      # sidebar captions, prediction, options, table headers
    assert not leaked_names, f"English zoo names on the Chinese {page} page: {leaked_names}"


def _chart_title(chart) -> str:
    """A Plotly chart's title text and axis titles, from the element's JSON spec."""
    layout = json.loads(chart.proto.spec).get("layout", {})
    title = layout.get("title", {})
    texts = [title.get("text", "") if isinstance(title, dict) else str(title)]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            texts.append((axis.get("title") or {}).get("text", "") if isinstance(axis.get("title"), dict) else "")
    return " ".join(x for x in texts if x)
