"""Issue 22: models written the way eight public codebases write them, saved their authors' way, loaded by the
notebook API and traced inside the whole model with the user's own loss.

Each module below is written in its codebase's style (the same layer names, save format and batch layout), not
vendored. Every trace is checked against torch (values, 1e-5 in float32) and against autograd on the *whole* model
(the loss and dL/d(rnn input), 1e-4 relative), and layer by layer against the step-by-step reference in
`reference.py` driven by the rest of the model as its loss.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save as st_save
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

import cellviz
from cellviz import CheckpointError
from reference import reference

ATOL, RTOL = 1e-5, 1e-4
MEASURED: list[dict] = []          # what _check_inside found, for reports (max |value - torch|, max relative grad error)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _rel(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def _saved(obj, path=None) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    if path is not None:
        path.write_bytes(buf.getvalue())
    return buf.getvalue()


def _check_inside(model: nn.Module, x, rnn: nn.Module, fn, *, layers: bool = True) -> cellviz.Trace:
    """trace(model, x, rnn=rnn, loss=fn) against torch and autograd on the whole model; returns the trace."""
    args = x if isinstance(x, tuple) else (x,)
    was_training = model.training
    tr = cellviz.trace(model, x, rnn=rnn, loss=fn)
    assert model.training == was_training                           # modes restored
    model.eval()
    seen = {}

    def leaf(_m, a, kw):          # the rnn's input as a leaf: dL/d(input) by autograd through the whole model
        first = a[0] if a else kw["input"]
        if isinstance(first, torch.Tensor):
            first = first.detach().requires_grad_(True)
        else:                     # a PackedSequence: its data as the leaf
            first = PackedSequence(first.data.detach().requires_grad_(True), *first[1:])
        seen["input"], seen["hx"] = first, (a[1] if len(a) > 1 else kw.get("hx"))
        return (first,) + tuple(a[1:]), kw

    def out_hook(_m, _a, out):          # copies: the model may edit them in place after
        seen["output"] = (out[0].clone() if isinstance(out[0], torch.Tensor) else out[0],)
    handles = [rnn.register_forward_pre_hook(leaf, with_kwargs=True), rnn.register_forward_hook(out_hook)]
    try:
        L = fn(model(*args))
        L.backward()
    finally:
        for h in handles:
            h.remove()
    model.train(was_training)
    assert abs(float(tr.loss) - L.item()) <= ATOL * max(1.0, abs(L.item()))
    out = seen["output"][0]
    if isinstance(out, PackedSequence):
        out = pad_packed_sequence(out, batch_first=rnn.batch_first)[0]
        grad_in = pad_packed_sequence(PackedSequence(seen["input"].data.grad, *seen["input"][1:]),
                                      batch_first=rnn.batch_first)[0]
    else:
        grad_in = seen["input"].grad
    np.testing.assert_allclose(tr.output, out.detach().numpy(), atol=ATOL)
    grad_x = tr.grad_x if tr.unbatched is False else tr.grad_x[:, 0]
    if rnn.batch_first and not tr.unbatched:
        grad_x = grad_x.transpose(1, 0, 2)
    assert _rel(grad_x, grad_in.numpy()) < RTOL
    worst = {"rnn": type(rnn).__name__, "output": float(np.abs(tr.output - out.detach().numpy()).max()),
             "loss": abs(float(tr.loss) - L.item()), "grad_x": _rel(grad_x, grad_in.numpy()), "grad_h": 0.0}
    MEASURED.append(worst)
    if layers:                    # every layer's states, gates and gradients against the reference's autograd
        def rest(o, h_n):
            handle = rnn.register_forward_hook(lambda _m, _a, _o: (o, h_n))
            try:
                return fn(model(*args))
            finally:
                handle.remove()
        model.eval()
        try:
            ref = reference(rnn, seen["input"].detach(), h0=seen["hx"], loss=rest)
        finally:
            model.train(was_training)
        for (l, d), r in ref["layers"].items():
            rec = tr.layer(l, d)
            np.testing.assert_allclose(rec.h, torch.stack(r["h"]).detach().numpy(), atol=ATOL)
            for g, vals in r["gates"].items():
                np.testing.assert_allclose(rec.gates[g], torch.stack(vals).detach().numpy(), atol=ATOL)
            assert _rel(rec.grad_h, torch.stack(r["grad_h"]).numpy()) < RTOL
            worst["grad_h"] = max(worst["grad_h"], _rel(rec.grad_h, torch.stack(r["grad_h"]).numpy()))
            if r["grad_c"] is not None:
                np.testing.assert_allclose(rec.c, torch.stack(r["c"]).detach().numpy(), atol=ATOL)
                assert _rel(rec.grad_c, torch.stack(r["grad_c"]).numpy()) < RTOL
    return tr


# --- word_language_model (pytorch/examples): encoder / rnn / decoder, tied weights, torch.save(model) -------------

class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder (word_language_model's model.py)."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ["LSTM", "GRU"]:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)


@pytest.mark.parametrize("rnn_type", ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
def test_word_language_model(rnn_type, tmp_path):
    torch.manual_seed(0)
    model = RNNModel(rnn_type, 50, 16, 16, 2, dropout=0.2, tie_weights=True)
    data = torch.randint(0, 50, (13, 4))                      # batchify: (steps, batch) token ids, time-major
    ids, targets = data[:-1], data[1:].reshape(-1)            # get_batch: the next token is the target
    hidden = model.init_hidden(4)
    for p in model.parameters():                              # a few steps of their training loop
        p.data.add_(torch.randn_like(p) * 0.1)

    with open(tmp_path / "model.pt", "wb") as f:              # their main.py: torch.save(model, f)
        torch.save(model, f)
    with pytest.raises(CheckpointError) as info:
        cellviz.load_checkpoint(tmp_path / "model.pt")
    assert "m = torch.load(path, weights_only=False)" in str(info.value).splitlines()
    assert 'torch.save(m.state_dict(), "model_state.pt")' in str(info.value).splitlines()

    torch.save(model.state_dict(), tmp_path / "model_state.pt")   # what the message says to run
    nonlinearity = "relu" if rnn_type == "RNN_RELU" else "tanh"
    rnn = cellviz.load_checkpoint(tmp_path / "model_state.pt", nonlinearity=nonlinearity)
    assert type(rnn) is type(model.rnn) and getattr(rnn, "nonlinearity", "tanh") == nonlinearity
    for k, v in model.rnn.state_dict().items():
        assert torch.equal(rnn.state_dict()[k], v)
    parts = cellviz.load_checkpoint_parts(tmp_path / "model_state.pt", nonlinearity=nonlinearity)
    assert (parts.embedding_key, parts.head_key) == ("encoder.weight", "decoder")
    assert torch.equal(parts.embedding, model.encoder.weight.detach())
    assert torch.equal(parts.head_weight, model.decoder.weight.detach()) and parts.head_bias.shape == (50,)

    with pytest.raises(ValueError, match=r"token ids\?.*embed the ids first.*rnn=model.rnn"):
        cellviz.trace(rnn, ids)
    tr = _check_inside(model, (ids, hidden), model.rnn, lambda out: F.nll_loss(out[0], targets))
    assert tr.kind == {"LSTM": "lstm", "GRU": "gru"}.get(rnn_type, "rnn") and tr.nonlinearity == nonlinearity
    assert (tr.seq_len, tr.batch_size, tr.input_size) == (12, 4, 16) and tr.rnn_path == "rnn"
    assert model.training                                     # left as it was


def test_word_language_model_relu_loaded_as_tanh_is_visibly_different():
    """The trace says how it read the module: a ReLU RNN loaded without nonlinearity='relu' traces as tanh."""
    torch.manual_seed(1)
    model = RNNModel("RNN_RELU", 20, 8, 8, 1, dropout=0.0)
    data = _saved(model.state_dict())
    x = model.encoder(torch.randint(0, 20, (10, 2))).detach()
    wrong, right = cellviz.load_checkpoint(data), cellviz.load_checkpoint(data, nonlinearity="relu")
    assert cellviz.trace(wrong, x).nonlinearity == "tanh" and cellviz.trace(right, x).nonlinearity == "relu"
    with torch.no_grad():
        np.testing.assert_allclose(cellviz.trace(right, x).output, model.rnn(x)[0].numpy(), atol=ATOL)


# --- time_sequence_prediction (pytorch/examples): two nn.LSTMCell in a loop ---------------------------------------

class Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


def test_time_sequence_prediction_two_lstm_cells():
    torch.manual_seed(0)
    seq = Sequence().double()
    T = 20
    wave = torch.sin(torch.arange(0, T + 1, dtype=torch.double)[None] / 3 + torch.arange(3, dtype=torch.double)[:, None])
    inp, target = wave[:, :-1], wave[:, 1:]                   # (batch, steps), their layout
    data = _saved(seq.state_dict())
    with pytest.raises(CheckpointError, match=r"prefix='lstm1\+lstm2' loads them as one 2-layer module") as info:
        cellviz.load_checkpoint(data)
    assert info.value.candidates == ["lstm1", "lstm1+lstm2", "lstm2"]
    with pytest.raises(TypeError, match=r"nn.LSTMCell.*module_from_cells\(lstm1, lstm2\)"):
        cellviz.trace(seq, inp, rnn=seq.lstm1)

    parts = cellviz.load_checkpoint_parts(data, prefix="lstm1+lstm2")
    stacked, head = parts.module, parts.head_key
    assert isinstance(stacked, nn.LSTM) and stacked.num_layers == 2 and head == "linear"
    x = inp.t().unsqueeze(-1)                                  # (T, B, 1) time-major for the stacked module
    criterion = nn.MSELoss()

    def loss(out, h_n):                                        # their head and criterion on the stacked output
        return criterion(F.linear(out, parts.head_weight, parts.head_bias).squeeze(-1).t(), target)
    tr = cellviz.trace(stacked, x, loss=loss)
    their = criterion(seq(inp), target)                        # their own loop, autograd on their input
    x_leaf = inp.clone().requires_grad_(True)
    criterion(seq(x_leaf), target).backward()
    assert abs(float(tr.loss) - their.item()) < 1e-12
    assert _rel(tr.grad_x[..., 0].T, x_leaf.grad.numpy()) < 1e-9
    with torch.no_grad():
        h1 = torch.zeros(3, 51, dtype=torch.double)
        c1, h2, c2 = h1.clone(), h1.clone(), h1.clone()
        for t in range(T):
            h1, c1 = seq.lstm1(inp[:, t:t + 1], (h1, c1))
            h2, c2 = seq.lstm2(h1, (h2, c2))
            np.testing.assert_allclose(tr.layer(1).h[t], h2.numpy(), atol=1e-12)
            np.testing.assert_allclose(tr.layer(0).c[t], c1.numpy(), atol=1e-12)


# --- char-RNN name classification (PyTorch tutorial): the nn.RNN version and the Linear-cell versions -------------

N_LETTERS, N_HIDDEN, N_CATEGORIES = 57, 32, 18


class CharRNN(nn.Module):
    """The current tutorial: nn.RNN, then h2o on the last hidden state, LogSoftmax."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        output = self.h2o(hidden[0])
        return self.softmax(output)


