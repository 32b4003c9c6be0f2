"""`trace(module, x, ...)`: run a torch recurrent module through the instrumented NumPy cells.

torch is used only at the edges: to read the module's weights and the user's input, and to evaluate the
user's loss on the traced output (so any torch loss works). The forward pass, every gate, state and the
backward pass through time are NumPy (`cells`, `grads`).
"""
from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.func import functional_call
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from . import cells, grads
from .cells import GATES, Intervention, LayerWeights

LossFn = Callable[[torch.Tensor, object], torch.Tensor]


@dataclass
class LayerRecord:
    """Everything one layer and direction did, NumPy arrays shaped (T, B, H), row t = input position t."""

    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]          # post-activation values
    preacts: dict[str, np.ndarray]        # pre-activation values (for saturation)
    grad_h: np.ndarray                    # dL/dh_t, total: through time and the layers above
    grad_c: np.ndarray | None             # dL/dc_t (LSTM)
    grad_gates: dict[str, np.ndarray]     # dL/d(pre-activation) of each gate
    h0: np.ndarray                        # (B, H) initial state this direction started from
    c0: np.ndarray | None

    def gate_grad_norms(self) -> dict[str, np.ndarray]:
        """||dL/d pre-activation|| over units for each gate: (T, B) arrays."""
        return {g: np.linalg.norm(v.astype(np.float64), axis=-1) for g, v in self.grad_gates.items()}


@dataclass
class Trace:
    """The result of `trace`: per layer/direction records plus the module's output and the loss."""

    kind: str
    num_layers: int
    num_directions: int
    hidden_size: int
    input_size: int
    nonlinearity: str
    x: np.ndarray                         # (T, B, I) the input, time-major
    output: np.ndarray                    # what the module returns as output, in its own layout
    h_n: np.ndarray
    c_n: np.ndarray | None
    loss: np.ndarray                      # scalar
    grad_x: np.ndarray                    # (T, B, I) dL/dx_t
    layers: list[list[LayerRecord]] = field(repr=False)
    at_step: int | None = None
    interventions: tuple[Intervention, ...] = ()
    # how the input was read (for the repr and the app's header): x arrived (B, T, I) if batch_first, (T, I) if
    # unbatched; h has proj_size units (nn.LSTM(proj_size=P)), 0 when there is no projection
    batch_first: bool = False
    unbatched: bool = False
    proj_size: int = 0
    rnn_path: str | None = None           # inside a whole model (trace(model, x, rnn=...)): the submodule's name

    def layer(self, l: int, direction: int = 0) -> LayerRecord:
        """Layer `l`'s record for `direction` (0 forward, 1 reverse): gates, h, c and their gradients, each a
        (T, B, H) array indexed by input position t in both directions. IndexError outside the module."""
        if not 0 <= l < self.num_layers:
            raise IndexError(f"layer {l} out of range: this module has {self.num_layers} layer(s)")
        if direction not in range(self.num_directions):
            raise IndexError(f"direction {direction} out of range: this module has {self.num_directions}")
        return self.layers[l][direction]

    @property
    def seq_len(self) -> int:
        return self.x.shape[0]

    @property
    def batch_size(self) -> int:
        return self.x.shape[1]

    def grad_norm_by_distance(self, layer: int = 0, direction: int = 0, batch: int = 0) -> np.ndarray:
        """||dL/dh_t|| against the distance (in steps) from where the loss is taken.

        The loss step is `at_step` if the trace has one, else the last step for the forward direction and
        the first for the reverse one (where each reads its last input). Index k = k steps back.
        """
        g = np.linalg.norm(self.layer(layer, direction).grad_h[:, batch].astype(np.float64), axis=-1)  # no underflow
        if direction == 0:
            end = self.seq_len - 1 if self.at_step is None else self.at_step
            return g[:end + 1][::-1].copy()
        return g[(0 if self.at_step is None else self.at_step):].copy()

    @property
    def input_sensitivity(self) -> np.ndarray:
        """||dL/dx_k|| for every input position k: (T, B), in float64 (a float32 norm squares its entries and
        underflows to 0 below ~1e-19: a vanishing gradient would read as exactly 0)."""
        return np.linalg.norm(self.grad_x.astype(np.float64), axis=-1)

    # --- notebook display (the arrays stay out of it) -------------------------------------------------------
    def __repr__(self) -> str:
        from .summaries import overview
        o = overview(self)
        bi = ", bidirectional" if o["directions"] == 2 else ""
        bi += f", proj_size={o['proj_size']}" if o["proj_size"] else ""
        at = "" if o["loss_at_step"] is None else f" (at step {o['loss_at_step']})"
        return (f"<cellviz.Trace {o['cell'].upper()}: {o['layers']} layer(s){bi}, T={o['T']}, B={o['B']}, "
                f"H={o['H']}, input_size={o['input_size']}, loss={o['loss']:.6g}{at}>")

    def _repr_html_(self) -> str:
        from html import escape

        from .summaries import overview
        o = overview(self)
        bf, flat = o["batch_first"], o["unbatched"]
        layout = ("unknown" if bf is None else "(T, I), unbatched" if flat else "(B, T, I)" if bf else "(T, B, I)")
        read = [("input_size", o["input_size"]), ("batch_first", "unknown" if bf is None else bf),
                ("x as given", layout)]
        if o["cell"] == "rnn":
            read.append(("nonlinearity", o["nonlinearity"]))
        if o["proj_size"]:
            read.append(("proj_size", o["proj_size"]))
        if o["rnn_path"]:
            read.append(("traced inside the model at", o["rnn_path"]))
        loss = f"{o['loss']:.6g}" + ("" if o["loss_at_step"] is None else
                                     f" (its gradient taken at step {o['loss_at_step']} only)")
        head = (f"{o['cell'].upper()} · {o['layers']} layer(s) · {o['directions']} direction(s) · "
                f"T = {o['T']} steps · B = {o['B']} · H = {o['H']}")
        rows = "".join(f"<tr><td><code>{escape(k)}</code></td><td>{escape(str(v))}</td></tr>" for k, v in read)
        rows += f"<tr><td>loss L</td><td>{escape(loss)}</td></tr>"
        if o["interventions"]:
            rows += f"<tr><td>interventions</td><td>{o['interventions']}</td></tr>"

        def shapes(d: dict) -> str:
            return ", ".join(f"<code>{escape(k)}</code> {tuple(s)}" for k, s in d.items())
        return ('<div class="cellviz-trace" style="font-size:0.92em;line-height:1.45">'
                f"<b>cellviz.Trace</b> · {escape(head)}"
                f'<table style="margin:4px 0">{rows}</table>'
                f"<div><code>tr.layer(l, direction)</code> (T, B, H), row t = input position t: "
                f"{shapes(o['per_layer'])}</div>"
                f"<div><code>tr</code>: {shapes(o['trace'])}</div></div>")


