"""Issue 12: the charts read right and the concepts the tutorials teach are on screen with the model's numbers."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import cellviz
from cellviz import plots, summaries, zoo
from cellviz.ui.views import explain


def _zoo_trace(name: str, part: str = "recurrent", **kw):
    model = zoo.load(name)
    module, x, h0, loss = model.trace_args(model.task.sample(0), part=part)
    return cellviz.trace(module, x, h0=h0, loss=loss, **kw)


# --- colour scales (item 2) ---------------------------------------------------------------------------
def test_cell_state_heatmap_spans_plus_minus_max_abs_c():
    rec = _zoo_trace("lag-lstm").layer(0)
    series = summaries.quantities(rec)
    fig = plots.heatmaps_over_time(series)
    m = float(np.abs(series["c"]).max())
    assert m > 1.5                                       # c is unbounded: a −1…1 scale would saturate
    assert fig.layout.coloraxis3.cmax == pytest.approx(m) and fig.layout.coloraxis3.cmin == pytest.approx(-m)
    assert "±" in fig.layout.coloraxis3.colorbar.title.text
    c_trace = next(d for d in fig.data if d.type == "heatmap" and d.coloraxis == "coloraxis3")
    assert c_trace.name == plots.qname("c")
    assert (fig.layout.coloraxis2.cmin, fig.layout.coloraxis2.cmax) == (-1, 1)        # h stays on tanh's scale
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 1)           # gates on 0…1


def test_cell_diagram_keeps_the_sequence_range_of_c_and_x():
    tr = _zoo_trace("forecast-lstm")
    rec, x = tr.layer(0), summaries.layer_input(tr, 0)
    vectors = summaries.cell_vectors(rec, x, 0, 0)
    fig = plots.cell_diagram("lstm", vectors, unit=0, ranges=summaries.sequence_values(rec, x))
    c_all = np.concatenate([rec.c0[0][None], rec.c[:, 0]])
    assert fig.layout.coloraxis3.cmax == pytest.approx(float(np.abs(c_all).max()))
    assert fig.layout.coloraxis4.cmax == pytest.approx(float(np.abs(x[:, 0]).max()))    # the series input
    axes = {d.name: d.coloraxis for d in fig.data if d.type == "heatmap"}
    assert axes[plots.qname("c")] == axes[plots.qname("c_prev")] == "coloraxis3"
    assert axes[plots.qname("x")] == "coloraxis4"


def test_token_strip_colours_c_on_its_own_range():
    c = np.array([-7.0, 0.5, 3.0])
    fig = plots.token_strip(["a", "b", "c"], c, "c", "t")
    assert (fig.data[0].zmin, fig.data[0].zmax) == (-7.0, 7.0)


# --- parameters (item 3) ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers,bi", [(1, False), (2, True), (3, False)])
def test_parameter_formula_equals_the_modules_count(kind, layers, bi):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](7, 5, num_layers=layers,
                                                                                      bidirectional=bi)
    counted = sum(p.numel() for p in module.parameters())
    assert explain.param_blocks(kind, 7, 5, layers, 2 if bi else 1) == counted
    no_bias = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](7, 5, bias=False)
    G = explain.GATE_BLOCKS[kind]
    assert explain.param_blocks(kind, 7, 5, biases=1) == sum(p.numel() for p in no_bias.parameters()) + G * 5


def test_recurrent_parameters_of_zoo_models():
    from cellviz.ui import data
    for name in ("lag-lstm", "lag-rnn", "translate-gru"):
        model = zoo.load(name)
        rec = model.recurrent
        mods = rec.values() if isinstance(rec, dict) else [rec]
        assert data.recurrent_params(name) == sum(p.numel() for m in mods for p in m.parameters())
        assert data.recurrent_params(name) < zoo.card(name)["params"]


def test_compare_page_shows_the_formula_with_the_modules_numbers():
    from app_driver import open_page
    at = open_page("compare", "lag-lstm")
    I, H = zoo.load("lag-lstm").recurrent.input_size, zoo.card("lag-lstm")["hidden_size"]
    block = H * (I + H) + 2 * H
    assert any(f"**{block:,}**" in m.value for m in at.markdown)
    table = next(d.value for d in at.dataframe if "✓" in str(d.value.to_dict()))
    rows = table.to_dict("records")
    assert len(rows) == 3 and all(str(r[list(r)[3]]).endswith("✓") for r in rows)
    lstm = next(r for r in rows if r[list(r)[0]] == "LSTM")
    assert lstm[list(lstm)[3]].replace(",", "").startswith(str(4 * block))


# --- gradient flow (item 1) ---------------------------------------------------------------------------
LOSS_KINDS = {("lag-lstm", "recurrent"): "last_ce", ("brackets-rnn", "recurrent"): "steps_ce",
              ("forecast-gru-2layer", "recurrent"): "steps_mse", ("translate-gru", "encoder"): "encoder",
              ("translate-gru", "decoder"): "decoder", ("waveform-rnn", "recurrent"): "steps_mse"}


@pytest.mark.parametrize("name,part", list(LOSS_KINDS), ids=[f"{n}-{p}" for n, p in LOSS_KINDS])
def test_each_zoo_model_knows_its_loss_kind(name, part):
    from cellviz.ui import data
    assert data.zoo_subject(data.ZooSource(name, data.Sample(0), part)).loss == LOSS_KINDS[name, part]


def test_the_adding_task_is_a_squared_error_after_the_last_step():
    from cellviz.ui import data
    from cellviz.zoo.tasks import make_task
    task = make_task("adding")
    assert data.loss_kind(task.io, task.output, "recurrent") == "last_mse"


@pytest.mark.parametrize("kind", ["last_ce", "last_mse", "steps_ce", "steps_mse", "encoder", "decoder", "sum"])
def test_gradient_axis_title_names_the_loss(kind):
    from cellviz.i18n import t
    from cellviz.ui import gradflow
    from cellviz.ui.data import Subject
    subject = Subject("x", _zoo_trace("lag-rnn"), [], loss=kind)
    raw = gradflow.axis_title(subject, gradflow.RAW, 3)
    assert raw.endswith(t(f"loss.{kind}")) and t(f"loss.{kind}").startswith("L = ")
    normalised = gradflow.axis_title(subject, gradflow.NORMALISED, 3)
    assert "/ ‖∂L/∂h_t*‖" in normalised
    if gradflow.single_step(subject):
        assert normalised.endswith(t(f"loss.{kind}"))
    else:                                            # a loss with a term per step: the term at step 3 alone
        assert normalised.endswith(t(f"loss.{kind}.at", t=3)) and "3" in normalised


@pytest.mark.parametrize("name,direction", [("lag-lstm", 0), ("sentiment-bilstm", 1), ("sentiment-bilstm", 0),
                                            ("brackets-rnn", 0), ("charlm-lstm-2layer", 0)])
def test_normalised_curve_is_one_at_the_loss_step(name, direction):
    from cellviz.ui import data, gradflow
    subject = data.zoo_subject(data.ZooSource(name, data.Sample(0)))
    T, step = subject.steps, subject.steps // 2
    curve = gradflow.curve(subject, 0, direction, step, gradflow.NORMALISED)
    at = gradflow.ref_step(subject, direction, step)
    if gradflow.single_step(subject):
        assert at == (T - 1 if direction == 0 else 0)     # the reverse direction's loss sits at position 0
    else:
        assert at == step
        assert np.all(curve[at + 1:] == 0) or direction == 1   # a loss at step t reaches no later state
    assert curve[at] == pytest.approx(1.0)
    raw = gradflow.curve(subject, 0, direction, step, gradflow.RAW)
    if gradflow.single_step(subject):
        np.testing.assert_allclose(curve, raw / raw[at], rtol=1e-6)


def test_the_per_step_loss_curve_is_level_and_the_single_step_one_falls():
    """charlm-rnn: the whole mean loss varies little over the steps; the loss at the last step alone falls."""
    from cellviz.ui import data, gradflow
    subject = data.zoo_subject(data.ZooSource("charlm-rnn", data.Sample(0)))
    raw = gradflow.curve(subject, 0, 0, subject.steps - 1, gradflow.RAW)
    single = gradflow.curve(subject, 0, 0, subject.steps - 1, gradflow.NORMALISED)
    assert raw.max() / raw.min() < 20
    assert single[0] < 1e-2 * single[-1]


def test_gradient_page_names_the_loss_on_its_axes():
    from app_driver import open_page, panel, sync
    from cellviz.i18n import t

    def figure(at, panel_id):              # the step player's figures (drawn once in the browser)
        return panel(at, panel_id)["figure"]
    at = open_page("gradients", "brackets-rnn")
    main = figure(at, "grad")
    assert t("loss.steps_ce") in main["layout"]["yaxis"]["title"]["text"]
    compare = figure(at, "compare")                        # normalised at the step shown (t*), every step at once
    assert t("loss.steps_ce.at", t="t*") in compare["layout"]["yaxis"]["title"]["text"]
    assert "server" not in sync(at)
    rule = next(c.value for c in at.caption if c.value.startswith(t("grad.read.steps", loss="", spread="", T="",
                                                                       t="")[:17]))
    assert t("loss.steps_ce.long") in rule and "Every step with a target" in rule
    at = open_page("gradients", "lag-lstm")
    assert t("loss.last_ce") in figure(at, "grad")["layout"]["yaxis"]["title"]["text"]
    ys = [_array(d["y"]) for d in figure(at, "compare")["data"]]
    assert all(y[-1] == pytest.approx(1.0) for y in ys)                 # normalised at the '?'


def _array(v) -> np.ndarray:
    """A Plotly JSON array (a list, or base64 with a dtype) as floats."""
    if isinstance(v, dict):
        import base64
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).astype(float)
    return np.asarray(v, dtype=float)


# --- exploding gradients and clipping (item 5) ----------------------------------------------------------
def test_exploding_demo_norms_grow_back_in_time_and_clipping_bounds_them():
    from cellviz import exploding
    d = exploding.run(3.0, 40, 1.0)
    assert d.measured_radius == pytest.approx(3.0, rel=1e-5)
    assert d.growth > 1.1 and d.grad_h[0] > 1e3 * d.grad_h[-1]        # grows going back from the loss
    thirds = [np.log(p).mean() for p in np.array_split(d.grad_h, 3)]
    assert thirds[0] > thirds[1] + 1 > thirds[2] + 2                   # ... all the way back, not only at t=0
    assert d.norm_by_length[-1] > 100 * d.norm_by_length[0]            # longer sequences: larger gradients
    assert np.all(d.clipped_by_length <= 1.0 + 1e-5)                   # clipping bounds every one at τ
    np.testing.assert_allclose(d.clipped_by_length[d.norm_by_length > 1], 1.0, rtol=1e-4)
    assert d.norm > 1e3 and d.clipped == pytest.approx(1.0, rel=1e-4) and d.cosine == pytest.approx(1.0, abs=1e-6)
    small = exploding.run(0.5, 40, 1.0)
    assert small.growth < 1 and small.grad_h[0] < 1e-3 * small.grad_h[-1]   # below 1: it vanishes instead


def test_growth_factor_rises_with_the_spectral_radius():
    from cellviz import exploding
    g = exploding.growth_by_radius([0.5, 1.0, 2.0, 3.0])
    assert g[0] < 1 < g[2] < g[3]


def test_exploding_page_shows_the_demo_numbers():
    from app_driver import assert_clean, figure, open_page
    from cellviz import exploding
    from cellviz.i18n import t
    at = open_page("exploding")
    d = exploding.run(3.0, 40, 1.0)
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("expl.m.growth")] == f"× {d.growth:.3f}"
    assert shown[t("expl.m.after", tau="1")] == f"{d.clipped:.3g}"
    flow = figure(at, "expl_flow")
    assert t("loss.sum.at", t=39) in flow["layout"]["yaxis"]["title"]["text"]
    n = len(zoo.names())                                   # every shipped card, however many the zoo holds
    assert any(f"of {n}" in a.value for a in at.info)
    at.slider(key="expl_radius").set_value(0.5).run()
    assert_clean(at)
    assert any(c.value.startswith(t("expl.read.shrinks", radius="0.5", factor="", steps="", ratio="")[:20])
               for c in at.caption)


# --- conventions, stacking, I/O shapes, PyTorch shapes (items 4, 6, 7, 8) -----------------------------
@pytest.mark.parametrize("kind,layers,bi", [("lstm", 2, True), ("gru", 1, False), ("rnn", 3, True)])
def test_the_shapes_shown_are_what_the_module_returns(kind, layers, bi):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](3, 5, num_layers=layers,
                                                                                      bidirectional=bi)
    x = torch.randn(7, 1, 3)
    out, h_n = module(x)
    shown = explain.shapes(cellviz.trace(module, x))
    assert shown["output"] == tuple(out.shape) and shown["input"] == tuple(x.shape)
    if kind == "lstm":
        assert shown["h_n"] == tuple(h_n[0].shape) and shown["c_n"] == tuple(h_n[1].shape)
    else:
        assert shown["h_n"] == tuple(h_n.shape) and "c_n" not in shown


def test_over_time_page_maps_pytorch_shapes_onto_the_trace():
    from app_driver import open_details, open_page
    from cellviz.i18n import t
    at = open_details(open_page("over_time", "sentiment-bilstm"))
    code = next(c.value for c in at.code if "h_n.shape" in c.value)
    H = zoo.card("sentiment-bilstm")["hidden_size"]
    assert f"(2, 1, {H})" in code and f", 1, {2 * H})" in code and "c_n.shape" in code
    assert any(t("explain.shapes.checked") in c.value for c in at.caption)


def test_io_shapes_are_named_with_their_zoo_tasks():
    from app_driver import open_page
    from cellviz.i18n import t
    at = open_page("compare", "lag-lstm")
    table = next(d.value for d in at.dataframe if t("explain.io.col.shape") in d.value.columns)
    rows = {r[t("explain.io.col.shape")]: r for r in table.to_dict("records")}
    assert set(rows) == {t(f"io.{io}") for io in explain.IO_SHAPES}
    assert "many-to-one (N→1)" in rows and "sentiment" in rows["many-to-one (N→1)"][t("explain.io.col.zoo")]
    assert "translation" in rows["sequence-to-sequence (N→M)"][t("explain.io.col.example")]
    cards = [zoo.card(n) for n in zoo.names()]
    assert sum(r[t("explain.io.col.models")] for r in rows.values()) == len(cards)


def test_stacking_and_gru_conventions_on_the_cell_page():
    from app_driver import open_details, open_page
    from cellviz.i18n import t
    at = open_page("cell", "charlm-lstm-2layer")
    assert any(e.label == t("explain.stack.title", layers=2) for e in at.expander)
    assert not any(t("explain.stack.col.reads") in d.value.columns for d in at.dataframe)   # closed: not run
    table = next(d.value for d in open_details(at).dataframe if t("explain.stack.col.reads") in d.value.columns)
    assert list(table[t("explain.stack.col.inputs")]) == [zoo.load("charlm-lstm-2layer").recurrent.input_size,
                                                          zoo.card("charlm-lstm-2layer")["hidden_size"]]
    at = open_details(open_page("cell", "charlm-gru"))
    assert any(e.label == t("explain.conv.gru.title") for e in at.expander)
    assert any("z′ = 1 − z" in c.value for c in at.caption)


def test_claims_gradient_curves_are_compared_normalised_at_the_query():
    """The claims gradient figure: every curve is a ratio to its value at the '?' (k = 0), L named on the axis."""
    from cellviz.i18n import t
    fig = plots.claims_gradients(zoo.claims())
    assert fig.data and all(float(np.asarray(d.y)[0]) == pytest.approx(1.0) for d in fig.data)
    assert t("loss.last_ce") in fig.layout.yaxis.title.text


def test_the_lecture_page_names_the_loss():
    from cellviz import export
    from cellviz.i18n import t
    page = export.export_html("brackets-rnn", sample=0)
    assert t("loss.steps_ce") in page and t("loss.steps_ce.long") in page and t("io.N->N") in page


def test_colour_bars_sit_beside_their_rows_and_a_difference_of_c_is_unbounded():
    """Intervene's heatmaps stack f, c, h: each colour bar beside its own row (it was one row off), and Δc on
    an unbounded ±max scale, not tanh's."""
    from cellviz.i18n import t
    rng = np.random.default_rng(0)
    T, H = 12, 5
    series = {"f": rng.uniform(0, 1, (T, H)), "c": rng.normal(0, 200, (T, H)), "h": rng.uniform(-1, 1, (T, H))}
    fig = plots.heatmaps_over_time(series, None, (), None, clickable=False)
    rows = [tr.coloraxis for tr in fig.data if tr.type == "heatmap"]
    ys = [fig.layout[a].colorbar.y for a in rows]
    assert ys == sorted(ys, reverse=True)                          # top row's bar on top, and so on
    assert fig.layout[rows[1]].colorbar.title.text.startswith(t("plot.scale.unbounded", max="")[:8])
    assert fig.layout[rows[2]].colorbar.title.text == t("plot.scale.tanh")
    diff = plots.heatmaps_over_time({"Δf": series["f"] - 0.5, "Δc": series["c"], "Δh": series["h"]}, None, (),
                                    None, clickable=False)
    dc = next(tr.coloraxis for tr in diff.data if tr.type == "heatmap" and tr.name == "Δc")
    assert diff.layout[dc].cmax == pytest.approx(np.abs(series["c"]).max(), rel=1e-6)
    assert diff.layout[dc].colorbar.title.text != t("plot.scale.tanh")


