"""Figure builders (cellviz.plots) and the numbers behind them (cellviz.summaries): pure, titled, labelled,
float32, one colour convention, bounded size."""
import subprocess
import sys

import numpy as np
import plotly.io as pio
import pytest
import torch

import cellviz
from cellviz import plots, summaries
from cellviz.i18n import t


@pytest.fixture(scope="module", params=["rnn", "lstm", "gru"])
def record(request):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[request.param](3, 6, bidirectional=True)
    tr = cellviz.trace(module, torch.randn(12, 3))
    return request.param, tr


def _title(fig) -> str:
    return fig.layout.title.text or ""


@pytest.mark.integration
def test_plots_imports_neither_streamlit_nor_torch():
    code = "import sys, cellviz.plots, cellviz.summaries; print('streamlit' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False"
    # torch may come in through the cellviz package itself, never through plots: check plots' own imports
    from pathlib import Path
    src = "".join(p.read_text() for p in Path(plots.__file__).parent.glob("*.py")) + open(summaries.__file__).read()
    assert "import torch" not in src and "streamlit" not in src


@pytest.mark.parametrize("direction", [0, 1])
def test_cell_diagram_shows_every_vector(record, direction):
    kind, tr = record
    rec = tr.layer(0, direction)
    vectors = summaries.cell_vectors(rec, tr.x, 5, direction)
    fig = plots.cell_diagram(kind, vectors, unit=2, step=5, token="a")
    names = {tr_.name for tr_ in fig.data if tr_.type == "heatmap"}
    assert {plots.qname(g) for g in rec.gates} <= names
    assert plots.qname("h") in names and plots.qname("x") in names
    assert kind.upper() in _title(fig) and "5" in _title(fig)
    for h in fig.data:
        if h.type == "heatmap":
            assert "unit" in h.hovertemplate


def test_cell_vectors_previous_state_follows_direction(record):
    _, tr = record
    fwd, rev = tr.layer(0, 0), tr.layer(0, 1)
    assert np.allclose(summaries.cell_vectors(fwd, tr.x, 4, 0)["h_prev"], fwd.h[3, 0])
    assert np.allclose(summaries.cell_vectors(rev, tr.x, 4, 1)["h_prev"], rev.h[5, 0])
    assert np.allclose(summaries.cell_vectors(rev, tr.x, 11, 1)["h_prev"], rev.h0[0])


def test_one_colour_convention(record):
    kind, tr = record
    series = summaries.quantities(tr.layer(0))
    fig = plots.heatmaps_over_time(series, step=3, units=[1])
    heatmaps = [d for d in fig.data if d.type == "heatmap"]
    for name, h in zip(series, heatmaps):
        assert h.coloraxis == ("coloraxis" if name in "ifozr" else "coloraxis3" if name == "c" else "coloraxis2")
    if tr.layer(0).gates:
        assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == 1
    assert fig.layout.coloraxis2.cmin == -1 and fig.layout.coloraxis2.cmax == 1 and fig.layout.coloraxis2.cmid == 0
    if "c" in series:                       # the cell state is unbounded: its own ±max|c| scale
        m = float(np.abs(series["c"]).max())
        assert (fig.layout.coloraxis3.cmin, fig.layout.coloraxis3.cmax) == (pytest.approx(-m), pytest.approx(m))


def test_heatmaps_are_clickable_and_downsampled():
    rng = np.random.default_rng(0)
    series = {"f": rng.random((1000, 256), dtype=np.float32), "h": rng.standard_normal((1000, 256)).astype(np.float32)}
    fig = plots.heatmaps_over_time(series, step=999, units=[0, 255])
    heat = [d for d in fig.data if d.type == "heatmap"]
    clicks = [d for d in fig.data if d.type == "scatter"]
    assert all(np.asarray(h.z).size <= plots.MAX_HEAT_STEPS * plots.MAX_HEAT_UNITS for h in heat)
    assert all(np.asarray(h.z).dtype == np.float32 for h in heat)
    assert all(len(c.customdata) <= plots.MAX_CLICK_POINTS and np.asarray(c.customdata).shape[1] == 3 for c in clicks)
    assert len(pio.to_json(fig, validate=False)) < 2_000_000 * 2 / 3   # two of the six heatmaps of an LSTM page
    cursor = [s for s in fig.layout.shapes if s.x0 == 999]
    assert len(cursor) == 2


def test_downsample_means_blocks():
    a = np.arange(24, dtype=np.float32).reshape(6, 4)
    b = summaries.downsample(a, 3, 2)
    assert b.values.shape == (3, 2) and (b.bt, b.bu) == (2, 2)
    assert b.values[0, 0] == pytest.approx(np.mean([0, 1, 4, 5]))
    odd = summaries.downsample(np.ones((7, 5), dtype=np.float32), 3, 2)
    assert np.allclose(odd.values, 1.0)


def test_rank_units_finds_the_counter():
    rng = np.random.default_rng(1)
    depth = np.cumsum(rng.choice([-1, 1], size=200)).astype(float)
    values = rng.standard_normal((200, 8))
    values[:, 5] = -0.3 * depth + 0.01 * rng.standard_normal(200)
    (q, unit, r), *_ = summaries.rank_units({"c": values}, depth)
    assert (q, unit) == ("c", 5) and r < -0.99
    assert summaries.rank_units({"c": values}, np.zeros(200)) == []


def test_saturation_shares():
    gate = np.array([[0.99, 0.5], [0.01, 0.5], [0.97, 0.5], [0.5, 0.5]])
    low, high = summaries.saturation(gate, 0.0, 1.0, eps=0.05)
    assert low.tolist() == [0.25, 0.0] and high.tolist() == [0.5, 0.0]


