"""Explanations the tutorials teach, each tied to numbers from the model on screen (EN and ZH).

Every block here is called with one line from a view, so the views stay about their figures. The arithmetic each
block shows is a plain function beside it (`param_blocks`, `shapes`, ...), which the tests compare with the real
modules. Blocks: parameter counts with their formula, the GRU's two conventions, stacking, the I/O shapes by name,
the shapes `nn.RNN / nn.LSTM / nn.GRU` return.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import streamlit as st

from ...i18n import t

GATE_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


@contextmanager
def details(label: str, key: str) -> Iterator[bool]:
    """A closed expander whose body runs only once it is open (Streamlit's `on_change="rerun"` and `.open`;
    yields whether it is): a page's first chart does not wait for the tables and code hidden in its closed
    expanders (measured with `python -m cellviz.ui_bench --first-chart`: the cell page, 3.4 s -> 2.3 s)."""
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


# --- parameters ----------------------------------------------------------------------------------------
def param_blocks(kind: str, input_size: int, hidden_size: int, layers: int = 1, directions: int = 1,
                 biases: int = 2) -> int:
    """Parameters of one nn.RNN / LSTM / GRU by the formula: G gate blocks of H(I+H) + 2H (PyTorch's two bias
    vectors; `biases=1` counts one, as the tutorials write it). Layers above the first read D·H inputs."""
    G, H = GATE_BLOCKS[kind], hidden_size
    total = 0
    for layer in range(layers):
        I = input_size if layer == 0 else directions * H
        total += directions * G * (H * (I + H) + biases * H)
    return total


def parameters(input_size: int, hidden_size: int, counted: dict[str, int]) -> None:
    """The formula H(I+H)+2H per gate block with this page's I and H, checked against the modules' counts."""
    I, H = input_size, hidden_size
    block, block1 = H * (I + H) + 2 * H, H * (I + H) + H
    st.markdown(t("explain.params.formula", I=I, H=H, block=f"{block:,}"))
    st.latex(r"\underbrace{H \cdot I}_{W_{ih}} + \underbrace{H \cdot H}_{W_{hh}} + \underbrace{H}_{b_{ih}}"
             r" + \underbrace{H}_{b_{hh}} = H(I+H) + 2H")
    rows = []
    for kind, G in GATE_BLOCKS.items():
        by_formula = param_blocks(kind, I, H)
        rows.append({t("explain.params.col.cell"): kind.upper(), t("explain.params.col.blocks"): G,
                     t("explain.params.col.formula"): f"{G} × {block:,} = {by_formula:,}",
                     t("explain.params.col.counted"): f"{counted.get(kind, 0):,}"
                     + (" ✓" if counted.get(kind) == by_formula else " ✗"),
                     t("explain.params.col.one_bias"): f"{G} × {block1:,} = {param_blocks(kind, I, H, biases=1):,}"})
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(t("explain.params.bias"))


# --- gradient flow ---------------------------------------------------------------------------------------
def gradient_reading(subject, layer: int, step: int) -> None:
    """The reading rule that matches what L is and where it sits, with this trace's numbers."""
    from .. import gradflow
    from ... import summaries
    tr = subject.trace
    layer = min(layer, tr.num_layers - 1)
    T = tr.seq_len
    if gradflow.single_step(subject):
        parts = []
        for d in range(tr.num_directions):
            g = summaries.grad_norms(tr.layer(layer, d))[0]
            at = gradflow.ref_step(subject, d, step)
            far = 0 if d == 0 else T - 1
            ratio = g[far] / g[at] if g[at] > 0 else float("nan")
            parts.append(t("grad.read.numbers", direction=t(f"nav.direction.{d}"), far=far, t_star=at,
                           ratio=f"{ratio:.3g}"))
        text = t("grad.read.single", loss=gradflow.loss_sentence(subject), t_star=T - 1, layer=layer)
        if tr.num_directions > 1:
            text += " " + t("grad.read.reverse")
        st.caption(f"{text} {t('grad.read.here')} {t('list.sep2').join(parts)}.")
        return
    g = summaries.grad_norms(tr.layer(layer, 0))[0]
    g = g[g > 0]
    spread = g.max() / g.min() if g.size else float("nan")
    st.caption(t("grad.read.steps", loss=gradflow.loss_sentence(subject), spread=f"{spread:.3g}", T=T))


