"""Interventions: forcing gates or states inside a cell, checked by hand and against an autograd reference."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import cellviz
from cellviz import Intervention
from reference import reference


def _compare(m, x, interventions, loss=None):
    tr = cellviz.trace(m, x, loss=loss, interventions=interventions)
    ref = reference(m, x, loss=loss, interventions=interventions)
    np.testing.assert_allclose(tr.output, ref["output"].numpy(), atol=1e-5)
    for (l, d), r in ref["layers"].items():
        rec = tr.layer(l, d)
        np.testing.assert_allclose(rec.h, torch.stack(r["h"]).detach().numpy(), atol=1e-5)
        for g, vals in r["gates"].items():
            np.testing.assert_allclose(rec.gates[g], torch.stack(vals).detach().numpy(), atol=1e-5)
        gh = torch.stack(r["grad_h"]).numpy()
        np.testing.assert_allclose(rec.grad_h, gh, atol=1e-5 * max(1, np.abs(gh).max()))
        if r["grad_c"] is not None:
            gc = torch.stack(r["grad_c"]).numpy()
            np.testing.assert_allclose(rec.grad_c, gc, atol=1e-5 * max(1, np.abs(gc).max()))
    np.testing.assert_allclose(tr.grad_x, ref["grad_x"].numpy(), atol=1e-5 * max(1, np.abs(tr.grad_x).max()))
    return tr


def test_forget_one_input_zero_freezes_the_cell_state():
    torch.manual_seed(0)
    m = nn.LSTM(3, 5)
    c0 = torch.randn(1, 1, 5)
    x = torch.randn(12, 1, 3)
    tr = cellviz.trace(m, x, h0=(torch.zeros(1, 1, 5), c0),
                       interventions=[Intervention("f", 1.0), Intervention("i", 0.0)])
    rec = tr.layer(0)
    np.testing.assert_allclose(rec.c, np.broadcast_to(c0.numpy()[0], rec.c.shape), atol=0)
    # and h is then o * tanh(c0) at every step, by hand
    np.testing.assert_allclose(rec.h, rec.gates["o"] * np.tanh(c0.numpy()[0]), atol=1e-6)
    # the cell state's gradient is carried unchanged back through time (f = 1)
    np.testing.assert_allclose(np.diff(rec.grad_c[:, 0], axis=0),
                               -(rec.grad_h * rec.gates["o"] * (1 - np.tanh(rec.c) ** 2))[:-1, 0], atol=1e-6)


def test_forget_zero_erases_memory_at_that_step():
    torch.manual_seed(1)
    m = nn.LSTM(2, 4)
    x = torch.randn(8, 1, 2)
    tr = cellviz.trace(m, x, interventions=[Intervention("f", 0.0, step=5)])
    rec = tr.layer(0)
    np.testing.assert_allclose(rec.c[5], rec.gates["i"][5] * rec.gates["g"][5], atol=1e-7)
    # no gradient is carried along the cell state from step 5 to step 4: only what h_4 passes on
    o4, c4 = rec.gates["o"][4], rec.c[4]
    np.testing.assert_allclose(rec.grad_c[4], rec.grad_h[4] * o4 * (1 - np.tanh(c4) ** 2), atol=1e-7)
    base = cellviz.trace(m, x)
    np.testing.assert_allclose(rec.h[:5], base.layer(0).h[:5], atol=1e-6)   # the past is untouched


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_clamps_match_autograd_reference(cls):
    torch.manual_seed(2)
    m = cls(3, 6, num_layers=2, bidirectional=True)
    x = torch.randn(9, 2, 3)
    gates = {nn.LSTM: "ifgo", nn.GRU: "rzn", nn.RNN: ""}[cls]
    edits = [Intervention(g, 0.3 + 0.1 * k, step=2 + k, units=(1, 4), layer=k % 2, direction=(k // 2) % 2)
             for k, g in enumerate(gates)]
    edits += [Intervention("h", 0.0, step=6, units=(0,), layer=0, direction=1),
              Intervention("h", 0.5, step=None, units=(2,), layer=1)]    # ablation for the whole sequence
    if cls is nn.LSTM:
        edits.append(Intervention("c", (1.0, -1.0), step=4, units=(3, 5), layer=1, direction=1))
    _compare(m, x, edits, loss=lambda o, h: (o ** 2).sum())


def test_ablating_a_unit_zeros_it_everywhere():
    torch.manual_seed(3)
    m = nn.GRU(2, 5)
    tr = cellviz.trace(m, torch.randn(10, 2), interventions=[Intervention("h", 0.0, units=(2,))])
    assert np.all(tr.layer(0).h[:, :, 2] == 0) and np.all(tr.output[:, 2] == 0)


def test_reverse_direction_steps_are_input_positions():
    torch.manual_seed(4)
    m = nn.LSTM(2, 3, bidirectional=True)
    x = torch.randn(7, 1, 2)
    tr = cellviz.trace(m, x, interventions=[Intervention("h", 0.25, step=2, direction=1)])
    rec = tr.layer(0, 1)
    np.testing.assert_allclose(rec.h[2], 0.25)
    base = cellviz.trace(m, x).layer(0, 1)
    np.testing.assert_allclose(rec.h[3:], base.h[3:], atol=1e-6)    # later positions were processed earlier
    assert not np.allclose(rec.h[:2], base.h[:2])


def test_bad_interventions_are_rejected_clearly():
    m = nn.GRU(2, 3)
    x = torch.randn(4, 2)
    with pytest.raises(ValueError, match="cannot intervene on 'c'"):
        cellviz.trace(m, x, interventions=[Intervention("c", 0.0)])
    with pytest.raises(ValueError, match="outside the sequence"):
        cellviz.trace(m, x, interventions=[Intervention("h", 0.0, step=4)])
    with pytest.raises(ValueError, match="units"):
        cellviz.trace(m, x, interventions=[Intervention("z", 0.0, units=(3,))])
    with pytest.raises(ValueError, match="layer 1"):
        cellviz.trace(m, x, interventions=[Intervention("z", 0.0, layer=1)])