class LinearCellRNN(nn.Module):
    """The 2023 tutorial: hidden = tanh(i2h(input) + h2h(hidden)), output = h2o(hidden), one step per call."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        hidden = F.tanh(self.i2h(input) + self.h2h(hidden))
        output = self.h2o(hidden)
        return self.softmax(output), hidden


class ConcatCellRNN(nn.Module):
    """The 2017 tutorial: combined = cat(input, hidden); hidden = i2h(combined) (no nonlinearity)."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)


def _line_tensor(name: str) -> torch.Tensor:
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'"
    t = torch.zeros(len(name), 1, N_LETTERS)
    for i, ch in enumerate(name):
        t[i, 0, letters.index(ch)] = 1
    return t


def test_char_rnn_classifier_nn_rnn(tmp_path):
    torch.manual_seed(0)
    model = CharRNN(N_LETTERS, N_HIDDEN, N_CATEGORIES)
    torch.save(model.state_dict(), tmp_path / "char_rnn.pth")
    parts = cellviz.load_checkpoint_parts(tmp_path / "char_rnn.pth")
    assert parts.head_key == "h2o" and parts.embedding is None and parts.prefix == "rnn"
    x, label = _line_tensor("Schmidt"), torch.tensor([3])
    tr = _check_inside(model, x, model.rnn, lambda out: nn.NLLLoss()(out, label))
    assert tr.seq_len == 7 and tr.input_size == N_LETTERS