def grad_scale_picker(key: str = "grad_scale") -> str:
    """Normalised (default) or raw norms for curves of several models / snapshots; the choice."""
    from .. import gradflow, state
    if state.get(key) not in gradflow.SCALES:
        state.put(key, gradflow.NORMALISED)
    st.radio(t("grad.scale"), gradflow.SCALES, key=key, horizontal=True, help=t("grad.scale.help"),
             format_func=lambda s: t(f"grad.scale.{s}"))
    return state.get(key)


def grad_scale_note(subject, scale: str, step: int, direction: int = 0, all_steps: bool = False) -> None:
    """What the curves of several models show on this scale (`all_steps`: the browser holds every step's
    curves, so the note names the cursor, not a step this run knows)."""
    from .. import gradflow
    if scale == gradflow.RAW:
        st.caption(t("grad.scale.raw.note"))
    elif all_steps:
        st.caption(t("grad.scale.normalised.cursor_note"))
    elif gradflow.single_step(subject):
        st.caption(t("grad.scale.normalised.note", t_star=gradflow.ref_step(subject, direction, step)))
    else:
        st.caption(t("grad.scale.normalised.step_note", t=step))


# --- GRU and LSTM conventions (beside the equations) ----------------------------------------------------
def conventions(kind: str, gates: dict, unit: int) -> None:
    """How the tutorials write this cell, against PyTorch's equations on the page; `gates`: the layer record's
    gates (T, B, H), for the unit's update gate over this input."""
    if kind not in ("gru", "lstm"):
        return
    with details(t(f"explain.conv.{kind}.title"), "open_conventions") as shown:
        if not shown:
            return
        if kind == "gru":
            st.markdown(t("explain.conv.gru.text"))
            st.latex(r"\tilde h_t = \tanh(W x_t + U (r_t \odot h_{t-1}) + b), \quad "
                     r"h_t = z'_t \odot \tilde h_t + (1 - z'_t) \odot h_{t-1}, \quad z'_t = 1 - z_t")
            z_all = gates.get("z")
            if z_all is not None and unit < z_all.shape[-1]:
                z = float(np.mean(z_all[:, 0, unit]))
                st.caption(t("explain.conv.gru.numbers", unit=unit, z=f"{z:.3f}", keep=f"{z:.1%}",
                             z_tut=f"{1 - z:.3f}"))
        else:
            st.markdown(t("explain.conv.lstm.text"))
            st.latex(r"f_t = \sigma(W_f [h_{t-1}, x_t] + b_f), \quad W_f = [\,W_{hf} \;\; W_{if}\,], \quad "
                     r"b_f = b_{if} + b_{hf}")


# --- stacking ---------------------------------------------------------------------------------------------
def stacking(trace, layer: int, subject=None) -> None:
    """What each layer of a stacked model reads and how its layers differ here (one row per layer); for a
    one-layer model, what stacking would add and the zoo's stacked models to open."""
    from ... import summaries
    L, D, H = trace.num_layers, trace.num_directions, trace.hidden_size
    if L < 2:
        _stacking_one_layer(trace, subject)
        return
    with details(t("explain.stack.title", layers=L), "open_stacking") as shown:
        if not shown:
            return
        st.markdown(t("explain.stack.text", layer=layer, below=max(layer - 1, 0), I=trace.input_size, DH=D * H,
                      D=D, H=H))
        rows = []
        for k in range(L):
            hs = [trace.layer(k, d).h[:, 0] for d in range(D)]
            gs = [summaries.grad_norms(trace.layer(k, d))[0] for d in range(D)]
            rows.append({t("explain.stack.col.layer"): k,
                         t("explain.stack.col.reads"): t("explain.stack.reads_x") if k == 0 else
                         t("explain.stack.reads_h", below=k - 1),
                         t("explain.stack.col.inputs"): trace.input_size if k == 0 else D * H,
                         t("explain.stack.col.abs_h"): f"{np.mean([np.abs(h).mean() for h in hs]):.3f}",
                         t("explain.stack.col.saturated"): f"{np.mean([(np.abs(h) > 0.95).mean() for h in hs]):.1%}",
                         t("explain.stack.col.grad"): f"{np.mean([g.mean() for g in gs]):.3g}"})
        st.dataframe(rows, hide_index=True, width="stretch")


