"""The guided tour's slides as data: what each slide says and shows, built from the live zoo models (no Streamlit).

One concept per slide: an RNN can hold a cue but struggles to learn it -> the untrained gradient contracts, and
the trained latch blocks it -> the LSTM's cell state and what its forget gate really does -> how the GRU really
holds the cue -> a Bi-LSTM reading both ways -> the claims experiment and what it depends on.

`build_slide(name, lang="en", **options)` returns a `Slide`: a title, one headline sentence carrying its number,
a short body (≤ ~60 words EN / ~100 Han characters ZH: what a projector shows), notes (the protocol, derivations
and per-row lines, for the presenter and under the slide in normal mode), the equation, the figures (the first
is the main chart: a player section when the slide steps, else a `go.Figure`), the explorer deep link and the
slide's options (slide 1's lag: what each value builds). Every number comes from the model on the slide
(`cellviz.zoo.cue`, the trace) or from assets/claims.json — never typed in. The app (`ui/views/tour.py`) and the
static site (`cellviz/site`) render the same Slides; neither re-derives a number.
"""
from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import plotly.graph_objects as go

from . import plots, summaries, zoo
from .i18n import prediction as word_prediction
from .i18n import set_language, t
from .player import panels, payload
from .trace import Trace, trace
from .zoo import cue

SLIDES = ("rnn", "grad", "lstm", "gru", "bi", "claims")
MODELS = {"rnn": "lag-rnn", "grad": "lag-rnn", "lstm": "lag-lstm", "gru": "lag-gru", "bi": "sentiment-bilstm"}
LAGS = (20, 100, 300)
LAG = 100                      # the lag of the tour's lag-task input (slide 1 lets the class change it)
BI_TEXT = "the plot was not very good , but the cast was great"   # a "not" and a "but": what reading back changes
READOUT_N = 256                # fresh inputs the slide-1 read-out accuracy is measured on
CLAIMS_COMMAND = "python -m cellviz.zoo.claims_experiment"
EQUATIONS = {
    "grad": r"\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}\!\left(1 - h_t^{2}\right) U"
            r"\qquad\Rightarrow\qquad \frac{\partial L}{\partial h_{t-k}} = \frac{\partial L}{\partial h_t}"
            r"\prod_{j=0}^{k-1} \operatorname{diag}\!\left(1 - h_{t-j}^{2}\right) U",
    "lstm": r"c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t), \qquad"
            r"\frac{\partial c_t}{\partial c_{t-1}}\Big|_{\text{direct}} = \operatorname{diag}(f_t)",
    "gru": r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}, \qquad "
           r"n_t = \tanh\!\big(W_n x_t + b_n + r_t \odot (U_n h_{t-1} + b_{hn})\big)",
}


@dataclass
class Slide:
    """One slide of the tour, ready to render (app or static site)."""

    name: str                                   # "rnn" | "grad" | "lstm" | "gru" | "bi" | "claims"
    title: str
    headline: str                               # one sentence carrying its number
    body: str                                   # the rest of the projected prose (Markdown, may hold $math$)
    notes: str                                  # Markdown: protocol, derivations, per-row lines
    equation: str | None = None                 # LaTeX
    figures: list = field(default_factory=list)  # [main, ...]: go.Figure or a cellviz-player/1 section
    explore: dict = field(default_factory=dict)  # the explorer deep link: {"page": ..., query params...}
    options: dict = field(default_factory=dict)  # {name: {"label", "value", "values"}}: build_slide(name, **{k: v})
    model: str | None = None                    # the live zoo model (None: the claims experiment)
    tokens: list[str] = field(default_factory=list)   # the stepped input (player captions); [] if it does not step
    numbers: dict = field(default_factory=dict)  # every number the texts print, as printed (tests, the site)

    @property
    def steps(self) -> int:
        return len(self.tokens)


def build_slides(lang: str = "en", **options) -> list[Slide]:
    """Every slide of the tour in `lang` (options go to the slides that take them, e.g. lag=20 to slide 1)."""
    return [build_slide(name, lang=lang, **{k: v for k, v in options.items() if k in OPTIONS.get(name, ())})
            for name in SLIDES]