def module_kind(module: nn.Module) -> str:
    """"rnn" | "lstm" | "gru" for a torch recurrent module; TypeError/ValueError otherwise."""
    if isinstance(module, nn.LSTM):
        return "lstm"
    if isinstance(module, nn.GRU):
        return "gru"
    if isinstance(module, nn.RNN):
        return "rnn"
    raise TypeError(f"cellviz.trace needs a torch.nn.RNN, LSTM or GRU, not {type(module).__name__}")


def layer_weights(module: nn.Module, layer: int, direction: int) -> LayerWeights:
    """One layer/direction's weights as NumPy arrays, by PyTorch's parameter names."""
    suffix = f"_l{layer}" + ("_reverse" if direction else "")

    def get(name: str) -> np.ndarray | None:
        p = getattr(module, name + suffix, None)
        return None if p is None else p.detach().cpu().numpy()

    w_ih, w_hh = get("weight_ih"), get("weight_hh")
    zeros = np.zeros(w_ih.shape[0], dtype=w_ih.dtype)
    b_ih, b_hh = get("bias_ih"), get("bias_hh")
    return LayerWeights(w_ih, w_hh, zeros if b_ih is None else b_ih, zeros if b_hh is None else b_hh,
                        get("weight_hr") if getattr(module, "proj_size", 0) else None)


def _as_tensor(value, dtype: torch.dtype, what: str) -> torch.Tensor:
    try:
        t = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a tensor or array of numbers: {exc}") from None
    if not (t.is_floating_point() or t.dtype in (torch.int32, torch.int64, torch.bool)):
        raise ValueError(f"{what} must hold real numbers, got {t.dtype}")
    return t.detach().to(dtype=dtype, device="cpu")