def test_gradient_and_text_figures_are_labelled(record):
    kind, tr = record
    gh, gc = summaries.grad_norms(tr.layer(0))
    fig = plots.gradient_norms({"h": gh, **({"c": gc} if gc is not None else {})}, step=4)
    assert fig.layout.yaxis.type == "log" and fig.layout.xaxis.title.text
    sens = tr.input_sensitivity[:, 0]
    tokens = list("abcdefghijkl")
    for f in (plots.input_reach(sens, tokens, 11), plots.token_strip(tokens, sens, "grad", "t", per_row=5)):
        assert _title(f)
        assert "%{" in f.data[0].hovertemplate


def test_compare_figures():
    counts = {"rnn": 100, "lstm": 400, "gru": 300}
    fig = plots.parameter_counts(counts)
    assert "×4.00" in fig.data[0].text[1]
    assert plots.claims_accuracy(CLAIMS).data and plots.claims_gradients(CLAIMS).layout.yaxis.type == "log"


def test_every_catalogue_key_used_exists():
    """Every t("...") in plots and ui names a key of the English catalogue."""
    import re
    from pathlib import Path

    from cellviz.i18n import EN
    root = Path(plots.__file__).parent.parent
    used = set()
    for path in [*root.joinpath("plots").glob("*.py"), *root.joinpath("ui").rglob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text()))
    assert used and not used - set(EN), sorted(used - set(EN))


CLAIMS = {
    "chance": 0.25, "one_bit": 0.5, "protocol": {"curriculum": {"levels": [5, 10]}},
    "rows": {"rnn": {"accuracy": {"5": [1.0, 1.0], "640": [0.3, 0.2]}, "largest_lag": [10, 5],
                     "steps_to_learn": {"5": [100, 200], "10": [300, None]},
                     "from_scratch": {"accuracy": {"10": [1.0, 0.5], "20": [0.25, 0.3]}},
                     "grad_ratio_init": {"k": [0, 1, 2], "h": [[1, 0.1, 0.0], [1, 0.2, 1e-3]]}},
             "lstm-chrono": {"accuracy": {"5": [1.0], "640": [1.0]}, "largest_lag": [10],
                             "steps_to_learn": {"5": [50], "10": [100]},
                             "from_scratch": {"accuracy": {"10": [1.0], "20": [1.0]}},
                             "grad_ratio_init": {"k": [0, 1, 2], "h": [[1, 0.5, 0.4]], "c": [[1, 0.9, 0.8]]}}}}


def test_claims_figures_show_the_table():
    acc = {tr.name: tr for tr in plots.claims_accuracy(CLAIMS).data if tr.name}
    assert set(acc) == {t("plot.claims.row.rnn"), t("plot.claims.row.lstm-chrono")}
    rnn = acc[t("plot.claims.row.rnn")]
    assert list(rnn.x) == [10, 20] and list(rnn.y) == pytest.approx([0.75, 0.275])      # mean over seeds
    assert acc[t("plot.claims.row.lstm-chrono")].line.dash == "dot"
    lines = {round(s.y0, 2) for s in plots.claims_accuracy(CLAIMS).layout.shapes}
    assert lines == {0.25, 0.5}                                                          # chance and one bit
    held = {tr.name: tr for tr in plots.claims_accuracy(CLAIMS, "curriculum").data if tr.name}
    assert list(held[t("plot.claims.row.rnn")].x) == [5, 640]
    steps = {tr.name: tr for tr in plots.claims_steps(CLAIMS).data}
    rnn = steps[t("plot.claims.row.rnn")]
    assert list(rnn.x) == [5, 10] and list(rnn.y) == [150, 300] and list(rnn.customdata) == [2, 1]
    grads = {tr.name: tr for tr in plots.claims_gradients(CLAIMS).data}
    assert set(grads) == {t("plot.claims.row.rnn"), t("plot.claims.row.lstm-chrono"),
                          t("plot.claims.row.lstm-chrono") + " · c"}
    assert list(grads[t("plot.claims.row.rnn")].y) == pytest.approx([1, 0.15, 5e-4])     # median over seeds


def test_log_axes_label_only_powers_of_ten_over_wide_ranges():
    wide = plots.gradient_norms({"a": np.geomspace(1e-8, 1, 30)})
    narrow = plots.gradient_norms({"a": np.linspace(0.02, 0.09, 30)})
    assert wide.layout.yaxis.type == "log" and wide.layout.yaxis.dtick == 1
    assert narrow.layout.yaxis.type == "log" and narrow.layout.yaxis.dtick is None


def _log_axes(fig) -> dict:
    return {k: v for k, v in fig.layout.to_plotly_json().items() if k.startswith(("xaxis", "yaxis"))
            and v.get("type") == "log"}


def test_every_log_axis_labels_only_powers_of_ten_over_wide_ranges():
    """Each builder with a log axis, on data spanning many decades: no 2 / 5 minor labels (dtick 1 or fixed ticks)."""
    wide = np.geomspace(1e-8, 1, 12)
    runs = {"A": {"epoch": list(range(12)), "loss": [None, *wide[1:]], "mse": list(wide)}}
    figs = {"gradient_norms": plots.gradient_norms({"a": wide}),
            "input_reach": plots.input_reach(wide, [str(k) for k in range(12)], 11),
            "learning_curves": plots.learning_curves(runs, "mse", log_metric=True)}
    for name, fig in figs.items():
        axes = _log_axes(fig)
        assert axes, name
        for key, axis in axes.items():
            assert axis.get("dtick") == 1 or axis.get("tickvals") is not None, (name, key, axis)
    assert len(_log_axes(figs["learning_curves"])) == 2
