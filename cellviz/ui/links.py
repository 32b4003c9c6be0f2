"""Deep links: the explorer's state <-> URL query parameters (pure: no Streamlit, safe on hostile input).

The query keys are the session-state keys (`model`, `step`, `units`, `opt_lag`, ...), plus `view` (a page
name, for links that cannot use the page's path). `parse_query` validates every value and says what it
ignored; `to_query` writes only what differs from the defaults, so links stay short.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..zoo.training import FINAL  # the final weights' label (state.FINAL), shared with the training loops

MAX_TEXT = 1000              # characters of typed input a link may carry
MAX_UNITS = 8
MAX_INT = 1_000_000          # steps, seeds
MAX_LAYERS = 16
MAX_UNIT = 4095
OPTION_PREFIX = "opt_"
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_OPTION = re.compile(r"^opt_[a-z][a-z0-9_]{0,23}$")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")

# keys that belong to the explorer pages / to the tour page (`lang` goes everywhere)
EXPLORER_KEYS = ("model", "snapshot", "part", "source", "sample_seed", "text", "layer", "direction", "step",
                 "units")
TOUR_KEYS = ("slide", "tour_step", "present", "presenter")
EXPLORER_URL, TOUR_URL = ("lang", *EXPLORER_KEYS), ("lang", *TOUR_KEYS)


@dataclass(frozen=True)
class Catalog:
    """What valid values are: zoo models (with their snapshot labels), pages, languages, tour slides."""

    models: Mapping[str, Sequence[str]]
    pages: Sequence[str]
    languages: Sequence[str]
    slides: int = 1
    options: Callable[[str], Mapping[str, type]] = field(default=lambda name: {})   # model -> {opt: int|float}


def _last(value: Any) -> str:
    """One string from a query value (a repeated key: the last one, like st.query_params)."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return value if isinstance(value, str) else str(value)


def _int(text: str, low: int, high: int) -> int:
    value = int(text.strip())                 # ValueError for anything but an integer
    if not low <= value <= high:
        raise ValueError
    return value


def _number(text: str, kind: type) -> int | float:
    value = float(text.strip())
    if not math.isfinite(value) or abs(value) > MAX_INT:
        raise ValueError
    if kind is int:
        if value != int(value):
            raise ValueError
        return int(value)
    return value


def _units(text: str) -> list[int]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts or len(parts) > MAX_UNITS:
        raise ValueError
    return list(dict.fromkeys(_int(p, 0, MAX_UNIT) for p in parts))


def _flag(text: str) -> bool:
    low = text.strip().lower()
    if low not in TRUE + FALSE:
        raise ValueError
    return low in TRUE


def parse_query(params: Mapping[str, Any], catalog: Catalog) -> tuple[dict[str, Any], list[str]]:
    """Validated state values from query params, and the `key=value` items ignored as malformed.

    Unknown keys are ignored silently (tracking tags, Streamlit's own `embed`). Never raises.
    """
    out: dict[str, Any] = {}
    problems: list[str] = []
    try:
        items = list(params.items())
    except Exception:        # noqa: BLE001 — not a mapping after all
        return out, ["?"]
    model = _last(dict(items).get("model", "")) if any(k == "model" for k, _ in items) else None
    checks: dict[str, Callable[[str], Any]] = {
        "model": lambda s: s if s in catalog.models else _bad(),
        "snapshot": lambda s: s if s == FINAL or model in catalog.models and s in catalog.models[model] else _bad(),
        "part": lambda s: s if s in ("recurrent", "encoder", "decoder") else _bad(),
        "source": lambda s: s if s in ("sample", "typed") else _bad(),
        "sample_seed": lambda s: _int(s, 0, MAX_INT),
        "text": lambda s: s if 0 < len(s) <= MAX_TEXT and _printable(s) else _bad(),
        "layer": lambda s: _int(s, 0, MAX_LAYERS - 1),
        "direction": lambda s: _int(s, 0, 1),
        "step": lambda s: _int(s, 0, MAX_INT),
        "units": _units,
        "lang": lambda s: s if s in catalog.languages else _bad(),
        "view": lambda s: s if s in catalog.pages else _bad(),
        "slide": lambda s: _int(s, 1, max(1, catalog.slides)),
        "tour_step": lambda s: _int(s, 0, MAX_INT),
        "present": _flag,
        "presenter": _flag,
    }
    allowed = _options(catalog, model)
    for key, raw in items:
        if not isinstance(key, str):
            continue
        value = _last(raw)
        check = checks.get(key)
        if check is None and _OPTION.match(key):
            check = (lambda kind: lambda s: _number(s, kind))(allowed[key]) if key in allowed else _bad
        if check is None:
            continue
        try:
            out[key] = check(value)
        except Exception:    # noqa: BLE001 — any failure means: not a valid value
            problems.append(f"{key}={_short(value)}")
    if "text" in out and "source" not in out:
        out["source"] = "typed"
    if out.get("source") == "typed" and "text" not in out:
        del out["source"]
    return out, problems


def _printable(text: str) -> bool:
    """No control characters (but newlines and tabs) and no lone surrogates."""
    return all(c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs") for c in text)


def _bad(*_: Any) -> Any:
    raise ValueError


def _options(catalog: Catalog, model: str | None) -> dict[str, type]:
    if model not in catalog.models:
        return {}
    try:
        return {OPTION_PREFIX + k: (int if v is int else float) for k, v in dict(catalog.options(model)).items()}
    except Exception:        # noqa: BLE001
        return {}


def _short(value: str, most: int = 40) -> str:
    value = "".join(c if c.isprintable() else "?" for c in value)
    return value if len(value) <= most else value[:most] + "…"


def to_query(state: Mapping[str, Any], defaults: Mapping[str, Any], keys: Sequence[str]) -> dict[str, str]:
    """The query params for `keys` of `state` that differ from `defaults` (plus the typed input's options)."""
    out: dict[str, str] = {}
    typed = state.get("source") == "typed"
    for key in keys:
        value = state.get(key)
        if value is None or value == defaults.get(key) or key == "source" or (key, value) == ("part", "recurrent"):
            continue
        if key in ("sample_seed",) and typed:
            continue
        if key == "text":
            if not typed or not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT or not _printable(value):
                continue
        out[key] = _format(value)
    if "text" in out:
        out["source"] = "typed"
        for key, value in sorted(state.items()):
            if str(key).startswith(OPTION_PREFIX) and _OPTION.match(str(key)) and _is_number(value):
                out[str(key)] = _format(value)
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)
