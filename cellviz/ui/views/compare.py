"""View 5: compare cells — parameter counts from real modules, the zoo's models, the claims experiment."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ... import plots, zoo
from ...zoo import claims_report as report
from .. import data
from . import explain
from ..data import Subject
from ...i18n import card_metrics, label, t

USES_STEP = False
CLAIMS_COMMAND = "python -m cellviz.zoo.claims_experiment"


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
    if not report.is_v2(claims):
        st.info(t("compare.claims.old", command=CLAIMS_COMMAND))
        return
    report.read(claims)
    st.caption(t("compare.claims.v2.intro"))
    names = report.task_names(claims)
    for tab, name in zip(st.tabs([report.task_label(n) for n in names]), names):
        with tab:
            _claims_task(claims, name)


def _claims_task(claims: dict, name: str) -> None:
    """One task of the claims table: its headline, one chart per question, the table, the protocol (collapsed)."""
    st.markdown(f"**{report.headline(claims, name)}**")
    left, right = st.columns(2)
    left.plotly_chart(plots.claims_levels(claims, name), key=f"claims_levels_{name}")
    right.plotly_chart(plots.claims_speed(claims, name), key=f"claims_speed_{name}")
    left, right = st.columns(2)
    left.plotly_chart(plots.claims_scratch(claims, name), key=f"claims_scratch_{name}")
    right.plotly_chart(plots.claims_grad(claims, name), key=f"claims_grad_{name}")
    st.caption(t("compare.claims.table"))
    st.dataframe(report.table_rows(claims, name), hide_index=True, width="stretch")
    with st.expander(t("compare.claims.details")):
        st.markdown(report.protocol_notes(claims, name))
        st.markdown(report.run_note(claims))


# --- schema-1 readers (the tour's slides read the lag task through these; `zoo.claims()` keeps its v1 keys) ----
def median_range(values: list) -> str:
    """"median (lo–hi)" of per-seed values; 0 means none learned."""
    v = [int(x or 0) for x in values]
    med = int(np.median(v))
    word = (lambda x: str(x) if x else t("compare.claims.none"))
    return word(med) if min(v) == max(v) else t("compare.claims.range", med=word(med), lo=word(min(v)),
                                                     hi=word(max(v)))


def claims_summary(claims: dict) -> list[str]:
    """The experiment's protocol and findings in the active language, every number read from claims.json
    (its English `notes` say the same for notebook readers): [protocol, per-row lines..., finding, gradients,
    caveat]."""
    p = claims["protocol"]
    cur = p["curriculum"]
    out = [t("compare.claims.protocol", chance=f"{claims['chance']:.0%}", rows=len(claims["rows"]),
             seeds=len(p["seeds"]), hidden=p["hidden"], lr=p["optimiser"]["lr"], batch=p["batch"],
             clip=p["optimiser"]["clip"], levels=_list(cur["levels"]), min_lag=cur["min_lag"],
             every=cur["val_every"], val_n=cur["val_n"], advance=f"{cur['advance_at']:.0%}", budget=cur["budget"],
             stuck=cur["stuck_limit"], scratch_lags=_list(p["scratch_lags"]), scratch_budget=p["scratch_budget"])]
    for row, d in claims["rows"].items():
        far = str(max(p["test_lags"]))
        out.append(t("compare.claims.row", row=plots.row_label(row), curriculum=median_range(d["largest_lag"]),
                     reached=reached(claims, row), far=far, held=f"{np.mean(d['accuracy'][far]):.0%}",
                     scratch=median_range(d["from_scratch"]["largest_lag"])))
    out.append(finding(claims))
    k = grad_k(claims)
    vals = t("list.sep2").join(f"{plots.row_label(r)} {np.median(grad_at_k(d, k)):.1e}"
                               for r, d in claims["rows"].items())
    out.append(t("compare.claims.gradients", examples=p["grad_examples"], lag=p["grad_lag"], k=k, values=vals))
    out.append(t("compare.claims.caveat"))
    return out


def gradient_reference(task: str | None) -> str | None:
    """For the Gradient page: what the claims experiment measured about *learning* this task (the lag task only),
    every number from claims.json; None for another task or without the table."""
    try:
        claims = zoo.claims()
    except FileNotFoundError:
        return None
    if task != "lag":
        return _gradient_reference_v2(claims, task)
    if "rows" not in claims:
        return None
    k = grad_k(claims)
    rows = [r for r in ("rnn", "lstm", "lstm-chrono", "gru") if r in claims["rows"]]
    values = t("list.sep2").join(f"{plots.row_label(r)} {np.median(grad_at_k(claims['rows'][r], k)):.1e}" for r in rows)
    reach = t("list.sep2").join(f"{plots.row_label(r)} {median_range(claims['rows'][r]['from_scratch']['largest_lag'])}"
                                for r in rows)
    return t("grad.claims.lag", k=k, values=values, reach=reach, page=t("page.compare"))


def _gradient_reference_v2(claims: dict, task: str | None) -> str | None:
    """The same note for the claims v2 tasks other than lag (prefix, adding), from the schema-2 table."""
    if not report.is_v2(claims) or task not in claims["tasks"]:
        return None
    rows = [r for r in ("rnn", "lstm", "lstm-chrono", "gru") if r in claims["tasks"][task]["rows"]]
    k = report.grad_k(claims, task)
    top = claims["tasks"][task]["spec"]["levels"][-1]
    values = t("list.sep2").join(f"{plots.row_label(r)} {report.fmt_grad(*report.grad_at(claims, task, r, k))}"
                                 for r in rows)
    reach = t("list.sep2").join(f"{plots.row_label(r)} {report.fmt_level(report.largest(claims, task, r), top)}"
                                for r in rows)
    return t("grad.claims.v2", task=report.task_label(task), k=k, values=values, reach=reach, page=t("page.compare"),
             name=t(f"claims.level.{claims['tasks'][task]['level_name']}"))


def finding(claims: dict) -> str:
    """The facts the table shows, in one sentence: the spread of from-scratch reach, and how the curriculum went."""
    p, rows = claims["protocol"], claims["rows"]
    top, far = p["curriculum"]["levels"][-1], str(max(p["test_lags"]))
    reach = {r: int(np.median(d["from_scratch"]["largest_lag"])) for r, d in rows.items()}
    lo, hi = min(reach.values()), max(reach.values())
    names = lambda v: t("list.sep").join(plots.row_label(r) for r, x in reach.items() if x == v)  # noqa: E731
    word = lambda v: str(v) if v else t("compare.claims.none")  # noqa: E731
    full = [r for r, d in rows.items() if all(s is not None for s in d["steps_to_learn"][str(top)])]
    if len(full) == len(rows):
        steps = max(s for d in rows.values() for s in d["steps_to_learn"][str(top)])
        accs = [a for d in rows.values() for a in d["accuracy"][far]]
        acc = f"{min(accs):.0%}" if min(accs) == max(accs) else f"{min(accs):.0%}–{max(accs):.0%}"
        curriculum = t("compare.claims.finding.all", top=top, steps=steps, acc=acc, far=far)
    else:
        curriculum = t("compare.claims.finding.some", n=len(full), rows=len(rows), top=top)
    return t("compare.claims.finding", lo=word(lo), lo_rows=names(lo), hi=word(hi), hi_rows=names(hi),
             curriculum=curriculum)


def reached(claims: dict, row: str) -> str:
    """How the curriculum's last level went for `row`: by how many seeds it was learned, median step."""
    p = claims["protocol"]
    top = p["curriculum"]["levels"][-1]
    steps = [s for s in claims["rows"][row]["steps_to_learn"][str(top)] if s is not None]
    return (t("compare.claims.reached", top=top, n=len(steps), seeds=len(p["seeds"]), steps=int(np.median(steps)))
            if steps else t("compare.claims.not_reached", top=top))


def grad_k(claims: dict, near: int = 100) -> int:
    """The measured distance k closest to `near` at which a text reads the gradient ratios."""
    ks = next(iter(claims["rows"].values()))["grad_ratio_init"]["k"]
    return min(ks, key=lambda k: abs(k - near))


def grad_at_k(d: dict, k: int) -> list[float]:
    """One row's ‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖ at initialisation, per seed."""
    g = d["grad_ratio_init"]
    i = g["k"].index(k)
    return [seed[i] for seed in g["h"]]


def _list(values: list) -> str:
    return t("list.sep").join(str(v) for v in values)
