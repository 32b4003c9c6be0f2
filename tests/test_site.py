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
