"""Build the static site: `python -m cellviz.site OUTDIR [--models ...] [--langs en zh] [--quick]`.

OUTDIR/
  index.html, cell.html, over_time.html, gradients.html, units.html, compare.html, exploding.html,
  training.html          one small shell per page kind (the URL says which model, input, step, language)
  manifest.js            what was built (models, samples, layers, page names, nav texts): window.CELLVIZ_SITE
  assets/                plotly.js (once, named by version), player.js/css (the app's player), site.js/css
  data/...               one script per view and language, setting window.CELLVIZ_DATA[key]: data apart from code

Every path is relative, so the folder works from GitHub Pages, `python -m http.server` and file://.
Each (model, sample) is traced once and every view of it is built from that trace (`pages`).
"""
from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import player
from ..i18n import CATALOGUES, label, set_language, t
from . import pages, render

SEEDS = (0, 1, 2)                     # the app's samples offered per model (its "another sample" button)
QUICK_MODELS = ("lag-lstm", "brackets-gru")
PAGE_KINDS = ("index", *pages.STEP_VIEWS, "compare", "exploding", "training", "tour")
NAV = [{"page": "tour", "file": "tour.html"},
       {"page": "cell", "file": "cell.html", "explorer": True},
       {"page": "over_time", "file": "over_time.html", "explorer": True},
       {"page": "gradients", "file": "gradients.html", "explorer": True},
       {"page": "units", "file": "units.html", "explorer": True},
       {"page": "compare", "file": "compare.html"},
       {"page": "exploding", "file": "exploding.html"},
       {"page": "training", "file": "training.html"}]
NAV_TEXTS = ("page.cell", "page.over_time", "page.gradients", "page.units", "page.compare", "page.exploding",
             "page.training", "page.tour", "lang.name", "lang.label", "nav.layer", "nav.direction", "nav.direction.0",
             "nav.direction.1", "model.part.encoder", "model.part.decoder", "model.part.recurrent", "expl.radius",
             "expl.steps", "expl.threshold", "training.slider", "site.model", "site.sample", "site.sample_n",
             "site.part", "site.units", "site.units.help", "site.units.bad", "site.typed.missing", "site.link.ignored", "site.missing", "site.full_app", "site.tour.explore",
             "tour.prev", "tour.next", "tour.present", "tour.presenter", "tour.notes", "tour.presenter.next",
             "tour.presenter.last", "tour.presenter.clock")
COMMANDS = ("pip install -r requirements.txt && pip install -e .\nstreamlit run app.py")
# the exploding-gradients grid (the app's sliders take any value; these are the ones built)
EXPL_RADIUS, EXPL_STEPS, EXPL_THRESHOLD = (0.75, 1.0, 1.5, 3.0), (20, 40, 100), (1.0, 5.0)
EXPL_DEFAULTS = {"radius": 3.0, "steps": 40, "threshold": 1.0}          # the app's defaults (ui/state.py)
EXPL_RADII = np.round(np.arange(0.5, 4.01, 0.25), 2)                     # the growth figure's ρ axis, as the app's


class Writer:
    """Writes files under the site folder and counts them."""

    def __init__(self, out: Path):
        self.out, self.files, self.bytes = Path(out), 0, 0

    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.files += 1
        self.bytes += path.stat().st_size

    def data(self, key: str, content: dict) -> None:
        self.write(f"data/{key}.js", render.data_js(key, render.page_data(content)))


_plotly_version = player._plotly_js_version


def plotly_bundle(folder: Path, bundle: Path | None) -> str:
    """plotly.js in `folder` (once, named by version): the player's (`player.plotly_js`, the vendored cartesian
    bundle), or `bundle` if it is the same plotly.js version. Its file name."""
    if bundle is None:
        return player.plotly_js_file(folder)
    from plotly.offline import get_plotlyjs
    text, want = Path(bundle).read_text(encoding="utf-8"), _plotly_version(get_plotlyjs())
    got = _plotly_version(text)
    if got != want:
        raise ValueError(f"{bundle} is plotly.js {got or '(unknown version)'}; the figures are built for {want}")
    name = f"plotly-{got}-{Path(bundle).stem.split('.')[0].removeprefix('plotly-') or 'bundle'}.min.js"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return name


