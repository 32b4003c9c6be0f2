"""Bad input or an unexpected failure in one view must never take the page down."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ..i18n import t

log = logging.getLogger("cellviz.ui")
R = TypeVar("R")


def guarded(fn: Callable[..., R]) -> Callable[..., R | None]:
    """Run `fn`; a ValueError is the user's input (shown as is), anything else is logged and explained."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as e:
            st.error(t("input.invalid", reason=e))
        except Exception as e:   # noqa: BLE001 — the page must survive; the log keeps the traceback
            log.exception("view %s failed", getattr(fn, "__name__", fn))
            st.error(t("error.unexpected", reason=f"{type(e).__name__}: {e}"))
        return None
    return run
