"""Engine benchmark: `python -m cellviz.bench`.

Prints, in one run and on this machine's CPU: the fused `torch.nn` forward+backward time, the full
`cellviz.trace` time and their ratio for 1-layer LSTM, GRU and RNN (H=128, T=1000, B=1); a naive per-step
autograd loop with `retain_grad` for scale; and the trace's memory at T=10,000, H=512.
Budget (DESIGN.md): trace <= 3x the fused LSTM forward+backward. Both times are the faster of one thread and
the default thread count (torch and BLAS pools), so each side is compared at its best on this machine.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from torch import nn

import cellviz


def best_time(fn, repeat: int) -> float:
    """Fastest of `repeat` runs, in seconds (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def fused_forward_backward(module: nn.Module, x: torch.Tensor) -> None:
    x = x.detach().requires_grad_(True)
    out, _ = module(x)
    out[-1].sum().backward()


def best_over_threads(fn, repeat: int) -> float:
    """Best time over 1 thread and the default thread count (torch's and the BLAS's pools alike)."""
    default = torch.get_num_threads()
    times = []
    for threads in sorted({1, default}):
        torch.set_num_threads(threads)
        with threadpool_limits(threads):
            times.append(best_time(fn, repeat))
    torch.set_num_threads(default)
    return min(times)


def naive_autograd_trace(module: nn.Module, x: torch.Tensor) -> None:
    """What one would write without cellviz: one cell call per step, retain_grad on every state."""
    cell_cls = {nn.LSTM: nn.LSTMCell, nn.GRU: nn.GRUCell, nn.RNN: nn.RNNCell}[type(module)]
    cell = cell_cls(module.input_size, module.hidden_size)
    cell.load_state_dict({k[:-3]: v for k, v in module.state_dict().items()})
    h = torch.zeros(x.shape[1], module.hidden_size)
    state = (h, h.clone()) if isinstance(module, nn.LSTM) else h
    hs = []
    for t in range(x.shape[0]):
        state = cell(x[t], state)
        h = state[0] if isinstance(state, tuple) else state
        h.retain_grad()
        hs.append(h)
    hs[-1].sum().backward()


def trace_bytes(tr: cellviz.Trace) -> int:
    """Bytes held by a Trace's arrays, counting each underlying buffer once."""
    seen: dict[int, int] = {}

    def add(a):
        if isinstance(a, np.ndarray):
            base = a
            while isinstance(base.base, np.ndarray):
                base = base.base
            seen[id(base)] = base.nbytes

    for a in (tr.x, tr.output, tr.h_n, tr.c_n, tr.grad_x):
        add(a)
    for row in tr.layers:
        for rec in row:
            for a in (rec.h, rec.c, rec.grad_h, rec.grad_c, rec.h0, rec.c0):
                add(a)
            for d in (rec.gates, rec.preacts, rec.grad_gates):
                for a in d.values():
                    add(a)
    return sum(seen.values())


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print its table; the numbers as {"LSTM": {"fused": s, "trace": s, "ratio": x, ...},
    ..., "memory": {"held": bytes, "peak": bytes, "one_array": bytes}}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--input", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--memory-steps", type=int, default=10_000)
    ap.add_argument("--memory-hidden", type=int, default=512)
    ap.add_argument("--skip-naive", action="store_true")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, numpy {np.__version__}, torch threads {torch.get_num_threads()}")
    print(f"1 layer, H={args.hidden}, T={args.steps}, B=1, input {args.input}, best of {args.repeat}")
    print(f"{'cell':5} {'fused fwd+bwd':>14} {'cellviz.trace':>14} {'ratio':>7} {'naive loop':>11} {'naive ratio':>11}")
    results: dict = {}
    for cls in (nn.LSTM, nn.GRU, nn.RNN):
        m = cls(args.input, args.hidden)
        x = torch.randn(args.steps, 1, args.input)
        fused = best_over_threads(lambda: fused_forward_backward(m, x), args.repeat)
        traced = best_over_threads(lambda: cellviz.trace(m, x), args.repeat)
        line = f"{cls.__name__:5} {fused * 1e3:11.1f} ms {traced * 1e3:11.1f} ms {traced / fused:6.2f}x"
        results[cls.__name__] = {"fused": fused, "trace": traced, "ratio": traced / fused}
        if not args.skip_naive:
            naive = best_time(lambda: naive_autograd_trace(m, x), max(1, args.repeat // 3))
            line += f" {naive * 1e3:8.1f} ms {naive / fused:10.1f}x"
            results[cls.__name__].update(naive=naive, naive_ratio=naive / fused)
        print(line)

    T, H = args.memory_steps, args.memory_hidden
    m = nn.LSTM(args.input, H)
    x = torch.randn(T, 1, args.input)
    tracemalloc.start()
    tr = cellviz.trace(m, x)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    held = trace_bytes(tr)
    one = T * H * 4
    print(f"memory, LSTM T={T}, H={H}: trace holds {held / 2**20:.0f} MiB "
          f"({held / one:.1f} x one (T,H) float32 array), peak while tracing {peak / 2**20:.0f} MiB")
    results["memory"] = {"held": held, "peak": peak, "one_array": one}
    return results


if __name__ == "__main__":
    main()
