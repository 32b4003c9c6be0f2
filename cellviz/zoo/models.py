"""Zoo models: a recurrent module (nn.RNN / LSTM / GRU) between a task's input encoding and a linear head.

Three shapes cover every task: `Classifier` (N->1, reads the final state of each direction),
`Tagger` (N->N and 1->N, a head on every step) and `Seq2Seq` (N->M, separate encoder and decoder).
Every model offers what the explorer needs: `recurrent`, `parts()`, `trace_args(ex, part)`,
`evaluate()` and `predict(ex)`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .tasks.base import IGNORE, Batch, Example, Task

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


@dataclass
class ModelConfig:
    cell: str = "lstm"            # "rnn" | "lstm" | "gru"
    hidden: int = 32
    layers: int = 1
    bidirectional: bool = False
    embed: int = 0                # embedding size for tasks whose inputs are embedded token ids

    def to_dict(self) -> dict:
        return asdict(self)


def run(rnn: nn.Module, x: torch.Tensor, lengths: torch.Tensor | None = None, h0=None):
    """rnn(x, h0) on time-major x, packing when the batch holds sequences of different lengths."""
    if lengths is None:
        return rnn(x, h0)
    packed = pack_padded_sequence(x, lengths.cpu(), enforce_sorted=False)
    out, h_n = rnn(packed, h0)
    out, _ = pad_packed_sequence(out, total_length=x.shape[0])
    return out, h_n


def hidden_of(h_n):
    """The hidden part of a final state (an LSTM returns (h, c))."""
    return h_n[0] if isinstance(h_n, tuple) else h_n


class ZooModel(nn.Module):
    """Common parts: input encoding, naming, evaluation and prediction delegated to the task."""

    io_shapes: tuple[str, ...] = ()

    def __init__(self, task: Task, cfg: ModelConfig):
        super().__init__()
        self.task, self.cfg = task, cfg
        self.name: str = ""
        self.card: dict = {}
        if task.encoding == "embed":
            self.embedding = nn.Embedding(task.in_features, cfg.embed)
        self.input_size = cfg.embed if task.encoding == "embed" else task.in_features

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Token ids (T[, B]) or floats (T[, B], F) -> the recurrent module's input (T[, B], I)."""
        if self.task.encoding == "embed":
            return self.embedding(x)
        if self.task.encoding == "onehot":
            return F.one_hot(x, self.task.in_features).float()
        return x.float()

    def parts(self) -> list[str]:
        return ["recurrent"]

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """The card's metrics recomputed on the task's fixed held-out data."""
        self.eval()
        return self.task.metrics(self)

    @torch.no_grad()
    def predict(self, ex: Example) -> str:
        self.eval()
        return self.task.predict(self, ex)

    @torch.no_grad()
    def prediction(self, ex: Example) -> tuple[str, dict]:
        """`predict` as (kind, values) (`Task.prediction`), for a caller that words it in another language."""
        self.eval()
        return self.task.prediction(self, ex)

    def x_tensor(self, ex: Example) -> torch.Tensor:
        dtype = torch.float32 if self.task.encoding == "float" else torch.long
        return torch.as_tensor(ex.x_raw, dtype=dtype)

    def count_params(self) -> int:
        return sum(p.numel() for p in self.parameters())


class _RecurrentWithHead(ZooModel):
    """One recurrent module (`rnn`) and a linear `head` on its top layer (both directions concatenated)."""

    def __init__(self, task: Task, cfg: ModelConfig):
        super().__init__(task, cfg)
        self.rnn = CELLS[cfg.cell](self.input_size, cfg.hidden, num_layers=cfg.layers,
                                   bidirectional=cfg.bidirectional)
        self.head = nn.Linear(cfg.hidden * (2 if cfg.bidirectional else 1), task.n_out)

    @property
    def recurrent(self) -> nn.Module:
        return self.rnn


