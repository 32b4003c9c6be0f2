"""Issue 22, the app's path for every row of its table: each codebase's model (written in tests/test_real_models.py
in that codebase's style), saved its authors' way, uploaded as a visitor would. The page must draw the upload,
say how its input was read with the module's real input width, and trace the same module the notebook API loads."""
from __future__ import annotations

import io

import pytest
import torch
from torch import nn

import cellviz
from app_driver import assert_clean, charts, open_page
from test_app_inputs import _upload
from test_real_models import (BiGRUTagger, BiRNN, CharRNN, EncoderRNN, LSTMForecaster, LuongAttnDecoderRNN, ProjectedLSTM,
                              RNNModel, Sequence)


def _bytes(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _chatbot() -> dict:
    emb = nn.Embedding(30, 12)
    return {"iteration": 4000, "en": EncoderRNN(12, emb, 2, 0.1).state_dict(),
            "de": LuongAttnDecoderRNN(emb, 12, 30, 2).state_dict(), "en_opt": {}, "de_opt": {}, "loss": 2.5,
            "voc_dict": {"num_words": 4}, "embedding": emb.state_dict()}


# (file name, the saved object, prefix to pick or None, the recurrent input width the page must say)
ROWS = {
    "word_language_model LSTM": ("model.pt", lambda: RNNModel("LSTM", 40, 16, 16, 2, tie_weights=True).state_dict(),
                                 None, 16),
    "word_language_model RNN_RELU": ("model.pt", lambda: RNNModel("RNN_RELU", 40, 16, 20, 2).state_dict(), None, 16),
    "time_sequence_prediction (two LSTMCells)": ("traindata.pt", lambda: Sequence().state_dict(), "lstm1+lstm2", 1),
    "char-RNN name classifier": ("char-rnn.pth", lambda: CharRNN(57, 32, 18).state_dict(), None, 57),
    "time-series LSTM, batch_first": ("lstm.pth", lambda: LSTMForecaster().state_dict(), None, 1),
    "proj_size LSTM": ("proj.pt", lambda: ProjectedLSTM().state_dict(), None, 6),
    "BiGRU tagger in a checkpoint dict": ("tagger.pt", lambda: {"epoch": 3, "model_state_dict":
                                          BiGRUTagger(50, 10, 12, 5).state_dict()}, None, 10),
    "BiRNN tutorial, model.ckpt": ("model.ckpt", lambda: BiRNN(28, 16, 2, 10).state_dict(), None, 28),
    "chatbot encoder-decoder checkpoint": ("4000_checkpoint.tar", _chatbot, "en.gru", 12),
}


@pytest.mark.parametrize("row", list(ROWS))
def test_each_codebases_checkpoint_draws_through_the_upload(row):
    torch.manual_seed(0)
    name, make, prefix, width = ROWS[row]
    data = _bytes(make())
    at = _upload(open_page("cell"), name, data)
    if prefix is not None:                       # several recurrent modules: the page lists them to pick
        at.selectbox(key="upload_pick").set_value(prefix).run()
    assert_clean(at)
    assert charts(at), row
    said = " ".join(c.value for c in at.caption)
    assert f"× {width} features" in said, said
    module = cellviz.load_checkpoint(io.BytesIO(data), prefix=prefix)      # what the notebook API loads
    assert module.input_size == width
    assert ("nonlinearity" in said) == isinstance(module, nn.RNN), said      # asked only of a vanilla RNN