def _stacking_one_layer(trace, subject) -> None:
    from .. import data
    stacked = [n for n in data.zoo_names() if data.zoo_card(n).get("num_layers", 1) > 1]
    same_task = [n for n in stacked if subject is not None and subject.task is not None
                 and data.zoo_card(n).get("task") == subject.task]
    D, H = trace.num_directions, trace.hidden_size
    with details(t("explain.stack.one.title"), "open_stacking") as shown:
        if not shown:
            return
        st.markdown(t("explain.stack.one.text", I=trace.input_size, D=D, H=H, DH=D * H,
                      models=t("list.sep").join(f"`{n}`" for n in (same_task or stacked)) or "—"))


# --- I/O shapes by name -----------------------------------------------------------------------------------
IO_SHAPES = ("N->1", "1->N", "N->N", "N->M")


def io_shapes(cards: list[dict]) -> None:
    """The four I/O shapes by name, the tutorials' examples, and which zoo models are which (from their cards)."""
    from ...i18n import label
    st.markdown(f"#### {t('explain.io.header')}")
    rows = []
    for io in IO_SHAPES:
        tasks = sorted({c["task"] for c in cards if c["io"] == io})
        rows.append({t("explain.io.col.shape"): label("io", io), t("explain.io.col.example"): t(f"explain.io.ex.{io}"),
                     t("explain.io.col.zoo"): t("list.sep").join(label("task", k) for k in tasks) or "—",
                     t("explain.io.col.models"): sum(c["io"] == io for c in cards)})
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(t("explain.io.note"))


# --- what nn.RNN / LSTM / GRU return ------------------------------------------------------------------------
def shapes(trace, batch: int = 1) -> dict[str, tuple[int, ...]]:
    """The shapes `module(x)` returns for this trace's module and input (time-major, batch `batch`)."""
    T, D, L, H = trace.seq_len, trace.num_directions, trace.num_layers, trace.hidden_size
    P = getattr(trace, "proj_size", 0) or H          # nn.LSTM(proj_size=P): h (and the output) has P units, c keeps H
    out = {"input": (T, batch, trace.input_size), "output": (T, batch, D * P), "h_n": (D * L, batch, P)}
    if trace.kind == "lstm":
        out["c_n"] = (D * L, batch, H)
    return out


def pytorch_shapes(subject) -> None:
    """What `nn.RNN / nn.LSTM / nn.GRU` return for the model and input on screen, tied to what the page draws."""
    tr = subject.trace
    s = shapes(tr)
    T, D, L = tr.seq_len, tr.num_directions, tr.num_layers
    h_n = np.asarray(tr.h_n).reshape(D * L, -1, getattr(tr, "proj_size", 0) or tr.hidden_size)
    same = all(np.allclose(h_n[l * D + d, 0], tr.layer(l, d).h[T - 1 if d == 0 else 0, 0], atol=1e-6)
               for l in range(L) for d in range(D))
    name = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}[tr.kind]
    with details(t("explain.shapes.title", module=name), "open_shapes") as shown:
        if not shown:
            return
        ret = "output, (h_n, c_n)" if tr.kind == "lstm" else "output, h_n"
        code = [f"{ret} = rnn(x)      # x: {s['input']}  (T, B, I), batch_first=False",
                f"output.shape  # {s['output']}  (T, B, D·H): the top layer's h_t, both directions concatenated",
                f"h_n.shape     # {s['h_n']}  (D·num_layers, B, H): every layer's and direction's final h"]
        if "c_n" in s:
            code.append(f"c_n.shape     # {s['c_n']}  (D·num_layers, B, H): the final cell states")
        st.code("\n".join(code), language="python")
        st.caption(t("explain.shapes.text", T=T, D=D, L=L, H=tr.hidden_size, top=L - 1, last=T - 1)
                   + " " + t("explain.shapes.checked" if same else "explain.shapes.unchecked"))


