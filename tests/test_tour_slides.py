"""The tour's slides as data (cellviz.slides): short enough to project, each headline carrying its number, every
number recomputed here from the zoo model on the slide, independently of the code that prints it."""
from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

import cellviz
from cellviz import slides, zoo
from cellviz.zoo.tasks.lag import CUES

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module", params=["en", "zh"])
def deck(request):
    return request.param, {s.name: s for s in slides.build_slides(request.param)}


def _prose(s: slides.Slide) -> str:
    return f"{s.headline} {s.body}"


def test_every_slide_is_short_and_its_headline_carries_a_number(deck):
    lang, built = deck
    assert tuple(built) == slides.SLIDES
    for s in built.values():
        text = _prose(s)
        size = len(text.split()) if lang == "en" else len(HAN.findall(text))
        assert size <= (60 if lang == "en" else 100), (s.name, size, text)
        assert re.search(r"\d", s.headline), s.name
        assert s.headline.count("。" if lang == "zh" else ". ") <= 1, s.headline      # one sentence
        assert s.notes.strip() and s.title.strip() and s.figures, s.name
        if lang == "zh":
            assert "*" not in re.sub(r"\*\*", "", s.title + text), s.name           # no italics in CJK text


def test_figures_are_figures_or_player_sections(deck):
    _, built = deck
    for s in built.values():
        main = s.figures[0]
        if s.tokens:                                   # a stepping slide: a player section over its input
            assert main["format"] == "cellviz-player/1" and main["steps"] == len(s.tokens) == s.steps
            assert main["panels"] and main["panels"][0]["type"] == "figure"
        else:
            assert isinstance(main, go.Figure)
        assert isinstance(slides.figure_of(main), go.Figure)


def test_explore_links_are_valid_deep_links(deck):
    from cellviz.ui import links
    lang, built = deck
    catalog = links.Catalog(models={n: tuple(zoo.card(n).get("snapshots") or ()) for n in zoo.names()},
                            pages=("tour", "cell", "gradients", "compare"), languages=("en", "zh"),
                            slides=len(slides.SLIDES),
                            options=lambda n: {k: o.type for k, o in zoo.load(n).task.parse_options().items()})
    for s in built.values():
        query = {k: v for k, v in s.explore.items() if k != "page"}
        parsed, problems = links.parse_query(query, catalog)
        assert not problems, (s.name, problems)
        if s.model:
            assert parsed["model"] == s.model
        assert slides.explore_url(s.explore, lang).startswith(s.explore["page"] + "?")


def test_unknown_slides_and_options_are_refused():
    with pytest.raises(KeyError):
        slides.build_slide("nope")
    with pytest.raises(ValueError):
        slides.build_slide("grad", lag=20)
    with pytest.raises(ValueError):
        slides.build_slide("rnn", lag=7)


def test_building_a_slide_leaves_the_callers_language_alone():
    from cellviz.i18n import language, set_language
    set_language("en")
    slides.build_slide("claims", lang="zh")
    assert language() == "en"


def _trace(model, text):
    ex = model.task.parse(text)
    module, x, h0, loss = model.trace_args(ex)
    return cellviz.trace(module, x, h0=h0, loss=loss), module, x


def test_slide_1_prints_the_four_end_values_and_the_readout_accuracy():
    for lag in slides.LAGS:
        s = slides.build_slide("rnn", lag=lag)
        model = zoo.load("lag-rnn")
        base = model.task.parse(model.task.sample(0).text, lag=lag)
        T = len(base.tokens)
        ends = np.stack([_trace(model, c + base.text[1:])[0].layer(0).h[T - 2, 0] for c in CUES])   # (4, H)
        unit = int((ends.max(0) - ends.min(0)).argmax())
        assert f"unit {unit} ends at " + ", ".join(f"{c} {v:+.2f}" for c, v in zip(CUES, ends[:, unit])) in s.headline
        batch = model.task.batch(np.random.default_rng(0), slides.READOUT_N, lag)
        with torch.no_grad():
            acc = float((model(batch.x).argmax(-1) == batch.y).float().mean())
        assert f"in {acc:.0%} of {slides.READOUT_N} new inputs" in s.body
        low = [c for c, v in zip(CUES, ends[:, unit]) if v < 0]
        assert f"{', '.join(low)} against" in s.headline
        assert s.options["lag"]["value"] == lag and s.explore["opt_lag"] == str(lag)


def test_slide_2_prints_the_spectral_radius_and_saturation_beside_each_curve():
    s = slides.build_slide("grad")
    snap = zoo.card("lag-rnn")["snapshots"][0]
    labels = [tr.name for tr in s.figures[0].data if tr.name]
    for snapshot, word in ((snap, "before training"), (None, "trained")):
        model = zoo.load("lag-rnn", snapshot=snapshot)
        rho = float(torch.linalg.eigvals(model.recurrent.weight_hh_l0.detach().double()).abs().max())
        text = model.task.sample(0).text
        tr, _, _ = _trace(model, model.task.parse(text, lag=slides.LAG).text)
        T = tr.seq_len
        slope = float(np.mean(1 - tr.layer(0).h[1:T - 1, 0] ** 2))
        label = f"{word}: ρ(W_hh) {rho:.2f}, mean 1−h² {slope:.3f}"
        assert label in labels, (label, labels)
        assert f"{rho:.2f}" in s.body and f"{slope:.3f}" in s.body
    # an exact 0 (float32 underflow) is marked, not drawn as data
    gh = np.linalg.norm(tr.layer(0).grad_h[:, 0], axis=-1)
    if (gh == 0).any():
        assert "below float32 range" in s.body
        assert any("below float32 range" in (a.text or "") for a in s.figures[0].layout.annotations)