def default_model(names: Sequence[str]) -> str:
    """The app's default: the zoo's first LSTM (ui/sidebar.default_model)."""
    return next((n for n in names if "lstm" in n), names[0])


# --- the pages ---------------------------------------------------------------------------------------------
def index_page(models: Sequence[str], lang: str, training: Sequence[str], tour: bool = False) -> dict:
    from .. import zoo
    q = "" if lang == "en" else f"&lang={lang}"
    rows = []
    for name in models:
        card = zoo.card(name)
        links = " ".join(f'<a href="{v}.html?model={name}{q}">{html.escape(t("page." + v))}</a>'
                         for v in pages.STEP_VIEWS)
        if name in training:
            links += f' <a href="training.html?model={name}{q}">{html.escape(t("page.training"))}</a>'
        bi = t("model.bi") if card["bidirectional"] else ""
        about = t("model.card", cell=card["cell"].upper(), io=label("io", card["io"]), task=label("task", card["task"]),
                  layers=card["num_layers"], hidden=card["hidden_size"], bi=bi, params=f"{card['params']:,}")
        rows.append(f"<tr><td><b>{html.escape(name)}</b></td><td>{pages.md(about)}</td><td>{links}</td></tr>")
    head = "".join(f"<th>{html.escape(t('site.col.' + c))}</th>" for c in ("model", "about", "pages"))
    table = f'<table class="cv-cards"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    more = " · ".join(f'<a href="{p}.html{"?lang=" + lang if lang != "en" else ""}">{html.escape(t("page." + p))}</a>'
                      for p in (("tour",) if tour else ()) + ("compare", "exploding", "training"))
    return {"title": t("site.title"), "intro": [pages.md(t("app.tagline"))],
            "blocks": [pages.para(t("site.intro")), pages.heading(t("site.models")),
                       {"type": "html", "html": table}, pages.heading(t("site.more")),
                       {"type": "html", "html": f"<p>{more}</p>"}]}


def compare_page(models: Sequence[str]) -> dict:
    import torch
    from .. import plots, zoo
    from ..i18n import card_metrics
    from ..zoo import store
    ref = pages.subject(pages.siblings(default_model(list(models)))[0])
    inputs, hidden = ref.trace.input_size, ref.trace.hidden_size
    mods = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    counts = {k: sum(p.numel() for p in m(inputs, hidden).parameters()) for k, m in mods.items()}
    blocks = [pages.heading(t("compare.params.header")), pages.static("params", plots.parameter_counts(counts)),
              pages.para(t("compare.params.note", inputs=inputs, hidden=hidden), cls="cv-caption"),
              pages.heading(t("compare.zoo.header")), pages.para(t("compare.zoo.params_note"), cls="cv-caption")]
    keys = ("weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l")        # the recurrent tensors (ui/data.py)
    cols = ("name", "cell", "io", "task", "layers", "hidden", "bidirectional", "recurrent_params", "params", "metrics")
    rows = []
    for name in zoo.names():
        c = zoo.card(name)
        w = store.read_weights(store.weights_path(name))
        rec = sum(v.numel() for k, v in w.items() if any(p in k.rsplit(".", 1)[-1] for p in keys))
        vals = [name, c["cell"], label("io", c["io"]), label("task", c["task"]), c["num_layers"], c["hidden_size"],
                c["bidirectional"], f"{rec:,}", f"{c['params']:,}", t("list.sep2").join(card_metrics(c))]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in vals) + "</tr>")
    head = "".join(f"<th>{html.escape(t('compare.col.' + c))}</th>" for c in cols)
    blocks.append({"type": "html", "html": f'<table class="cv-cards"><thead><tr>{head}</tr></thead>'
                                           f'<tbody>{"".join(rows)}</tbody></table>'})
    blocks.append(pages.heading(t("compare.claims.header")))
    blocks += claims_blocks()
    return {"title": t("page.compare"), "intro": [], "blocks": blocks}


