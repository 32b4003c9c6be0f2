"""Figures of a `Trace` at one step, in one call (for notebooks): the trace in, a `go.Figure` out."""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from .. import summaries
from .cell_diagram import cell_diagram


def cell_diagram_at(trace, t: int, layer: int = 0, direction: int = 0, unit: int | None = None, batch: int = 0,
                    tokens: Sequence[str] | None = None) -> go.Figure:
    """The cell diagram of `trace` at step t (negative counts from the end): layer `layer`, direction
    `direction` (0 forward, 1 reverse), batch element `batch`, `unit` outlined, `tokens[t]` in the title.

    The same figure as the app's "cell at step t" page: `summaries.cell_vectors` at t, the unbounded quantities
    on their scale over the whole sequence (`summaries.sequence_values`), what the layer reads from
    `summaries.layer_input`. IndexError for a step, layer, direction or batch element the trace does not have.
    """
    T = trace.seq_len
    if not -T <= t < T:
        raise IndexError(f"step {t} out of range: the trace has {T} steps (0..{T - 1})")
    if not 0 <= batch < trace.batch_size:
        raise IndexError(f"batch element {batch} out of range: the trace holds {trace.batch_size}")
    t %= T
    rec = trace.layer(layer, direction)
    x = summaries.layer_input(trace, layer)
    vectors = summaries.cell_vectors(rec, x, t, direction, batch)
    token = str(tokens[t]) if tokens is not None else str(t)
    return cell_diagram(trace.kind, vectors, unit=unit, step=t, token=token, nonlinearity=trace.nonlinearity,
                        ranges=summaries.sequence_values(rec, x, batch))
