"""Bad input or an unexpected failure in one view must never take the page down."""
from __future__ import annotations

import functools
import logging
import re
import string
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ..i18n import t

log = logging.getLogger("cellviz.ui")
R = TypeVar("R")
REASON_CHARS = 600          # a library message shown by `guarded` (ours, possibly quoting a bounded piece of input)
PREDICTION_CHARS = 400      # a model's worded prediction (generated values, next-character guesses)
NAME_CHARS = 100            # a file name, a link's item

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def escape_markdown(text: object, limit: int = 200) -> str:
    """`str(text)` made inert for st.markdown / st.error / st.warning / st.info, cut to `limit` characters.

    Every ASCII punctuation character gets a backslash (CommonMark renders any escaped punctuation literally), so
    no link, image, emphasis, heading, list, HTML tag, entity, LaTeX ($), Streamlit directive (:red[…],
    :material/…:, emoji shortcodes) or bare-URL autolink (https\\://…, www\\.…) can form; line breaks and
    other control characters become one space, so the text cannot start a block of its own. Text longer than
    `limit` characters keeps its first `limit - 1` and ends with "…" (the cut happens before escaping, so a
    backslash is never left dangling).
    """
    s = _CONTROL.sub(" ", str(text))
    if len(s) > limit:
        s = s[:max(limit - 1, 0)] + "…"
    return _PUNCTUATION.sub(r"\\\1", s)


def guarded(fn: Callable[..., R]) -> Callable[..., R | None]:
    """Run `fn`; a ValueError is the user's input (shown as is), anything else is logged and explained."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as e:
            st.error(t("input.invalid", reason=escape_markdown(e, REASON_CHARS)))
        except Exception as e:   # noqa: BLE001 — the page must survive; the log keeps the traceback
            log.exception("view %s failed", getattr(fn, "__name__", fn))
            st.error(t("error.unexpected", reason=escape_markdown(f"{type(e).__name__}: {e}", REASON_CHARS)))
        return None
    return run