def test_char_rnn_classifier_linear_cells():
    torch.manual_seed(0)
    model = LinearCellRNN(N_LETTERS, N_HIDDEN, N_CATEGORIES)
    parts = cellviz.load_checkpoint_parts(_saved(model.state_dict()))
    rnn = parts.module
    assert isinstance(rnn, nn.RNN) and parts.prefix == "" and parts.head_key == "h2o"
    x, label = _line_tensor("Nguyen"), torch.tensor([5])

    def loss(out, h_n):                   # h2o + LogSoftmax on the last hidden state, as their train() does
        return nn.NLLLoss()(F.log_softmax(F.linear(h_n[0], parts.head_weight, parts.head_bias), dim=1), label)
    tr = cellviz.trace(rnn, x, loss=loss)
    x_leaf, hidden = x.clone().requires_grad_(True), torch.zeros(1, N_HIDDEN)
    for i in range(x.size(0)):            # their loop, one letter per call
        output, hidden = model(x_leaf[i], hidden)
        np.testing.assert_allclose(tr.layer(0).h[i], hidden.detach().numpy(), atol=ATOL)
    their = nn.NLLLoss()(output, label)
    their.backward()
    assert abs(float(tr.loss) - their.item()) < ATOL and _rel(tr.grad_x, x_leaf.grad.numpy()) < RTOL