def _default_loss(batch_first: bool, unbatched: bool) -> LossFn:
    def loss(output: torch.Tensor, h_n) -> torch.Tensor:
        if unbatched:
            return output[-1].sum()
        return output[:, -1].sum() if batch_first else output[-1].sum()
    return loss


def trace(module: nn.Module, x, h0=None, loss: LossFn | None = None, *, rnn: nn.Module | None = None,
          at_step: int | None = None, interventions: Sequence[Intervention] = ()) -> Trace:
    """Trace a torch.nn.RNN / LSTM (also with proj_size) / GRU on input x: every gate, state and gradient at every step.

    x and h0 are what `module(x, h0)` accepts (batched or unbatched, `batch_first` honoured).
    loss(output, h_n) -> scalar tensor gets exactly what the module returns; default: the sum of the
    output at the last time step. at_step=t keeps only the loss's gradient on output position t (the loss
    "at step t" for losses that add up over steps) and ignores h_n, to show how far back step t reaches.
    interventions force gates or states during the forward pass (see `cells.Intervention`).
    The module is evaluated in eval semantics (no dropout between layers).

    Inside a whole model: `trace(model, x, rnn=model.rnn, loss=fn)` runs `model(x)` (x: whatever the model takes,
    e.g. token ids; a tuple is several arguments: model(*x)), captures the input and initial state reaching its
    recurrent submodule `rnn` (hooks), traces `rnn` on them, and takes L = fn(model(x)) (default: the sum of the
    model's output, its first element if it returns a tuple): the gradient flows back through the model's own head
    by autograd into the engine's BPTT, so every dL/dh_t is the whole model's. The model runs in eval mode (dropout off; restored after). `rnn` must run
    once per model(x) call, on a padded batch or a PackedSequence of equal-length sequences.
    """
    if rnn is not None:
        if h0 is not None:
            raise ValueError("with rnn=, the initial state is what the model gives its recurrent part; leave h0 out")
        return _trace_inside(module, x, rnn, loss, at_step, interventions)
    if isinstance(module, (nn.RNNCell, nn.LSTMCell, nn.GRUCell)):
        raise TypeError(_CELL_MESSAGE.format(name=type(module).__name__))
    if isinstance(x, PackedSequence):
        raise ValueError(_PACKED_MESSAGE)
    kind = module_kind(module)
    dtype = next(module.parameters()).dtype
    np_dtype = np.float64 if dtype == torch.float64 else np.float32
    L, D, H, I = module.num_layers, 2 if module.bidirectional else 1, module.hidden_size, module.input_size
    P = getattr(module, "proj_size", 0) or H      # units of h (nn.LSTM(proj_size=P)); c and the gates keep H
    nonlinearity = getattr(module, "nonlinearity", "tanh")

    _refuse_token_ids(x, I)
    xt = _as_tensor(x, dtype, "x")
    if xt.dim() not in (2, 3):
        raise ValueError(f"x must be 2-D (seq, features) or 3-D batched, got shape {tuple(xt.shape)}")
    unbatched = xt.dim() == 2
    x_tm = xt.unsqueeze(1) if unbatched else (xt.transpose(0, 1) if module.batch_first else xt)
    T, B, I_in = x_tm.shape
    if I_in != I:
        raise ValueError(f"x has {I_in} features per step but the module expects input_size={I}")
    if T == 0:
        raise ValueError("x has no time steps")
    x_np = np.ascontiguousarray(x_tm.numpy(), dtype=np_dtype)
    if not np.isfinite(x_np).all():
        raise ValueError(f"x must be finite: it holds {int((~np.isfinite(x_np)).sum())} NaN or inf value(s) "
                         f"(numbers beyond {dtype}'s range count as inf)")
    h0_np, c0_np = _initial_states(kind, h0, dtype, np_dtype, L * D, B, H, unbatched, P)
    if at_step is not None and (not isinstance(at_step, (int, np.integer)) or isinstance(at_step, (bool, np.bool_))):
        raise ValueError(f"at_step must be an integer step or None, got {type(at_step).__name__}")
    if at_step is not None and not -T <= at_step < T:
        raise ValueError(f"at_step={at_step} is outside the sequence (length {T})")
    at_step = None if at_step is None else at_step % T
    edits = _edits_by_place(interventions, kind, L, D, T, H, P)

    # forward, layer by layer
    fws: list[list[cells.Forward]] = []
    weights: list[list[LayerWeights]] = []
    layer_in = x_np
    for l in range(L):
        fws.append([]), weights.append([])
        for d in range(D):
            w = layer_weights(module, l, d)
            seq = layer_in if d == 0 else layer_in[::-1]
            c0 = None if c0_np is None else c0_np[l * D + d]
            seq = np.ascontiguousarray(seq)
            if kind == "lstm" and not edits[l][d]:   # torch's fused kernel is the fastest way to the h's
                h_seq = _fused_lstm_hidden(w, seq, h0_np[l * D + d], c0)
                fw = cells.lstm_from_hidden(w, seq, h_seq, h0_np[l * D + d], c0)
            else:
                fw = cells.forward(kind, w, seq, h0_np[l * D + d], c0, nonlinearity, edits[l][d])
            fws[l].append(fw), weights[l].append(w)
        layer_in = np.concatenate([_in_position_order(fws[l][d].h, d) for d in range(D)], axis=-1)
    output_tm = layer_in
    h_n = np.stack([fws[l][d].h[-1] for l in range(L) for d in range(D)])
    c_n = np.stack([fws[l][d].c[-1] for l in range(L) for d in range(D)]) if kind == "lstm" else None

    # the loss and its gradient on what the module returns
    loss_val, g_out, g_hn, g_cn = _loss_gradients(loss or _default_loss(module.batch_first, unbatched),
                                                  output_tm, h_n, c_n, module.batch_first, unbatched, dtype)
    if at_step is not None:
        keep = np.zeros_like(g_out)
        keep[at_step] = g_out[at_step]
        g_out, g_hn = keep, np.zeros_like(g_hn)
        g_cn = None if g_cn is None else np.zeros_like(g_cn)

    # backward, top layer first: each layer's input gradient is the ext gradient of the layer below
    bws: list[list[grads.Backward]] = [[None] * D for _ in range(L)]
    ext_out = g_out
    for l in reversed(range(L)):
        grad_in = None
        for d in range(D):
            ext = np.ascontiguousarray(_in_position_order(ext_out[..., d * P:(d + 1) * P], d))
            ext[-1] += g_hn[l * D + d]
            gc = None if g_cn is None else g_cn[l * D + d]
            bw = grads.backward(fws[l][d], weights[l][d], ext, gc)
            bws[l][d] = bw
            gx = _in_position_order(bw.grad_x, d)
            grad_in = gx if grad_in is None else grad_in + gx
        ext_out = grad_in

    records = [[_record(kind, fws[l][d], bws[l][d], d) for d in range(D)] for l in range(L)]
    output = _to_module_layout(output_tm, module.batch_first, unbatched)
    return Trace(kind, L, D, H, I, nonlinearity, x_np, output,
                 h_n[:, 0] if unbatched else h_n, None if c_n is None else (c_n[:, 0] if unbatched else c_n),
                 np.asarray(loss_val), ext_out, records, at_step, tuple(interventions),
                 batch_first=bool(module.batch_first), unbatched=unbatched, proj_size=P if P != H else 0)


