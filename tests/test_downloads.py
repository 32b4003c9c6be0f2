"""The trace downloads: NPZ holds every array of the trace, CSV one row per (layer, direction, step, unit)."""
import csv
import io

import numpy as np
import torch

import cellviz
from cellviz.ui import downloads
from cellviz.ui.data import Subject


def _subject() -> Subject:
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    tr = cellviz.trace(lstm, torch.randn(5, 3))
    return Subject("my model", tr, ["a", "b,c", 'say "hi"', "d", "e"])


def test_npz_holds_every_quantity():
    sub = _subject()
    arrays = np.load(io.BytesIO(downloads.trace_npz(sub)))
    rec = sub.trace.layer(1, 1)
    assert np.array_equal(arrays["l1_d1_f"], rec.gates["f"][:, 0])
    assert np.array_equal(arrays["l1_d1_c"], rec.c[:, 0]) and np.array_equal(arrays["l0_d0_grad_c"], sub.trace.layer(0, 0).grad_c[:, 0])
    assert list(arrays["tokens"]) == sub.tokens and arrays["x"].shape == (5, 3)


def test_csv_one_row_per_layer_direction_step_unit():
    sub = _subject()
    rows = list(csv.reader(io.StringIO(downloads.trace_csv(sub))))
    header, body = rows[0], rows[1:]
    assert header == ["layer", "direction", "step", "token", "unit", "i", "f", "g", "o", "c", "h", "grad_h", "grad_c"]
    assert len(body) == 2 * 2 * 5 * 4
    row = next(r for r in body if r[:3] == ["1", "0", "2"] and r[4] == "3")
    assert row[3] == 'say "hi"'
    assert abs(float(row[header.index("h")]) - sub.trace.layer(1, 0).h[2, 0, 3]) < 1e-5
    assert {r[3] for r in body} == set(sub.tokens)