def test_char_rnn_classifier_2017_concat_cell_is_explained():
    model = ConcatCellRNN(N_LETTERS, N_HIDDEN, N_CATEGORIES)
    with pytest.raises(CheckpointError, match=r"i2h.weight' \(32, 89\).*57 inputs \+ 32 hidden units.*no nonlinearity"):
        cellviz.load_checkpoint(_saved(model.state_dict()))


# --- a time-series LSTM notebook: batch_first windows ---------------------------------------------------------------

class LSTMForecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=50, num_layers=1, batch_first=True)
        self.linear = nn.Linear(50, 1)

    def forward(self, x):
        x, _ = self.lstm(x)
        x = self.linear(x)
        return x


def test_time_series_lstm_batch_first(tmp_path):
    torch.manual_seed(0)
    model = LSTMForecaster()
    series = torch.sin(torch.arange(97, dtype=torch.float32) / 5)
    X = torch.stack([series[i:i + 4] for i in range(93)]).unsqueeze(-1)     # 93 windows of 4 steps: (93, 4, 1)
    y = torch.stack([series[i + 1:i + 5] for i in range(93)]).unsqueeze(-1)
    torch.save(model.state_dict(), tmp_path / "lstm.pth")
    lstm = cellviz.load_checkpoint(tmp_path / "lstm.pth", batch_first=True)
    assert lstm.batch_first
    tr = _check_inside(model, X, model.lstm, lambda out: nn.MSELoss()(out, y))
    assert (tr.seq_len, tr.batch_size, tr.batch_first) == (4, 93, True)
    misread = cellviz.trace(cellviz.load_checkpoint(tmp_path / "lstm.pth"), X)     # the default reads time first
    assert (misread.seq_len, misread.batch_size, misread.batch_first) == (93, 4, False)
    assert cellviz.load_checkpoint_parts(tmp_path / "lstm.pth", batch_first=True).head_key == "linear"


# --- an nn.LSTM(proj_size=...) project --------------------------------------------------------------------------------

