"""User-facing strings: `t("key", **fmt)` looks a key up in the active language's catalogue.

One catalogue per language under `cellviz/ui/locales/`: `en.py` (EN, the reference) and `zh.py` (ZH,
简体中文), with the same keys and placeholders (tests/test_i18n.py fails otherwise). `set_language` picks
the language for the current thread (a ContextVar). Figure builders in `cellviz.plots` use the same
catalogue (this module imports nothing from Streamlit). A Streamlit thread that never called `set_language`
-- a fragment rerun starts on a fresh thread without running the page's `state.init` -- takes the language
from its session's state (`lang`), so that stepping inside a fragment keeps the page's language.
A key missing from the active catalogue falls back to English, and a key missing there shows itself
(so a typo is visible on the page, never an exception).
"""
from __future__ import annotations

import sys
from contextvars import ContextVar

# The English texts now live in cellviz/ui/locales/en.py (EN) and the Chinese ones in
# cellviz/ui/locales/zh.py (ZH): add new keys to BOTH files, not here.
from .locales.en import EN
from .locales.zh import ZH

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
_lang: ContextVar[str | None] = ContextVar("cellviz_lang", default=None)


def set_language(lang: str) -> None:
    """Make `lang` the language of this thread's texts (the UI calls it at the start of every run)."""
    _lang.set(lang if lang in CATALOGUES else "en")


def _session_language() -> str | None:
    """`lang` from the session state of the Streamlit script run on this thread, if there is one.

    Streamlit is only looked at when something else imported it (the app), never imported from here."""
    if "streamlit" not in sys.modules:
        return None
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        if get_script_run_ctx(suppress_warning=True) is None:
            return None
        lang = sys.modules["streamlit"].session_state.get("lang")
    except Exception:         # no session (bare mode, teardown): fall back to English
        return None
    return lang if lang in CATALOGUES else None


def language() -> str:
    """This thread's language: the last `set_language`, else its Streamlit session's `lang`, else "en"."""
    return _lang.get() or _session_language() or "en"


def has(key: str) -> bool:
    """Whether the catalogue knows `key` (for optional texts such as a task option's label)."""
    return key in EN


def t(key: str, **fmt) -> str:
    """The active language's text for `key`, formatted with `fmt`."""
    text = CATALOGUES[language()].get(key) or EN.get(key, key)
    return text.format(**fmt) if fmt else text