def claims_blocks() -> list[dict]:
    """The claims experiment as the app's Compare view shows it (`cellviz.zoo.claims_report`, `plots.claims_*`):
    per task its headline, four charts, the table and the protocol."""
    from .. import plots, zoo
    from ..zoo import claims_report as report
    command = "python -m cellviz.zoo.claims_experiment"
    try:
        claims = zoo.claims()
    except FileNotFoundError:
        return [pages.para(t("compare.claims.missing", command=command))]
    if not report.is_v2(claims):
        return [pages.para(t("compare.claims.old", command=command))]
    report.read(claims)
    blocks = [pages.para(t("compare.claims.v2.intro"), cls="cv-caption")]
    for name in report.task_names(claims):
        rows = report.table_rows(claims, name)
        cols = list(rows[0]) if rows else []
        table = ('<table class="cv-cards"><thead><tr>' + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
                 + "</tr></thead><tbody>" + "".join("<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in cols)
                                                     + "</tr>" for r in rows) + "</tbody></table>")
        blocks += [pages.heading(report.task_label(name), 4), pages.para(f"**{report.headline(claims, name)}**"),
                   {"type": "cols", "children": [[pages.static(f"levels-{name}", plots.claims_levels(claims, name))],
                                                 [pages.static(f"speed-{name}", plots.claims_speed(claims, name))]]},
                   {"type": "cols", "children": [[pages.static(f"scratch-{name}", plots.claims_scratch(claims, name))],
                                                 [pages.static(f"grad-{name}", plots.claims_grad(claims, name))]]},
                   pages.para(t("compare.claims.table"), cls="cv-caption"), {"type": "html", "html": table},
                   {"type": "html", "html": f"<details><summary>{html.escape(t('compare.claims.details'))}</summary>"
                                            f"{pages.prose(report.protocol_notes(claims, name))}"
                                            f"{pages.prose(report.run_note(claims))}</details>"}]
    return blocks


def exploding_page(radius: float, steps: int, threshold: float) -> dict:
    from .. import exploding, plots, zoo
    d = exploding.run(radius, steps, threshold)
    growth = exploding.growth_by_radius(EXPL_RADII, steps)
    ratio = d.grad_h[0] / d.grad_h[-1]
    metrics = [(t("expl.m.radius"), f"{d.measured_radius:.3f}"), (t("expl.m.growth"), f"× {d.growth:.3f}"),
               (t("expl.m.ratio", T=steps - 1), f"{ratio:.3g}"), (t("expl.m.before"), f"{d.norm:.3g}"),
               (t("expl.m.after", tau=f"{threshold:g}"), f"{d.clipped:.3g}")]
    m_html = '<table class="cv-cards"><tr>' + "".join(f"<th>{html.escape(a)}</th>" for a, _ in metrics) + \
             "</tr><tr>" + "".join(f"<td><b>{html.escape(b)}</b></td>" for _, b in metrics) + "</tr></table>"
    flow = plots.gradient_norms({f"ρ = {radius:g}": d.grad_h}, steps - 1, title=t("expl.flow.title"),
                                y_title=plots.grad_axis_title(t("loss.sum.at", t=steps - 1)))
    read = "expl.read.grows" if d.growth > 1 else "expl.read.shrinks"
    clips = [zoo.card(n).get("recipe", {}).get("clip") for n in zoo.names()]
    others = sorted({c for c in clips if c != 1.0}, key=str)
    above = [r for r, f in zip(EXPL_RADII, growth) if f > 1]
    blocks = [pages.para(t("expl.intro")), pages.para(t("site.exploding.grid"), cls="cv-caption"),
              {"type": "html", "html": m_html}, pages.static("expl_flow", flow),
              pages.para(t(read, radius=f"{radius:g}", factor=f"{d.growth:.3f}", steps=steps - 1, ratio=f"{ratio:.3g}"),
                         cls="cv-caption"),
              pages.heading(t("expl.clip.header")),
              pages.static("expl_clip", plots.exploding.clipping(d.lengths, d.norm_by_length, d.clipped_by_length,
                                                                 threshold, loss=t("loss.sum.at.last"))),
              pages.para(t("expl.clip.read", before=f"{d.norm:.3g}", after=f"{d.clipped:.3g}", tau=f"{threshold:g}",
                           scale=f"{min(1.0, threshold / d.norm):.3g}", cos=f"{d.cosine:.4f}"), cls="cv-caption"),
              pages.para(t("expl.shipped", ok=sum(c == 1.0 for c in clips), n=len(clips)) +
                         (t("expl.shipped.others", values=", ".join(map(str, others))) if others else "")),
              pages.heading(t("expl.growth.header")),
              pages.static("expl_growth", plots.exploding.growth_by_radius(EXPL_RADII, growth, radius)),
              pages.para(t("expl.growth.read", first=f"{above[0]:g}" if above else "—"), cls="cv-caption")]
    return {"title": t("page.exploding"), "intro": [], "blocks": blocks}