OPTIONS = {"rnn": ("lag",)}


def build_slide(name: str, lang: str = "en", **options) -> Slide:
    """One slide (see the module docstring) in `lang`; KeyError for an unknown name, ValueError for a bad option."""
    if name not in BUILDERS:
        raise KeyError(f"no slide {name!r}; the slides are {', '.join(SLIDES)}")
    bad = set(options) - set(OPTIONS.get(name, ()))
    if bad:
        raise ValueError(f"slide {name!r} takes no option {', '.join(sorted(bad))}")
    if "lag" in options and int(options["lag"]) not in LAGS:
        raise ValueError(f"lag must be one of {', '.join(map(str, LAGS))}")

    def run() -> Slide:
        set_language(lang)               # in a copied context: the caller's language is left as it was
        return BUILDERS[name](**options)
    return contextvars.copy_context().run(run)


def slide_of(k: int) -> str:
    """The name of slide k (1-based)."""
    return SLIDES[k - 1]


# --- live models and traces (cached: the same numbers every time) --------------------------------------
@lru_cache(maxsize=16)
def _model(name: str, snapshot: str | None = None):
    return zoo.load(name, snapshot=snapshot)


def tour_text(name: str) -> str:
    """The tour's lag-task input: the model's task sample 0 (its cue and distractors), padded to a lag by parse."""
    return _model(name).task.sample(0).text


@dataclass(frozen=True)
class Live:
    """A zoo model traced on the slide's input."""

    name: str
    text: str
    trace: Trace
    tokens: list[str]
    prediction: str
    options: tuple = ()

    @property
    def steps(self) -> int:
        return self.trace.seq_len


@lru_cache(maxsize=32)
def _live(name: str, text: str, lag: int | None = None, snapshot: str | None = None, lang: str = "en") -> Live:
    model = _model(name, snapshot)
    ex = model.task.parse(text, lag=lag) if lag is not None else model.task.parse(text)
    module, x, h0, loss = model.trace_args(ex)
    tr = trace(module, x, h0=h0, loss=loss)
    card = zoo.card(name)
    return Live(name, text, tr, list(ex.tokens), word_prediction(card["task"], model.prediction(ex)) or "",
                (("lag", lag),) if lag is not None else ())


def live(name: str, text: str, lag: int | None = None, snapshot: str | None = None) -> Live:
    from .i18n import language
    return _live(name, text, lag, snapshot, language())


@lru_cache(maxsize=16)
def _cue(name: str, lag: int) -> cue.CueUnit:
    return cue.cue_unit(_model(name), tour_text(name), lag=lag)


@lru_cache(maxsize=16)
def _ends(name: str, lag: int) -> np.ndarray:
    return cue.cue_ends(_model(name), tour_text(name), lag=lag)


@lru_cache(maxsize=8)
def _readout(name: str, lag: int) -> float:
    return cue.readout_accuracy(_model(name), lag, READOUT_N)


@lru_cache(maxsize=8)
def _stability(name: str, lag: int, snapshot: str | None = None) -> cue.Stability:
    return cue.stability(_model(name, snapshot), tour_text(name), lag)


def raw_claims() -> dict | None:
    """assets/claims.json as it is (schema 1 or 2), or None before the experiment has run."""
    try:
        return zoo.claims()
    except FileNotFoundError:
        return None


def claims() -> dict | None:
    """The lag task's claims in the schema-1 shape the slides' numbers read (a schema-2 table through
    `claims_report.with_v1_view`), or None without it."""
    from .zoo import claims_report
    c = raw_claims()
    if c is None:
        return None
    c = claims_report.with_v1_view(c) if claims_report.is_v2(c) else c
    return c if "rows" in c else None


# --- formatting ----------------------------------------------------------------------------------------
def signed(v: float) -> str:
    return f"{v:+.2f}"


def ratio(v: float) -> str:
    """A gradient ratio in scientific notation; an exact 0 (float32 underflow) said as such."""
    return f"{v:.1e}" if v > 0 else t("tour.ratio.zero")


