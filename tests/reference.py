"""An independent, slow reference: the recurrence written with torch ops step by step, gradients by autograd.

Used only by tests. It is itself checked against torch.nn's fused modules before being trusted.
"""
from __future__ import annotations

import torch
from torch import nn


def _kind(m: nn.Module) -> str:
    return "lstm" if isinstance(m, nn.LSTM) else "gru" if isinstance(m, nn.GRU) else "rnn"


def _edit(v: torch.Tensor, edits, target: str, l: int, d: int, t: int) -> torch.Tensor:
    for e in edits:
        if e.target == target and e.layer == l and e.direction == d and (e.step is None or e.step == t):
            v = v.clone()
            units = slice(None) if e.units is None else list(e.units)
            v[:, units] = torch.as_tensor(e.value, dtype=v.dtype)
    return v


def reference(m: nn.Module, x: torch.Tensor, h0=None, loss=None, at_step=None, interventions=()):
    """Return dict with output, h_n, loss and per (layer, dir) lists of tensors (position order):
    h, c, gates{name: [T tensors]}, grad_h, grad_c (autograd, total derivatives), and grad_x."""
    kind = _kind(m)
    L, D, H = m.num_layers, 2 if m.bidirectional else 1, m.hidden_size
    P = getattr(m, "proj_size", 0) or H          # nn.LSTM(proj_size=P): h has P units, c keeps H
    unbatched = x.dim() == 2
    x = x.detach().clone().requires_grad_(True)
    xt = x.unsqueeze(1) if unbatched else (x.transpose(0, 1) if m.batch_first else x)
    T, B, _ = xt.shape
    if h0 is None:
        h0s = torch.zeros(L * D, B, P, dtype=xt.dtype)
        c0s = torch.zeros(L * D, B, H, dtype=xt.dtype) if kind == "lstm" else None
    elif kind == "lstm":
        h0s, c0s = (h0[0].unsqueeze(1), h0[1].unsqueeze(1)) if unbatched else h0
    else:
        h0s, c0s = (h0.unsqueeze(1) if unbatched else h0), None
    rec = {}
    layer_in = xt
    hn, cn = [], []
    for l in range(L):
        outs = []
        for d in range(D):
            sfx = f"_l{l}" + ("_reverse" if d else "")
            w_ih, w_hh = getattr(m, "weight_ih" + sfx), getattr(m, "weight_hh" + sfx)
            b_ih = getattr(m, "bias_ih" + sfx, None)
            b_hh = getattr(m, "bias_hh" + sfx, None)
            b_ih = torch.zeros(w_ih.shape[0], dtype=xt.dtype) if b_ih is None else b_ih
            b_hh = torch.zeros(w_ih.shape[0], dtype=xt.dtype) if b_hh is None else b_hh
            h = h0s[l * D + d]
            c = None if c0s is None else c0s[l * D + d]
            order = range(T) if d == 0 else range(T - 1, -1, -1)
            hs, cs, gs = {}, {}, {}
            for t in order:
                gi = layer_in[t] @ w_ih.T + b_ih
                gh = h @ w_hh.T + b_hh
                if kind == "lstm":
                    i, f, g, o = (gi + gh).chunk(4, -1)
                    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                    i, f, g, o = (_edit(v, interventions, k, l, d, t) for v, k in zip((i, f, g, o), "ifgo"))
                    c = _edit(f * c + i * g, interventions, "c", l, d, t)
                    h = o * torch.tanh(c)
                    if getattr(m, "proj_size", 0):
                        h = h @ getattr(m, "weight_hr" + sfx).T
                    c.retain_grad()
                    cs[t] = c
                    gs[t] = {"i": i, "f": f, "g": g, "o": o}
                elif kind == "gru":
                    ir, iz, in_ = gi.chunk(3, -1)
                    hr, hz_, hn_ = gh.chunk(3, -1)
                    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz_)
                    r, z = _edit(r, interventions, "r", l, d, t), _edit(z, interventions, "z", l, d, t)
                    n = _edit(torch.tanh(in_ + r * hn_), interventions, "n", l, d, t)
                    h = (1 - z) * n + z * h
                    gs[t] = {"r": r, "z": z, "n": n}
                else:
                    act = torch.tanh if m.nonlinearity == "tanh" else torch.relu
                    h = act(gi + gh)
                    gs[t] = {}
                h = _edit(h, interventions, "h", l, d, t)
                h.retain_grad()
                hs[t] = h
            rec[l, d] = {"h": [hs[t] for t in range(T)], "c": [cs[t] for t in range(T)] if cs else None,
                         "gates": {k: [gs[t][k] for t in range(T)] for k in gs[0]}}
            outs.append(torch.stack([hs[t] for t in range(T)]))
            hn.append(h)
            cn.append(c)
        layer_in = torch.cat(outs, -1)
    out = layer_in
    h_n = torch.stack(hn)
    c_n = torch.stack(cn) if kind == "lstm" else None
    out_m = out[:, 0] if unbatched else (out.transpose(0, 1) if m.batch_first else out)
    hn_m = h_n[:, 0] if unbatched else h_n
    cn_m = None if c_n is None else (c_n[:, 0] if unbatched else c_n)
    if at_step is not None:
        # gradient of the loss through output position at_step only
        out_det = out_m.detach()
        mask = torch.zeros_like(out_m)
        if unbatched or not m.batch_first:
            mask[at_step] = 1
        else:
            mask[:, at_step] = 1
        out_m = out_m * mask + out_det * (1 - mask)
        hn_m = hn_m.detach()
        cn_m = None if cn_m is None else cn_m.detach()
    if loss is None:
        lv = (out_m[:, -1] if (m.batch_first and not unbatched) else out_m[-1]).sum()
    else:
        lv = loss(out_m, hn_m if cn_m is None else (hn_m, cn_m))
    lv.backward()
    for v in rec.values():
        v["grad_h"] = [torch.zeros_like(t) if t.grad is None else t.grad for t in v["h"]]
        v["grad_c"] = None if v["c"] is None else [torch.zeros_like(t) if t.grad is None else t.grad for t in v["c"]]
    gx = x.grad
    gx = gx.unsqueeze(1) if unbatched else (gx.transpose(0, 1) if m.batch_first else gx)
    return {"output": out_m.detach(), "h_n": hn_m.detach(), "c_n": None if cn_m is None else cn_m.detach(),
            "loss": lv.detach(), "layers": rec, "grad_x": gx}