class ProjectedLSTM(nn.Module):
    def __init__(self, n_features=6, hidden=24, proj=8, n_out=3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, num_layers=2, proj_size=proj, batch_first=True)
        self.fc = nn.Linear(proj, n_out)

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(x)
        return self.fc(out[:, -1])


def test_projected_lstm(tmp_path):
    torch.manual_seed(0)
    model = ProjectedLSTM()
    st = {k: v.contiguous() for k, v in model.state_dict().items()}
    (tmp_path / "proj.safetensors").write_bytes(st_save(st))
    parts = cellviz.load_checkpoint_parts(tmp_path / "proj.safetensors", batch_first=True)
    assert parts.module.proj_size == 8 and parts.module.hidden_size == 24 and parts.head_key == "fc"
    x, label = torch.randn(5, 11, 6), torch.tensor([0, 2, 1, 1, 0])
    tr = _check_inside(model, x, model.lstm, lambda out: F.cross_entropy(out, label))
    rec = tr.layer(1)
    assert rec.h.shape == (11, 5, 8) and rec.c.shape == (11, 5, 24) and tr.proj_size == 8
    loaded = cellviz.trace(parts.module, x, loss=lambda o, h: F.cross_entropy(F.linear(o[:, -1], parts.head_weight,
                                                                                           parts.head_bias), label))
    np.testing.assert_allclose(loaded.layer(1).grad_h, rec.grad_h, rtol=0, atol=1e-6)


# --- a bidirectional GRU tagger, batch_first, saved in a checkpoint dict -----------------------------------------

class BiGRUTagger(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, tagset_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.gru = nn.GRU(embedding_dim, hidden_dim, num_layers=2, bidirectional=True, batch_first=True)
        self.hidden2tag = nn.Linear(hidden_dim * 2, tagset_size)

    def forward(self, sentences):
        embeds = self.embedding(sentences)
        gru_out, _ = self.gru(embeds)
        return self.hidden2tag(gru_out)


def test_bigru_tagger(tmp_path):
    torch.manual_seed(0)
    model = BiGRUTagger(40, 12, 10, 6)
    optimizer = torch.optim.Adam(model.parameters())
    sentences, tags = torch.randint(1, 40, (3, 9)), torch.randint(0, 6, (3, 9))
    criterion = nn.CrossEntropyLoss()
    optimizer.zero_grad()
    criterion(model(sentences).view(-1, 6), tags.view(-1)).backward()
    optimizer.step()
    torch.save({"epoch": 1, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
                "loss": 1.5}, tmp_path / "tagger.pt")
    parts = cellviz.load_checkpoint_parts(tmp_path / "tagger.pt", batch_first=True)
    assert parts.prefix == "model_state_dict.gru" and parts.module.bidirectional and parts.module.batch_first
    assert (parts.embedding_key, parts.head_key) == ("model_state_dict.embedding.weight", "model_state_dict.hidden2tag")
    tr = _check_inside(model, sentences, model.gru, lambda out: criterion(out.view(-1, 6), tags.view(-1)))
    assert (tr.seq_len, tr.batch_size, tr.num_directions, tr.num_layers) == (9, 3, 2, 2)


# --- the BiRNN tutorial (pytorch-tutorial): batch_first bidirectional LSTM, saved as model.ckpt -------------------

class BiRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size)
        c0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


def test_birnn_tutorial_model_ckpt(tmp_path):
    torch.manual_seed(0)
    model = BiRNN(28, 16, 2, 10)
    torch.save(model.state_dict(), tmp_path / "model.ckpt")
    lstm = cellviz.load_checkpoint(tmp_path / "model.ckpt", batch_first=True)
    assert lstm.bidirectional and lstm.num_layers == 2
    images, labels = torch.rand(4, 28, 28), torch.tensor([1, 7, 3, 0])       # images.reshape(-1, 28, 28)
    tr = _check_inside(model, images, model.lstm, lambda out: nn.CrossEntropyLoss()(out, labels))
    assert (tr.seq_len, tr.batch_size) == (28, 4)


# --- the chatbot tutorial: encoder-decoder, {'en': ..., 'de': ..., 'en_opt': ..., 'voc_dict': ...} -------------