def explore_link(name: str, text: str | None = None, options: tuple = (), page: str = "cell", **extra) -> dict:
    """The explorer deep link of a slide's model and input (query params as the app reads them)."""
    out: dict[str, str] = {"page": page, "model": name}
    if text is not None:
        out["text"] = text
    for k, v in options:
        out[f"opt_{k}"] = str(v)
    out.update({k: str(v) for k, v in extra.items()})
    return out


def explore_url(link: dict, lang: str | None = None) -> str:
    """A slide's deep link as a relative URL: "cell?model=lag-rnn&text=...&lang=zh"."""
    from urllib.parse import urlencode
    query = {k: v for k, v in link.items() if k != "page"}
    if lang and lang != "en":
        query["lang"] = lang
    return f"{link.get('page', 'cell')}?{urlencode(query)}"


def _typed(lv: Live) -> str:
    """The input as the explorer's text box takes it: the steps the slide shows (a lag input without its '?')."""
    text = "".join(lv.tokens)
    return text[:-1] if text.endswith("?") else text


def _section(name: str, lv: Live, panel_list: list[dict]) -> dict:
    """A player section over the live input: the slide's stepping figures (group "tour-<name>")."""
    return payload.section(f"tour-{name}", lv.steps, panel_list, tokens=lv.tokens)


# --- claims (pure; replaced by cellviz.zoo.claims_report once it lands) --------------------------------
def largest_lag(values: list, tested: list | None = None, spread: bool = True) -> str:
    """The median over seeds of the largest lag learned ("none" for 0), with the seeds' range if they differ and
    `spread`; a lag at the largest one tested reads "≥ L" (censored: the experiment tried nothing longer)."""
    top = max(tested) if tested else None
    v = [int(x or 0) for x in values]

    def word(x: int, bare: bool = False) -> str:
        if not x:
            return t("tour.claims.none_lag" if bare else "compare.claims.none")
        return t("tour.claims.at_least", lag=x) if top is not None and x >= top else str(x)
    med = int(np.median(v))
    if not spread or min(v) == max(v):
        return word(med)
    return t("tour.claims.range", med=word(med), lo=word(min(v), True), hi=word(max(v), True))


def scratch(claims_: dict, row: str, spread: bool = True) -> str:
    p = claims_["protocol"]
    return largest_lag(claims_["rows"][row]["from_scratch"]["largest_lag"], p["scratch_lags"], spread)


def decimals(v: float) -> str:
    """An accuracy as the card has it: 2 decimals (1.00), 3 where the third one counts (0.997)."""
    return f"{v:.2f}" if round(v, 2) == round(v, 3) else f"{v:.3f}"


def _claims_missing(name: str) -> Slide:
    return Slide(name, t(f"tour.{name}.title"), t("tour.claims.missing", command=CLAIMS_COMMAND), "", "")


# --- the slides ----------------------------------------------------------------------------------------
def _rnn(lag: int = LAG) -> Slide:
    name = MODELS["rnn"]
    lag = int(lag)
    lv = live(name, tour_text(name), lag)
    cu = _cue(name, lag)
    ends = _ends(name, lag)[:, cu.unit]
    rec = lv.trace.layer(0)
    T = lv.steps
    h = rec.h[:, 0, cu.unit]
    acc = _readout(name, lag)
    nums = {"lag": str(T - 1), "unit": str(cu.unit), "prediction": lv.prediction,
            "a": signed(ends[0]), "b": signed(ends[1]), "c": signed(ends[2]), "d": signed(ends[3]),
            "low": t("list.sep").join(cue.CUES[i] for i in np.flatnonzero(ends < 0)),
            "high": t("list.sep").join(cue.CUES[i] for i in np.flatnonzero(ends >= 0)),
            "acc": f"{acc:.0%}", "n_inputs": str(READOUT_N),
            "h0": signed(h[0]), "h1": signed(h[T - 2]), "lo": signed(h[1:T - 1].min()), "hi": signed(h[1:T - 1].max())}
    c = claims()
    notes = [t("tour.rnn.notes", **nums)]
    if c is not None:
        d = c["rows"]["rnn"]
        far = str(max(c["protocol"]["test_lags"]))
        nums.update(seeds=str(len(c["protocol"]["seeds"])), scratch=scratch(c, "rnn", spread=False))
        notes.append(t("tour.rnn.learn", seeds=nums["seeds"], scratch=nums["scratch"],
                       curriculum=largest_lag(d["largest_lag"]), reached=_reached(c, "rnn"),
                       held=f"{np.mean(d['accuracy'][far]):.0%}", far=far))
        body = t("tour.rnn.body", **nums)
    else:
        body = t("tour.rnn.body.nocl", **nums)
    hq = summaries.quantities(rec)["h"]
    section = _section("rnn", lv, [panels.heatmaps({"h": hq}, (cu.unit,), lv.tokens, clickable=False,
                                                   title=t("tour.rnn.figure", name=name, unit=cu.unit))])
    options = {"lag": {"label": t("tour.lag"), "value": lag, "values": list(LAGS)}}
    return Slide("rnn", t("tour.rnn.title"), t("tour.rnn.headline", **nums), body, "\n\n".join(notes), None,
                 [section], explore_link(name, _typed(lv), lv.options), options, name, lv.tokens, nums)


