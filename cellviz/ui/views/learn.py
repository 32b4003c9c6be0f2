"""View 7: watch it learn — two small cells trained side by side on a synthetic task (`cellviz.live`), the
loss curves, gradient norm against distance and the probe's gate heatmaps redrawn after every epoch.

The run lives in the session state under RUN (its generators and every report so far), so it survives reruns:
a Stop click starts a rerun that interrupts the training loop at its next redraw, and its callback marks the
run stopped; any other rerun (a widget, another page and back) picks the run up where it was.
"""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from ... import grads, plots, summaries
from ...live import LIMITS, LIVE_TASKS, LiveConfig, train_live
from ...zoo.tasks import make_task
from .. import state
from ..data import Subject, loss_kind
from ..gradflow import NORMALISED, RAW
from ..safety import REASON_CHARS, escape_markdown
from . import explain
from ...i18n import t

USES_STEP = False
NEEDS_SUBJECT = False
RUN, ERROR = "learn_run", "learn_error"
CELLS = ("rnn", "lstm", "gru")
MAX_LAG = 40
TASK_OPTIONS = {"lag": {"min_lag": 5, "n_heldout": 64}, "brackets": {"max_train_len": 30, "n_heldout": 100},
                "adding": {"n_heldout": 1024}}


@dataclass(frozen=True)
class Knob:
    """A task's own setting: the widget's key, the task option it sets, its range and its catalogue keys."""

    key: str
    option: str
    low: int
    high: int
    label: str
    help: str


KNOBS = {"lag": Knob("learn_lag", "max_lag", 5, MAX_LAG, "learn.lag", "learn.lag.help"),
         "adding": Knob("learn_length", "length", 10, 50, "learn.length", "learn.length.help")}
# settings a task suggests instead of the defaults (state.KEYS), loaded when the task is picked (adding needs more batches to leave
# its plateau at the baseline: an LSTM of 16 units at length 10 learns it in ~15 x 40 batches)
TASK_DEFAULTS = {"adding": {"learn_epochs": 15, "learn_steps": 40}}


def render(subject: Subject | None, step: int | None, units: list[int]) -> go.Figure | None:
    st.caption(t("learn.intro", hidden=LIMITS.max_hidden, epochs=LIMITS.max_epochs,
                 seconds=int(LIMITS.max_seconds)))
    _settings()
    run = state.get(RUN)
    running = run is not None and run["status"] == "running"
    a, b, _ = st.columns([1, 1, 4])
    a.button(t("learn.train"), key="learn_train", type="primary", icon=":material/play_arrow:", on_click=_start,
             disabled=running, width="stretch")
    b.button(t("learn.stop"), key="learn_stop", icon=":material/stop:", on_click=_stop, disabled=not running,
             width="stretch")
    if state.get(ERROR):
        st.error(state.get(ERROR))
    if run is None:
        st.info(t("learn.prompt"))
        return None
    explain.grad_scale_picker()
    st.caption(t("learn.grad.note"))
    slots = {"status": st.empty(), "curves": st.empty(), "cols": [c.empty() for c in st.columns(2)]}
    _draw(run, slots, range(len(run["reports"])))
    if running:
        _train(run, slots)
    return None


def _settings() -> None:
    c = st.columns([1.4, 1, 1, 1, 1])
    c[0].selectbox(t("learn.task"), LIVE_TASKS, key="learn_task", format_func=lambda k: t(f"learn.task.{k}"),
                   on_change=_task_changed, help=t("learn.task.help"))
    c[1].selectbox(t("learn.cell_a"), CELLS, key="learn_cell_a", format_func=str.upper)
    c[2].selectbox(t("learn.cell_b"), CELLS, key="learn_cell_b", format_func=str.upper)
    c[3].number_input(t("learn.hidden"), min_value=1, step=4, key="learn_hidden",
                      help=t("learn.limit", limit=LIMITS.max_hidden))
    c[4].number_input(t("learn.epochs"), min_value=1, step=1, key="learn_epochs",
                      help=t("learn.limit", limit=LIMITS.max_epochs))
    c = st.columns([1.4, 1, 1, 1, 1])
    knob = KNOBS.get(state.get("learn_task"))
    if knob is not None:
        c[0].number_input(t(knob.label), min_value=knob.low, step=1, key=knob.key,
                          help=t(knob.help, low=knob.low, limit=knob.high))
    c[1].number_input(t("learn.steps"), min_value=1, step=5, key="learn_steps",
                      help=t("learn.limit", limit=LIMITS.max_steps))
    c[2].number_input(t("learn.batch"), min_value=1, step=8, key="learn_batch",
                      help=t("learn.limit", limit=LIMITS.max_batch))
    c[3].number_input(t("learn.lr"), min_value=0.0001, max_value=1.0, step=0.005, format="%.4f", key="learn_lr")


