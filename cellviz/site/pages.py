"""What each page of the static site shows, built Streamlit-free from the app's own builders.

A page's content is a list of *blocks*, JSON-able and language-specific (texts from the catalogues, in the
language active when it is built):

- ``{"type": "html", "html": ...}``: text made here from catalogue strings (escaped; **bold** and `code`);
- ``{"type": "player", "section": ...}``: a `cellviz-player/1` section (`cellviz.player.payload`), drawn by the
  same player.js as the app. Figures that do not move with the step are sections of their own (group
  "static", one step), so every figure on the site is drawn by the one player.

The panels come from `cellviz.player.panels` and the figures from `cellviz.plots` (as the app's views call
them); the traces from `cellviz.trace` on the zoo's models and samples. Nothing here re-derives a number a
view shows: it calls the functions the views call.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .. import grads, loss_terms, plots, summaries
from ..grads import SINGLE_STEP_LOSSES, loss_kind
from ..i18n import label, t
from ..i18n import prediction as worded_prediction
from ..player import panels, payload

GROUP = "page"                 # the step group of a step page (its step bar and its step-dependent figures)
STATIC = "static"              # figures that do not move with the step
STRIP_CHARS = 100              # characters that fit on one row of the input strip
# every step's loss term at once (as the app's `ui.data.terms_by_step`: the same limits)
ALL_STEPS_COST, ALL_STEPS_MAX = 4_000_000, 300
STEP_VIEWS = ("cell", "over_time", "gradients", "units")
EQUATIONS = panels.EQUATIONS


# --- what a page looks at: a zoo model on one of its samples ------------------------------------------------
@dataclass
class Subject:
    name: str
    part: str
    seed: int
    card: dict
    model: object
    example: object
    trace: object
    tokens: list[str]
    args: tuple                                   # (module, x, h0, loss) as model.trace_args gave them
    loss: str                                     # loss_kind
    features: dict = field(default_factory=dict)
    text: str | None = None                       # a typed input (the app's `text`), else the sample `seed`
    options: tuple = ()                           # its parse options as sorted (name, value) pairs (`opt_*`)

    @property
    def steps(self) -> int:
        return self.trace.seq_len


@lru_cache(maxsize=64)
def _model(name: str, snapshot: str | None = None):
    from .. import zoo
    return zoo.load(name, snapshot=snapshot)


@lru_cache(maxsize=256)
def subject(name: str, seed: int = 0, part: str | None = None, snapshot: str | None = None,
            text: str | None = None, options: tuple = ()) -> Subject:
    """A zoo model traced on its task's sample `seed`, or on a typed input `text` parsed as the app's input box
    parses it (`task.parse(text, **options)`; ValueError if the task refuses it). Cached for the build."""
    import cellviz
    from .. import zoo
    model, card = _model(name, snapshot), zoo.card(name)
    part = part or model.parts()[0]
    ex = model.task.sample(int(seed)) if text is None else model.task.parse(text, **dict(options))
    args = model.trace_args(ex, part=part)
    module, x, h0, loss = args
    tr = cellviz.trace(module, x, h0=h0, loss=loss)
    tokens = list(ex.tokens)
    if part == "decoder" and hasattr(model.task, "decoder_tokens"):
        tokens = list(model.task.decoder_tokens(ex))
    if len(tokens) != tr.seq_len:
        tokens = [str(k) for k in range(tr.seq_len)]
    features = {k: np.asarray(v, dtype=float) for k, v in model.task.features(ex).items()
                if np.shape(v) == (tr.seq_len,)}
    return Subject(name, part, int(seed), card, model, ex, tr, [str(s) for s in tokens], args,
                   loss_kind(card["io"], model.task.output, part), features, text, tuple(options))


@lru_cache(maxsize=256)
def _terms(name: str, seed: int, part: str | None, snapshot: str | None = None, text: str | None = None,
           options: tuple = ()):
    s = subject(name, seed, part, snapshot, text, options)
    module, x, h0, loss = s.args
    return loss_terms.by_step(module, x, h0, loss)


def terms(s: Subject) -> loss_terms.LossTerms | None:
    """Every step's loss term at once, where L has one at every step and the input is small enough."""
    tr = s.trace
    if s.loss in SINGLE_STEP_LOSSES or tr.seq_len > ALL_STEPS_MAX or \
            loss_terms.cost(tr.seq_len, tr.hidden_size, tr.num_layers, tr.num_directions) > ALL_STEPS_COST:
        return None
    return _terms(s.name, s.seed, s.part, None, s.text, s.options)


