"""The tour on a projector, in a real browser: `streamlit run app.py` headless, Debian's Chromium via Playwright.

Every slide in presentation mode at 1024x768, 1280x720, 1920x1080 and 3840x2160, in EN and ZH: no vertical scroll,
no chart cut off, body text at least 1/30 of the viewport height, chart text at least 1/60. The clicker keys after a
click on the step slider and after Play; the presenter view following the projected window and back. Screenshots
go to tests/artifacts/ for a person to look at.
"""
from __future__ import annotations

import re

import pytest

from cellviz import slides
from cellviz.hosted_bench import ARGS, CHROMIUM, IDLE, ROOT
from test_browser import _require_browser, server  # noqa: F401  (the fixture: one server for this module)

ARTIFACTS = ROOT / "tests" / "artifacts"
SIZES = ((1024, 768), (1280, 720), (1920, 1080), (3840, 2160))
N = len(slides.SLIDES)

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  let bottom = 0, right = 0;
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden') {
      bottom = Math.max(bottom, r.bottom + window.scrollY); right = Math.max(right, r.right);
    }
  }
  const paras = Array.from(main.querySelectorAll('[data-testid="stMarkdownContainer"] p'))
    .filter(p => p.offsetParent !== null);
  const body = paras.length ? Math.min(...paras.map(p => parseFloat(getComputedStyle(p).fontSize))) : 0;
  const figs = Array.from(main.querySelectorAll('.cvp-fig')).filter(g => g._fullLayout);
  const text = Array.from(main.querySelectorAll('.cvp-fig .xtick text, .cvp-fig .ytick text, .cvp-fig .g-xtitle text,'
      + ' .cvp-fig .g-ytitle text, .cvp-fig .annotation-text, .cvp-fig .legendtext, .cvp-fig .cbaxis text'))
    .map(e => parseFloat(getComputedStyle(e).fontSize) || parseFloat(e.getAttribute('font-size')) || 0);
  const clipped = figs.filter(g => g.getBoundingClientRect().bottom > window.innerHeight + 1).length;
  return {bottom, right, vh: window.innerHeight, vw: window.innerWidth, body, chart: text.length ? Math.min(...text) : 0,
          figures: figs.length, clipped, scroll: document.scrollingElement.scrollHeight,
          prose: paras.map(p => p.innerText).join(' ')};
}"""


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=180_000)
    page.wait_for_selector("[data-ready='1'] .cvp-fig", timeout=60_000)


def _settled(page) -> dict:
    """The slide's measurements once the browser side has fitted it (two equal measurements in a row)."""
    last = None
    for _ in range(30):
        page.wait_for_timeout(400)
        m = page.evaluate(MEASURE)
        if last and m["bottom"] == last["bottom"] and m["chart"] == last["chart"] and m["chart"]:
            return m
        last = m
    return last


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_slide_fits_the_projector_and_reads_from_the_back(server, lang):  # noqa: F811
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(exist_ok=True)
    rows, problems = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for w, h in SIZES:
                page = browser.new_page(viewport={"width": w, "height": h})
                for k in range(1, N + 1):
                    _open(page, f"{server}/tour?slide={k}&present=1&lang={lang}")
                    m = _settled(page)
                    words = (len(m["prose"].split()) if lang == "en" else
                             len(re.findall(r"[\u4e00-\u9fff]", m["prose"])))
                    rows.append(f"{lang} {w}x{h} slide {k}: {m['bottom']:.0f}/{h} px, {words} "
                                f"{'words' if lang == 'en' else 'Han'}, body {m['body']:.1f}px, chart {m['chart']:.1f}px")
                    if m["bottom"] > h + 1 or m["scroll"] > h + 1 or m["clipped"]:
                        problems.append(f"{rows[-1]}: does not fit (scroll height {m['scroll']})")
                    if m["right"] > w + 1:
                        problems.append(f"{rows[-1]}: wider than the screen ({m['right']:.0f})")
                    if m["body"] < h / 30:
                        problems.append(f"{rows[-1]}: body under 1/30 of {h}")
                    if m["chart"] < h / 60:
                        problems.append(f"{rows[-1]}: chart text under 1/60 of {h}")
                    if m["figures"] != 1:
                        problems.append(f"{rows[-1]}: {m['figures']} charts, not one")
                    if words > (60 if lang == "en" else 100):
                        problems.append(f"{rows[-1]}: too much prose")
                    if (w, h) in ((1280, 720), (1920, 1080)):
                        page.screenshot(path=str(ARTIFACTS / f"tour-{lang}-{w}x{h}-slide{k}.png"))
                page.close()
        finally:
            browser.close()
    print("\n".join(rows))
    assert not problems, "\n".join(problems)


def _slide(page) -> int:
    return int(re.search(r"slide=(\d)", page.url).group(1)) if "slide=" in page.url else 1


