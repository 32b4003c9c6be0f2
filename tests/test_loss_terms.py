"""cellviz.loss_terms.by_step: every step's loss term at once equals `trace(at_step=t)` one step at a time."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn

import cellviz
from cellviz import loss_terms

MODULES = [nn.LSTM, nn.GRU, nn.RNN]
CONFIGS = list(itertools.product(MODULES, [1, 2], [False, True], [False, True]))   # layers, bidir, batch_first


def _norms(tr) -> tuple[np.ndarray, dict]:
    sens = np.linalg.norm(tr.grad_x[:, 0].astype(np.float64), axis=-1)
    grad_h = {(l, d): np.linalg.norm(tr.layer(l, d).grad_h[:, 0].astype(np.float64), axis=-1)
              for l in range(tr.num_layers) for d in range(tr.num_directions)}
    return sens, grad_h


def _check(m, x, h0=None, loss=None):
    terms = loss_terms.by_step(m, x, h0, loss)
    T = terms.input_sensitivity.shape[0]
    assert terms.input_sensitivity.shape == (T, T)
    for step in range(T):
        sens, grad_h = _norms(cellviz.trace(m, x, h0=h0, loss=loss, at_step=step))
        np.testing.assert_allclose(terms.input_sensitivity[step], sens, rtol=1e-4, atol=1e-9)
        assert set(terms.grad_h) == set(grad_h)
        for key, want in grad_h.items():
            np.testing.assert_allclose(terms.grad_h[key][step], want, rtol=1e-4, atol=1e-9)
    return terms


@pytest.mark.parametrize("cls,layers,bidir,batch_first", CONFIGS)
def test_every_step_equals_trace_at_that_step(cls, layers, bidir, batch_first):
    torch.manual_seed(0)
    m = cls(3, 5, num_layers=layers, bidirectional=bidir, batch_first=batch_first)
    head = nn.Linear(5 * (2 if bidir else 1), 4)
    target = torch.randint(0, 4, (7,))

    def loss(output, h_n):                     # mean cross-entropy over steps, as the zoo's N->N models
        out = output.reshape(7, -1)
        return nn.functional.cross_entropy(head(out), target)
    x = torch.randn(1, 7, 3) if batch_first else torch.randn(7, 1, 3)
    terms = _check(m, x, loss=loss)
    if not bidir:                              # a term at step t reads nothing after t (forward direction)
        assert not np.any(np.triu(terms.input_sensitivity, k=1))


@pytest.mark.parametrize("cls", MODULES)
def test_unbatched_with_initial_state_and_default_loss(cls):
    torch.manual_seed(1)
    m = cls(2, 4, num_layers=2)
    h = torch.randn(2, 4)
    h0 = (h, torch.randn(2, 4)) if cls is nn.LSTM else h
    _check(m, torch.randn(6, 2), h0=h0)                           # default loss: sum of the last output
    _check(m, torch.randn(6, 2), h0=h0, loss=lambda out, h_n: out.sum() + h_n[0].sum() if isinstance(h_n, tuple)
           else out.sum() + h_n.sum())                            # h_n is ignored, as at_step does


def test_chunks_give_the_same_numbers(monkeypatch):
    torch.manual_seed(2)
    m, x = nn.GRU(3, 6), torch.randn(9, 3)
    whole = loss_terms.by_step(m, x, loss=lambda out, h_n: (out ** 2).sum())
    monkeypatch.setattr(loss_terms, "BUDGET_BYTES", 1)             # one copy a pass
    chunked = loss_terms.by_step(m, x, loss=lambda out, h_n: (out ** 2).sum())
    np.testing.assert_allclose(chunked.input_sensitivity, whole.input_sensitivity, rtol=1e-6)
    np.testing.assert_allclose(chunked.grad_h[(0, 0)], whole.grad_h[(0, 0)], rtol=1e-6)


def test_refuses_a_batch_of_several():
    with pytest.raises(ValueError, match="one sequence"):
        loss_terms.by_step(nn.RNN(2, 3), torch.randn(5, 2, 2))
    assert loss_terms.cost(80, 64) == 80 * 80 * 64