def loss_label(s: Subject, at_step: int | str | None = None) -> str:
    """"L = …" for an axis (as the app's `gradflow.loss_label`)."""
    if at_step is not None and s.loss not in SINGLE_STEP_LOSSES:
        return t(f"loss.{s.loss}.at", t=at_step)
    return t(f"loss.{s.loss}")


def siblings(name: str) -> list[str]:
    """Zoo models trained on the same task as `name` (itself included), RNN / LSTM / GRU order."""
    from .. import zoo
    task = zoo.card(name)["task"]
    order = {"rnn": 0, "lstm": 1, "gru": 2}
    return sorted((n for n in zoo.names() if zoo.card(n)["task"] == task),
                  key=lambda n: (order.get(zoo.card(n)["cell"], 3), n))


# --- blocks ----------------------------------------------------------------------------------------------
def md(text: str) -> str:
    """Catalogue text as HTML: escaped, with its **bold** and `code` markdown."""
    body = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
    return re.sub(r"`(.+?)`", r"<code>\1</code>", body)


def para(*texts: str, cls: str = "") -> dict:
    c = f' class="{cls}"' if cls else ""
    return {"type": "html", "html": "".join(f"<p{c}>{md(x)}</p>" for x in texts if x)}


def heading(text: str, level: int = 3) -> dict:
    return {"type": "html", "html": f"<h{level}>{md(text)}</h{level}>"}


def player(section: dict) -> dict:
    return {"type": "player", "section": section}


def static(panel_id: str, fig, **kw) -> dict:
    """A figure that does not move with the step, drawn by the player (a section of one step)."""
    return player(payload.section(STATIC, 1, [payload.figure(panel_id, fig, cursor=None, **kw)]))


def controls(steps: int, tokens: Sequence[str]) -> dict:
    return player(payload.section(GROUP, steps, controls=True, tokens=tokens, keys=t("export.keys")))


def moving(steps: int, figures: Sequence[dict]) -> dict:
    return player(payload.section(GROUP, steps, list(figures)))


# --- LaTeX (the cell's equations) as MathML, made at build time: no network, no script --------------------
_TEX = {r"\sigma": "σ", r"\tanh": "tanh", r"\odot": "⊙", r"\mathrm{relu}": "relu", r"\cdot": "·"}


def mathml(tex: str) -> str:
    """The small LaTeX of the cell equations (symbols, _{...} subscripts, \\sigma, \\tanh, \\odot) as MathML."""
    out, i = [], 0
    tokens = re.findall(r"\\mathrm\{[a-z]+\}|\\[A-Za-z]+|_\{[^}]*\}|_.|[A-Za-z]|[0-9]+|\S", tex)
    for tok in tokens:
        if tok.startswith("_"):
            sub = tok[2:-1] if tok.startswith("_{") else tok[1:]
            base = out.pop() if out else "<mi></mi>"
            sub_ml = "".join(f"<mi>{html.escape(c)}</mi>" if c.isalpha() else f"<mn>{html.escape(c)}</mn>"
                             if c.isdigit() else f"<mo>{html.escape(c)}</mo>" for c in sub.replace(" ", ""))
            out.append(f"<msub>{base}<mrow>{sub_ml}</mrow></msub>")
        elif tok in _TEX:
            word = _TEX[tok]
            out.append(f"<mi>{word}</mi>" if len(word) > 1 or word == "σ" else f"<mo>{word}</mo>")
        elif tok.startswith("\\"):
            out.append(f"<mi>{html.escape(tok[1:])}</mi>")
        elif tok.isalpha():
            out.append(f"<mi>{tok}</mi>")
        elif tok.isdigit():
            out.append(f"<mn>{tok}</mn>")
        else:
            out.append(f"<mo>{html.escape(tok)}</mo>")
        i += 1
    return f'<math display="block"><mrow>{"".join(out)}</mrow></math>'