def snapshot_label(snap: str) -> str:
    """"step-00030" -> "step 30"; the final weights by their name (as the app's training view)."""
    from ..zoo.training import FINAL
    if snap == FINAL:
        return t("model.snapshot.final")
    prefix, _, number = snap.rpartition("-")
    return t("training.at_step", step=int(number)) if prefix == "step" and number.isdigit() else snap


def training_snapshots(name: str) -> list[str]:
    from .. import zoo
    from ..zoo.training import FINAL
    snaps = zoo.card(name).get("snapshots", [])
    return [*snaps, FINAL] if snaps else []


def training_page(name: str, chosen: str) -> dict:
    """The app's Scrub through training at one snapshot: gates and states, and every snapshot's gradient flow
    (normalised at the loss step) with the chosen one highlighted; on the model's sample 0."""
    from .. import grads, plots, summaries
    from ..zoo.training import FINAL
    labels = training_snapshots(name)
    subs = {s: pages.subject(name, 0, None, None if s == FINAL else s) for s in labels}
    now, final = subs[chosen], subs[FINAL]
    loss_now, loss_final = float(now.trace.loss), float(final.trace.loss)
    from ..i18n import prediction as worded
    facts = [f"{t('training.loss')}: <b>{loss_now:.4g}</b> ({loss_now - loss_final:+.4g}; "
             f"{html.escape(t('training.loss.help', final=f'{loss_final:.4g}'))})",
             pages.md(t("training.prediction", snapshot=snapshot_label(chosen),
                        prediction=worded(now.card["task"], now.model.prediction(now.example)))),
             pages.md(t("training.position", k=labels.index(chosen) + 1, n=len(labels)))]
    heat = plots.heatmaps_over_time(summaries.quantities(now.trace.layer(0, 0)), None, (), now.tokens, clickable=False,
                                    title=t("training.heat.title", snapshot=snapshot_label(chosen)))
    curves = {}
    for s, sub in subs.items():
        at = grads.loss_step(sub.steps, 0, None)
        curves[snapshot_label(s)] = grads.normalised(summaries.grad_norms(sub.trace.layer(0, 0))[0], at)
    grad = plots.gradient_norms(curves, title=t("training.grad.title"),
                                y_title=plots.grad_axis_title(pages.loss_label(now), normalised=True),
                                highlight=snapshot_label(chosen))
    return {"title": f"{t('page.training')} · {name}", "intro": [t("training.intro"), *facts],
            "blocks": [pages.static("training_heat", heat, config={"displayModeBar": False}),
                       pages.static("training_grad", grad),
                       pages.para(t("training.grad.note") + " " + t("training.grad.note.normalised"), cls="cv-caption")]}