def _task_changed() -> None:
    """Load the picked task's suggested settings (the common defaults where it suggests none)."""
    suggested = TASK_DEFAULTS.get(state.get("learn_task"), {})
    for key in {k for d in TASK_DEFAULTS.values() for k in d}:
        state.put(key, suggested.get(key, state.DEFAULTS[key]))


def configs() -> list[LiveConfig]:
    """The two runs the settings ask for; ValueError with a user-facing message when over a limit."""
    caps = {"hidden": LIMITS.max_hidden, "epochs": LIMITS.max_epochs, "steps": LIMITS.max_steps,
            "batch": LIMITS.max_batch}
    for name, cap in caps.items():
        value = int(state.get(f"learn_{name}"))
        if not 1 <= value <= cap:
            raise ValueError(t("learn.too_big", what=t(f"learn.{name}"), got=value, limit=cap))
    task = state.get("learn_task")
    options = dict(TASK_OPTIONS[task])
    knob = KNOBS.get(task)
    if knob is not None:
        value = int(state.get(knob.key))
        if not knob.low <= value <= knob.high:
            raise ValueError(t("learn.out_of_range", what=t(knob.label), got=value, low=knob.low, high=knob.high))
        options[knob.option] = value
    cfgs = [LiveConfig(task=task, cell=state.get(key), hidden=int(state.get("learn_hidden")),
                       epochs=int(state.get("learn_epochs")), steps=int(state.get("learn_steps")),
                       batch=int(state.get("learn_batch")), lr=float(state.get("learn_lr")), task_options=options)
            for key in ("learn_cell_a", "learn_cell_b")]
    for cfg in cfgs:
        cfg.check()
    return cfgs


def new_run(cfgs: list[LiveConfig]) -> dict:
    """A run of `cfgs` side by side, not started: generators, reports per run, the probe's tokens, and the
    metric the curves show (the task's first; "lower" for an error) with a trivial predictor's value of it."""
    run = {"status": "running", "cfgs": cfgs, "reports": [[] for _ in cfgs], "done": [False for _ in cfgs]}
    run["gens"] = [train_live(cfg, should_stop=lambda: run["status"] != "running") for cfg in cfgs]
    task = make_task(cfgs[0].task, **cfgs[0].task_options)
    run["tokens"] = list(task.sample(0).tokens)
    run["metric"] = metric = next(iter(task.better))
    run["lower"] = task.better[metric] == "lower"
    run["baseline"] = task.baseline().get(metric)
    return run


def _start() -> None:
    state.put(ERROR, None)
    try:
        state.put(RUN, new_run(configs()))
    except ValueError as e:
        state.put(ERROR, t("learn.refused", reason=escape_markdown(e, REASON_CHARS)))


def stop(run: dict | None) -> None:
    """Mark a running run stopped (the Stop button's callback; the click's rerun interrupts the loop)."""
    if run is not None and run["status"] == "running":
        run["status"] = "stopped"


def _stop() -> None:
    stop(state.get(RUN))


def _train(run: dict, slots: dict) -> None:
    """Advance the runs one epoch each, in turn, redrawing after every epoch, until all are done."""
    while run["status"] == "running":
        for k, gen in enumerate(run["gens"]):
            if run["done"][k]:
                continue
            report = next(gen, None)
            if report is None:
                run["done"][k] = True
                continue
            run["reports"][k].append(report)
            run["done"][k] = bool(report.stopped)
            _draw(run, slots, [k])
        if all(run["done"]):
            run["status"] = "done"
            st.rerun()                   # redraw the buttons (Train enabled, Stop disabled)