def _reached(c: dict, row: str) -> str:
    p = c["protocol"]
    top = p["curriculum"]["levels"][-1]
    steps = [s for s in c["rows"][row]["steps_to_learn"][str(top)] if s is not None]
    return (t("compare.claims.reached", top=top, n=len(steps), seeds=len(p["seeds"]), steps=int(np.median(steps)))
            if steps else t("compare.claims.not_reached", top=top))


def _grad() -> Slide:
    name = MODELS["grad"]
    card = zoo.card(name)
    snap = (card.get("snapshots") or [None])[0]
    text = tour_text(name)
    trained, untrained = live(name, text, LAG), live(name, text, LAG, snap)
    cu = _cue(name, LAG)
    T = trained.steps
    nums: dict[str, Any] = {"lag": str(T - 1), "unit": str(cu.unit), "snap": snap or "—"}
    curves, zero_at = {}, {}
    for key, lv, snapshot in (("untrained", untrained, snap), ("trained", trained, None)):
        rec = lv.trace.layer(0)
        gh, _ = summaries.grad_norms(rec)
        h = rec.h[1:T - 1, 0]
        rho = cue.spectral_radius(_model(name, snapshot).recurrent.weight_hh_l0)
        nums[key] = ratio(gh[0] / gh[-1])
        nums[f"rho_{key}"] = f"{rho:.2f}"
        nums[f"slope_{key}"] = f"{np.mean(1 - h ** 2):.3f}"
        label = t(f"tour.grad.{key}", rho=nums[f"rho_{key}"], slope=nums[f"slope_{key}"])
        curves[label] = gh / gh[-1]
        z = np.flatnonzero(gh == 0)
        if z.size:
            zero_at[label] = int(z.max())
    fig = plots.gradient_norms(curves, None, title=t("tour.grad.figure"), y_title=t("tour.grad.y"))
    fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=-0.22, yanchor="top"))  # clear of the title
    for k, (label, last) in enumerate(zero_at.items()):       # float32 underflow is not data: say where it is
        fig.add_vrect(x0=-0.5, x1=last + 0.5, fillcolor="#999", opacity=0.15, line_width=0)
        fig.add_annotation(x=last / 2, y=0.02 + 0.08 * k, yref="paper", showarrow=False,
                           text=t("tour.below_float32.range", t=last))
    notes = [t("tour.grad.text"), t("tour.grad.text2"), t("tour.grad.notes", **nums)]
    c = claims()
    if c is not None:
        k = _grad_k(c, T - 1)
        values = t("list.sep2").join(f"{plots.row_label(r)} {ratio(np.median(_grad_at_k(c['rows'][r], k)))}"
                                     for r in ("rnn", "lstm", "lstm-chrono", "gru") if r in c["rows"])
        notes.append(t("tour.grad.claims", k=k, seeds=len(c["protocol"]["seeds"]), values=values))
    return Slide("grad", t("tour.grad.title"), t("tour.grad.headline", **nums), t("tour.grad.body", **nums),
                 "\n\n".join(notes), EQUATIONS["grad"], [fig], explore_link(name, _typed(trained), trained.options,
                                                                            page="gradients"),
                 {}, name, [], nums)