# --- the header of a step page -----------------------------------------------------------------------------
def _num(v) -> str:
    return "–" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v)


def model_intro(card: dict, model, ex, part: str, layer: int, direction: int) -> list[str]:
    """The model card, metrics, input, prediction and view in words (the export's header too)."""
    bi = t("model.bi") if card["bidirectional"] else ""
    intro = [card.get("description", ""),
             t("model.card", cell=card["cell"].upper(), io=label("io", card["io"]), task=label("task", card["task"]),
               layers=card["num_layers"], hidden=card["hidden_size"], bi=bi, params=f"{card['params']:,}"),
             " · ".join(t("model.metric", metric=label("metric", m), value=_num(v),
                          baseline=_num(card.get("baseline", {}).get(m))) for m, v in card.get("metrics", {}).items()),
             t("export.input", text=ex.text),
             t("input.prediction", prediction=worded_prediction(card["task"], model.prediction(ex))),
             t("export.view", layer=layer, direction=t(f"nav.direction.{direction}"),
               part=t("export.view.part", part=t(f"model.part.{part}")) if len(model.parts()) > 1 else "")]
    if direction == 1:
        intro.append(t("nav.reverse_note"))
    intro.append(t(f"loss.{loss_kind(card['io'], model.task.output, part)}.long"))
    return intro


# --- the step pages (the app's cell, over_time, gradients and units views) ----------------------------------
UNIT = "{unit}"                # where a unit-dependent text takes the unit the visitor picks (site.js)


def unit_texts(kind: str, **spec) -> dict:
    """What site.js changes in a panel when the visitor picks units (the `units` deep link): `kind` says which
    panel it is, texts carry UNIT where the unit goes. The figures themselves are the app's (built here for
    unit 0); the picked units' values come from the page's units file (`units_data`)."""
    return {"kind": kind, **spec}


def vector_keys(tr, layer: int, direction: int) -> list[str]:
    """The cell diagram's quantities in its order (`summaries.cell_vectors`), as the unit's table lists them."""
    rec = tr.layer(layer, direction)
    return list(summaries.cell_vectors(rec, summaries.layer_input(tr, layer), 0, direction))


def cell_view(s: Subject, layer: int, direction: int, unit: int = 0) -> list[dict]:
    tr = s.trace
    caption = " ".join([t("cell.legend", unit=unit), t("nav.reverse_note") if direction == 1 else ""]).strip()
    diagram = panels.cell_diagram(tr, layer, direction, s.tokens, unit, caption=caption)
    diagram["units"] = unit_texts("cell", caption=" ".join([t("cell.legend", unit=UNIT), t("nav.reverse_note")
                                                            if direction == 1 else ""]).strip())
    numbers = panels.unit_numbers(tr, layer, direction, unit)
    numbers["units"] = unit_texts("table", title=t("cell.unit_numbers", unit=UNIT),
                                  rows=[q for q in vector_keys(tr, layer, direction) if q != "x"])
    act = r"\tanh" if tr.nonlinearity == "tanh" else r"\mathrm{relu}"
    eqs = "".join(mathml(eq.replace(r"\{act}", act)) for eq in EQUATIONS[tr.kind])
    eq_html = {"type": "html", "html": f'<h4>{md(t("cell.equations"))}</h4><div class="cv-eqs">{eqs}</div>'}
    return [controls(s.steps, s.tokens), moving(s.steps, [diagram]),
            {"type": "cols", "children": [[eq_html], [moving(s.steps, [numbers])]]}]


def over_time_view(s: Subject, layer: int, direction: int, units: Sequence[int] = (0,)) -> list[dict]:
    series = summaries.quantities(s.trace.layer(layer, direction))
    heat = panels.heatmaps(series, list(units), s.tokens, clickable=True)
    heat["units"] = unit_texts("heatmaps")
    traces = panels.unit_traces(series, list(units), s.tokens)
    word = t("plot.unit")
    rows = list(series)                                         # plots.unit_traces: one trace per quantity and unit
    traces["units"] = unit_texts(
        "traces", rows=rows, name=f"{word} {UNIT}", colors=list(plots.style.LINE_COLORS),
        hovers=[d["hovertemplate"].replace(f"{word} {units[0]}", f"{word} {UNIT}")
                for d in traces["figure"]["data"][:len(rows)]],
        hovermode=["closest", "x unified"])                     # plots.unit_traces: one unit / several
    blocks = [controls(s.steps, s.tokens), moving(s.steps, [heat, traces])]
    cut = summaries.downsample(next(iter(series.values())), plots.MAX_HEAT_STEPS, plots.MAX_HEAT_UNITS)
    if (cut.bt, cut.bu) != (1, 1):
        blocks.append(para(t("time.downsampled", bt=cut.bt, bu=cut.bu), cls="cv-caption"))
    return blocks