class EncoderRNN(nn.Module):
    def __init__(self, hidden_size, embedding, n_layers=1, dropout=0):
        super().__init__()
        self.n_layers = n_layers
        self.hidden_size = hidden_size
        self.embedding = embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=(0 if n_layers == 1 else dropout),
                          bidirectional=True)

    def forward(self, input_seq, input_lengths, hidden=None):
        embedded = self.embedding(input_seq)
        packed = pack_padded_sequence(embedded, input_lengths)
        outputs, hidden = self.gru(packed, hidden)
        outputs, _ = pad_packed_sequence(outputs)
        outputs = outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:]
        return outputs, hidden


class LuongAttnDecoderRNN(nn.Module):
    def __init__(self, embedding, hidden_size, output_size, n_layers=1, dropout=0.1):
        super().__init__()
        self.embedding = embedding
        self.embedding_dropout = nn.Dropout(dropout)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=(0 if n_layers == 1 else dropout))
        self.concat = nn.Linear(hidden_size * 2, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)


def test_chatbot_encoder_decoder_checkpoint(tmp_path):
    torch.manual_seed(0)
    hidden, voc_words = 12, 30
    embedding = nn.Embedding(voc_words, hidden)
    encoder, decoder = EncoderRNN(hidden, embedding, 2, 0.1), LuongAttnDecoderRNN(embedding, hidden, voc_words, 2)
    encoder_optimizer = torch.optim.Adam(encoder.parameters())
    voc = {"name": "cornell movie-dialogs corpus", "trimmed": False, "word2index": {"hello": 3},
           "word2count": {"hello": 1}, "index2word": {0: "PAD", 1: "SOS", 2: "EOS", 3: "hello"}, "num_words": 4}
    torch.save({"iteration": 4000, "en": encoder.state_dict(), "de": decoder.state_dict(),
                "en_opt": encoder_optimizer.state_dict(), "de_opt": {}, "loss": 2.5, "voc_dict": voc,
                "embedding": embedding.state_dict()}, tmp_path / "4000_checkpoint.tar")
    path = tmp_path / "4000_checkpoint.tar"
    assert cellviz.recurrent_candidates(path) == ["de.gru", "en.gru"]
    with pytest.raises(CheckpointError, match=r"'gru' matches 2") as info:
        cellviz.load_checkpoint(path, prefix="gru")
    assert info.value.candidates == ["de.gru", "en.gru"]
    for prefix in ("en", "en.gru"):
        gru = cellviz.load_checkpoint(path, prefix=prefix)
        assert gru.bidirectional and gru.num_layers == 2
    parts = cellviz.load_checkpoint_parts(path, prefix="de")
    assert parts.embedding_key == "de.embedding.weight" and parts.head_key == "de.out"
    assert cellviz.load_checkpoint_parts(path, prefix="en").embedding_key == "en.embedding.weight"

    # evaluate()'s batch of one sentence: a PackedSequence of one length is traced exactly
    input_seq, lengths = torch.tensor([[5], [9], [3], [2]]), torch.tensor([4])
    tr = _check_inside(encoder, (input_seq, lengths), encoder.gru,
                       lambda out: (out[0] ** 2).sum() + out[1][-1].sum(), layers=False)
    assert (tr.seq_len, tr.batch_size, tr.num_directions) == (4, 1, 2)
    batch = torch.tensor([[5, 7], [9, 8], [3, 2], [2, 0]])          # two sentences, lengths 4 and 3
    with pytest.raises(ValueError, match=r"PackedSequence of sequences of different lengths \(4, 3\).*one sequence"):
        cellviz.trace(encoder, (batch, torch.tensor([4, 3])), rnn=encoder.gru)
    packed = pack_padded_sequence(embedding(batch).detach(), torch.tensor([4, 3]))
    with pytest.raises(ValueError, match=r"x is a PackedSequence. Pad it.*pad_packed_sequence"):
        cellviz.trace(encoder.gru, packed)


# --- what trace(model, x, rnn=...) refuses ---------------------------------------------------------------------------

