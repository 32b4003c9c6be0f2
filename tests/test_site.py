"""The static site (`python -m cellviz.site`): a small build (`--quick`) in a temporary folder, its files, and
headless Chromium on it from file:// and over http: every page kind draws its charts and steps with →, both
languages, deep links round-trip, no request leaves the folder, no console error."""
from __future__ import annotations

import functools
import json
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from cellviz import player
from cellviz.hosted_bench import ARGS as CHROMIUM_ARGS, CHROMIUM
from cellviz.i18n import EN, ZH
from cellviz.site import build, pages, render

QUICK = build.QUICK_MODELS


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build.build(out, quick=True, log=lambda *_: None)
    return out


def data(site: Path, key: str) -> dict:
    text = (site / "data" / f"{key}.js").read_text(encoding="utf-8")
    m = re.fullmatch(r"\(window\.CELLVIZ_DATA=window\.CELLVIZ_DATA\|\|\{\}\)\[(\"[^\"]+\")\]=(.*);\n", text, re.S)
    assert m and json.loads(m.group(1)) == key
    return json.loads(m.group(2))


def manifest(site: Path) -> dict:
    text = (site / "manifest.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.CELLVIZ_SITE=").removesuffix(";\n"))


def test_the_folder_holds_plotly_once_the_apps_player_and_data_apart_from_code(site):
    assets = sorted(p.name for p in (site / "assets").iterdir())
    assert [a for a in assets if a.startswith("plotly")] == [player.plotly_js_file(site / "assets")]
    assert (site / "assets" / "player.js").read_text(encoding="utf-8") == player.js()      # the app's player
    files = sorted((p for p in site.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    assert files[-1].name.startswith("plotly") and files[-1].parent.name == "assets"      # plotly.js the largest
    assert files[-2].stat().st_size < 2_000_000                                           # data files stay small
    for kind in build.PAGE_KINDS:
        shell = (site / f"{kind}.html").read_text(encoding="utf-8")
        links = re.findall(r'\b(?:src|href)="([^"]+)"', shell)
        assert links and all(not re.match(r"^([a-z]+:|/)", u) for u in links), links     # relative only
        assert "CELLVIZ_DATA" not in shell and "bdata" not in shell                       # no data in a shell
    m = manifest(site)
    assert set(m["models"]) == set(QUICK) and m["langs"] == ["en", "zh"]


@pytest.mark.parametrize("name", QUICK)
def test_every_step_view_in_both_languages_from_the_catalogues(site, name):
    for view in pages.STEP_VIEWS:
        en, zh = (data(site, f"{name}/recurrent/s0/l0d0/{view}.{lang}") for lang in ("en", "zh"))
        assert en["title"].startswith(EN[f"page.{view}"]) and zh["title"].startswith(ZH[f"page.{view}"])
        assert en["sections"][0]["controls"] and en["sections"][0]["group"] == pages.GROUP
        assert len(en["sections"][0]["captions"]) == en["steps"]
        assert en["html"].count('data-section="') == len(en["sections"])
        assert EN["export.keys"] in json.dumps(en, ensure_ascii=False)
        assert ZH["export.keys"] in json.dumps(zh, ensure_ascii=False)
        assert EN["export.keys"] not in json.dumps(zh, ensure_ascii=False)


def test_the_gradient_page_carries_every_steps_reach_for_a_loss_at_every_step(site):
    d = data(site, "brackets-gru/recurrent/s0/l0d0/gradients.en")
    by_step = {p["id"]: p for s in d["sections"] for p in s["panels"] if "by_step" in p}
    T = d["steps"]
    assert set(by_step) == {"reach", "reach_text", "compare"}
    assert by_step["reach"]["by_step"]["values"]["shape"] == [T, T]
    assert by_step["compare"]["by_step"]["values"]["shape"] == [T, 3, T]           # RNN, LSTM, GRU


def test_the_export_is_a_page_of_the_same_builder():
    from cellviz.export import export_html
    page = export_html("brackets-gru", sample=0)
    assert page.count(render.site_js()) == 1 and page.count(player.js()) == 1


def test_cli_refuses_unknown_model_and_language(tmp_path, capsys):
    assert build.main([str(tmp_path / "a"), "--models", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert build.main([str(tmp_path / "b"), "--langs", "fr"]) == 2
    assert "fr" in capsys.readouterr().err


def test_equations_are_mathml_made_at_build_time():
    ml = pages.mathml(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t")
    assert ml.startswith("<math") and "<msub><mi>c</mi><mrow><mi>t</mi><mo>-</mo><mn>1</mn></mrow></msub>" in ml
    assert "⊙" in ml and "\\" not in ml


# --- in Chromium ------------------------------------------------------------------------------------------
def _browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        reason = "Python playwright is missing" if sync_playwright is None else f"{CHROMIUM} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def http_root(site):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


PAGES = [("index.html", 0), ("cell.html?model=brackets-gru", 1), ("over_time.html?model=lag-lstm", 2),
         ("gradients.html?model=brackets-gru&lang=zh", 4), ("units.html?model=brackets-gru", 5),
         ("compare.html?lang=zh", 1), ("tour.html?slide=2", 1), ("exploding.html", 3), ("training.html?model=lag-lstm", 2)]
STEP = """() => { const s = document.querySelector('[data-step]'); return s ? Number(s.dataset.step) : null; }"""


def _open(browser, root: str, path: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"errors": [], "foreign": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(root) else seen["foreign"].append(r.url))
    page.goto(f"{root}/{path}")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    return page, seen


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_every_page_kind_draws_and_steps_without_leaving_the_folder(site, http_root, browser, scheme):
    root = site.as_uri() if scheme == "file" else http_root
    for path, charts in PAGES:
        page, seen = _open(browser, root, path)
        try:
            assert page.locator(".js-plotly-plot").count() >= charts, path
            if page.evaluate(STEP) is not None and page.locator(".cvp-bar").count():
                assert page.evaluate(STEP) == 0
                page.keyboard.press("ArrowRight")
                assert page.evaluate(STEP) == 1, path
                page.wait_for_function("location.search.includes('step=1')", timeout=5_000)
            want = "zh-CN" if "lang=zh" in path else "en"
            assert page.evaluate("document.documentElement.lang") == want
            assert not seen["errors"] and not seen["foreign"], (path, seen)
        finally:
            page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_deep_links_round_trip(site, http_root, browser, scheme):
    root = site.as_uri() if scheme == "file" else http_root
    page, seen = _open(browser, root, "gradients.html?model=brackets-gru&step=7&lang=zh")
    try:
        assert page.evaluate(STEP) == 7
        assert "7" in page.locator(".cvp-step").text_content()
        assert page.locator("#cv-nav .cv-here").text_content() == ZH["page.gradients"]
        page.keyboard.press("ArrowRight")
        page.wait_for_function("location.search.includes('step=8')", timeout=5_000)
        url = page.evaluate("location.href")
        assert "model=brackets-gru" in url and "lang=zh" in url
        # the other pages keep model and step; the language switch keeps everything but the language
        cell = page.locator("#cv-nav a", has_text=ZH["page.cell"]).get_attribute("href")
        assert cell.startswith("cell.html?") and "model=brackets-gru" in cell and "step=8" in cell
        english = page.locator("#cv-nav a.cv-lang").get_attribute("href")
        assert "lang=" not in english and "step=8" in english and "model=brackets-gru" in english
    finally:
        page.close()
    again, seen2 = _open(browser, root, url[len(root) + 1:])
    try:
        assert again.evaluate(STEP) == 8
        assert again.evaluate("location.href") == url
        again.locator("#cv-sel-sample_seed").count()
        # a hash works as well as a query, and a malformed value is named and replaced by the default
        again.goto(f"{root}/cell.html#model=lag-lstm&step=3&layer=9")
        again.wait_for_selector("body[data-ready='1']", timeout=30_000)
        assert again.evaluate(STEP) == 3 and "layer=9" in again.locator(".cv-warning").text_content()
        assert not seen["errors"] + seen2["errors"] and not seen["foreign"] + seen2["foreign"]
    finally:
        again.close()


# --- the guided tour (built from cellviz.slides, when the checkout has it) -----------------------------------
def _slides():
    try:
        from cellviz import slides
    except ImportError:
        pytest.skip("cellviz.slides (the tour's slide builder) is not in this checkout")
    return slides


def test_every_slide_with_every_option_value_is_in_the_site(tmp_path):
    slides = _slides()
    w = build.Writer(tmp_path)
    entry = build.tour_data(w, ["en"], quick=False, log=lambda *_: None)
    assert entry["slides"] == list(slides.SLIDES) and len(entry["titles"]["en"]) == len(slides.SLIDES)
    for name in slides.SLIDES:
        first = slides.build_slide(name)
        values = {f"-tour_{o}{v}" for o, spec in first.options.items() for v in spec["values"]} or {""}
        for suffix in values:
            d = data(tmp_path, f"tour/{name}{suffix}.en")
            assert d["title"] == first.title and d["extra"]["headline"]
            assert d["sections"], name                                  # every slide shows a figure
    lag = entry["options"]["rnn"]
    assert lag["param"] == "tour_lag" and len(lag["values"]) > 1


@pytest.mark.browser
def test_tour_presentation_keys_fit_and_presenter_window(site, browser):
    _slides()
    root = site.as_uri()
    slide = "() => new URLSearchParams(location.search).get('slide') || '1'"
    for w, h in ((1280, 720), (1920, 1080)):
        page = browser.new_page(viewport={"width": w, "height": h})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(f"{root}/tour.html?present=1")
            for k in range(1, len(manifest(site)["tour"]["slides"]) + 1):
                page.wait_for_function(f"() => ({slide})() === '{k}' && document.body.dataset.ready === '1'",
                                       timeout=30_000)
                page.wait_for_timeout(200)
                size = page.evaluate("[document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
                assert size[0] <= h + 1 and size[1] <= w + 1, (w, h, k, size)        # one screen
                assert page.locator(".js-plotly-plot").count() >= 1
                page.keyboard.press("PageDown" if k % 2 else "ArrowRight")
            page.keyboard.press("PageUp")
            page.wait_for_function(f"() => ({slide})() === '{k - 1}'", timeout=10_000)
            assert not errors
        finally:
            page.close()
    # normal mode: → steps the slide's player, PageDown turns the slide
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(f"{root}/tour.html")
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        page.keyboard.press("ArrowRight")
        assert page.evaluate(STEP) == 1 and page.evaluate(slide) == "1"
        page.wait_for_function("location.search.includes('tour_step=1')", timeout=5_000)
        # a deep link to a slide and a step, in Chinese
        link = ctx.new_page()
        link.goto(f"{root}/tour.html?slide=3&tour_step=5&lang=zh")
        link.wait_for_selector("body[data-ready='1']", timeout=30_000)
        assert link.evaluate(STEP) == 5 and link.evaluate("document.documentElement.lang") == "zh-CN"
        assert link.locator(".cv-count").text_content().startswith("3 /")
        link.close()
        # the presenter window and the projected one move together
        presenter = ctx.new_page()
        presenter.goto(f"{root}/tour.html?presenter=1")
        presenter.wait_for_selector("body[data-ready='1']", timeout=30_000)
        assert presenter.locator(".cv-presenter-side .cv-clock").count() == 1
        assert presenter.locator(".cv-next-title").text_content()
        presenter.keyboard.press("PageDown")
        page.wait_for_function(f"() => ({slide})() === '2'", timeout=10_000)
        page.keyboard.press("PageDown")
        presenter.wait_for_function(f"() => ({slide})() === '3'", timeout=10_000)
    finally:
        ctx.close()


def test_a_partial_plotly_bundle_of_the_same_version_only(tmp_path):
    from plotly.offline import get_plotlyjs
    version = build._plotly_version(get_plotlyjs())
    good, bad = tmp_path / "plotly-cartesian.min.js", tmp_path / "old.min.js"
    good.write_text(f"/**\n* plotly.js (cartesian - minified) v{version}\n*/\nvar Plotly = {{}};", encoding="utf-8")
    bad.write_text("/**\n* plotly.js (cartesian - minified) v1.0.0\n*/\n", encoding="utf-8")
    name = build.plotly_bundle(tmp_path / "assets", good)
    assert name == f"plotly-{version}-cartesian.min.js" and (tmp_path / "assets" / name).read_text() == good.read_text()
    with pytest.raises(ValueError, match="1.0.0"):
        build.plotly_bundle(tmp_path / "assets", bad)


@pytest.mark.integration
def test_compare_shows_a_v2_claims_table_as_the_app_does(tmp_path, monkeypatch):
    """A tiny claims run (schema 2): per task a headline, four charts drawn by the player, the table."""
    from cellviz import zoo
    from cellviz.zoo import claims_experiment as ce
    from cellviz.zoo import claims_report as report
    table = ce.run(ce.tiny(), tmp_path / "claims.json", quiet=True)
    monkeypatch.setattr(zoo, "claims", lambda: table)
    d = render.page_data({"title": "compare", "blocks": build.claims_blocks()})
    tasks = report.task_names(table)
    assert len(d["sections"]) == 4 * len(tasks)
    for name in tasks:
        assert report.headline(table, name).split(":")[0].replace("'", "&#x27;") in d["html"]


# --- showcase inputs (named in the model cards), units deep links, the tour's links to its inputs -----------
def _facts():
    """What each showcase input's "why" says about it, checked on the parsed input (and the answer the task
    expects): no why claims what its input does not do."""
    from cellviz.zoo.tasks import brackets

    def depth(ex):
        return brackets.depths(ex.tokens)
    return {
        "showcase.lag.far": lambda ex, c: ex.meta["lag"] == 300 and ex.tokens[0] == "D" and
        c["task_options"]["max_lag"] == 320,
        "showcase.lag.near": lambda ex, c: ex.meta["lag"] == 5 and ex.tokens[0] == "B" and c["task_options"]["min_lag"] == 2,
        "showcase.prefix.decoys": lambda ex, c: ex.target == 1 and [x for x in ex.tokens[:5] if x in "ABCD"] == ["A", "C", "D"],
        "showcase.prefix.far": lambda ex, c: ex.meta["cue_at"] == 1 and ex.meta["lag"] == 38 and ex.tokens[1] == "C"
        and c["task_options"]["max_lag"] == 40,
        "showcase.adding.ends": lambda ex, c: abs(float(ex.target) - 1.7) < 1e-6 and ex.x_raw[0, 1] == 1 and
        ex.x_raw[-1, 1] == 1 and ex.x_raw[1:-1, 1].sum() == 0 and len(ex.tokens) == 20,
        "showcase.adding.middle": lambda ex, c: abs(float(ex.target) - 1.0) < 1e-6 and
        list(np.flatnonzero(ex.x_raw[:, 1])) == [9, 10] and ex.x_raw[ex.x_raw[:, 1] == 0, 0].max() <= 0.9 + 1e-6,
        "showcase.brackets.deep": lambda ex, c: depth(ex).max() == brackets.MAX_DEPTH == 8 and depth(ex)[-1] == 0,
        "showcase.brackets.long": lambda ex, c: len(ex.tokens) == 38 and (depth(ex)[:-1] == 1).all() and depth(ex)[-1] == 0,
        "showcase.sentiment.negation": lambda ex, c: ex.target == 0 and "not" in ex.tokens,
        "showcase.sentiment.contrast": lambda ex, c: ex.target == 1 and "but" in ex.tokens and "bad" in ex.tokens,
        "showcase.sentiment.gap": lambda ex, c: ex.target == 1 and ex.tokens[-3:] == ["not", "very", "dull"],
        "showcase.charlm.words": lambda ex, c: ex.text.endswith("."),
        "showcase.forecast.jump": lambda ex, c: (ex.x_raw[20:, 0] == 2).all() and (ex.x_raw[:20, 0] < 2).all() and
        np.allclose(ex.x_raw[:8, 0], ex.x_raw[12:20, 0]),
        "showcase.waveform.square": lambda ex, c: ex.meta["period"] == 12,
        "showcase.waveform.long": lambda ex, c: ex.meta["period"] == 40 > c["task_options"]["max_period"] == 24 and
        c["task_options"]["min_period"] == 8,
        "showcase.translate.zeros": lambda ex, c: ex.meta["number"] == 2005 and len(ex.tokens) == 3,
        "showcase.translate.largest": lambda ex, c: ex.meta["number"] == 9999 and len(ex.tokens) == 6,
    }


def test_every_card_names_showcase_inputs_that_parse_and_do_what_their_why_says():
    from cellviz import zoo
    from cellviz.zoo import train
    facts = _facts()
    assert set(facts) == {s["why"] for cases in train.SHOWCASE.values() for s in cases}
    for name in zoo.names():
        card, model = zoo.card(name), zoo.load(name)
        assert card["showcase"] == train.showcase(card["task"]), name      # what the recipes write, retraining too
        assert 1 <= len(card["showcase"]) <= 3, name
        for s in card["showcase"]:
            ex = model.task.parse(s["text"], **s["options"])
            assert facts[s["why"]](ex, card), (name, s)
            assert EN[s["why"]] and ZH[s["why"]] and EN[s["why"]] != ZH[s["why"]]


def test_showcase_writes_only_the_cards_field(tmp_path):
    import shutil

    from cellviz.zoo import store, train
    shutil.copytree(store.model_dir("brackets-gru"), tmp_path / "brackets-gru")
    card = tmp_path / "brackets-gru" / "card.json"
    weights = (tmp_path / "brackets-gru" / "model.safetensors").read_bytes()
    shipped = json.loads(card.read_text())
    shipped.pop("showcase")
    card.write_text(json.dumps(shipped, indent=1) + "\n")
    assert train.write_showcase(tmp_path) == ["brackets-gru"] and train.write_showcase(tmp_path) == []
    assert json.loads(card.read_text()) == {**shipped, "showcase": train.showcase("brackets")}
    assert card.read_text() == (store.model_dir("brackets-gru") / "card.json").read_text()
    assert (tmp_path / "brackets-gru" / "model.safetensors").read_bytes() == weights


def test_showcase_and_tour_inputs_have_pages_in_both_languages_saying_why(site):
    from cellviz import zoo
    m = manifest(site)
    for name in QUICK:
        built = m["models"][name]["inputs"]
        showcase = zoo.card(name)["showcase"]
        assert [(i["text"], i["options"]) for i in built[:len(showcase)]] == [(s["text"], s["options"]) for s in showcase]
        for i, s in zip(built, showcase):
            for view in pages.STEP_VIEWS:
                for lang, cat in (("en", EN), ("zh", ZH)):
                    d = data(site, f"{name}/recurrent/{i['id']}/l0d0/{view}.{lang}")
                    assert d["intro"][0] == pages.md(cat["site.input.why"].format(why=cat[s["why"]]))
                    assert len(d["sections"][0]["captions"]) == d["steps"]
    # the tour's LSTM slide (3) links lag-lstm on its input: built, and said so
    tour = [i for i in m["models"]["lag-lstm"]["inputs"] if i["options"] == {"lag": 100}]
    assert len(tour) == 1
    d = data(site, f"lag-lstm/recurrent/{tour[0]['id']}/l0d0/cell.zh")
    assert d["intro"][0] == pages.md(ZH["site.input.why"].format(why=ZH["site.input.tour"].format(slides=3)))
    assert d["steps"] == 101


def test_a_units_file_per_input_holds_every_units_values(site):
    from cellviz import summaries
    from cellviz.player import payload
    s = pages.subject("brackets-gru", 0)
    f = data(site, "brackets-gru/recurrent/s0/l0d0/all_units")
    series = summaries.quantities(s.trace.layer(0, 0))
    assert set(f["arrays"]) == set(series) and f["units"] == 24 and f["steps"] == s.steps
    for q, a in series.items():
        assert np.array_equal(payload.decode(f["arrays"][q]), a.astype(np.float32))
    assert f["derived"]["h_prev"] == {"series": "h", "shift": 1, "initial": payload.typed(s.trace.layer(0, 0).h0[0])}


def test_tour_links_keep_the_slides_typed_input_only_where_the_site_has_it():
    link = {"page": "cell", "model": "lag-lstm", "text": "Bxw", "opt_lag": "7", "units": "1"}
    assert pages.explore_href(link, "zh", ["lag-lstm"]) == \
        "cell.html?lang=zh&model=lag-lstm&source=typed&text=Bxw&units=1&opt_lag=7"
    assert pages.explore_href(link, "en", ["brackets-gru"]) is None                     # not on this site
    assert pages.explore_href({**link, "text": "?x"}, "en", ["lag-lstm"]) == "cell.html?model=lag-lstm"  # refused
    assert pages.explore_href(link, "en") == "cell.html?model=lag-lstm"                  # no site: the model


PANELS = """() => { const r = {};
  document.querySelectorAll('[data-panel]').forEach(h => {
    const gd = h.querySelector('.js-plotly-plot'), t = h.querySelector('.cvp-table');
    if (gd) r[h.dataset.panel] = {names: gd.data.map(d => d.name), y: gd.data.map(d => Array.from(d.y || [])),
      z: gd.data[0].z, title: gd.layout.title && gd.layout.title.text,
      lines: (gd.layout.shapes || []).filter(s => s.y0 === s.y1 && String(s.xref).endsWith('domain')).map(s => [s.yref, s.y0])};
    if (t) r[h.dataset.panel] = {title: t.querySelector('.cvp-table-title').textContent,
      cells: Array.from(t.querySelectorAll('tbody tr')).map(tr => Array.from(tr.children).map(td => td.textContent))};
    const cap = h.querySelector('.cvp-caption'); if (cap && r[h.dataset.panel]) r[h.dataset.panel].caption = cap.textContent;
  });
  return r; }"""


def _units_shown(page, want: str):
    page.wait_for_function(f"document.body.dataset.units === '{want}' && document.body.dataset.ready === '1'",
                           timeout=30_000)
    return page.evaluate(PANELS)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_showcase_pages_draw_and_say_why(site, http_root, browser, scheme):
    from urllib.parse import quote
    root = site.as_uri() if scheme == "file" else http_root
    text = "((((((((a))))))))"
    for lang, cat in (("en", EN), ("zh", ZH)):
        path = f"over_time.html?model=brackets-gru&source=typed&text={quote(text)}" + ("&lang=zh" if lang == "zh" else "")
        page, seen = _open(browser, root, path)
        try:
            assert page.locator(".js-plotly-plot").count() >= 2
            assert page.locator(".cv-intro p").first.inner_text().endswith(cat["showcase.brackets.deep"])
            assert page.locator("#cv-sel-input").input_value() == "x1"
            assert page.locator(".cvp-bar").count() == 1 and page.evaluate(STEP) == 0
            page.keyboard.press("End")
            assert page.evaluate(STEP) == len(text) - 1
            page.wait_for_function(f"location.search.includes('step={len(text) - 1}')", timeout=5_000)
            assert "text=" + quote(text, safe="") in page.evaluate("location.search")
            assert not page.locator(".cv-warning").count() and not seen["errors"] and not seen["foreign"], seen
            # the picker reaches the other showcase input and back to a sample
            page.locator("#cv-sel-input").select_option("x2")
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            assert page.locator(".cv-intro p").first.inner_text().endswith(cat["showcase.brackets.long"])
            page.locator("#cv-sel-input").select_option("s0")
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            assert "text=" not in page.evaluate("location.search") and not seen["errors"]
        finally:
            page.close()
    # a typed input that was not built is named, and the sample shown
    page, seen = _open(browser, root, "cell.html?model=brackets-gru&text=(ab)")
    try:
        assert "text=(ab)" in page.locator(".cv-warning").text_content()
        assert page.locator("#cv-sel-input").input_value() == "s0"
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_a_units_link_shows_those_units_and_round_trips(site, http_root, browser, scheme):
    from cellviz import summaries
    from cellviz.player import panels
    root = site.as_uri() if scheme == "file" else http_root
    s = pages.subject("brackets-gru", 0)
    series = summaries.quantities(s.trace.layer(0, 0))
    page, seen = _open(browser, root, "over_time.html?model=brackets-gru&units=3,7&step=4")
    try:
        shown = _units_shown(page, "3,7")
        rows = len(series)
        assert shown["traces"]["names"] == ["unit 3", "unit 7"] * rows
        for r, q in enumerate(series):
            for k, u in enumerate((3, 7)):
                assert np.allclose(shown["traces"]["y"][2 * r + k], series[q][:, u], atol=1e-6)
        assert sorted(y for _, y in shown["time"]["lines"]) == sorted([3, 7] * rows)
        assert page.evaluate(STEP) == 4 and page.locator("#cv-units").input_value() == "3,7"
        assert "units=3%2C7" in page.evaluate("location.search")
        # the box, in the app's syntax
        page.locator("#cv-units").fill("5")
        page.locator("#cv-units").press("Enter")
        shown = _units_shown(page, "5")
        assert shown["traces"]["names"] == ["unit 5"] * rows and page.evaluate(STEP) == 4
        page.wait_for_function("location.search.includes('units=5')", timeout=5_000)
        # a click on a heatmap cell: that unit first, that step
        xy = page.evaluate("""() => { const gd = document.querySelector('[data-panel="time"] .js-plotly-plot');
            const L = gd._fullLayout, box = gd.getBoundingClientRect();
            return [box.left + L.xaxis._offset + L.xaxis.l2p(9), box.top + L.yaxis._offset + L.yaxis.l2p(11)]; }""")
        page.mouse.click(*xy)
        shown = _units_shown(page, "11,5")
        assert shown["traces"]["names"][:2] == ["unit 11", "unit 5"] and page.evaluate(STEP) == 9
        page.wait_for_function("location.search.includes('units=11%2C5') && location.search.includes('step=9')",
                               timeout=5_000)
        url = page.evaluate("location.href")
        # the other pages keep the units: the cell's unit and numbers, the text coloured by the first unit
        cell = page.locator("#cv-nav a", has_text=EN["page.cell"]).get_attribute("href")
        assert "units=11%2C5" in cell
        assert not seen["errors"] and not seen["foreign"], seen
    finally:
        page.close()
    again, seen = _open(browser, root, url[len(root) + 1:])
    try:
        assert _units_shown(again, "11,5")["traces"]["names"][:2] == ["unit 11", "unit 5"]
        assert again.evaluate("location.href") == url
    finally:
        again.close()
    page, seen = _open(browser, root, "cell.html?model=brackets-gru&units=6&lang=zh")
    try:
        shown = _units_shown(page, "6")
        from cellviz.i18n import set_language
        set_language("zh")
        try:
            want = panels.unit_numbers(s.trace, 0, 0, 6)                 # the app's table of unit 6, in Chinese
        finally:
            set_language("en")
        assert shown["numbers"]["title"] == ZH["cell.unit_numbers"].format(unit=6)
        assert [c[0] for c in shown["numbers"]["cells"]] == [r["label"] for r in want["rows"]]
        step0 = [float(c[1].replace("−", "-")) for c in shown["numbers"]["cells"]]
        from cellviz.player import payload
        assert np.allclose(step0, [payload.decode(r["values"])[0] for r in want["rows"]], atol=1e-4)
        assert shown["cell"]["caption"].startswith(ZH["cell.legend"].format(unit=6)[:20])
        # the outline the player draws around the unit's cell in each strip: where along the strip it sits
        at = page.evaluate("""() => Array.from(document.querySelectorAll('[data-panel="cell"] canvas.cvp-strip')).map(cv => {
            const w = cv.width, row = cv.getContext('2d').getImageData(0, 1, w, 1).data, xs = [];
            for (let x = 0; x < w; x++) if (row[4 * x + 3] > 200) xs.push(x);
            const pad = 3 * w / cv.clientWidth;
            return xs.length ? ((xs[0] + xs[xs.length - 1]) / 2 - pad) / (w - 2 * pad) : null; })""")
        outlined = [a for a in at if a is not None]
        assert len(outlined) >= 4 and all(int(a * 24) == 6 for a in outlined), at      # 24 units: unit 6
        assert not seen["errors"]
    finally:
        page.close()
    page, seen = _open(browser, root, "units.html?model=brackets-gru&units=4,2")
    try:
        shown = _units_shown(page, "4,2")
        assert shown["text"]["title"].endswith(f"{EN['plot.unit']} 4")
        z = np.array([[np.nan if v is None else v for v in row] for row in shown["text"]["z"]], dtype=float).ravel()
        assert np.allclose(z[:s.steps], series["h"][:, 4], atol=1e-6) and np.isnan(z[s.steps:]).all()
        # a malformed or out-of-range list is named and unit 0 shown
        page.goto(f"{root}/units.html?model=brackets-gru&units=3,99")
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        assert "units=3,99" in page.locator(".cv-warning").text_content()
        assert page.locator("#cv-units").input_value() == "0" and not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_the_tours_explore_link_lands_on_the_page_of_the_slides_input(site, browser):
    slides = _slides()
    root = site.as_uri()
    link = slides.build_slide("lstm").explore
    page, seen = _open(browser, root, "tour.html?slide=3")
    try:
        a = page.locator("a", has_text=EN["site.tour.explore"])
        href = a.get_attribute("href")
        assert href.startswith("cell.html?") and "source=typed" in href and f"units={link['units']}" in href
        a.click()
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        page.wait_for_function(f"document.body.dataset.units === '{link['units']}'", timeout=30_000)
        built = next(i for i in manifest(site)["models"]["lag-lstm"]["inputs"] if i["text"] == link["text"])
        assert page.locator("#cv-sel-input").input_value() == built["id"]
        assert page.locator(".cv-intro p").first.inner_text().endswith(EN["site.input.tour"].format(slides=3))
        assert EN["export.input"].format(text=link["text"]) in page.locator(".cv-intro").inner_text()
        assert not page.locator(".cv-warning").count() and not seen["errors"], seen
    finally:
        page.close()


def test_a_retrained_card_keeps_its_showcase(tmp_path):
    from dataclasses import replace

    from cellviz import zoo
    from cellviz.zoo import train
    recipe = train.ZOO["sentiment-gru"]
    card = train.train(replace(recipe, epochs=1, steps=2, batch=8, hidden=4, task_options={"n_heldout": 100}),
                       tmp_path, quiet=True)
    assert card["showcase"] == zoo.card("sentiment-gru")["showcase"] == zoo.card("sentiment-gru", tmp_path)["showcase"]