def gradients_view(s: Subject, layer: int, direction: int) -> list[dict]:
    tr = s.trace
    y_title = plots.grad_axis_title(loss_label(s), what="any")
    norms = panels.gradient_norms(plots.grad_norm_curves(tr), y_title=y_title)
    norms["caption"] = t("grad.intro")
    blocks = [controls(s.steps, s.tokens), moving(s.steps, [norms]), heading(t("grad.reach.header"))]
    if s.loss in SINGLE_STEP_LOSSES:             # one prediction, after the last step: nothing moves
        sens, t_star = tr.input_sensitivity[:, 0], s.steps - 1
        blocks.append(para(t("grad.reach.n1"), cls="cv-caption"))
        if np.any(sens > 0):
            blocks.append(moving(s.steps, panels.input_reach(sens, s.tokens, t_star, loss=loss_label(s, t_star))))
        else:
            blocks.append(para(t("grad.reach.none", t=t_star)))
    elif (every := terms(s)) is not None:
        blocks.append(moving(s.steps, panels.input_reach_by_step(every.input_sensitivity, s.tokens,
                                                                 loss_label(s, "t"))))
    blocks.append(heading(t("grad.compare.header")))
    names, others = siblings(s.name), {}
    for n in names:                              # a typed input: the siblings on the same input, where it parses
        try:
            others[n] = subject(n, s.seed, s.part, text=s.text, options=s.options)
        except ValueError:
            continue
    names = list(others)
    if len(names) < 2:
        blocks.append(para(t("grad.compare.none")))
        return blocks
    single = s.loss in SINGLE_STEP_LOSSES
    if single:                                   # normalised at the loss step, which does not move
        curves = {}
        for n, o in others.items():
            lo, do = min(layer, o.trace.num_layers - 1), min(direction, o.trace.num_directions - 1)
            at = grads.loss_step(o.steps, do, None)
            curves[n] = grads.normalised(summaries.grad_norms(o.trace.layer(lo, do))[0], at)
        fig = panels.gradient_norms(curves, "compare", title=t("grad.compare.header"),
                                    y_title=plots.grad_axis_title(loss_label(s), normalised=True))
        blocks.append(moving(s.steps, [fig]))
    elif all(terms(o) is not None for o in others.values()):   # normalised at t* = the step shown
        rows = []
        for o in others.values():
            g = terms(o).grad_h[(min(layer, o.trace.num_layers - 1), min(direction, o.trace.num_directions - 1))]
            rows.append(np.stack([grads.normalised(g[k], k) for k in range(len(g))]))
        every = np.stack(rows, axis=1)                          # (T*, curves, T)
        first = {n: every[0, i] for i, n in enumerate(others)}
        fig = panels.gradient_norms(first, "compare", title=t("grad.compare.header"),
                                    y_title=plots.grad_axis_title(loss_label(s, "t*"), normalised=True),
                                    by_step=every)
        blocks.append(moving(s.steps, [fig]))
    return blocks