def test_inside_refusals():
    model = RNNModel("GRU", 10, 4, 4, 1, dropout=0.0)
    ids = torch.randint(0, 10, (5, 2))
    with pytest.raises(ValueError, match="not inside it"):
        cellviz.trace(model, (ids, model.init_hidden(2)), rnn=nn.GRU(4, 4))
    with pytest.raises(ValueError, match="leave h0 out"):
        cellviz.trace(model, (ids, model.init_hidden(2)), h0=torch.zeros(1, 2, 4), rnn=model.rnn)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(3, 3)

        def forward(self, x):
            return self.rnn(self.rnn(x)[0])[0]
    twice = Twice()
    with pytest.raises(ValueError, match=r"ran 'rnn' 2 times"):
        cellviz.trace(twice, torch.randn(4, 3), rnn=twice.rnn)
    with pytest.raises(ValueError, match="scalar tensor"):
        cellviz.trace(model, (ids, model.init_hidden(2)), rnn=model.rnn, loss=lambda out: out[0])


# --- how pages show them: unbounded h (ReLU, projections) not clipped to tanh's -1..1; no crash with P units ------

def _relu_and_projected_traces():
    torch.manual_seed(0)
    relu = nn.RNN(3, 6, nonlinearity="relu")
    with torch.no_grad():
        relu.weight_hh_l0.mul_(3)
    proj = nn.LSTM(3, 6, 2, proj_size=2)
    with torch.no_grad():
        proj.weight_hr_l0.mul_(20)
    return cellviz.trace(relu, torch.randn(12, 3) * 3), cellviz.trace(proj, torch.randn(12, 3))


def test_unbounded_h_is_drawn_on_its_own_scale_and_pages_build():
    from cellviz.export import trace_to_html
    from cellviz.player import panels
    from cellviz.plots import over_time, style
    for tr in _relu_and_projected_traces():
        h = tr.layer(0).h[:, 0]
        m = float(np.abs(h).max())
        assert m > 1.5                                         # values a -1..1 scale would clip
        assert style.coloraxes({"h": h})["coloraxis2"]["cmax"] == pytest.approx(m)
        diagram = panels.cell_diagram(tr, 0, 0, [str(k) for k in range(tr.seq_len)], None)["figure"]["layout"]
        assert diagram["coloraxis2"]["cmax"] >= m - 1e-6 and "±" in diagram["coloraxis2"]["colorbar"]["title"]["text"]
        fig = over_time.heatmaps_over_time({"h": h}, None, [0])
        assert fig.layout.coloraxis2.cmax == pytest.approx(m)
        assert len(trace_to_html(tr, units=[1, 5])) > 10_000   # unit 5 exists in c and the gates, not in h (P = 2)
    assert style.coloraxes({"h": np.tanh(np.linspace(-3, 3, 20))})["coloraxis2"]["cmax"] == 1.0   # tanh stays -1..1


def test_unit_traces_skip_units_past_a_projected_h():
    from cellviz.plots import over_time
    tr = _relu_and_projected_traces()[1]
    rec = tr.layer(0)
    fig = over_time.unit_traces({"f": rec.gates["f"][:, 0], "c": rec.c[:, 0], "h": rec.h[:, 0]}, [1, 5], 3)
    assert len(fig.data) == 2 + 2 + 1                       # unit 5 in f and c; h has 2 units


def test_intervention_traces_skip_units_past_a_projected_h():
    from cellviz.plots import training
    rec = _relu_and_projected_traces()[1].layer(0)
    series = {"c": rec.c[:, 0], "h": rec.h[:, 0]}
    fig = training.intervention_traces(series, series, [1, 5])
    assert len(fig.data) == 2 * (2 + 1)


def test_the_shapes_page_shows_a_projected_lstm_as_torch_returns_it():
    from cellviz.ui.views import explain
    module, x = nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=2), torch.randn(7, 1, 3)
    out, (h_n, c_n) = module(x)
    shown = explain.shapes(cellviz.trace(module, x))
    assert (shown["output"], shown["h_n"], shown["c_n"]) == (tuple(out.shape), tuple(h_n.shape), tuple(c_n.shape))


