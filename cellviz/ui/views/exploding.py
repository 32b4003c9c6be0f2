"""View: exploding gradients and clipping — a vanilla RNN whose recurrent matrix has spectral radius ρ (a slider),
its gradient back in time, and what clipping the gradient norm at τ does (`cellviz.exploding`)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ... import exploding, plots
from .. import data, state
from ..data import Subject
from ...i18n import t

USES_STEP = False
NEEDS_SUBJECT = False
RADII = np.round(np.arange(0.5, 4.01, 0.25), 2)


@st.cache_resource(max_entries=64, ttl=data.TTL)
def demo(radius: float, steps: int, threshold: float) -> exploding.Demo:
    return exploding.run(radius, steps, threshold)


@st.cache_resource(max_entries=8, ttl=data.TTL)
def growth(steps: int) -> np.ndarray:
    return exploding.growth_by_radius(RADII, steps)


def shipped_clipping() -> tuple[int, int, list[float]]:
    """How many zoo cards record training with clipping at 1.0, of how many; the other values found."""
    clips = [data.zoo_card(n).get("recipe", {}).get("clip") for n in data.zoo_names()]
    return sum(c == 1.0 for c in clips), len(clips), sorted({c for c in clips if c != 1.0}, key=str)


def render(subject: Subject | None, step: int | None, units: list[int]) -> go.Figure:
    st.caption(t("expl.intro"))
    a, b, c = st.columns(3)
    a.slider(t("expl.radius"), 0.5, 4.0, step=0.1, key="expl_radius", help=t("expl.radius.help"))
    b.slider(t("expl.steps"), 5, 100, step=5, key="expl_steps")
    c.select_slider(t("expl.threshold"), [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0], key="expl_threshold",
                    help=t("expl.threshold.help"))
    radius, steps = float(state.get("expl_radius")), int(state.get("expl_steps"))
    threshold = float(state.get("expl_threshold"))
    d = demo(radius, steps, threshold)
    ratio = d.grad_h[0] / d.grad_h[-1]
    m = st.columns(5)
    m[0].metric(t("expl.m.radius"), f"{d.measured_radius:.3f}", help=t("expl.m.radius.help"))
    m[1].metric(t("expl.m.growth"), f"× {d.growth:.3f}", help=t("expl.m.growth.help"))
    m[2].metric(t("expl.m.ratio", T=steps - 1), f"{ratio:.3g}")
    m[3].metric(t("expl.m.before"), f"{d.norm:.3g}")
    m[4].metric(t("expl.m.after", tau=f"{threshold:g}"), f"{d.clipped:.3g}")
    loss = t("loss.sum.at", t=steps - 1)
    fig = plots.gradient_norms({f"ρ = {radius:g}": d.grad_h}, steps - 1, title=t("expl.flow.title"),
                               y_title=plots.grad_axis_title(loss))
    st.plotly_chart(fig, key="expl_flow")
    key = "expl.read.grows" if d.growth > 1 else "expl.read.shrinks"
    st.caption(t(key, radius=f"{radius:g}", factor=f"{d.growth:.3f}", steps=steps - 1, ratio=f"{ratio:.3g}"))
    st.markdown(f"#### {t('expl.clip.header')}")
    st.plotly_chart(plots.exploding.clipping(d.lengths, d.norm_by_length, d.clipped_by_length, threshold,
                                             loss=t("loss.sum.at.last")), key="expl_clip")
    st.caption(t("expl.clip.read", before=f"{d.norm:.3g}", after=f"{d.clipped:.3g}", tau=f"{threshold:g}",
                 scale=f"{min(1.0, threshold / d.norm):.3g}", cos=f"{d.cosine:.4f}"))
    ok, n, others = shipped_clipping()
    st.info(t("expl.shipped", ok=ok, n=n) + (t("expl.shipped.others", values=", ".join(map(str, others)))
                                             if others else ""), icon=":material/content_cut:")
    st.markdown(f"#### {t('expl.growth.header')}")
    st.plotly_chart(plots.exploding.growth_by_radius(RADII, growth(steps), radius), key="expl_growth")
    st.caption(t("expl.growth.read", first=_first_growing(RADII, growth(steps))))
    return fig


def _first_growing(radii: np.ndarray, factors: np.ndarray) -> str:
    above = [r for r, f in zip(radii, factors) if f > 1]
    return f"{above[0]:g}" if above else "—"