def _grad_k(c: dict, near: int = 100) -> int:
    ks = next(iter(c["rows"].values()))["grad_ratio_init"]["k"]
    return min(ks, key=lambda k: abs(k - near))


def _grad_at_k(d: dict, k: int) -> list[float]:
    g = d["grad_ratio_init"]
    i = g["k"].index(k)
    return [seed[i] for seed in g["h"]]


def _curriculum(name: str) -> dict:
    levels = zoo.card(name).get("curriculum", {}).get("levels", [])
    return {"levels": "–".join(str(v) for v in (levels[:1] + levels[-1:])) if levels else "—",
            "top_m1": str(levels[-1] - 1) if levels else "—"}


def _like_with_like(c: dict | None) -> dict:
    """The claims rows that separate initialisation from architecture: from scratch, per init."""
    if c is None:
        return {}
    return {k: scratch(c, r) for k, r in (("lstm_default", "lstm"), ("lstm_chrono", "lstm-chrono"),
                                          ("gru_default", "gru"), ("gru_keep1", "gru-keep1")) if r in c["rows"]}


def _lstm() -> Slide:
    name = MODELS["lstm"]
    lv = live(name, tour_text(name), LAG)
    cu = _cue(name, LAG)
    rec = lv.trace.layer(0)
    T = lv.steps
    u = cu.unit
    span = slice(1, T - 1)
    c_u = rec.c[:, 0, u]
    gc = np.abs(rec.grad_c[:, 0, u]).astype(np.float64)
    zero = cue.zero_gradient_from(gc)
    tanh_prime = float(1 - np.tanh(np.float32(c_u[T - 2])) ** 2)
    nums = {"lag": str(T - 1), "unit": str(u), "n": str(T - 2), "prediction": lv.prediction,
            "f": f"{rec.gates['f'][span, 0, u].mean():.4f}", "i": f"{rec.gates['i'][span, 0, u].mean():.2f}",
            "o": f"{rec.gates['o'][span, 0, u].mean():.3f}",
            "c0": signed(c_u[0]), "c1": signed(c_u[T - 2]), "c_abs": f"{abs(c_u[T - 2]):.0f}",
            "h1": signed(rec.h[T - 2, 0, u]), "tanh_prime": f"{tanh_prime:.1e}" if tanh_prime else "0",
            "zero": str(zero) if zero is not None else "—", **_curriculum(name), **_like_with_like(claims())}
    series = {"f": rec.gates["f"][:, 0], "c": rec.c[:, 0]}
    fig = plots.unit_story(series, u, {"∂L/∂c": gc}, lv.tokens, title=t("tour.lstm.figure", unit=u),
                           zero_label=t("tour.lstm.zero"))
    section = _section("lstm", lv, [payload.figure("time", fig, config={"displayModeBar": False}),
                                    panels.cell_diagram(lv.trace, 0, 0, lv.tokens, u)])
    notes = [t("tour.lstm.text"), t("tour.lstm.text2"), t("tour.lstm.notes", **nums)]
    if "lstm_default" in nums:
        notes.append(t("tour.like_with_like", **nums))
    headline_key = "tour.lstm.headline"
    body = t("tour.lstm.body" if zero is not None else "tour.lstm.body.nozero", **nums)
    return Slide("lstm", t("tour.lstm.title"), t(headline_key, **nums), body, "\n\n".join(notes),
                 EQUATIONS["lstm"], [section], explore_link(name, _typed(lv), lv.options, units=u), {}, name,
                 lv.tokens, nums)


