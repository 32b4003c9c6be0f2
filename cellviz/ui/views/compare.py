"""View 5: compare cells — parameter counts from real modules, the zoo's models, the claims experiment."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ... import plots, zoo
from .. import data
from . import explain
from ..data import Subject
from ...i18n import card_metrics, label, t

USES_STEP = False
CLAIMS_COMMAND = "python -m cellviz.zoo.claims"
LEARNED = 0.9                 # the claims experiment's rule: a lag is learned at this mean accuracy (its notes)


def render(subject: Subject, step: int | None, units: list[int]) -> go.Figure:
    tr = subject.trace
    st.markdown(f"#### {t('compare.params.header')}")
    counts = data.parameter_counts(tr.input_size, tr.hidden_size)
    fig = plots.parameter_counts(counts)
    st.plotly_chart(fig, key="compare_params")
    st.caption(t("compare.params.note", inputs=tr.input_size, hidden=tr.hidden_size))
    explain.parameters(tr.input_size, tr.hidden_size, counts)
    st.markdown(f"#### {t('compare.zoo.header')}")
    st.caption(t("compare.zoo.params_note"))
    cards = [data.zoo_card(n) for n in data.zoo_names()]
    columns = {"name": "name", "cell": "cell", "io": "io", "task": "task", "layers": "num_layers",
               "hidden": "hidden_size", "bidirectional": "bidirectional"}
    st.dataframe([{**{t(f"compare.col.{col}"): c[key] for col, key in columns.items()},
                   t("compare.col.task"): label("task", c["task"]), t("compare.col.io"): label("io", c["io"]),
                   t("compare.col.recurrent_params"): data.recurrent_params(c["name"]),
                   t("compare.col.params"): c["params"],
                   t("compare.col.metrics"): t("list.sep2").join(card_metrics(c))} for c in cards],
                 hide_index=True, width="stretch")
    explain.io_shapes(cards)
    _claims()
    return fig


def _claims() -> None:
    st.markdown(f"#### {t('compare.claims.header')}")
    try:
        claims = zoo.claims()
    except FileNotFoundError:
        st.info(t("compare.claims.missing", command=CLAIMS_COMMAND))
        return
    left, right = st.columns(2)
    left.plotly_chart(plots.claims_accuracy(claims), key="claims_acc")
    right.plotly_chart(plots.claims_gradients(claims), key="claims_grad")
    st.caption(t("compare.claims.command", command=claims.get("command", CLAIMS_COMMAND)))
    for text in claims_summary(claims):
        st.caption(text)


def claims_summary(claims: dict) -> list[str]:
    """The experiment's protocol and findings in the active language, every number read from claims.json
    (its English `notes` say the same for notebook readers). Empty for a file without a protocol."""
    p = claims.get("protocol")
    if not p:
        return []
    lags = claims.get("lags", p.get("lags", []))
    out = [t("compare.claims.protocol", lags=_span(lags), chance=claims.get("chance", "—"), seeds=p.get("seeds"),
             hidden=p.get("hidden"), lr=p.get("lr"), batch=p.get("batch"), max_steps=p.get("max_steps"),
             stop_at=p.get("stop_at"), n_test=p.get("n_test"))]
    tables = [(c.upper(), claims.get("accuracy", {}).get(c)) for c in claims.get("cells", [])]
    tables += [(t("plot.claims.variant", cell=v.split("-")[0].upper()), acc)       # as the accuracy plot names it
               for v, acc in claims.get("variants", {}).items()]
    lines = []
    for cell, table in tables:
        if not table:
            continue
        solved = [lag for lag in lags if np.mean(table[str(lag)]) >= LEARNED]
        some = [lag for lag in lags if max(table[str(lag)]) >= LEARNED and lag not in solved]
        line = (t("compare.claims.learned", cell=cell, threshold=LEARNED, lags=_list(solved)) if solved
                else t("compare.claims.learned.none", cell=cell, threshold=LEARNED))
        lines.append(line + (t("compare.claims.learned.some", lags=_list(some)) if some else ""))
    if lines:
        out.append(" · ".join(lines))
    if "grad_lag" in p:
        out.append(t("compare.claims.gradients", examples=p.get("grad_examples"), lag=p["grad_lag"]))
    held = {c: [lag for lag, a in g.items() if a >= LEARNED]
            for c, g in claims.get("shipped_model_accuracy_by_lag", {}).items()}
    if held:
        out.append(t("compare.claims.holding", threshold=LEARNED,
                     held=t("list.sep2").join(f"{c.upper()} {_list(v) if v else t('compare.claims.none')}"
                                              for c, v in held.items())))
    return out


def _span(lags: list) -> str:
    return f"{lags[0]}–{lags[-1]}" if len(lags) > 1 else ", ".join(str(v) for v in lags)


def _list(values: list) -> str:
    return t("list.sep").join(str(v) for v in values)