def units_view(s: Subject, layer: int, direction: int, unit: int = 0) -> list[dict]:
    rec = s.trace.layer(layer, direction)
    series = summaries.quantities(rec)
    title = t("plot.text.title", what=f"{plots.qname('h')} · {t('plot.unit')} {unit}")
    strip = panels.token_strip("text", s.tokens, series["h"][:, unit], "h", title)
    # h of every zoo model is tanh's (no ReLU RNN, no projection), so its colour scale is -1..1 for any unit
    strip["units"] = unit_texts("strip", key="h", per_row=40,
                                title=t("plot.text.title", what=f"{plots.qname('h')} · {t('plot.unit')} {UNIT}"))
    blocks = [controls(s.steps, s.tokens), moving(s.steps, [strip]), heading(t("units.find.header"))]
    if not s.features:
        blocks.append(para(t("units.find.none")))
    for fname, feature in s.features.items():
        name = label("feature", fname)
        matches = summaries.rank_units(series, feature, top=10) if np.ptp(feature) else []
        if not matches:
            blocks.append(para(t("units.find.constant", feature=name)))
            continue
        q, u, r = matches[0]
        blocks += [para(t("units.find.best", unit=u, quantity=plots.qname(q), r=r, feature=name), cls="cv-success"),
                   static(f"rank-{fname}", plots.unit_ranking(matches, name)),
                   moving(s.steps, [panels.feature_match(feature, series[q][:, u], s.tokens, name,
                                                         f"{q} · {t('plot.unit')} {u}"),
                                    panels.token_strip(f"feature_text-{fname}", s.tokens, feature, "feature",
                                                       t("plot.text.title", what=name))])]
        break                                    # the app shows the first feature (a picker chooses others)
    blocks.append(heading(t("units.saturation.header")))
    names = list(rec.gates) or ["h"]
    if not rec.gates:
        blocks.append(para(t("units.saturation.none"), cls="cv-caption"))
    shares = {g: summaries.saturation(series[g], *summaries.saturation_limits(g), 0.05) for g in names}
    blocks.append(static("saturation", plots.saturation_bars(shares, 0.05)))
    return blocks


VIEWS = {"cell": cell_view, "over_time": over_time_view, "gradients": gradients_view, "units": units_view}


def step_page(view: str, name: str, seed: int, part: str | None, layer: int, direction: int,
              text: str | None = None, options: tuple = (), why: str = "") -> dict:
    """One step page's content: header texts and blocks. A typed input (`text`, `options`) says `why` it was
    chosen above the model card."""
    s = subject(name, seed, part, text=text, options=options)
    intro = model_intro(s.card, s.model, s.example, s.part, layer, direction)
    if why:
        intro.insert(0, t("site.input.why", why=why))
    return {"title": f"{t('page.' + view)} · {name}", "intro": [md(x) for x in intro if x],
            "blocks": VIEWS[view](s, layer, direction), "steps": s.steps}


def units_data(s: Subject, layer: int, direction: int) -> dict:
    """Every unit's values of one layer and direction, from which site.js shows the units a visitor picks: the
    over-time quantities (`summaries.quantities`, (T, H) float32 each) and how the cell diagram's others
    (`summaries.cell_vectors`) follow from them, as the cell diagram's strips say it (`panels.cell_diagram`,
    `payload.strip_values`): h_prev and c_prev shifted by a step from the initial state, tanh_c through tanh.
    One file for every view and language of the input."""
    tr = s.trace
    rec = tr.layer(layer, direction)
    arrays = summaries.quantities(rec)
    shift = 1 if direction == 0 else -1
    derived = {"h_prev": {"series": "h", "shift": shift, "initial": payload.typed(rec.h0[0])}}
    if rec.c is not None:
        derived["c_prev"] = {"series": "c", "shift": shift, "initial": payload.typed(rec.c0[0])}
        derived["tanh_c"] = {"series": "c", "fn": "tanh"}
    if not rec.gates:
        arrays["a"] = rec.preacts["h"][:, 0]
    return {"steps": tr.seq_len, "units": tr.hidden_size, "derived": derived,
            "arrays": {q: payload.typed(np.asarray(a, dtype=np.float32)) for q, a in arrays.items()}}


