"""Exploding gradients and gradient clipping, live: a vanilla RNN whose recurrent matrix has a chosen spectral
radius ρ, the gradient flowing back through it, and what `torch.nn.utils.clip_grad_norm_` does to it.

Backpropagation multiplies ∂L/∂h_t by the step's Jacobian diag(1 − h_t²) W_hh once per step. With ρ(W_hh) < 1
the product shrinks geometrically (vanishing); with ρ > 1 it can grow geometrically (exploding) — tanh's slope
(≤ 1) damps every step, so ρ > 1 is needed for growth but not enough: the measured per-step factor says which.
Clipping rescales the whole parameter gradient to norm ≤ τ when it is larger: the size of the update is bounded,
its direction (and which steps dominate it) is not changed. No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .trace import trace

INPUT_SIZE = 4
INPUT_SCALE = 0.1            # small inputs: tanh stays in its near-linear range, where W_hh decides the growth


@dataclass
class Demo:
    """One setting of the demo and everything it measured."""

    radius: float                 # ρ asked for
    measured_radius: float        # max |eigenvalue| of the module's W_hh (what the slider set)
    steps: int
    threshold: float              # τ of clip_grad_norm_
    grad_h: np.ndarray            # ‖∂L/∂h_t‖, t = 0..T-1 (L at the last step)
    growth: float                 # per-step factor: (‖∂L/∂h_0‖ / ‖∂L/∂h_{T-1}‖) ** (1 / (T-1))
    norm: float                   # ‖∇_θ L‖ over every parameter, before clipping
    clipped: float                # ... after clip_grad_norm_(τ)
    cosine: float                 # cos(gradient before, after): 1 = same direction
    lengths: np.ndarray           # sequence lengths 2..T
    norm_by_length: np.ndarray    # ‖∇_θ L‖ before clipping at each length
    clipped_by_length: np.ndarray  # ... after


def make_rnn(radius: float, hidden: int = 32, seed: int = 0) -> torch.nn.RNN:
    """A tanh nn.RNN with W_hh = ρ·Q (Q a random rotation: every direction stretched by ρ, so the spectral radius
    and every singular value are ρ), input weights at random, zero biases."""
    g = torch.Generator().manual_seed(seed)
    rnn = torch.nn.RNN(INPUT_SIZE, hidden)
    with torch.no_grad():
        q, r = torch.linalg.qr(torch.randn(hidden, hidden, generator=g, dtype=torch.float64))
        w = q * torch.sign(torch.diagonal(r)) * radius
        rnn.weight_hh_l0.copy_(w.float())
        rnn.weight_ih_l0.copy_(torch.randn(hidden, INPUT_SIZE, generator=g) / np.sqrt(INPUT_SIZE))
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()
    return rnn


def make_input(steps: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed + 1)
    return torch.randn(steps, INPUT_SIZE, generator=g) * INPUT_SCALE


def loss_of(output: torch.Tensor, h_n=None) -> torch.Tensor:
    """L = the sum of the outputs at the last step (the same loss as `cellviz.trace`'s default)."""
    return output[-1].sum()


def clip(rnn: torch.nn.RNN, x: torch.Tensor, threshold: float) -> tuple[float, float, float]:
    """Backpropagate L, then clip exactly as training does: (norm before, norm after, cosine before/after)."""
    rnn.zero_grad()
    out, _ = rnn(x)
    loss_of(out).backward()
    before = torch.cat([p.grad.reshape(-1) for p in rnn.parameters()]).clone()
    total = float(torch.nn.utils.clip_grad_norm_(rnn.parameters(), threshold))
    after = torch.cat([p.grad.reshape(-1) for p in rnn.parameters()])
    cos = float(torch.nn.functional.cosine_similarity(before.double(), after.double(), dim=0))
    return total, float(after.norm()), cos


def run(radius: float = 3.0, steps: int = 40, threshold: float = 1.0, hidden: int = 32, seed: int = 0) -> Demo:
    """The demo for one ρ, length and τ: gradient back in time, and the parameter gradient before/after clipping."""
    if not 0 < radius <= 10 or not 2 <= steps <= 200 or not threshold > 0:
        raise ValueError("radius must be in (0, 10], steps in 2..200, the threshold > 0")
    rnn = make_rnn(radius, hidden, seed)
    x = make_input(steps, seed)
    tr = trace(rnn, x, loss=loss_of)
    gh = np.linalg.norm(tr.layer(0).grad_h[:, 0], axis=-1).astype(np.float64)
    growth = float((gh[0] / gh[-1]) ** (1 / (steps - 1))) if gh[-1] > 0 and gh[0] > 0 else float("nan")
    measured = float(np.abs(np.linalg.eigvals(rnn.weight_hh_l0.detach().double().numpy())).max())
    lengths = np.arange(2, steps + 1)
    by_length = np.array([clip(rnn, x[:n], threshold)[:2] for n in lengths])
    norm, clipped, cos = clip(rnn, x, threshold)
    return Demo(radius, measured, steps, threshold, gh, growth, norm, clipped, cos, lengths, by_length[:, 0],
                by_length[:, 1])


def growth_by_radius(radii, steps: int = 40, hidden: int = 32, seed: int = 0) -> np.ndarray:
    """The per-step growth factor of ‖∂L/∂h_t‖ for each ρ (same weights' direction and input, only ρ changes)."""
    x = make_input(steps, seed)
    out = []
    for r in radii:
        gh = np.linalg.norm(trace(make_rnn(float(r), hidden, seed), x, loss=loss_of).layer(0).grad_h[:, 0].astype(np.float64), axis=-1)
        out.append((gh[0] / gh[-1]) ** (1 / (steps - 1)) if gh[-1] > 0 and gh[0] > 0 else np.nan)
    return np.asarray(out, dtype=np.float64)
