"""User-facing strings: `t("key", **fmt)` looks a key up in the active language's catalogue.

One catalogue per language under `cellviz/ui/locales/`: `en.py` (EN, the reference) and `zh.py` (ZH,
简体中文), with the same keys and placeholders (tests/test_i18n.py fails otherwise). `set_language` picks
the language for the current session's thread (a ContextVar). Figure builders in `cellviz.plots` use the same
catalogue (this module imports nothing from Streamlit).
A key missing from the active catalogue falls back to English, and a key missing there shows itself
(so a typo is visible on the page, never an exception).
"""
from __future__ import annotations

from contextvars import ContextVar

# The English texts now live in cellviz/ui/locales/en.py (EN) and the Chinese ones in
# cellviz/ui/locales/zh.py (ZH): add new keys to BOTH files, not here.
from .locales.en import EN
from .locales.zh import ZH

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
_lang: ContextVar[str] = ContextVar("cellviz_lang", default="en")


def set_language(lang: str) -> None:
    """Make `lang` the language of this thread's texts (the UI calls it at the start of every run)."""
    _lang.set(lang if lang in CATALOGUES else "en")


def language() -> str:
    return _lang.get()


def has(key: str) -> bool:
    """Whether the catalogue knows `key` (for optional texts such as a task option's label)."""
    return key in EN


def t(key: str, **fmt) -> str:
    """The active language's text for `key`, formatted with `fmt`."""
    text = CATALOGUES[_lang.get()].get(key) or EN.get(key, key)
    return text.format(**fmt) if fmt else text