def test_slide_3_says_the_cue_units_gradient_is_exactly_zero_where_it_is():
    s = slides.build_slide("lstm")
    model = zoo.load("lag-lstm")
    tr, _, _ = _trace(model, model.task.parse(model.task.sample(0).text, lag=slides.LAG).text)
    u = int(s.numbers["unit"])
    g = tr.layer(0).grad_c[:, 0, u]
    nz = np.flatnonzero(g != 0)
    assert (g[nz[-1] + 1:] == 0).all() and f"exactly 0 from step {nz[-1] + 1} on" in s.body
    c_end = tr.layer(0).c[tr.seq_len - 2, 0, u]
    assert f"|c| ≈ {abs(c_end):.0f}" in s.body and np.float32(1) - np.tanh(np.float32(c_end)) ** 2 == 0
    assert "chrono" in s.body


def test_slide_4_measures_the_gru_holding_the_cue_unsaturated():
    """The perturbation gain recomputed by autograd through nn.GRU over all the distractors at once (not per step)."""
    s = slides.build_slide("gru")
    model = zoo.load("lag-gru")
    ex = model.task.parse(model.task.sample(0).text, lag=slides.LAG)
    module, x, h0, _ = model.trace_args(ex)
    T = len(ex.tokens)
    with torch.no_grad():
        _, h_cue = module(x[:1], h0)                                   # h after the cue, (1, H)
    J = torch.autograd.functional.jacobian(lambda h: module(x[1:T - 1], h[None])[1][0], h_cue[0])
    gain = float(torch.linalg.matrix_norm(J.double(), ord=2))
    assert f"shrinks to {gain:.2f}×" in s.headline
    u = int(s.numbers["unit"])
    tr, _, _ = _trace(model, ex.text)
    n = tr.layer(0).gates["n"][1:T - 1, 0, u]
    assert f"n ≤ {n.max():.2f}" in s.body and n.max() < 0.9            # not saturated
    assert "Chung" in s.notes and "Cho" in s.notes and "reset_after" in s.notes


def test_slide_5_has_a_not_and_a_but_and_marks_both_readout_states():
    s = slides.build_slide("bi")
    assert " not " in f" {slides.BI_TEXT} " and " but " in f" {slides.BI_TEXT} "
    model = zoo.load("sentiment-bilstm")
    ex = model.task.parse(slides.BI_TEXT)
    module, x, h0, _ = model.trace_args(ex)
    with torch.no_grad():
        out, _ = module(x, h0)
    H = module.hidden_size
    w = model.head.weight.detach().double()
    classes = list(model.task.classes)
    dw = w[classes.index("positive")] - w[classes.index("negative")]
    out = out.reshape(len(ex.tokens), -1).double()
    votes = float(dw[:H] @ out[-1, :H]), float(dw[H:] @ out[0, H:])
    assert f"forward {votes[0]:+.2f}, reverse {votes[1]:+.2f}" in s.body
    fig = slides.figure_of(s.figures[0])
    boxes = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert sorted(b.x0 + 0.5 for b in boxes) == [0, len(ex.tokens) - 1]
    assert [p["id"] for p in s.figures[0]["panels"]] == ["h", "h_gru"]      # the Bi-GRU beside the Bi-LSTM
    assert "sentiment-bigru" in s.notes and s.numbers["gru_vote_f"] in s.notes
    for name in ("sentiment-lstm", "sentiment-gru", "sentiment-bigru"):
        for metric in ("accuracy_negated", "accuracy_contrast"):
            assert slides.decimals(zoo.card(name)["metrics"][metric]) in s.body + s.notes


def test_slide_6_marks_the_largest_lag_tested_as_censored():
    claims = slides.claims()
    if claims is None:
        pytest.skip("no claims.json")
    s = slides.build_slide("claims")
    top = max(claims["protocol"]["scratch_lags"])
    for row, key in (("rnn", "rnn"), ("lstm", "lstm"), ("lstm-chrono", "chrono")):
        med = int(np.median([v or 0 for v in claims["rows"][row]["from_scratch"]["largest_lag"]]))
        assert s.numbers[key] == (f"≥ {top}" if med >= top else str(med) if med else "none")
        assert s.numbers[key] in s.headline
    assert f" {top}." not in s.headline or f"≥ {top}" in s.headline


@pytest.mark.integration
def test_slide_6_reads_a_schema_2_table_through_the_claims_report(monkeypatch, tmp_path):
    """With claims.json v2 (a tiny grid, trained here), slide 6 is the claims report's headline, chart and notes,
    and the other slides keep reading the lag task's numbers through its v1 view."""
    from cellviz.zoo import claims_experiment as ce
    from cellviz.zoo import claims_report
    table = ce.run(ce.tiny(), tmp_path / "claims.json", quiet=True)
    assert claims_report.is_v2(table)
    monkeypatch.setattr(zoo, "claims", lambda: table)
    s = slides.build_slide("claims")
    rep = claims_report.slide(table)
    assert s.headline == rep["headline"] and s.notes == rep["notes"] and len(s.figures) == 1
    assert slides.claims()["rows"].keys() == table["tasks"]["lag"]["rows"].keys()
    assert slides.build_slide("lstm").numbers["lstm_default"]