# --- the offline lecture page (cellviz.export): one page of every step-dependent figure, any Trace ----------
def lecture_view(tr, tokens: Sequence[str], *, layer: int = 0, direction: int = 0, units: Sequence[int] = (),
                 batch: int = 0, loss: str | None = None, reach: np.ndarray | None = None,
                 reach_loss: str | None = None, group: str = "export") -> list[dict]:
    """The export's blocks: the step bar, then one section of the cell diagram (and the first unit's numbers),
    the input coloured by ‖∂L/∂h_t‖, the units x time heatmaps, the gradient norms and, given `reach`, how far
    back the prediction reaches ((T,) of one prediction or (T, T) of every step's term, row t at step t)."""
    T, unit = tr.seq_len, (units[0] if units else None)
    rec = tr.layer(layer, direction)
    cell_caption = " ".join([t("cell.legend", unit=unit) if unit is not None else "",
                             t("nav.reverse_note") if direction == 1 else ""]).strip()
    labels, per_row = panels.strip_layout(tokens, STRIP_CHARS)
    figures = [panels.cell_diagram(tr, layer, direction, tokens, unit, batch, caption=cell_caption)]
    if unit is not None:
        figures.append(panels.unit_numbers(tr, layer, direction, unit, batch))
    norms = panels.gradient_norms(plots.grad_norm_curves(tr, batch), y_title=plots.grad_axis_title(loss, what="any"))
    norms["caption"] = t("grad.intro")
    figures += [panels.token_strip("tokens", labels, summaries.grad_norms(rec, batch)[0], "grad",
                                   t("export.strip.title", what=t("plot.grad.h")), per_row=per_row),
                panels.heatmaps(summaries.quantities(rec, batch), units, tokens, clickable=False),
                norms]
    if reach is not None and np.ndim(reach) == 2:
        figures += panels.input_reach_by_step(np.asarray(reach), tokens, reach_loss or "")
    elif reach is not None:
        figures += panels.input_reach(np.asarray(reach), tokens, T - 1, loss=reach_loss)
    return [player(payload.section(group, T, controls=True, tokens=tokens, keys=t("export.keys"))),
            player(payload.section(group, T, figures))]