def tour_data(w: Writer, langs: Sequence[str], quick: bool, log, models: Sequence[str] | None = None,
              inputs: dict | None = None) -> dict | None:
    """Every slide of the tour (`cellviz.slides`, the app's) with every value of its options, per language;
    the manifest's tour entry, or None without cellviz.slides. `models`: the site's (a slide's "Explore" link
    goes to the page of the slide's own input on one of them: `pages.explore_href`); `inputs` collects those
    typed inputs, {model: [(text, options, slide number)]}, for the build to make their pages."""
    try:
        from .. import slides
    except ImportError:
        log("tour: cellviz.slides is not in this checkout; no tour page")
        return None
    names = list(slides.SLIDES)
    entry: dict = {"slides": names, "titles": {}, "options": {}}
    inputs = {} if inputs is None else inputs
    for lang in langs:
        set_language(lang)
        titles = []
        for k, name in enumerate(names, 1):
            first = slides.build_slide(name, lang=lang)
            titles.append(first.title)
            built = [({}, first)]
            for opt, spec in (first.options or {}).items():      # every value of the slide's option, precomputed
                entry["options"][name] = {"option": opt, "param": f"tour_{opt}", "values": list(spec["values"]),
                                          "default": spec["value"]}
                built = [({opt: v}, first if v == spec["value"] else slides.build_slide(name, lang=lang, **{opt: v}))
                         for v in (spec["values"] if not quick else [spec["value"]])]
                if quick:
                    entry["options"][name]["values"] = [spec["value"]]
            for opts, slide in built:
                suffix = "".join(f"-tour_{o}{v}" for o, v in opts.items())
                w.data(f"tour/{name}{suffix}.{lang}", pages.tour_page(slide, k, len(names), lang, models))
                link = slide.explore or {}
                typed = pages.typed_input(link) if models is not None and link.get("model") in models else None
                if typed is not None and (*typed, k) not in inputs.setdefault(link["model"], []):
                    inputs[link["model"]].append((*typed, k))
        entry["titles"][lang] = titles
    set_language("en")
    log(f"tour: {len(names)} slides")
    return entry


def typed_inputs(name: str, tour: dict | None = None) -> list[dict]:
    """The typed inputs the site builds for a model beside its samples: the card's showcase (text, options, why:
    a catalogue key), then the tour slides' inputs on it (`tour_data`), each once; ids x1, x2, ..."""
    from .. import zoo
    out: list[dict] = []
    for sc in zoo.card(name).get("showcase", []):
        out.append({"text": sc["text"], "options": tuple(sorted(sc.get("options", {}).items())),
                    "why": sc.get("why"), "slides": []})
    for text, opts, k in (tour or {}).get(name, []):
        same = next((i for i in out if i["text"] == text and i["options"] == tuple(opts)), None)
        if same is None:
            out.append(same := {"text": text, "options": tuple(opts), "why": None, "slides": []})
        if k not in same["slides"]:
            same["slides"].append(k)
    for k, i in enumerate(out, 1):
        i["id"] = f"x{k}"
    return out


def input_label(i: dict) -> str:
    """A typed input in the input picker: its text (cut to 40 characters) and its options, as typed."""
    text = i["text"] if len(i["text"]) <= 40 else i["text"][:39] + "…"
    opts = ", ".join(f"{k} {v:g}" for k, v in i["options"])
    return f"“{text}”" + (f" ({opts})" if opts else "")


def input_why(i: dict) -> str:
    """Why a typed input is on the site, in the active language."""
    if i.get("why"):
        return t(i["why"])
    return t("site.input.tour", slides=", ".join(map(str, i["slides"]))) if i["slides"] else ""


