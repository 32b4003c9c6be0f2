"""AppTest: the guided tour, every slide forward and back, and presentation mode from the URL."""
from streamlit.testing.v1 import AppTest

from app_driver import APP, assert_clean, charts, player, sync
from cellviz.ui.views import tour


def _tour(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"view": "tour", **params})
    at.run()
    assert_clean(at)
    return at


def _title(at: AppTest) -> str:
    return at.title[0].value


def test_every_slide_forward_and_back():
    at = _tour()
    n = len(tour.SLIDES)
    seen = []
    for k in range(1, n + 1):
        assert at.session_state["slide"] == k and charts(at), k
        assert at.query_params.get("slide", "1") == str(k)
        seen.append(_title(at))
        if k < n:
            at.button(key="tour_next").click().run()
            assert_clean(at)
    assert at.button(key="tour_next").disabled and len(set(seen)) == n
    for k in range(n, 1, -1):
        at.button(key="tour_prev").click().run()
        assert_clean(at)
        assert at.session_state["slide"] == k - 1 and _title(at) == seen[k - 2] and charts(at)
    assert at.button(key="tour_prev").disabled


def test_step_control_on_a_slide():
    at = _tour(slide="3")
    at.session_state["tour_step"] = 5                    # what the step player reports once the user settles
    at.run()
    bars = [s for s in player(at).values() if s.get("controls")]
    assert len(bars) == 1 and bars[0]["keyboard"] is False and sync(at)["step"] == 5   # keys stay with slides
    assert_clean(at)
    assert at.query_params["tour_step"] == "5" and charts(at)
    at.button(key="tour_next").click().run()             # a new slide starts at step 0
    assert at.session_state["tour_step"] == 0


def test_presentation_mode_from_the_url():
    at = _tour(present="1", slide="2")
    assert at.session_state["present"] is True
    assert len(at.sidebar) == 0                            # no sidebar widgets at all
    assert not at.toggle and not at.selectbox
    assert at.query_params == {"slide": "2", "present": "1"}
    at.button(key="tour_next").click().run()
    assert_clean(at)
    assert at.session_state["slide"] == 3 and charts(at) and len(at.sidebar) == 0
    at.button(key="tour_exit").click().run()
    assert_clean(at)
    assert at.toggle(key="present").value is False and at.selectbox(key="lang")
    assert "present" not in at.query_params


def test_presentation_toggle_and_leaving_the_tour():
    at = _tour()
    at.toggle(key="present").set_value(True).run()
    assert_clean(at)
    assert len(at.sidebar) == 0 and at.query_params.get("present") == "1"
    at.switch_page("cellviz/ui/pages/cell.py").run()       # the explorer never stays in presentation mode
    assert_clean(at)
    assert at.session_state["present"] is False and at.selectbox(key="model")
