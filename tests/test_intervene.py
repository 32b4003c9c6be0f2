"""Interventions on whole models: the forward-only wrapper matches the trace, explorer choices, predictions."""
import numpy as np
import pytest
import torch
from torch import nn

import cellviz
from cellviz import intervene, zoo


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_wrapper_matches_the_trace(cls):
    torch.manual_seed(0)
    m = cls(3, 5, num_layers=2, bidirectional=True)
    x = torch.randn(7, 3)
    edits = intervene.build("state", cell=cellviz.trace(m, x).kind, step=2, seq_len=7, value=0.5, units=(1, 3),
                            rest=True, layer=0, direction=1) + [cellviz.Intervention("h", 0.0, units=(0,), layer=1)]
    out, h_n = intervene.Intervened(m, edits)(x)
    tr = cellviz.trace(m, x, interventions=edits)
    np.testing.assert_allclose(out.numpy(), tr.output, atol=1e-6)
    np.testing.assert_allclose((h_n[0] if isinstance(h_n, tuple) else h_n).numpy(), tr.h_n, atol=1e-6)
    plain, _ = intervene.Intervened(m, [])(x)
    np.testing.assert_allclose(plain.detach().numpy(), m(x)[0].detach().numpy(), atol=1e-6)


def test_build_covers_every_kind():
    assert intervene.kinds_for("rnn") == ["state", "ablate"] and "freeze" in intervene.kinds_for("lstm")
    freeze = intervene.build("freeze", cell="lstm", step=3, seq_len=6, rest=True)
    assert {(e.target, e.value, e.step) for e in freeze} == {(g, v, s) for s in (3, 4, 5) for g, v in (("f", 1.0),
                                                                                                      ("i", 0.0))}
    back = intervene.build("gate", cell="gru", step=2, seq_len=6, target="z", value=1.0, rest=True, direction=1)
    assert [e.step for e in back] == [2, 1, 0]
    assert intervene.build("ablate", cell="rnn", step=0, seq_len=4, units=(2,))[0].step is None
    with pytest.raises(ValueError, match="no gate"):
        intervene.build("gate", cell="gru", step=0, seq_len=3, target="f")
    with pytest.raises(ValueError, match="outside"):
        intervene.build("state", cell="gru", step=3, seq_len=3)


def test_prediction_under_intervention():
    model = zoo.load("lag-lstm")
    ex = model.task.sample(0)
    assert intervene.predict(model, ex, []) == model.predict(ex)
    T = len(ex.tokens)
    cut = intervene.predict(model, ex, intervene.build("ablate", cell="lstm", step=0, seq_len=T))
    assert cut != model.predict(ex)
    assert model.rnn.__class__ is nn.LSTM        # the model itself is untouched
    assert intervene.predict(zoo.load("translate-gru"), zoo.load("translate-gru").task.sample(0), [], "decoder") is None
    kind, values = intervene.prediction(model, ex, intervene.build("ablate", cell="lstm", step=0, seq_len=T))
    assert model.task.predictions[kind].format(**values) == cut      # the same answer, as (kind, values)
    assert intervene.prediction(model, ex, []) == model.prediction(ex)
