"""User-facing strings: `t("key", **fmt)` looks a key up in the active language's catalogue.

One catalogue per language under `cellviz/i18n/locales/`: `en.py` (EN, the reference) and `zh.py` (ZH,
简体中文), with the same keys and placeholders (tests/test_i18n.py fails otherwise). `set_language` picks
the language for the current thread (a ContextVar). Figure builders in `cellviz.plots` use the same
catalogue (this module imports nothing from Streamlit). A Streamlit thread that never called `set_language`
-- a fragment rerun starts on a fresh thread without running the page's `state.init` -- takes the language
from its session's state (`lang`), so that stepping inside a fragment keeps the page's language: the UI hands
that lookup in with `set_session_language` (cellviz.ui.state does), so this package never reaches up to it.
A key missing from the active catalogue falls back to English, and a key missing there shows itself
(so a typo is visible on the page, never an exception).

Names that come from the zoo (which speaks English for notebook users) are worded by the UI through
`label(kind, name)`: `metric.<name>`, `task.<name>`, `feature.<name>`, `class.<task>.<label>` when the catalogue
has the key, else the name itself (a new metric shows up, untranslated, rather than failing). `prediction(task,
parts)` words a zoo prediction, the (kind, values) of `Task.prediction`, with the template `pred.<task>.<kind>`.

Stale translations: `locales/zh_sources.json` holds, per key, a short hash of the English text its Chinese was
translated from. When an English text changes (or a key is added), tests/test_i18n.py lists the key: re-check
(or write) its Chinese in zh.py, then record it with `python -m cellviz.i18n --refresh-zh-sources`.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

# The English texts now live in cellviz/i18n/locales/en.py (EN) and the Chinese ones in
# cellviz/i18n/locales/zh.py (ZH): add new keys to BOTH files, not here.
from .locales.en import EN
from .locales.zh import ZH

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
_lang: ContextVar[str | None] = ContextVar("cellviz_lang", default=None)
ZH_SOURCES = Path(__file__).with_name("locales") / "zh_sources.json"


def set_language(lang: str) -> None:
    """Make `lang` the language of this thread's texts (the UI calls it at the start of every run)."""
    _lang.set(lang if lang in CATALOGUES else "en")


_session_lookup: Callable[[], str | None] | None = None


def set_session_language(lookup: Callable[[], str | None] | None) -> None:
    """The UI's way to say where a thread without `set_language` finds its language (the session's `lang`)."""
    global _session_lookup
    _session_lookup = lookup


def _session_language() -> str | None:
    """The language the UI's lookup finds for this thread (None without a UI or a session)."""
    if _session_lookup is None:
        return None
    try:
        lang = _session_lookup()
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


def label(kind: str, name) -> str:
    """A name from the zoo in the active language: `t(f"{kind}.{name}")` when the catalogue has it, else the name.

    `kind` is "metric", "task", "feature" or "class.<task>"; anything else than a string comes back as `str`."""
    key = f"{kind}.{name}"
    return t(key) if isinstance(name, str) and has(key) else str(name)


def card_metrics(card: dict) -> list[str]:
    """A zoo card's held-out metrics, each with its trivial baseline, in the active language."""
    def num(v) -> str:
        return "—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)
    return [t("model.metric", metric=label("metric", m), value=num(v), baseline=num(card.get("baseline", {}).get(m)))
            for m, v in card.get("metrics", {}).items()]


def prediction(task: str | None, parts: tuple[str, dict] | None) -> str | None:
    """A zoo model's prediction, (kind, values) of `Task.prediction`, in the active language (None for None).

    String values that name a class (`class.<task>.<value>` in the catalogue) are translated too."""
    if parts is None:
        return None
    kind, values = parts
    values = {k: label(f"class.{task}", v) if isinstance(v, str) else v for k, v in values.items()}
    key = f"pred.{task}.{kind}"
    if has(key):
        return t(key, **values)
    return " · ".join(f"{k} {v}" for k, v in values.items())        # a task the catalogue does not know yet


# --- stale translations ----------------------------------------------------------------------------------
def source_hash(text: str) -> str:
    """The short hash of an English text recorded in zh_sources.json."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def zh_sources() -> dict[str, str]:
    """key -> hash of the English text the Chinese translation was made from (empty if never recorded)."""
    return json.loads(ZH_SOURCES.read_text(encoding="utf-8")) if ZH_SOURCES.exists() else {}


def stale_zh() -> list[str]:
    """Keys whose English text changed (or appeared) since their Chinese translation was last recorded."""
    recorded = zh_sources()
    return sorted(k for k, text in EN.items() if recorded.get(k) != source_hash(text))


def refresh_zh_sources() -> list[str]:
    """Record every English text as the source of its current Chinese; the keys that were stale."""
    stale = stale_zh()
    ZH_SOURCES.write_text(json.dumps({k: source_hash(v) for k, v in sorted(EN.items())}, ensure_ascii=False,
                                     indent=0) + "\n", encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m cellviz.i18n", description=__doc__.split("\n")[0])
    parser.add_argument("--refresh-zh-sources", action="store_true",
                        help="after re-checking the Chinese of the stale keys, record their English as checked")
    args = parser.parse_args(argv)
    if args.refresh_zh_sources:
        missing = sorted(set(EN) - set(ZH))
        if missing:
            print(f"not recorded: {len(missing)} key(s) have no Chinese yet in zh.py: {missing}", file=sys.stderr)
            return 1
        stale = refresh_zh_sources()
        print(f"recorded {len(EN)} English sources in {ZH_SOURCES}; {len(stale)} were stale: {stale}")
        return 0
    stale = stale_zh()
    print("\n".join(stale) if stale else "every Chinese text is recorded as up to date")
    return 1 if stale else 0