_CELL_MESSAGE = ("cellviz.trace needs a module that runs over a whole sequence (nn.RNN, LSTM or GRU), not an "
                 "nn.{name}, which a Python loop calls once per step. cellviz.module_from_cells(cell) gives the "
                 "nn.RNN/LSTM/GRU computing exactly the same (several cells, each reading the previous one's h: "
                 "module_from_cells(lstm1, lstm2) is one stacked module); trace that on the whole input.")
_PACKED_MESSAGE = ("x is a PackedSequence. Pad it and trace the padded batch: x, lengths = "
                   "torch.nn.utils.rnn.pad_packed_sequence(packed) (its padding steps are traced too), or trace one "
                   "sequence: x[:lengths[b], b]. Inside your model, cellviz.trace(model, x, rnn=model.rnn) reads a "
                   "PackedSequence whose sequences all have one length (e.g. a batch of one).")


def _refuse_token_ids(x, input_size: int) -> None:
    """ValueError for integer x that cannot be the module's input vectors (token ids): say to embed them first."""
    dtype = x.dtype if isinstance(x, (torch.Tensor, np.ndarray)) else None
    if dtype is None:
        return
    integer = (not dtype.is_floating_point and not dtype.is_complex) if isinstance(dtype, torch.dtype) \
        else np.issubdtype(dtype, np.integer)
    shape = tuple(x.shape)
    if integer and (len(shape) < 2 or shape[-1] != input_size):
        raise ValueError(
            f"x holds integers of shape {shape}: token ids? A recurrent module reads a vector of input_size="
            f"{input_size} numbers per step, so embed the ids first: x = embedding(ids) (e.g. model.encoder(ids) in "
            f"word_language_model, an nn.Embedding(V, {input_size})), then cellviz.trace(rnn, x); or trace the whole "
            "model on the ids: cellviz.trace(model, ids, rnn=model.rnn, loss=fn). One-hot rows: "
            f"torch.nn.functional.one_hot(ids, {input_size}).float().")


