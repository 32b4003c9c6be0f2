"""Where a lag-task model keeps the cue: the unit whose state separates the four cues, and what its gates do there.

`cue_unit(model, text, lag)` runs the same distractors after each of the four cues, picks the unit whose state
(c for an LSTM, h otherwise) differs most between cues at the last distractor, and measures, on the given input,
that unit's mean gate values over the distractor steps (LSTM f, i; GRU z, r) and how much its state moves there.
These are the numbers the tour prints beside its slides and the tests check. No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..trace import Trace, trace
from .tasks.lag import CUES


@dataclass(frozen=True)
class CueUnit:
    unit: int                     # index of the unit carrying the cue
    state: str                    # "c" (LSTM) or "h"
    separation: float             # spread of that unit's state across the four cues at the last distractor
    gates: dict[str, float]       # mean gate value on that unit over the distractor steps of the input
    state_start: float            # the unit's state right after the cue (step 0) on the input
    state_end: float              # ... at the last distractor step (step T-2)
    state_range: tuple[float, float]   # min / max of the unit's state over the distractor steps
    lag: int
    distractors: int              # number of distractor steps averaged over


def _trace(model, text: str) -> Trace:
    ex = model.task.parse(text)
    module, x, h0, loss = model.trace_args(ex)
    return trace(module, x, h0=h0, loss=loss)


def cue_unit(model, text: str, lag: int | None = None, tr: Trace | None = None) -> CueUnit:
    """The cue-carrying unit of a lag-task `model` and its gates on the input `text` (padded to `lag`).

    `tr` may pass the input's trace already computed (the same numbers then come from the same trace).
    """
    task = model.task
    base = task.parse(text, lag=lag) if lag is not None else task.parse(text)
    T = len(base.tokens)
    if T < 3:
        raise ValueError("the input needs a cue, at least one distractor and '?'")
    rest = base.text[1:]
    traces = [_trace(model, cue + rest) for cue in CUES]
    kind = traces[0].kind
    state = "c" if kind == "lstm" else "h"
    ends = np.stack([getattr(t.layer(0), state)[T - 2, 0] for t in traces])       # (4, H)
    spread = ends.max(axis=0) - ends.min(axis=0)
    unit = int(spread.argmax())
    tr = tr if tr is not None else _trace(model, base.text)
    rec = tr.layer(0)
    span = slice(1, T - 1)                                                         # the distractor steps
    gates = {g: float(v[span, 0, unit].mean()) for g, v in rec.gates.items() if g in ("f", "i", "z", "r")}
    s = getattr(rec, state)[:, 0, unit]
    return CueUnit(unit, state, float(spread[unit]), gates, float(s[0]), float(s[T - 2]),
                   (float(s[span].min()), float(s[span].max())), T - 1, T - 2)
