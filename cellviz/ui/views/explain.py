"""Explanations the tutorials teach, each tied to numbers from the model on screen (EN and ZH).

Every block here is called with one line from a view, so the views stay about their figures. The arithmetic each
block shows is a plain function beside it (`param_blocks`, `shapes`, ...), which the tests compare with the real
modules. Blocks: parameter counts with their formula, the GRU's two conventions, stacking, the I/O shapes by name,
the shapes `nn.RNN / nn.LSTM / nn.GRU` return.
"""
from __future__ import annotations

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
        st.caption(text + " " + t("list.sep2").join(parts) + ".")
        return
    g = summaries.grad_norms(tr.layer(layer, 0))[0]
    g = g[g > 0]
    spread = g.max() / g.min() if g.size else float("nan")
    st.caption(t("grad.read.steps", loss=gradflow.loss_sentence(subject), spread=f"{spread:.3g}", T=T, t=step))


def grad_scale_picker(key: str = "grad_scale") -> str:
    """Normalised (default) or raw norms for curves of several models / snapshots; the choice."""
    from .. import gradflow, state
    if state.get(key) not in gradflow.SCALES:
        state.put(key, gradflow.NORMALISED)
    st.radio(t("grad.scale"), gradflow.SCALES, key=key, horizontal=True, help=t("grad.scale.help"),
             format_func=lambda s: t(f"grad.scale.{s}"))
    return state.get(key)


def grad_scale_note(subject, scale: str, step: int, direction: int = 0) -> None:
    """What the curves of several models show on this scale."""
    from .. import gradflow
    if scale == gradflow.RAW:
        st.caption(t("grad.scale.raw.note"))
    elif gradflow.single_step(subject):
        st.caption(t("grad.scale.normalised.note", t_star=gradflow.ref_step(subject, direction, step)))
    else:
        st.caption(t("grad.scale.normalised.step_note", t=step))