def test_intervene_default_changes_the_model_and_a_no_op_reads_no_effect():
    """Default settings on lag-lstm: an edit that changes the state and the loss. f = 0 at step 0 alone is an exact
    no-op (c_{-1} = 0): it reads "no effect", every plotted difference is 0, and the loss shows no red arrow."""
    from app_driver import open_page
    from cellviz.i18n import t
    at = open_page("intervene", "lag-lstm")
    assert t("iv.no_effect") not in [i.value for i in at.info]
    assert at.metric[0].delta is not None
    at.radio(key="iv_kind").set_value("gate").run()
    at.selectbox(key="iv_gate").set_value("f").run()
    at.radio(key="iv_span").set_value("step").run()
    at.radio(key="iv_scope").set_value("units").run()
    assert t("iv.no_effect") in [i.value for i in at.info]
    assert at.metric[0].delta in (None, "")
    effect = at.get("plotly_chart")[0].proto.spec
    import json
    ys = [v for d in json.loads(effect)["data"] for v in _values(d["y"])]
    assert ys and max(ys) == 0


def _values(y) -> list[float]:
    if isinstance(y, dict):
        from cellviz.player.payload import decode
        return decode({"dtype": y["dtype"], "bdata": y["bdata"], "shape": y.get("shape")}).tolist()
    return list(y)


