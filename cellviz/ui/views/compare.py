"""View 5: compare cells — parameter counts from real modules, the zoo's models, the claims experiment."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ... import plots, zoo
from .. import data
from ..data import Subject
from ..i18n import t

USES_STEP = False
CLAIMS_COMMAND = "python -m cellviz.zoo.claims"


def render(subject: Subject, step: int | None, units: list[int]) -> go.Figure:
    tr = subject.trace
    st.markdown(f"#### {t('compare.params.header')}")
    fig = plots.parameter_counts(data.parameter_counts(tr.input_size, tr.hidden_size))
    st.plotly_chart(fig, key="compare_params")
    st.caption(t("compare.params.note", inputs=tr.input_size, hidden=tr.hidden_size))
    st.markdown(f"#### {t('compare.zoo.header')}")
    cards = [data.zoo_card(n) for n in data.zoo_names()]
    columns = {"name": "name", "cell": "cell", "io": "io", "task": "task", "layers": "num_layers",
               "hidden": "hidden_size", "bidirectional": "bidirectional", "params": "params"}
    st.dataframe([{**{t(f"compare.col.{col}"): c[key] for col, key in columns.items()},
                   **{k: round(v, 4) for k, v in c.get("metrics", {}).items()}} for c in cards],
                 hide_index=True, width="stretch")
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
    if claims.get("notes"):
        st.caption(str(claims["notes"]))