def _gru() -> Slide:
    name = MODELS["gru"]
    lv = live(name, tour_text(name), LAG)
    cu = _cue(name, LAG)
    rec = lv.trace.layer(0)
    T = lv.steps
    u = cu.unit
    span = slice(1, T - 1)
    z = float(rec.gates["z"][span, 0, u].mean())
    n = rec.gates["n"][span, 0, u]
    stab = _stability(name, LAG)
    rnn = _stability(MODELS["rnn"], LAG)
    nums = {"lag": str(T - 1), "unit": str(u), "n_steps": str(T - 2), "prediction": lv.prediction,
            "z": f"{z:.2f}", "r": f"{rec.gates['r'][span, 0, u].mean():.2f}", "new": f"{1 - z:.0%}",
            "n": f"{n.mean():.2f}", "n_max": f"{n.max():.2f}", "slope": f"{1 - n.max() ** 2:.2f}",
            "lo": signed(rec.h[span, 0, u].min()), "hi": signed(rec.h[span, 0, u].max()),
            "gain": f"{stab.gain:.2f}", "eig": f"{stab.eig_median:.3f}", "eig_max": f"{stab.eig_max:.2f}",
            "rnn_gain": f"{rnn.gain:.0e}", **_curriculum(name), **_like_with_like(claims())}
    series = {"z": rec.gates["z"][:, 0], "n": rec.gates["n"][:, 0], "h": rec.h[:, 0]}
    fig = plots.unit_story(series, u, {}, lv.tokens, title=t("tour.gru.figure", unit=u))
    section = _section("gru", lv, [payload.figure("time", fig, config={"displayModeBar": False}),
                                   panels.cell_diagram(lv.trace, 0, 0, lv.tokens, u)])
    notes = [t("tour.gru.text"), t("tour.gru.convention"), t("tour.gru.notes", **nums)]
    body = t("tour.gru.body", **nums)
    if "gru_default" in nums:
        notes.append(t("tour.like_with_like", **nums))
    return Slide("gru", t("tour.gru.title"), t("tour.gru.headline", **nums), body, "\n\n".join(notes),
                 EQUATIONS["gru"], [section], explore_link(name, _typed(lv), lv.options, units=u), {}, name,
                 lv.tokens, nums)


def _bi_model(name: str) -> tuple[Live, dict, go.Figure]:
    """A bidirectional sentiment model on BI_TEXT: the trace, its head's votes, and h both ways with the two states
    the head reads boxed (forward h at the last word, reverse h at the first)."""
    lv = live(name, BI_TEXT)
    tr = lv.trace
    T = lv.steps
    model = _model(name)
    fw, rv = tr.layer(0, 0).h[T - 1, 0], tr.layer(0, 1).h[0, 0]     # what the head reads
    W = model.head.weight.detach().numpy().astype(np.float64)
    classes = list(model.task.classes)
    dw = W[classes.index("positive")] - W[classes.index("negative")]
    H = len(fw)
    votes = {"vote_f": signed(float(dw[:H] @ fw)), "vote_r": signed(float(dw[H:] @ rv)), "prediction": lv.prediction}
    series = {"h": tr.layer(0, 0).h[:, 0], "h ": tr.layer(0, 1).h[:, 0]}
    fig = plots.heatmaps_over_time(series, None, (), lv.tokens, clickable=False,
                                   title=t("tour.bi.figure", name=name))
    fig.layout.annotations[0].text = t("tour.bi.forward")
    fig.layout.annotations[1].text = t("tour.bi.reverse")
    for row, at in ((1, T - 1), (2, 0)):
        ax = "" if row == 1 else "2"
        fig.add_shape(type="rect", xref=f"x{ax}", yref=f"y{ax} domain", x0=at - 0.5, x1=at + 0.5, y0=0, y1=1,
                      line=dict(color="#00b4ff", width=4))
        fig.add_annotation(x=at, xref=f"x{ax}", y=1.0, yref=f"y{ax} domain", yanchor="bottom", showarrow=False,
                           text=t("tour.bi.readout"), font=dict(color="#0077aa"))
    return lv, votes, fig