# --- the build ---------------------------------------------------------------------------------------------
def _build_models(work: tuple) -> dict:
    """One worker's models (a task's): every step page's data file; {name: (bytes, manifest entry)}."""
    import torch
    out, names, langs, seeds, typed = work
    torch.set_num_threads(1)
    w = Writer(Path(out))
    result = {}
    for name in names:
        before = w.bytes
        model = pages._model(name)
        first = pages.subject(name, 0)
        tr = first.trace
        inputs = typed.get(name, [])
        entry = {"parts": model.parts(), "seeds": list(seeds), "layers": tr.num_layers,
                 "directions": tr.num_directions, "hidden": tr.hidden_size, "label": {},
                 "inputs": [{"id": i["id"], "text": i["text"], "options": dict(i["options"]), "label": input_label(i)}
                            for i in inputs]}
        every = [(f"s{seed}", seed, None, (), None) for seed in seeds] + \
                [(i["id"], 0, i["text"], i["options"], i) for i in inputs]
        for lang in langs:
            set_language(lang)
            entry["label"][lang] = label("task", first.card["task"])
            for part in model.parts():
                for iid, seed, text, options, typed_in in every:
                    s = pages.subject(name, seed, part, text=text, options=options)   # ValueError: a bad input
                    why = input_why(typed_in) if typed_in else ""
                    for layer in range(s.trace.num_layers):
                        for direction in range(s.trace.num_directions):
                            where = f"{name}/{part}/{iid}/l{layer}d{direction}"
                            if lang == langs[0]:            # every unit's values: one file for views and languages
                                w.write(f"data/{where}/all_units.js",
                                        render.data_js(f"{where}/all_units", pages.units_data(s, layer, direction)))
                            for view in pages.STEP_VIEWS:
                                w.data(f"{where}/{view}.{lang}",
                                       pages.step_page(view, name, seed, part, layer, direction, text, options, why))
        result[name] = (w.bytes - before, entry)
    set_language("en")
    return result