def _submodule_name(model: nn.Module, rnn: nn.Module) -> str:
    for name, sub in model.named_modules():
        if sub is rnn:
            return name
    raise ValueError("rnn= must be a submodule of the model (e.g. rnn=model.rnn); this one is not inside it")


def _model_default_loss(output) -> torch.Tensor:
    first = output
    while isinstance(first, (tuple, list)) and first:
        first = first[0]
    if not isinstance(first, torch.Tensor):
        raise ValueError("the model's output holds no tensor to sum; give loss=fn(model_output) -> scalar tensor")
    return first.sum()


def _trace_inside(model: nn.Module, x, rnn: nn.Module, loss, at_step, interventions) -> Trace:
    """`trace(model, x, rnn=..., loss=...)`: see `trace`."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"with rnn=, the first argument is your whole model (an nn.Module), not {type(model).__name__}")
    name = _submodule_name(model, rnn)
    if isinstance(rnn, (nn.RNNCell, nn.LSTMCell, nn.GRUCell)):
        raise TypeError(_CELL_MESSAGE.format(name=type(rnn).__name__))
    module_kind(rnn)
    fn = loss or _model_default_loss
    args = x if isinstance(x, tuple) else (x,)          # a tuple: several arguments, model(*x)
    calls: list[tuple[object, object]] = []

    def capture(_mod, args, kwargs):
        calls.append((args[0] if args else kwargs.get("input"), args[1] if len(args) > 1 else kwargs.get("hx")))

    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        handle = rnn.register_forward_pre_hook(capture, with_kwargs=True)
        try:
            with torch.no_grad():
                model(*args)
        finally:
            handle.remove()
        if len(calls) != 1:
            raise ValueError(f"model(x) ran {name!r} {len(calls)} times; cellviz traces one call of a recurrent module "
                             "over a whole sequence" + (" (a loop calling it once per step? trace it on the whole "
                                                        "sequence instead)" if calls else ""))
        seq, hx = calls[0]
        repack = None
        if isinstance(seq, PackedSequence):
            seq, repack = _unpack(seq, rnn.batch_first)
        if isinstance(hx, tuple):
            hx = tuple(h.detach() for h in hx)
        elif isinstance(hx, torch.Tensor):
            hx = hx.detach()
        seq = seq.detach() if isinstance(seq, torch.Tensor) else seq

        def whole_model_loss(output, h_n):
            # clones: the model may change what its rnn returns in place, which autograd refuses on a leaf
            h_n = tuple(h.clone() for h in h_n) if isinstance(h_n, tuple) else h_n.clone()
            replaced = (output.clone() if repack is None else repack(output), h_n)
            handle = rnn.register_forward_hook(lambda _m, _a, _o: replaced)
            try:
                with torch.enable_grad():
                    value = fn(model(*args))
            finally:
                handle.remove()
            if not isinstance(value, torch.Tensor) or value.numel() != 1:
                raise ValueError("loss(model_output) must return a scalar tensor")
            return value

        tr = trace(rnn, seq, hx, whole_model_loss, at_step=at_step, interventions=interventions)
    finally:
        for m, mode in modes:
            m.training = mode
    tr.rnn_path = name
    return tr


def _unpack(packed: PackedSequence, batch_first: bool):
    """A PackedSequence of equal-length sequences as the padded batch it equals, and how to pack an output the same
    way (same order of rows, so a model reading `.data` sees what it would)."""
    padded, lengths = pad_packed_sequence(packed, batch_first=batch_first)
    if int(lengths.min()) != int(lengths.max()):
        raise ValueError(f"the recurrent module got a PackedSequence of sequences of different lengths "
                         f"({', '.join(str(int(n)) for n in lengths[:8])}{', ...' if len(lengths) > 8 else ''}); "
                         "cellviz traces equal-length batches: trace one sequence at a time (a batch of one), or "
                         "pad them yourself and feed the padded batch.")

    def repack(output: torch.Tensor) -> PackedSequence:
        tm = output.transpose(0, 1) if batch_first else output
        if packed.sorted_indices is not None:
            tm = tm.index_select(1, packed.sorted_indices)
        return PackedSequence(tm.reshape(-1, tm.shape[-1]), packed.batch_sizes, packed.sorted_indices,
                              packed.unsorted_indices)
    return padded, repack


def _torch(a: np.ndarray) -> torch.Tensor:
    """A tensor sharing a's memory when torch allows it (it refuses negative strides, which NumPy keeps
    even in `ascontiguousarray` for arrays whose reversed axes have length 1)."""
    a = np.ascontiguousarray(a)
    return torch.from_numpy(a.copy() if any(s < 0 for s in a.strides) else a)


LSTM_PARAMS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0")
_templates = threading.local()      # per thread: functional_call swaps a module's parameters in place


def _lstm_template(input_size: int, hidden_size: int, dtype: torch.dtype, proj_size: int = 0) -> nn.LSTM:
    """A one-layer nn.LSTM on the meta device (no memory, no initialisation), one per shape and thread: building
    it costs ~0.4 ms, a third of the fused kernel's time at T=1000, H=128, so it is kept."""
    cache = _templates.__dict__.setdefault("lstm", {})
    key = (input_size, hidden_size, dtype, proj_size)
    if key not in cache:
        if len(cache) >= 8:
            cache.clear()
        cache[key] = nn.LSTM(input_size, hidden_size, device="meta", dtype=dtype, proj_size=proj_size)
    return cache[key]


