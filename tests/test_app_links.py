"""AppTest: a deep link opens the app on the same model, input, step and units; a malformed one warns."""
from streamlit.testing.v1 import AppTest

from app_driver import APP, assert_clean, charts, go_to_step, shown
from cellviz import export
from cellviz.ui import data, downloads
from cellviz.i18n import t


def _open(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    return at.run()


def test_link_reproduces_the_view():
    at = _open(model="lag-gru", text="Bxyzw?", opt_lag="12", step="7", units="3,5", view="over_time")
    assert_clean(at)
    ss = at.session_state
    assert (ss["model"], ss["source"], ss["text"], ss["opt_lag"], ss["step"], ss["units"]) == \
        ("lag-gru", "typed", "Bxyzw?", 12, 7, [3, 5])
    assert [s.value for s in at.subheader][0] == t("page.over_time")
    assert charts(at) and not at.warning
    assert at.query_params == {"model": "lag-gru", "text": "Bxyzw?", "source": "typed", "opt_lag": "12",
                               "step": "7", "units": "3,5"}
    go_to_step(at, 8)                                 # the URL follows the step the player settled on
    assert at.query_params["step"] == "8"


def test_malformed_link_warns_and_uses_defaults():
    at = _open(model="no-such-model", step="-4", units="1,x,999999", lang="tlh", view="nowhere", slide="x",
               text="\x00\x01", utm_source="newsletter")
    assert not at.exception and not at.error
    assert len(at.warning) == 1
    message = shown(at.warning[0].value)
    for bad in ("model=no-such-model", "step=-4", "lang=tlh", "view=nowhere"):
        assert bad in message
    assert "utm_source" not in message
    assert at.session_state["step"] == 0 and charts(at)
    at.run()                                           # the warning is shown once
    assert not at.warning and not at.exception


def test_language_link_and_switch():
    at = _open(lang="en", model="lag-lstm")
    assert_clean(at)
    assert at.selectbox(key="lang").value == "en"
    assert at.selectbox(key="lang").options[0] == "English"


def test_lecture_download():
    at = _open(model="lag-lstm")
    button = [b for b in at.get("download_button") if b.key == "dl_lecture"]
    assert len(button) == 1
    button[0].click().run()
    assert_clean(at)
    subject = data.zoo_subject(data.ZooSource("lag-lstm", data.Sample(0)))
    page = downloads.lecture_html(subject, 0, 0, [1], "en")
    assert page.lower().startswith("<!doctype html>") and "lag-lstm" in page


def test_lecture_download_too_long_says_why():
    at = _open(model="lag-lstm", text="Bxy?", opt_lag="350")
    assert_clean(at)
    assert not [b for b in at.get("download_button") if b.key == "dl_lecture"]
    assert any(c.value == t("download.lecture.too_long", limit=export.MAX_STEPS, got=351) for c in at.caption)