def build(out: Path, models: Sequence[str] | None = None, langs: Sequence[str] = ("en", "zh"),
          seeds: Sequence[int] = SEEDS, quick: bool = False, log=print, jobs: int | None = None,
          plotly: Path | None = None) -> dict:
    """Write the site into `out` (emptied first if it holds a previous build); returns build statistics.
    `jobs`: worker processes (default: one per core), each building whole tasks' models. `plotly`: a plotly.js
    bundle to ship instead of the plotly package's full one (e.g. npm's plotly.js-cartesian-dist-min, a third of
    its size), of the same plotly.js version."""
    import torch
    from .. import zoo
    torch.set_num_threads(1)
    started = time.perf_counter()
    out = Path(out)
    if (out / "manifest.js").exists():
        shutil.rmtree(out)
    names = list(models or (QUICK_MODELS if quick else zoo.names()))
    for n in names:
        zoo.card(n)                        # ValueError naming the shipped models
    if quick:
        seeds = tuple(seeds)[:1]
    langs = [lang for lang in langs if lang in CATALOGUES] or ["en"]
    w = Writer(out)
    plotly_file = plotly_bundle(out / "assets", plotly)
    w.write("assets/player.js", player.js())
    w.write("assets/player.css", player.css())
    w.write("assets/site.js", render.site_js())
    w.write("assets/site.css", render.site_css())
    w.write("assets/favicon.svg", render.FAVICON)
    for kind in PAGE_KINDS:
        w.write(f"{kind}.html", render.shell(kind, None if kind == "index" else plotly_file))
    manifest: dict = {"format": "cellviz-site/1", "langs": langs, "models": {}, "nav": NAV, "commands": COMMANDS,
                      "defaults": {"lang": langs[0], "model": default_model(names), "sample_seed": 0, "layer": 0,
                                   "direction": 0, "step": 0, "units": "0",
                                   "expl_radius": EXPL_DEFAULTS["radius"], "expl_steps": EXPL_DEFAULTS["steps"],
                                   "expl_threshold": EXPL_DEFAULTS["threshold"]},
                      "texts": {}, "training": {}, "snapshot_labels": {},
                      "exploding": {"radius": list(EXPL_RADIUS), "steps": list(EXPL_STEPS),
                                    "threshold": list(EXPL_THRESHOLD), "defaults": EXPL_DEFAULTS}}
    tour_in: dict = {}                         # the slides' typed inputs on the site's models, built as their pages
    tour = tour_data(w, langs, quick, log, names, tour_in)
    typed = {n: typed_inputs(n, tour_in) for n in names}
    groups: dict[str, list[str]] = {}          # one task's models in one worker: they share the comparison traces
    for name in names:
        groups.setdefault(zoo.card(name)["task"], []).append(name)
    work = [(str(out), g, list(langs), list(seeds), {n: typed[n] for n in g}) for g in groups.values()]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    if jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_build_models, work)
    else:
        results = [_build_models(w_) for w_ in work]
    sizes: dict[str, int] = {}
    for result in results:
        for name, (size, entry) in result.items():
            sizes[name] = size
            manifest["models"][name] = entry
            log(f"{name}: {size / 1e6:.2f} MB ({time.perf_counter() - started:.0f} s)")
    manifest["models"] = {n: manifest["models"][n] for n in names}
    training = [n for n in names if training_snapshots(n)]
    for lang in langs:
        set_language(lang)
        manifest["texts"][lang] = {k: t(k) for k in NAV_TEXTS}
        w.data(f"index.{lang}", index_page(names, lang, training, bool(tour)))
        w.data(f"compare.{lang}", compare_page(names))
        radii = EXPL_RADIUS if not quick else (EXPL_DEFAULTS["radius"],)
        for r in radii:
            for n in (EXPL_STEPS if not quick else (EXPL_DEFAULTS["steps"],)):
                for c in (EXPL_THRESHOLD if not quick else (EXPL_DEFAULTS["threshold"],)):
                    w.data(f"exploding/r{r:g}-T{n}-c{c:g}.{lang}", exploding_page(r, n, c))
        manifest["snapshot_labels"][lang] = {}
        for name in training:
            before = w.bytes
            snaps = training_snapshots(name)
            manifest["training"][name] = snaps
            for snap in snaps:
                manifest["snapshot_labels"][lang][snap] = snapshot_label(snap)
                w.data(f"training/{name}/{snap}.{lang}", training_page(name, snap))
            sizes[name] = sizes.get(name, 0) + w.bytes - before
    if tour:
        manifest["tour"] = tour
        manifest["defaults"].update(slide=1, **{o["param"]: o["default"] for o in tour["options"].values()})
    else:                                  # no cellviz.slides in this checkout: no tour page
        manifest["nav"] = [p for p in NAV if p["page"] != "tour"]
        (out / "tour.html").unlink()
    if quick:
        manifest["exploding"].update(radius=[EXPL_DEFAULTS["radius"]], steps=[EXPL_DEFAULTS["steps"]],
                                     threshold=[EXPL_DEFAULTS["threshold"]])
    set_language("en")
    w.write("manifest.js", "window.CELLVIZ_SITE=" + json.dumps(manifest, ensure_ascii=False,
                                                                separators=(",", ":")) + ";\n")
    w.write(".nojekyll", "")               # GitHub Pages: serve the folder as it is
    seconds = time.perf_counter() - started
    stats = {"files": sum(1 for f in out.rglob("*") if f.is_file()), "bytes": sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
             "seconds": seconds, "per_model": sizes}
    log(f"wrote {out}: {stats['files']} files, {stats['bytes'] / 1e6:.1f} MB in {seconds:.0f} s")
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m cellviz.site", description="Build cellviz as a static site: "
                                "every zoo model's step pages on the app's samples, in every language, no server.")
    p.add_argument("outdir", type=Path)
    p.add_argument("--models", nargs="+", help="zoo models to build (default: all)")
    p.add_argument("--langs", nargs="+", default=["en", "zh"], help="languages (default: en zh)")
    p.add_argument("--samples", type=int, default=len(SEEDS), help=f"samples per model (default {len(SEEDS)})")
    p.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    p.add_argument("--plotly", type=Path, metavar="FILE", help="a plotly.js bundle of the same version to ship "
                   "instead of the full one, e.g. plotly-cartesian.min.js from npm's plotly.js-cartesian-dist-min")
    p.add_argument("--quick", action="store_true",
                   help=f"a small build: {', '.join(QUICK_MODELS)} (unless --models), one sample, one exploding setting")
    a = p.parse_args(argv)
    bad = [lang for lang in a.langs if lang not in CATALOGUES]
    if bad:
        print(f"{p.prog}: error: no texts for {', '.join(bad)}; available: {', '.join(CATALOGUES)}", file=sys.stderr)
        return 2
    try:
        build(a.outdir, a.models, a.langs, tuple(range(max(1, a.samples))), a.quick, jobs=a.jobs,
              plotly=a.plotly)
    except ValueError as e:
        print(f"{p.prog}: error: {' '.join(str(e).split())[:500]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
