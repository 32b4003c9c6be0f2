"""Issue 22, the app's path for every row of its table: each codebase's model (written in tests/test_real_models.py
in that codebase's style), saved its authors' way, uploaded as a visitor would. The page must draw the upload,
say how its input was read with the module's real input width, and trace the same module the notebook API loads."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from torch import nn

import cellviz
from app_driver import assert_clean, charts, open_page, shown
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


# --- a real loss on the target the user types (issue 22 §3: "or on the target the user gives") -------------
def _target_page(at, target: str, clean: bool = True):
    at.text_input(key="upload_target").set_value(target).run()
    if clean:
        assert_clean(at)
    return at


def _said(at) -> str:
    return " ".join(shown(c.value) for c in [*at.caption, *at.markdown])


def _subject(data: bytes, name: str, **input_kw):
    from cellviz.ui import uploads
    source = uploads.UploadSource(uploads.hold(data), name, input=uploads.UploadInput(**input_kw))
    return uploads.upload_subject(source, data), uploads.upload_args(source, data)


def test_a_classifiers_upload_takes_the_class_the_user_gives_and_its_real_cross_entropy():
    """char-RNN name classification: one-hot letters into nn.RNN, h2o on the last state, 18 classes. The user
    types class 3: L is the cross-entropy of the whole model (its LogSoftmax + NLL), and dL/dx is autograd's."""
    from cellviz.i18n import t
    torch.manual_seed(0)
    model = CharRNN(57, 32, 18)
    data = _bytes(model.state_dict())
    at = _upload(open_page("gradients"), "char-rnn.pth", data)
    at.radio(key="upload_source").set_value("onehot").run()
    at.number_input(key="upload_length").set_value(7).run()
    assert t("loss.sum") in _said(at)                       # no target yet: no real loss, and the page says so
    _target_page(at, "3")
    said = _said(at)
    assert t("upload.loss", loss=t("loss.last_ce")) in said and "likeliest classes" in said, said
    assert t("loss.last_ce") in " ".join(str(c.proto) for c in at.get("bidi_component"))     # on the axes
    assert t("loss.upload.long", loss=t("loss.last_ce")) in said                          # the reading rule
    subject, args = _subject(data, "char-rnn.pth", kind="onehot", length=7, target="3")
    x = torch.tensor(args.x).unsqueeze(1).requires_grad_(True)
    expected = nn.functional.nll_loss(model(x), torch.tensor([3]))
    expected.backward()
    assert subject.loss == "last_ce"
    assert abs(float(subject.trace.loss) - float(expected)) < 1e-5
    assert np.abs(np.asarray(subject.trace.grad_x).reshape(7, 57) - x.grad[:, 0].numpy()).max() < 1e-5


def test_a_taggers_upload_takes_one_tag_per_token():
    """BiGRU tagger (embedding, 2-layer bidirectional GRU, hidden2tag over 6 tags): tokens and one tag per token
    give the mean cross-entropy over the steps, as its training loop computes it."""
    from cellviz.i18n import t
    torch.manual_seed(0)
    model = BiGRUTagger(50, 10, 12, 6)
    data = _bytes({"epoch": 3, "model_state_dict": model.state_dict()})
    at = _upload(open_page("gradients"), "tagger.pt", data)
    at.text_area(key="upload_tokens").set_value("4 8 15 16 23").run()
    _target_page(at, "1 0 5 2 2")
    assert t("upload.loss", loss=t("loss.steps_ce")) in _said(at)
    subject, _ = _subject(data, "tagger.pt", kind="tokens", numbers="4 8 15 16 23", target="1 0 5 2 2")
    ids = torch.tensor([[4, 8, 15, 16, 23]])
    expected = nn.functional.cross_entropy(model(ids).view(-1, 6), torch.tensor([1, 0, 5, 2, 2]))
    assert subject.loss == "steps_ce" and abs(float(subject.trace.loss) - float(expected)) < 1e-5
    _target_page(at, "1 0 9", clean=False)                 # neither one tag nor one per token
    assert not at.exception and "one (for after the last step) or 5" in shown(at.error[0].value)
    _target_page(at, "9", clean=False)                     # no such tag
    assert not at.exception and "not a class of the head (0 to 5)" in shown(at.error[0].value)


def test_a_forecasters_upload_takes_the_values_the_user_gives_and_its_squared_error():
    """Time-series LSTM with a one-output Linear head: typed numbers, one target value per step, squared error."""
    from cellviz.i18n import t
    torch.manual_seed(0)
    model = LSTMForecaster()
    data = _bytes(model.state_dict())
    at = _upload(open_page("gradients"), "lstm.pth", data)
    at.radio(key="upload_source").set_value("typed").run()
    at.text_area(key="upload_numbers").set_value("0.1, 0.4, 0.2, -0.3").run()
    _target_page(at, "0.4 0.2 -0.3 -0.5")
    assert t("upload.loss", loss=t("loss.steps_mse")) in _said(at) and "head's output after the last step" in _said(at)
    subject, _ = _subject(data, "lstm.pth", kind="typed", numbers="0.1, 0.4, 0.2, -0.3", target="0.4 0.2 -0.3 -0.5")
    series = torch.tensor([[[0.1], [0.4], [0.2], [-0.3]]])                  # (B, T, 1), batch_first as they train
    expected = nn.functional.mse_loss(model(series)[0, :, 0], torch.tensor([0.4, 0.2, -0.3, -0.5]))
    assert subject.loss == "steps_mse" and abs(float(subject.trace.loss) - float(expected)) < 1e-5
    _target_page(at, "0.4 0.2 -0.3 soon", clean=False)
    assert not at.exception and "“soon” is not a number" in shown(at.error[0].value)
    _target_page(at, "-0.5")                                 # one value: the forecast after the last step
    subject, _ = _subject(data, "lstm.pth", kind="typed", numbers="0.1, 0.4, 0.2, -0.3", target="-0.5")
    expected = (model(series)[0, -1, 0] - (-0.5)) ** 2
    assert subject.loss == "last_mse" and abs(float(subject.trace.loss) - float(expected)) < 1e-5


def test_parse_target_reads_classes_names_and_values():
    from cellviz.ui.uploads import parse_target
    target, kind = parse_target("2", 5, 4)
    assert kind == "last_ce" and target.tolist() == [2]
    target, kind = parse_target("0, 1 4 4", 5, 4)
    assert kind == "steps_ce" and target.tolist() == [0, 1, 4, 4]
    target, kind = parse_target("b a", 3, 2, names=["a", "b", "c"])
    assert kind == "steps_ce" and target.tolist() == [1, 0]
    target, kind = parse_target("1.5 -2", 1, 2)
    assert kind == "steps_mse" and target.tolist() == [1.5, -2.0]
    assert parse_target("7", 1, 1)[1] == "last_mse"
    for bad, outputs in (("5", 5), ("-1", 5), ("x", 5), ("1 2", 5), ("nan", 1), ("1e999", 1)):
        with pytest.raises(ValueError):
            parse_target(bad, outputs, 3)