def _bi() -> Slide:
    name = MODELS["bi"]
    lv, votes, fig = _bi_model(name)
    metrics = {n: zoo.card(n)["metrics"] for n in ("sentiment-lstm", "sentiment-gru", "sentiment-bilstm",
                                                   "sentiment-bigru") if n in zoo.names()}

    def m(n: str, k: str) -> str:
        v = metrics.get(n, {}).get(k)
        return "—" if v is None else decimals(v)
    nums = {"text": BI_TEXT, "T": str(lv.steps - 1), **votes,
            "lstm_neg": m("sentiment-lstm", "accuracy_negated"), "lstm_con": m("sentiment-lstm", "accuracy_contrast"),
            "gru_neg": m("sentiment-gru", "accuracy_negated"), "gru_con": m("sentiment-gru", "accuracy_contrast"),
            "bigru": m("sentiment-bigru", "accuracy"), "bigru_neg": m("sentiment-bigru", "accuracy_negated"),
            "bigru_con": m("sentiment-bigru", "accuracy_contrast"), "bilstm": m("sentiment-bilstm", "accuracy")}
    panel_list = [payload.figure("h", fig, config={"displayModeBar": False})]
    notes = [t("tour.bi.text"), t("tour.bi.notes", **nums)]
    if "sentiment-bigru" in zoo.names():                        # the Bi-GRU beside the Bi-LSTM (normal mode)
        gru, gru_votes, gru_fig = _bi_model("sentiment-bigru")
        panel_list.append(payload.figure("h_gru", gru_fig, config={"displayModeBar": False}))
        nums.update({f"gru_{k}": v for k, v in gru_votes.items()})
        notes.append(t("tour.bi.gru", **nums))
    section = _section("bi", lv, panel_list)
    return Slide("bi", t("tour.bi.title"), t("tour.bi.headline", **nums), t("tour.bi.body", **nums),
                 "\n\n".join(notes), None, [section], explore_link(name, BI_TEXT), {}, name, lv.tokens, nums)


def _claims() -> Slide:
    from .zoo import claims_report
    raw = raw_claims()
    if raw is not None and claims_report.is_v2(raw):        # schema 2: the claims report's slide, as it words it
        rep = claims_report.slide(raw)
        return Slide("claims", t("tour.claims.title"), rep["headline"], "", rep["notes"], None, [rep["figure"]],
                     {"page": "compare"}, {}, None, [], {"task": rep["task"]})
    c = claims()
    if c is None:
        return _claims_missing("claims")
    p = c["protocol"]
    nums = {"rnn": scratch(c, "rnn", False), "lstm": scratch(c, "lstm", False),
            "chrono": scratch(c, "lstm-chrono", False),
            "seeds": str(len(p["seeds"])), "lags": t("list.sep").join(str(v) for v in p["scratch_lags"]),
            "budget": str(p["scratch_budget"]), "rows": str(len(c["rows"]))}
    fig = plots.claims_accuracy(c, "from_scratch")
    cur = p["curriculum"]
    protocol = t("compare.claims.protocol", chance=f"{c['chance']:.0%}", rows=len(c["rows"]),
                 seeds=len(p["seeds"]), hidden=p["hidden"], lr=p["optimiser"]["lr"], batch=p["batch"],
                 clip=p["optimiser"]["clip"], levels=t("list.sep").join(str(v) for v in cur["levels"]),
                 min_lag=cur["min_lag"], every=cur["val_every"], val_n=cur["val_n"],
                 advance=f"{cur['advance_at']:.0%}", budget=cur["budget"], stuck=cur["stuck_limit"],
                 scratch_lags=nums["lags"], scratch_budget=p["scratch_budget"])
    rows = [t("tour.claims.row", row=plots.row_label(r), scratch=scratch(c, r),
              curriculum=largest_lag(d["largest_lag"]), reached=_reached(c, r)) for r, d in c["rows"].items()]
    notes = "\n\n".join([protocol, "\n".join(f"- {line}" for line in rows), t("compare.claims.caveat")])
    return Slide("claims", t("tour.claims.title"), t("tour.claims.headline", **nums), t("tour.claims.body", **nums),
                 notes, None, [fig], {"page": "compare"}, {}, None, [], nums)


BUILDERS = {"rnn": _rnn, "grad": _grad, "lstm": _lstm, "gru": _gru, "bi": _bi, "claims": _claims}
assert tuple(BUILDERS) == SLIDES


def figure_of(section_or_fig) -> go.Figure | None:
    """The Plotly figure of a slide figure: itself, or the first figure panel of a player section (as a dict)."""
    if isinstance(section_or_fig, go.Figure):
        return section_or_fig
    for p in section_or_fig.get("panels", []):
        if p.get("type") == "figure":
            return go.Figure(p["figure"])
    return None
