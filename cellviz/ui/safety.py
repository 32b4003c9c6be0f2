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
# Characters that reorder or hide text (display spoofing: "evil\u202egnp.pt" shows as "eviltp.png"): bidi embeddings,
# overrides, isolates and marks, zero-width spaces, invisible operators and the BOM. Shown as their code point.
_INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Streamlit's Markdown finds bare URLs, www. names, e-mail addresses, emoji and :material/…: icons in the text
# *after* backslash escapes are resolved (remark-gfm's autolink literals work on text nodes), so escaping alone
# leaves "https://evil.example" a link: an invisible WORD JOINER after ":" and "@" and inside "www." breaks them.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"\\[:@]|(?i:www)(?=\\\.)")


def escape_markdown(text: object, limit: int = 200) -> str:
    """`str(text)` made inert for st.markdown / st.error / st.warning / st.info, cut to `limit` characters.

    Every ASCII punctuation character gets a backslash (CommonMark renders any escaped punctuation literally), so
    no link, image, emphasis, heading, list, HTML tag, entity, LaTeX ($) or Streamlit directive (:red[…]) can
    form; an invisible word joiner (U+2060) after every ":" and "@" and in "www." keeps bare URLs, e-mail
    addresses, emoji shortcodes and :material/…: icons from being recognised in the text. Line breaks and other
    control characters become one space, so the text cannot start a block of its own; characters that reorder or
    hide text (bidi controls, zero-width spaces: display spoofing) are shown as their code point, "⟨U+202E⟩".
    Text longer than `limit` characters keeps its first `limit - 1` and ends with "…" (the cut happens before
    escaping, so a backslash is never left dangling).
    """
    s = _INVISIBLE.sub(lambda m: f"⟨U+{ord(m[0]):04X}⟩", _CONTROL.sub(" ", str(text)))
    if len(s) > limit:
        s = s[:max(limit - 1, 0)] + "…"
    s = _PUNCTUATION.sub(r"\\\1", s)
    return _AUTOLINK.sub(lambda m: m[0] + JOINER, s)


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