def test_intervened_forward_of_a_projected_lstm_matches_the_trace():
    from cellviz.intervene import Intervened
    torch.manual_seed(0)
    m = nn.LSTM(3, 6, num_layers=2, proj_size=2).eval()
    x, edits = torch.randn(9, 3), [cellviz.Intervention("f", 1.0, step=4), cellviz.Intervention("h", 0.0, step=2, units=(1,))]
    out, (h_n, c_n) = Intervened(m, edits)(x)
    tr = cellviz.trace(m, x, interventions=edits)
    np.testing.assert_allclose(out.numpy(), tr.output, atol=1e-6)
    np.testing.assert_allclose(c_n.numpy(), tr.c_n, atol=1e-6)


def test_inside_a_model_at_one_step_and_under_interventions():
    """at_step and interventions work inside a whole model: the head reads the engine's (intervened) output."""
    from cellviz.intervene import Intervened
    torch.manual_seed(3)
    model = LSTMForecaster().eval()
    X, y = torch.randn(6, 10, 1), torch.randn(6, 10, 1)
    fn = lambda out: ((out - y) ** 2).mean()                   # noqa: E731 — a loss term at every step
    tr = cellviz.trace(model, X, rnn=model.lstm, loss=fn, at_step=4)
    assert tr.at_step == 4 and np.all(tr.input_sensitivity[5:] == 0) and np.all(tr.input_sensitivity[:5] > 0)
    model = RNNModel("LSTM", 30, 8, 8, 2, dropout=0.0)        # Intervened reads time-major input, as this model does
    ids, targets, hidden = torch.randint(0, 30, (9, 2)), torch.randint(0, 30, (18,)), model.init_hidden(2)
    nll = lambda out: F.nll_loss(out[0], targets)             # noqa: E731
    edits = [cellviz.Intervention("f", 0.0, step=3), cellviz.Intervention("h", 0.0, step=6, units=(0, 1), layer=1)]
    tr = cellviz.trace(model, (ids, hidden), rnn=model.rnn, loss=nll, interventions=edits)
    rnn = model.rnn
    model.rnn = Intervened(rnn, edits)                        # the same edits in torch, by the module cellviz ships
    try:
        with torch.no_grad():
            want = nll(model(ids, hidden))
    finally:
        model.rnn = rnn
    plain = cellviz.trace(model, (ids, hidden), rnn=model.rnn, loss=nll)
    assert abs(float(tr.loss) - want.item()) < 1e-6 and abs(float(plain.loss) - want.item()) > 1e-4


def test_inside_a_model_that_edits_the_rnn_output_in_place():
    class InPlace(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(3, 4)
            self.fc = nn.Linear(4, 1)

        def forward(self, x):
            out, h = self.gru(x)
            out[-1] += h[-1]                                   # in place, on what the GRU returned
            h.mul_(2)
            return self.fc(out).sum() + h.sum()
    torch.manual_seed(0)
    model = InPlace()
    _check_inside(model, torch.randn(6, 2, 3), model.gru, lambda out: out, layers=False)


def test_packed_batch_first_equal_lengths_unsorted():
    """A tagger packing a batch_first batch (enforce_sorted=False) and reading .data: rows keep torch's order."""
    class PackedTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(20, 5)
            self.gru = nn.GRU(5, 4, batch_first=True, bidirectional=True)
            self.out = nn.Linear(8, 3)

        def forward(self, ids, lengths):
            packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
            out, _ = self.gru(packed)
            return self.out(out.data)                        # the packed rows, in the packing's order
    torch.manual_seed(0)
    model = PackedTagger()
    ids, lengths = torch.randint(0, 20, (3, 6)), torch.tensor([6, 6, 6])
    weights = torch.randn(18, 3)
    tr = _check_inside(model, (ids, lengths), model.gru, lambda out: (out * weights).sum(), layers=False)
    assert (tr.seq_len, tr.batch_size, tr.batch_first) == (6, 3, True)