def test_clicker_keys_after_the_slider_and_after_play(server):  # noqa: F811
    """PageDown / → turn the slide even when the step slider has focus; PageUp / ← back; Play then PageDown starts
    the next slide at step 0 (Play stopped, the old slide's step report dropped)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            _open(page, f"{server}/tour?slide=1&present=1")
            slider = page.locator("input.cvp-slider")
            slider.click()                                        # the slider has focus now
            page.wait_for_timeout(600)
            page.keyboard.press("PageDown")
            page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '2'", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '3'", timeout=30_000)
            page.wait_for_selector("[data-ready='1'] input.cvp-slider", timeout=60_000)
            page.locator("input.cvp-slider").click()
            page.keyboard.press("PageUp")
            page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '2'", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '3'", timeout=30_000)
            page.wait_for_selector("[data-ready='1'] .cvp-play", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.locator(".cvp-play").click()                     # Play, then the clicker
            page.wait_for_function("() => Number(document.querySelector('input.cvp-slider').value) >= 3",
                                   timeout=20_000)
            page.keyboard.press("PageDown")
            page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '4'", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_selector("[data-ready='1'] input.cvp-slider", timeout=60_000)
            page.wait_for_timeout(2500)                          # a stale step report would have arrived by now
            page.wait_for_selector(IDLE, timeout=60_000)
            assert page.locator("input.cvp-slider").input_value() == "0"
            assert new_step(page) in (None, "0")
            assert "Pause" not in page.locator(".cvp-play").inner_text()
            assert page.locator("[data-testid='stException']").count() == 0
            page.locator("input.cvp-slider").click()
            page.keyboard.press("Escape")                         # Esc leaves presentation mode
            page.wait_for_function("() => !new URLSearchParams(location.search).has('present')", timeout=30_000)
            page.wait_for_selector("[data-testid='stSidebar']", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_selector("[data-ready='1'] .cvp-play", timeout=60_000)
            page.locator(".cvp-play").first.click()               # normal mode: Play, then the Next button
            page.wait_for_function("() => Number(document.querySelector('input.cvp-slider').value) >= 3",
                                   timeout=20_000)
            page.locator(".st-key-tour_next button").first.click()
            page.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '5'", timeout=30_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_timeout(2500)
            page.wait_for_selector(IDLE, timeout=60_000)
            assert page.locator("input.cvp-slider").first.input_value() == "0" and new_step(page) in (None, "0")
        finally:
            browser.close()


def new_step(page):
    return page.evaluate("() => new URLSearchParams(location.search).get('tour_step')")


def test_the_presenter_view_and_the_projector_follow_each_other(server):  # noqa: F811
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 720})
            projector, laptop = ctx.new_page(), ctx.new_page()
            _open(projector, f"{server}/tour?slide=1&present=1")
            _open(laptop, f"{server}/tour?slide=1&presenter=1")
            laptop.wait_for_selector(".cvt-clock", timeout=30_000)
            assert re.search(r"\d{1,2}:\d{2}:\d{2}", laptop.locator(".cvt-clock").inner_text())
            projector.bring_to_front()
            projector.keyboard.press("PageDown")                 # the projected window moves the presenter view
            laptop.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '2'",
                                     timeout=30_000)
            laptop.wait_for_selector(IDLE, timeout=60_000)
            laptop.bring_to_front()
            laptop.keyboard.press("PageDown")                    # ... and back
            projector.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '3'",
                                        timeout=30_000)
            laptop.wait_for_function("() => new URLSearchParams(location.search).get('slide') === '3'",
                                     timeout=30_000)
            laptop.wait_for_selector(IDLE, timeout=60_000)
            notes = laptop.inner_text("[data-testid='stMain']")
            assert slides.build_slide("lstm").notes.split("\n\n")[-1][:60] in notes
            laptop.get_by_text("Next: 4 ·").wait_for(timeout=10_000)
            laptop.screenshot(path=str(ARTIFACTS / "tour-presenter.png"))
            assert projector.locator("[data-testid='stException']").count() == 0
            assert laptop.locator("[data-testid='stException']").count() == 0
        finally:
            browser.close()


def test_sidebar_download_labels_are_not_cut_in_chinese(server):  # noqa: F811
    from playwright.sync_api import sync_playwright
    cut = """() => Array.from(document.querySelectorAll('[data-testid="stSidebarContent"] [data-testid="stDownloadButton"] button'))
      .filter(b => b.offsetParent !== null)
      .map(b => [b.innerText, Array.from(b.querySelectorAll('*')).some(e => e.scrollWidth > e.clientWidth + 1)])"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{server}/cell?lang=zh&model=lag-lstm")
            page.wait_for_selector(IDLE, timeout=180_000)
            page.wait_for_selector("[data-testid='stSidebarContent'] [data-testid='stDownloadButton']", timeout=60_000)
            page.wait_for_timeout(1500)
            labels = page.evaluate(cut)
            assert len(labels) >= 2 and not [text for text, over in labels if over], labels
        finally:
            browser.close()