# --- the guided tour: the app's Slides (`cellviz.slides`) as pages ------------------------------------------
_TEX_TEXT = [(r"\\prod_\{([^{}]*)\}\^\{([^{}]*)\}", r" ∏(\1…\2) "), (r"_\{([^{}])\}", r"_\1"), (r"_\{([^{}]*)\}", r"_(\1)"), (r"\^\{2\}", "²"),
             (r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2"), (r"\\operatorname\{([^{}]*)\}", r"\1"),
             (r"\\text\{([^{}]*)\}", r"\1"), (r"\\mathrm\{([^{}]*)\}", r"\1"), (r"\^\{2\}", "²"), (r"\^2", "²"),
             (r"\\(left|right|big|Big|bigg|!|,|;)", ""), (r"\\qquad|\\quad", "   "), (r"\\Rightarrow", "⇒"),
             (r"\\partial ?", "∂"), (r"\\prod_\{([^{}]*)\}\^\{([^{}]*)\}", r"∏[\1…\2]"), (r"\\odot", "⊙"),
             (r"\\sigma", "σ"), (r"\\tanh", "tanh"), (r"\\cdot", "·"), (r"\\approx", "≈"), (r"\\times", "×"),
             (r"\\equiv", "≡"), (r"\\neq", "≠"), (r"\\in\b", "∈"), (r"\\sim", "∼"), (r"\\[lr]Vert|\\\|", "‖"),
             (r"\\ldots|\\dots", "…"), (r"\\cdots", "⋯"), (r"\\mid", "|"), (r"\\prime", "′"), (r"\\le(q)?", "≤"), (r"\\ge(q)?", "≥"), (r"\\infty", "∞"), (r"\\sum", "Σ"), (r"\\to", "→"),
             (r"\\([A-Za-z]+)", r"\1"), (r"[{}]", "")]


def tex_text(tex: str) -> str:
    """LaTeX as plain Unicode text, for what the small MathML writer does not take (fractions, products)."""
    out = tex
    for _ in range(3):                     # nested braces: innermost first
        for pattern, repl in _TEX_TEXT[:8]:
            out = re.sub(pattern, repl, out)
    for pattern, repl in _TEX_TEXT[8:]:
        out = re.sub(pattern, repl, out)
    return " ".join(out.split())


def equation_html(tex: str) -> str:
    """An equation without network: MathML when the small writer takes it, else plain text."""
    if re.search(r"\\(frac|prod|sum|operatorname|left|right|big|Big|text|qquad|Rightarrow|partial)|\^", tex):
        return f'<p class="cv-eq-text">{html.escape(tex_text(tex))}</p>'
    return mathml(tex)


def prose(text: str) -> str:
    """A slide's Markdown (paragraphs, **bold**, `code`, $math$ as text, - lists) as HTML."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        conv = lambda s: "".join(md(part) if i % 2 == 0 else f"<i>{html.escape(tex_text(part))}</i>"  # noqa: E731
                                 for i, part in enumerate(re.split(r"\$([^$]+)\$", s)))
        if all(re.match(r"\s*[-*] ", ln) for ln in lines if ln.strip()):
            items = [conv(re.sub(r"^\s*[-*] ", "", ln)) for ln in lines if ln.strip()]
            out.append("<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>")
        else:
            out.append(f"<p>{conv(' '.join(lines))}</p>")
    return "".join(out)


def explore_href(link: dict, lang: str, models: Sequence[str] | None = None) -> str | None:
    """A slide's explorer link as a site page, with the app's parameter names. With `models` (the site's), a
    link to another model is None, and a typed input (`text`, `opt_*`) is kept: the site builds every slide's
    input of its models as a page (`build.tour_inputs`), except one its task refuses, whose link keeps only the
    model. Without `models`, the model's page."""
    from urllib.parse import urlencode
    page = link.get("page", "cell")
    if page not in STEP_VIEWS or "model" not in link or (models is not None and link["model"] not in models):
        return None
    q = {"lang": lang} if lang != "en" else {}
    q["model"] = link["model"]
    if models is not None and "text" in link and typed_input(link) is not None:
        q.update(source="typed", text=link["text"])
        q.update({k: v for k, v in link.items() if k in ("layer", "direction", "step", "units")})
        q.update(sorted((k, v) for k, v in link.items() if k.startswith("opt_")))
    return f"{page}.html?{urlencode(q)}"


def typed_input(link: dict) -> tuple[str, tuple] | None:
    """A link's typed input as (text, options) with the options typed as the task's `parse` takes them, if the
    model's task parses it; else None."""
    if "text" not in link:
        return None
    model = _model(link["model"])
    kinds = model.task.parse_options()
    try:
        opts = tuple(sorted((k[4:], kinds[k[4:]].type(float(v))) for k, v in link.items() if k.startswith("opt_")))
        model.task.parse(link["text"], **dict(opts))
    except (KeyError, ValueError):
        return None
    return link["text"], opts


def tour_page(slide, k: int, n: int, lang: str, models: Sequence[str] | None = None) -> dict:
    """One slide as a page: headline, body, equation, its figures (the stepping ones with a step bar of their
    own group, whose keys the slides keep), notes, the explorer link and the slide's options."""
    import plotly.graph_objects as go
    blocks: list[dict] = [{"type": "html", "html": f'<p class="cv-headline">{md(slide.headline)}</p>'
                                                   f'<div class="cv-body">{prose(slide.body)}</div>'}]
    if slide.equation:
        blocks.append({"type": "html", "html": f'<div class="cv-eqs">{equation_html(slide.equation)}</div>'})
    figs = []
    for i, f in enumerate(slide.figures):
        if isinstance(f, go.Figure):
            figs.append(static(f"{slide.name}-{i}", f, config={"displayModeBar": False}))
        elif isinstance(f, dict) and f.get("format") == payload.FORMAT:
            if slide.steps and not any(b.get("section", {}).get("controls") for b in figs):
                figs.append(player(payload.section(f["group"], f["steps"], controls=True, tokens=slide.tokens,
                                                   keys=t("export.keys"))))
            figs.append(player(f))
    if figs and figs[0]["section"].get("controls"):          # the step bar above the figures
        blocks.append(figs.pop(0))
    if len(figs) > 1:                                       # side by side: a projected slide is one screen
        blocks.append({"type": "cols", "children": [[b] for b in figs]})
    else:
        blocks += figs
    href = explore_href(slide.explore or {}, lang, models)
    extra = {"name": slide.name, "slide": k, "n": n, "notes": prose(slide.notes) if slide.notes else "",
             "explore": href, "options": slide.options or {}, "headline": slide.headline}
    return {"title": slide.title, "intro": [], "blocks": blocks, "extra": extra}