class Classifier(_RecurrentWithHead):
    """N->1: the final hidden state of each direction of the top layer, concatenated, into a linear head:
    class logits (cross-entropy) or, for a task whose output is a value, one number (squared error)."""

    io_shapes = ("N->1",)

    def pooled(self, h_n) -> torch.Tensor:
        d = 2 if self.cfg.bidirectional else 1
        top = hidden_of(h_n)[-d:]                    # (D, [B,] H)
        return torch.cat(list(top), dim=-1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        _, h_n = run(self.rnn, self.encode(x), lengths)
        return self.out(h_n)

    def out(self, h_n) -> torch.Tensor:
        """The head on a final state: logits ([B,] classes) or values ([B]) for a value task."""
        y = self.head(self.pooled(h_n))
        return y if self.task.output == "class" else y.squeeze(-1)

    def criterion(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Cross-entropy over classes / mean squared error for a value task (pred and target batched)."""
        if self.task.output == "class":
            return F.cross_entropy(pred, target)
        return F.mse_loss(pred, target.to(pred.dtype))

    def loss(self, batch: Batch) -> torch.Tensor:
        return self.criterion(self(batch.x, batch.lengths), batch.y)

    def trace_args(self, ex: Example, part: str = "recurrent"):
        _check_part(self, part)
        target = torch.tensor(int(ex.target)) if self.task.output == "class" else torch.tensor(float(ex.target))

        def loss(output, h_n):
            return self.criterion(self.out(h_n).unsqueeze(0), target.unsqueeze(0))
        return self.rnn, self.encode(self.x_tensor(ex)).detach(), None, loss


class Tagger(_RecurrentWithHead):
    """N->N and 1->N: a linear head on the top layer's output at every step."""

    io_shapes = ("N->N", "1->N")

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None, h0=None) -> torch.Tensor:
        out, _ = run(self.rnn, self.encode(x), lengths, h0)
        y = self.head(out)
        return y if self.task.output == "class" else y.squeeze(-1)

    def criterion(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over steps with a target / mean squared error over non-NaN targets."""
        if self.task.output == "class":
            return F.cross_entropy(pred.reshape(-1, pred.shape[-1]), target.reshape(-1), ignore_index=IGNORE)
        mask = ~torch.isnan(target)
        return ((pred - torch.nan_to_num(target)) ** 2)[mask].mean()

    def loss(self, batch: Batch) -> torch.Tensor:
        return self.criterion(self(batch.x, batch.lengths), batch.y)

    def trace_args(self, ex: Example, part: str = "recurrent"):
        _check_part(self, part)
        dtype = torch.long if self.task.output == "class" else torch.float32
        target = torch.as_tensor(ex.target, dtype=dtype)

        def loss(output, h_n):
            y = self.head(output)
            return self.criterion(y if self.task.output == "class" else y.squeeze(-1), target)
        return self.rnn, self.encode(self.x_tensor(ex)).detach(), None, loss


class Seq2Seq(ZooModel):
    """N->M: an encoder reads the source; its final state starts a decoder fed its previous output token."""

    io_shapes = ("N->M",)

    def __init__(self, task: Task, cfg: ModelConfig):
        super().__init__(task, cfg)
        cell = CELLS[cfg.cell]
        self.encoder = cell(self.input_size, cfg.hidden)
        self.dec_embedding = nn.Embedding(len(task.out_vocab), cfg.embed)
        self.decoder = cell(cfg.embed, cfg.hidden)
        self.head = nn.Linear(cfg.hidden, len(task.out_vocab))

    @property
    def recurrent(self) -> dict[str, nn.Module]:
        return {"encoder": self.encoder, "decoder": self.decoder}

    def parts(self) -> list[str]:
        return ["encoder", "decoder"]

    def encode_source(self, src: torch.Tensor, lengths: torch.Tensor | None = None):
        _, h_n = run(self.encoder, self.encode(src), lengths)
        return h_n

    def forward(self, src, lengths, dec_in) -> torch.Tensor:
        out, _ = self.decoder(self.dec_embedding(dec_in), self.encode_source(src, lengths))
        return self.head(out)

    def loss(self, batch: Batch) -> torch.Tensor:
        logits = self(batch.x, batch.lengths, batch.extra["dec_in"])
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch.y.reshape(-1), ignore_index=IGNORE)

    @torch.no_grad()
    def generate(self, src: torch.Tensor, lengths: torch.Tensor | None, max_steps: int) -> torch.Tensor:
        """Greedy decoding (T_out, B) of token ids, starting from the task's BOS token."""
        state = self.encode_source(src, lengths)
        tok = torch.full((src.shape[1],), self.task.bos, dtype=torch.long)
        outs = []
        for _ in range(max_steps):
            out, state = self.decoder(self.dec_embedding(tok).unsqueeze(0), state)
            tok = self.head(out[0]).argmax(-1)
            outs.append(tok)
        return torch.stack(outs)

    def trace_args(self, ex: Example, part: str = "encoder"):
        _check_part(self, part)
        src = self.encode(self.x_tensor(ex)).detach()
        dec_in = self.dec_embedding(torch.as_tensor(self.task.decoder_inputs(ex))).detach()
        target = torch.as_tensor(ex.target, dtype=torch.long)

        def ce(out):
            return F.cross_entropy(self.head(out), target)
        if part == "encoder":
            def loss(output, h_n):
                return ce(self.decoder(dec_in, h_n)[0])
            return self.encoder, src, None, loss
        with torch.no_grad():
            _, h_enc = self.encoder(src)
        h0 = tuple(t.detach() for t in h_enc) if isinstance(h_enc, tuple) else h_enc.detach()
        return self.decoder, dec_in, h0, lambda output, h_n: ce(output)


def _check_part(model: ZooModel, part: str) -> None:
    if part not in model.parts():
        raise ValueError(f"{model.name or type(model).__name__} has parts {model.parts()}, not {part!r}")


def build(task: Task, cfg: ModelConfig) -> ZooModel:
    """The model class that fits the task's I/O shape."""
    for cls in (Classifier, Tagger, Seq2Seq):
        if task.io in cls.io_shapes:
            return cls(task, cfg)
    raise ValueError(f"no model for I/O shape {task.io!r}")
