"""Explanations the tutorials teach, each tied to numbers from the model on screen (EN and ZH).

Every block here is called with one line from a view, so the views stay about their figures. The arithmetic each
block shows is a plain function beside it (`param_blocks`, `shapes`, ...), which the tests compare with the real
modules. Blocks: parameter counts with their formula, the GRU's two conventions, stacking, the I/O shapes by name,
the shapes `nn.RNN / nn.LSTM / nn.GRU` return.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from ...i18n import t

GATE_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


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
    with st.expander(t(f"explain.conv.{kind}.title")):
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
def stacking(trace, layer: int) -> None:
    """What each layer of a stacked model reads and how its layers differ here (one row per layer)."""
    from ... import summaries
    L, D, H = trace.num_layers, trace.num_directions, trace.hidden_size
    if L < 2:
        return
    with st.expander(t("explain.stack.title", layers=L), expanded=False):
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
    with st.expander(t("explain.shapes.title", module=name)):
        ret = "output, (h_n, c_n)" if tr.kind == "lstm" else "output, h_n"
        code = [f"{ret} = rnn(x)      # x: {s['input']}  (T, B, I), batch_first=False",
                f"output.shape  # {s['output']}  (T, B, D·H): the top layer's h_t, both directions concatenated",
                f"h_n.shape     # {s['h_n']}  (D·num_layers, B, H): every layer's and direction's final h"]
        if "c_n" in s:
            code.append(f"c_n.shape     # {s['c_n']}  (D·num_layers, B, H): the final cell states")
        st.code("\n".join(code), language="python")
        st.caption(t("explain.shapes.text", T=T, D=D, L=L, H=tr.hidden_size, top=L - 1, last=T - 1)
                   + " " + t("explain.shapes.checked" if same else "explain.shapes.unchecked"))