# --- the hand-written cell, equal to torch.nn ---------------------------------------------------------------
def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def lstm_by_hand(x, h, c, W_ih, W_hh, b_ih, b_hh, W_hr=None):
    """One LSTM layer written out step by step, as the equations above (PyTorch's gate order i, f, g, o)."""
    H = c.shape[-1]
    hs, cs = [], []
    for x_t in x:
        a = W_ih @ x_t + b_ih + W_hh @ h + b_hh
        i, f, g, o = _sigmoid(a[:H]), _sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), _sigmoid(a[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        if W_hr is not None:                       # nn.LSTM(proj_size=P): h = W_hr (o * tanh(c))
            h = W_hr @ h
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


def gru_by_hand(x, h, W_ih, W_hh, b_ih, b_hh):
    """One GRU layer written out step by step (PyTorch's convention: r acts after the matrix, z keeps h_{t-1})."""
    H = h.shape[-1]
    hs = []
    for x_t in x:
        a_i, a_h = W_ih @ x_t + b_ih, W_hh @ h + b_hh
        r = _sigmoid(a_i[:H] + a_h[:H])
        z = _sigmoid(a_i[H:2 * H] + a_h[H:2 * H])
        n = np.tanh(a_i[2 * H:] + r * a_h[2 * H:])
        h = (1 - z) * n + z * h
        hs.append(h)
    return np.array(hs), None


def rnn_by_hand(x, h, W_ih, W_hh, b_ih, b_hh, act=np.tanh):
    """One vanilla RNN layer written out step by step."""
    hs = []
    for x_t in x:
        h = act(W_ih @ x_t + b_ih + W_hh @ h + b_hh)
        hs.append(h)
    return np.array(hs), None


def by_hand_against_torch(module, x: np.ndarray, h0: np.ndarray, c0: np.ndarray | None) -> list[dict]:
    """Run `module` (nn.RNN / LSTM / GRU) layer by layer and step by step in torch, and the hand-written equations
    above on the same input x (T, I) and initial states (L·D, H); per layer and direction the largest |difference|
    of h and of c over every step. The hand-written layers read their own layer below; torch's read torch's."""
    import torch
    kind = type(module).__name__.lower()
    L, D = module.num_layers, 2 if module.bidirectional else 1
    P = getattr(module, "proj_size", 0) or 0
    relu = getattr(module, "nonlinearity", "tanh") == "relu"
    act = (lambda a: np.maximum(a, 0)) if relu else np.tanh
    params = {n: p.detach().cpu().numpy().astype(np.float32) for n, p in module.named_parameters()}
    hand_in, torch_in = x.astype(np.float32), torch.as_tensor(x, dtype=torch.float32)
    rows = []
    for layer in range(L):
        hand_out, torch_out = [], []
        for d in range(D):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            w = [params[f"{n}{sfx}"] if f"{n}{sfx}" in params else 0.0 for n in
                 ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            h_init, c_init = h0[layer * D + d].astype(np.float32), None if c0 is None else c0[layer * D + d]
            order = slice(None, None, -1) if d else slice(None)
            if kind == "lstm":
                hh, cc = lstm_by_hand(hand_in[order], h_init, c_init.astype(np.float32), *w,
                                      W_hr=params.get(f"weight_hr{sfx}"))
            elif kind == "gru":
                hh, cc = gru_by_hand(hand_in[order], h_init, *w)
            else:
                hh, cc = rnn_by_hand(hand_in[order], h_init, *w, act=act)
            hand_out.append(hh[order])
            # torch: a one-layer module of the same kind with this layer's weights, one step at a time
            one = _one_layer(module, torch_in.shape[-1], P)
            with torch.no_grad():
                for name, p in one.named_parameters():
                    p.copy_(getattr(module, name.replace("_l0", sfx)))
                state = torch.as_tensor(h_init)[None]
                cstate = None if c_init is None else torch.as_tensor(c_init, dtype=torch.float32)[None]
                ths, tcs = [], []
                for k in (range(len(torch_in) - 1, -1, -1) if d else range(len(torch_in))):
                    if kind == "lstm":
                        _, (state, cstate) = one(torch_in[k:k + 1], (state, cstate))
                        tcs.append(cstate[0].numpy())
                    else:
                        _, state = one(torch_in[k:k + 1], state)
                    ths.append(state[0].numpy())
            th = np.array(ths)[order]
            torch_out.append(th)
            dh = float(np.abs(hh[order] - th).max())
            dc = float(np.abs(cc[order] - np.array(tcs)[order]).max()) if kind == "lstm" else None
            rows.append({"layer": layer, "direction": d, "h": dh, "c": dc, "steps": len(x)})
        hand_in = np.concatenate(hand_out, axis=-1)
        torch_in = torch.as_tensor(np.concatenate(torch_out, axis=-1))
    return rows


def _one_layer(module, input_size: int, proj: int):
    import torch
    kw = {"bias": module.bias}
    if isinstance(module, torch.nn.RNN):
        kw["nonlinearity"] = module.nonlinearity
    if proj:
        kw["proj_size"] = proj
    return type(module)(input_size, module.hidden_size, num_layers=1, **kw)


def by_hand(subject) -> None:
    """The hand-written cell (the code shown, run live on this page's input) against torch.nn, every step and
    layer: the largest |difference| of h and c."""
    import inspect
    fn = {"lstm": lstm_by_hand, "gru": gru_by_hand, "rnn": rnn_by_hand}[subject.kind]
    rows = _by_hand_rows(subject)
    if rows is None:
        return
    name = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}[subject.kind]
    worst_h = max(r["h"] for r in rows)
    worst_c = max((r["c"] for r in rows if r["c"] is not None), default=None)
    with details(t("explain.hand.title", module=name, dh=f"{worst_h:.1e}"), "open_by_hand") as shown:
        if not shown:
            return
        st.markdown(t("explain.hand.text", module=name))
        st.code(inspect.getsource(fn), language="python")
        table = [{t("explain.stack.col.layer"): r["layer"], t("explain.hand.col.direction"): t(f"nav.direction.{r['direction']}"),
                  t("explain.hand.col.steps"): r["steps"], "max |Δh|": f"{r['h']:.1e}",
                  **({"max |Δc|": f"{r['c']:.1e}"} if r["c"] is not None else {})} for r in rows]
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(t("explain.hand.caption", dh=f"{worst_h:.1e}",
                     dc="" if worst_c is None else t("explain.hand.caption_c", dc=f"{worst_c:.1e}")))


def _by_hand_rows(subject) -> list[dict] | None:
    """The comparison for a zoo subject (cached on its source); None for an upload or an encoder-decoder part."""
    src = getattr(subject, "zoo", None)
    if src is None:
        return None
    return _by_hand_cached(src)


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def _by_hand_cached(src) -> list[dict] | None:
    from .. import data
    model = data.zoo_model(src.name, src.snapshot)
    ex = data.zoo_example(src.name, src.input)
    module, x, h0, _ = model.trace_args(ex, part=src.part)
    if not hasattr(module, "num_layers") or getattr(module, "batch_first", False):
        return None
    x = np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x, dtype=np.float32)
    if x.ndim == 3:
        if x.shape[1] != 1:
            return None
        x = x[:, 0]
    L, D, H = module.num_layers, 2 if module.bidirectional else 1, module.hidden_size
    P = getattr(module, "proj_size", 0) or 0
    if h0 is None:
        hz, cz = np.zeros((L * D, P or H), np.float32), np.zeros((L * D, H), np.float32)
    else:
        h_, c_ = h0 if isinstance(h0, tuple) else (h0, None)
        hz = h_.detach().cpu().numpy().reshape(L * D, -1).astype(np.float32)
        cz = None if c_ is None else c_.detach().cpu().numpy().reshape(L * D, -1).astype(np.float32)
        if cz is None and isinstance(module, __import__("torch").nn.LSTM):
            cz = np.zeros((L * D, H), np.float32)
    return by_hand_against_torch(module, x, hz, cz if isinstance(module, __import__("torch").nn.LSTM) else None)