def _fused_lstm_hidden(w: LayerWeights, x: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> np.ndarray:
    """Hidden states of one LSTM layer/direction from torch's fused kernel, through public API only: a weightless
    nn.LSTM (`_lstm_template`) runs with these weights by `torch.func.functional_call`, which swaps them in for
    the call (hence one template per thread: sessions trace on several threads at once)."""
    proj = 0 if w.w_hr is None else w.state_size
    template = _lstm_template(w.w_ih.shape[1], w.hidden_size, _torch(w.w_ih).dtype, proj)
    params = {name: _torch(a) for name, a in zip(LSTM_PARAMS, (w.w_ih, w.w_hh, w.b_ih, w.b_hh, w.w_hr)) if a is not None}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported with oneDNN")
        out, _ = functional_call(template, params, (_torch(x), (_torch(h0)[None], _torch(c0)[None])))
    return out.numpy()


def _in_position_order(a: np.ndarray, direction: int) -> np.ndarray:
    """Processing order <-> input-position order (a reversed view for the reverse direction)."""
    return a if direction == 0 else a[::-1]


def _to_module_layout(a_tm: np.ndarray, batch_first: bool, unbatched: bool) -> np.ndarray:
    if unbatched:
        return a_tm[:, 0]
    return a_tm.transpose(1, 0, 2) if batch_first else a_tm


def _initial_states(kind, h0, dtype, np_dtype, n_states, B, H, unbatched, P=None):
    """(h0, c0) as (n_states, B, units) arrays: h has P units (proj_size, else H), c has H."""
    P = P or H

    def one(v, what, units):
        want = (n_states, units) if unbatched else (n_states, B, units)
        if v is None:
            return np.zeros((n_states, B, units), dtype=np_dtype)
        t = _as_tensor(v, dtype, what)
        if tuple(t.shape) != want:
            raise ValueError(f"{what} must have shape {want}, got {tuple(t.shape)}")
        a = t.numpy().astype(np_dtype)
        if not np.isfinite(a).all():
            raise ValueError(f"{what} must be finite: it holds {int((~np.isfinite(a)).sum())} NaN or inf value(s)")
        return a[:, None] if unbatched else a

    if kind == "lstm":
        if h0 is None:
            return one(None, "h0", P), one(None, "c0", H)
        if not (isinstance(h0, (tuple, list)) and len(h0) == 2):
            raise ValueError("an LSTM's h0 must be a tuple (h_0, c_0)")
        return one(h0[0], "h_0", P), one(h0[1], "c_0", H)
    return one(h0, "h0", P), None


def _edits_by_place(interventions, kind, L, D, T, H, P=None) -> list[list[list[Intervention]]]:
    """Validate interventions and convert their steps to each direction's processing order."""
    edits = [[[] for _ in range(D)] for _ in range(L)]
    allowed = set(GATES[kind]) | {"h"} | ({"c"} if kind == "lstm" else set())
    for e in interventions:
        if e.target not in allowed:
            raise ValueError(f"cannot intervene on {e.target!r} in a {kind}: choose from {sorted(allowed)}")
        if not (0 <= e.layer < L and 0 <= e.direction < D):
            raise ValueError(f"intervention at layer {e.layer}, direction {e.direction}: module has {L}x{D}")
        if e.step is not None and not 0 <= e.step < T:
            raise ValueError(f"intervention step {e.step} is outside the sequence (length {T})")
        units = (P or H) if e.target == "h" else H          # h has proj_size units with a projection
        if e.units is not None and not all(0 <= u < units for u in e.units):
            raise ValueError(f"intervention units {e.units} out of range 0..{units - 1}")
        step = e.step if e.step is None or e.direction == 0 else T - 1 - e.step
        value = e.value if np.isscalar(e.value) else np.asarray(e.value)
        edits[e.layer][e.direction].append(Intervention(e.target, value, step, e.units, e.layer, e.direction))
    return edits


def _loss_gradients(loss: LossFn, output_tm, h_n, c_n, batch_first, unbatched, dtype):
    """Evaluate the user's loss on torch copies of the traced outputs; return value and gradients."""
    out_t = _torch(_to_module_layout(output_tm, batch_first, unbatched))
    out_t = out_t.to(dtype).requires_grad_(True)
    hn_t = _torch(h_n[:, 0] if unbatched else h_n).to(dtype).requires_grad_(True)
    cn_t = None
    if c_n is not None:
        cn_t = _torch(c_n[:, 0] if unbatched else c_n).to(dtype).requires_grad_(True)
    value = loss(out_t, hn_t if cn_t is None else (hn_t, cn_t))
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        raise ValueError("loss(output, h_n) must return a scalar tensor")
    inputs = [out_t, hn_t] + ([cn_t] if cn_t is not None else [])
    if value.requires_grad:
        g = torch.autograd.grad(value.reshape(()), inputs, allow_unused=True)
    else:
        g = [None] * len(inputs)
    g = [torch.zeros_like(t) if gi is None else gi for t, gi in zip(inputs, g)]
    np_dtype = output_tm.dtype
    g_out = g[0].detach().numpy().astype(np_dtype)
    g_out = g_out[:, None] if unbatched else (g_out.transpose(1, 0, 2) if batch_first else g_out)
    g_hn = g[1].detach().numpy().astype(np_dtype)
    g_hn = g_hn[:, None] if unbatched else g_hn
    g_cn = None
    if cn_t is not None:
        g_cn = g[2].detach().numpy().astype(np_dtype)
        g_cn = g_cn[:, None] if unbatched else g_cn
    return value.detach().reshape(()).numpy(), np.ascontiguousarray(g_out), g_hn, g_cn


def _record(kind: str, fw: cells.Forward, bw: grads.Backward, d: int) -> LayerRecord:
    names = GATES[kind]

    def pos(a):
        return None if a is None else _in_position_order(a, d)

    return LayerRecord(
        h=pos(fw.h), c=pos(fw.c),
        gates={g: pos(fw.act[:, :, k]) for k, g in enumerate(names)},
        preacts={g: pos(fw.pre[:, :, k]) for k, g in enumerate(names)} if names else {"h": pos(fw.pre[:, :, 0])},
        grad_h=pos(bw.grad_h), grad_c=pos(bw.grad_c),
        grad_gates={g: pos(bw.grad_pre[:, :, k]) for k, g in enumerate(names)},
        h0=fw.h0, c0=fw.c0,
    )
