"""Session state lives in cellviz/ui/state.py: every key the app reads or writes is named there (type, default,
deep link), and no other module of the UI touches `st.session_state` itself."""
import ast
import pathlib

import pytest

from cellviz.ui import links, state, stepper
from cellviz.ui.views import learn, training

ROOT = pathlib.Path(__file__).resolve().parents[1]
UI = ROOT / "cellviz" / "ui"
ACCESSORS = {"get", "put", "has", "pop", "clamp"}


def _ui_files():
    return [p for p in sorted(UI.rglob("*.py")) if p.name != "state.py"] + [ROOT / "app.py"]


@pytest.mark.parametrize("path", _ui_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_state_touches_session_state(path):
    assert "session_state" not in path.read_text(encoding="utf-8"), \
        f"{path.relative_to(ROOT)}: use cellviz.ui.state (get / put / has / pop) instead of st.session_state"


def _literal_keys(path) -> set[str]:
    """String literals passed as the first argument of state.get / put / has / pop / clamp."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ACCESSORS
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "state"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            keys.add(node.args[0].value)
    return keys


def test_every_key_used_is_named_in_state():
    used = {k: p.relative_to(ROOT) for p in _ui_files() for k in _literal_keys(p)}
    constants = {training.KEY, learn.RUN, learn.ERROR, stepper.SEEN, stepper.SEQ, *(k.key for k in learn.KNOBS.values()),
                 *learn.TASK_DEFAULTS["adding"], *stepper._keys("step"), *stepper._keys("tour_step")}
    assert used, "the scan found no state.get / state.put calls: is the test still looking at the right files?"
    missing = {k: str(where) for k, where in used.items() if k not in state.KEYS}
    missing.update({k: "a view's constant" for k in constants if k not in state.KEYS})
    assert not missing, f"name these keys in cellviz/ui/state.py KEYS: {missing}"


def test_defaults_have_their_declared_type():
    for name, key in state.KEYS.items():
        assert key.default is None or isinstance(key.default, key.type), name
        assert key.doc.strip(), name


def test_the_deep_link_keys_are_the_linked_ones():
    assert set(state.LINKED) == set(links.EXPLORER_URL) | set(links.TOUR_URL)


def test_intervene_and_learn_widgets_are_kept_alive():
    """A widget key not every page draws must be re-assigned on every run (state.init does it for `keep`)."""
    for name in ("iv_kind", "iv_gate", "iv_gate_value", "iv_state", "iv_value", "iv_scope", "iv_span",
                 "train_snapshot", "tour_lag", *[k for k in state.KEYS if k.startswith("learn_")
                                                  and k not in (learn.RUN, learn.ERROR)]):
        assert name in state.PERSISTENT, name
    assert "upload" not in state.PERSISTENT and not state.KEYS["upload"].fill     # Streamlit owns these values


def test_a_fresh_thread_takes_the_sessions_language(monkeypatch):
    """A fragment rerun starts on a thread that never called set_language: cellviz.i18n asks state for `lang`."""
    import threading

    import streamlit.runtime.scriptrunner as runner

    from cellviz import i18n
    monkeypatch.setattr(runner, "get_script_run_ctx", lambda suppress_warning=False: object())
    monkeypatch.setattr(state.st, "session_state", {"lang": "zh"})
    seen = []
    th = threading.Thread(target=lambda: seen.append((i18n.language(), i18n.t("page.cell"))))
    th.start()
    th.join()
    assert seen == [("zh", i18n.ZH["page.cell"])]
    monkeypatch.setattr(runner, "get_script_run_ctx", lambda suppress_warning=False: None)   # no script run
    th = threading.Thread(target=lambda: seen.append(i18n.language()))
    th.start()
    th.join()
    assert seen[-1] == "en"