def test_gradient_page_of_an_n_to_n_model_opens_at_the_last_step():
    """N->N (a loss term at every step): step 0's term has one bar and nothing to compare, so the page opens at the
    last step; an N->1 model stays where it is; a step chosen by a link stays too."""
    from app_driver import open_page
    from cellviz.ui.views.gradients import opening_step
    at = open_page("gradients", "charlm-gru")
    T = zoo.load("charlm-gru").task.sample(0)
    assert at.session_state["step"] == len(T.tokens) - 1
    at = open_page("gradients", "sentiment-rnn")
    assert at.session_state["step"] == 0
    from cellviz.ui import data
    assert opening_step(data.zoo_subject(data.ZooSource("sentiment-rnn"))) is None


@pytest.mark.parametrize("kind,layers,bi,proj", [("lstm", 2, True, 0), ("gru", 2, False, 0), ("rnn", 1, False, 0),
                                                 ("lstm", 1, False, 3)])
def test_the_hand_written_cell_equals_torch_and_would_catch_a_swap(kind, layers, bi, proj, monkeypatch):
    """The cell page's hand-written equations against torch.nn, step by step, every layer: float32 rounding; the
    same check on a GRU with z and 1 − z swapped (Chung et al.'s form with PyTorch's weights) is far off."""
    torch.manual_seed(0)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
    module = cls(5, 7, num_layers=layers, bidirectional=bi, **({"proj_size": proj} if proj else {}))
    L, D = layers, 2 if bi else 1
    rng = np.random.default_rng(0)
    x = rng.normal(size=(13, 5)).astype(np.float32)
    h0 = (0.3 * rng.normal(size=(L * D, proj or 7))).astype(np.float32)
    c0 = rng.normal(size=(L * D, 7)).astype(np.float32) if kind == "lstm" else None
    rows = explain.by_hand_against_torch(module, x, h0, c0)
    assert len(rows) == L * D and all(r["steps"] == 13 for r in rows)
    assert max(r["h"] for r in rows) < 1e-5 and all(r["c"] is None or r["c"] < 1e-5 for r in rows)
    if kind == "gru":
        monkeypatch.setattr(explain, "gru_by_hand", _swapped)
        wrong = explain.by_hand_against_torch(module, x, h0, None)
        assert max(r["h"] for r in wrong) > 1e-2