def _label(run: dict, k: int) -> str:
    return f"{'AB'[k]} · {run['cfgs'][k].cell.upper()}"


def _status(run: dict, slots: dict) -> None:
    """Progress while running; how the run ended otherwise."""
    reports = run["reports"]
    n = sum(len(r) for r in reports)
    total = sum(cfg.epochs + 1 for cfg in run["cfgs"])
    with slots["status"].container():
        if run["status"] == "running":
            st.progress(min(n / total, 1.0), text=t("learn.progress", done=n, total=total))
        elif run["status"] == "stopped":
            st.warning(t("learn.stopped", epochs=" · ".join(f"{'AB'[k]} {max(len(r) - 1, 0)}"
                                                             for k, r in enumerate(reports))))
        else:
            limit = any(r and r[-1].stopped == "time limit" for r in reports)
            st.success(t("learn.time_limit", seconds=int(LIMITS.max_seconds)) if limit else t("learn.done"))


def _draw(run: dict, slots: dict, columns) -> None:
    """Status, learning curves, and the columns of the runs in `columns` (chart keys unique per redraw)."""
    _status(run, slots)
    reports = run["reports"]
    n = sum(len(r) for r in reports)
    if not any(reports):
        return
    metric = run["metric"]
    curves = {_label(run, k): {"epoch": [r.epoch for r in rs], "loss": [r.loss for r in rs],
                               metric: [r.metrics[metric] for r in rs]} for k, rs in enumerate(reports) if rs}
    cells = {_label(run, k): cfg.cell for k, cfg in enumerate(run["cfgs"])}
    fig = plots.learning_curves(curves, metric, cells, label=t(f"learn.metric.{metric}"), log_metric=run["lower"],
                                baseline=run["baseline"])
    slots["curves"].plotly_chart(fig, key=f"learn_curves_{n}")
    for k in columns:
        if reports[k]:
            with slots["cols"][k].container():
                _column(run, k, metric)


def distance_curve(by_distance, scale: str):
    """A gradient norm against the distance from the loss (index 0 = the loss step), normalised there (1 at
    distance 0) or raw."""
    return by_distance if scale == RAW else grads.normalised(by_distance, 0)


def _column(run: dict, k: int, metric: str) -> None:
    """One run: its latest epoch, gradient norm vs distance at a few epochs, the probe's gates and h."""
    reports = run["reports"][k]
    last = reports[-1]
    n = len(reports)
    st.markdown(f"#### {_label(run, k)}")
    st.caption(t("learn.epoch", epoch=last.epoch, epochs=run["cfgs"][k].epochs, metric=t(f"learn.metric.{metric}"),
                 value=f"{last.metrics[metric]:.3f}", baseline=f"{run['baseline']:.3f}", seconds=f"{last.seconds:.1f}"))
    picks = sorted({0, (n - 1) // 2, n - 1})
    scale = str(state.get("grad_scale") or NORMALISED)
    curves = {t("learn.at_epoch", epoch=reports[e].epoch): distance_curve(reports[e].grad_norm, scale) for e in picks}
    task = make_task(run["cfgs"][k].task, **run["cfgs"][k].task_options)
    loss = t(f"loss.{loss_kind(task.io, task.output, 'recurrent')}")
    st.plotly_chart(plots.gradient_norms(curves, title=t("learn.grad.title"), x_title=t("plot.distance"),
                                         y_title=plots.grad_axis_title(loss, normalised=scale == NORMALISED)),
                    key=f"learn_grad_{k}_{n}")
    rec = last.probe.layer(0)
    series = {q: v for q, v in summaries.quantities(rec).items() if plots.is_gate(q) or q == "h"}
    st.plotly_chart(plots.heatmaps_over_time(series, None, (), run["tokens"], clickable=False,
                                             title=t("learn.heat.title", epoch=last.epoch)),
                    key=f"learn_heat_{k}_{n}", config={"displayModeBar": False})
