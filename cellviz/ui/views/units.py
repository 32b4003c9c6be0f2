"""View 4: the input text coloured by a unit, "find the counter unit" for known features, gate saturation."""
from __future__ import annotations

import numpy as np
import streamlit as st

from ... import plots, summaries
from ...player import panels
from .. import state, stepper
from ..data import Subject
from ...i18n import label, t

USES_STEP = True
EPS = 0.05


def render(subject: Subject, step: int, units: list[int]):
    layer, direction = int(state.get("layer")), int(state.get("direction"))
    rec = subject.trace.layer(layer, direction)
    series = summaries.quantities(rec)
    key = ("units", stepper.subject_key(subject), layer, direction)
    fig = _colored_text(subject, series, step, units, key)
    _find_unit(subject, series, key)
    _saturation(rec, series)
    return fig


def _colored_text(subject: Subject, series: dict, step: int, units: list[int], key: tuple):
    if state.get("color_by") not in series:
        state.put("color_by", "h")
    if state.get("color_unit") not in units:
        state.put("color_unit", units[0])
    a, b = st.columns(2)
    a.selectbox(t("units.color_by"), list(series), key="color_by", format_func=plots.qname)
    b.selectbox(t("units.unit"), units, key="color_unit")
    q, unit = state.get("color_by"), int(state.get("color_unit"))
    title = t("plot.text.title", what=f"{plots.qname(q)} · {t('plot.unit')} {unit}")
    strip = stepper.cached(key + ("text", q, unit), lambda: panels.token_strip("text", subject.tokens,
                                                                              series[q][:, unit], q, title))
    stepper.show([strip], key="text")
    return lambda: plots.token_strip(subject.tokens, series[q][:, unit], q, title, step=step)


def _find_unit(subject: Subject, series: dict, key: tuple) -> None:
    st.markdown(f"#### {t('units.find.header')}")
    if not subject.features:
        st.info(t("units.find.none"))
        return
    names = list(subject.features)
    if state.get("feature") not in names:
        state.put("feature", names[0])
    st.selectbox(t("units.feature"), names, key="feature", format_func=lambda n: label("feature", n))
    feature = subject.features[state.get("feature")]
    name = label("feature", state.get("feature"))
    if np.ptp(feature) == 0:
        st.warning(t("units.find.constant", feature=name))
        return
    matches = summaries.rank_units(series, feature, top=10)
    if not matches:
        st.warning(t("units.find.constant", feature=name))
        return
    q, unit, r = matches[0]
    st.success(t("units.find.best", unit=unit, quantity=plots.qname(q), r=r, feature=name))
    left, right = st.columns(2)
    left.plotly_chart(plots.unit_ranking(matches, name), key="units_rank")
    fkey = key + ("feature", state.get("feature"))
    with right:
        stepper.show([stepper.cached(fkey + ("match",), lambda: panels.feature_match(
            feature, series[q][:, unit], subject.tokens, name, f"{q} · {t('plot.unit')} {unit}"))], key="match")
    stepper.show([stepper.cached(fkey + ("text",), lambda: panels.token_strip(
        "feature_text", subject.tokens, feature, "feature", t("plot.text.title", what=name)))], key="feature_text")


def _saturation(rec, series: dict) -> None:
    st.markdown(f"#### {t('units.saturation.header')}")
    names = list(rec.gates) or ["h"]
    if not rec.gates:
        st.caption(t("units.saturation.none"))
    shares = {g: summaries.saturation(series[g], *summaries.saturation_limits(g), EPS) for g in names}
    st.plotly_chart(plots.saturation_bars(shares, EPS), key="units_saturation")