def _swapped(x, h, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[-1]
    hs = []
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    for x_t in x:
        a_i, a_h = W_ih @ x_t + b_ih, W_hh @ h + b_hh
        r, z = sig(a_i[:H] + a_h[:H]), sig(a_i[H:2 * H] + a_h[H:2 * H])
        n = np.tanh(a_i[2 * H:] + r * a_h[2 * H:])
        h = z * n + (1 - z) * h
        hs.append(h)
    return np.array(hs), None


def test_cell_page_runs_the_hand_written_cell_and_explains_stacking_on_every_model():
    from app_driver import open_details, open_page
    from cellviz.i18n import t
    for name in ("lag-lstm", "charlm-gru-2layer" if "charlm-gru-2layer" in zoo.names() else "charlm-lstm-2layer",
                 "sentiment-bilstm"):
        at = open_details(open_page("cell", name))
        titles = [e.label for e in at.expander]
        hand = [x for x in titles if x.startswith(t("explain.hand.title", module="", dh="")[:10])]
        assert hand, (name, titles)
        worst = float(hand[0].rsplit(" ", 1)[-1])
        assert worst < 1e-5
        layers = zoo.card(name)["num_layers"]
        assert (t("explain.stack.title", layers=layers) if layers > 1 else t("explain.stack.one.title")) in titles
        code = [c.value for c in at.code]
        kind = zoo.card(name)["cell"]
        assert any(f"def {kind}_by_hand" in c for c in code), name


def test_pages_with_their_own_models_hide_the_model_picker():
    from app_driver import open_page
    for page in ("exploding", "learn"):
        at = open_page(page)
        assert not [s for s in at.selectbox if s.key == "model"], page
        assert at.selectbox(key="lang")
    at = open_page("cell")
    assert at.selectbox(key="model")                      # the explorer's pages keep it


def test_scrub_through_training_opens_on_a_model_with_snapshots():
    from app_driver import open_page
    from cellviz.ui.views.training import preferred_model
    at = open_page("cell", "charlm-lstm")
    assert not zoo.card("charlm-lstm").get("snapshots")
    at.switch_page("cellviz/ui/pages/training.py").run()
    model = at.session_state["model"]
    assert zoo.card(model).get("snapshots") and at.select_slider(key="train_snapshot")
    assert preferred_model("lag-gru") == "lag-gru"
    at.selectbox(key="model").set_value("charlm-lstm").run()     # a choice made on the page stays
    assert at.session_state["model"] == "charlm-lstm"


def test_training_step_and_time_step_are_named_apart_and_the_legend_clears_the_title():
    from cellviz.i18n import t
    from cellviz.ui.views.training import snapshot_label
    for lang in ("en", "zh"):
        from cellviz.i18n import set_language
        set_language(lang)
        try:
            assert snapshot_label("step-00200") != t("plot.step") and "200" in snapshot_label("step-00200")
            assert t("plot.step") not in snapshot_label("step-00200")
        finally:
            set_language("en")
    curves = {f"snapshot {k}": np.geomspace(1e-3, 1, 20) for k in range(8)}
    fig = plots.gradient_norms(curves)
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.x >= 1
