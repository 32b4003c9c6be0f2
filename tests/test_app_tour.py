"""AppTest: the guided tour, every slide forward and back, and presentation mode from the URL."""
import json

from streamlit.testing.v1 import AppTest

from app_driver import APP, assert_clean, charts, player, sync
from cellviz import zoo
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


def _slide_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _host(at: AppTest) -> dict:
    """What the page tells its browser side (tour_host.js): slide, count, presenting, presenter view."""
    import json
    found = [json.loads(el.proto.json) for el in at.get("bidi_component")
             if el.proto.component_name == "cellviz_tour_host"]
    assert len(found) == 1, found
    return found[0]


def test_each_slide_shows_its_built_headline_and_notes_only_in_normal_mode():
    """The page renders cellviz.slides: the headline (with its number) on the slide; the notes under it in normal
    mode and not on the projected slide; the explorer link in both."""
    from cellviz import slides
    for k, name in enumerate(tour.SLIDES, start=1):
        built = slides.build_slide(name)
        for present in (False, True):
            at = _tour(slide=str(k), **({"present": "1"} if present else {}))
            shown = _slide_markdown(at)
            assert _title(at) == built.title and f"**{built.headline}**" in shown, (name, present)
            first_note = built.notes.split("\n\n")[0]
            assert (first_note in shown) is (not present), (name, present)
            assert (built.body in shown), (name, present)
            link = [h.proto.body for h in at.get("html") if "class='cvt-explore'><a href=" in h.proto.body]
            assert len(link) == 1, name
            assert f"model={built.model}" in link[0] if built.model else "compare?" in link[0], name
            assert _host(at)["slide"] == k and _host(at)["present"] is present


def test_presenting_shows_the_main_chart_only_and_the_buttons_carry_no_prose():
    at = _tour(slide="3", present="1")
    figures = [p["id"] for p in charts(at) if isinstance(p, dict)]
    assert figures == ["time"]                                    # not the cell diagram too
    assert all(b.label == "" for b in at.button if b.key in ("tour_prev", "tour_next", "tour_exit"))
    normal = _tour(slide="3")
    assert sorted(p["id"] for p in charts(normal) if isinstance(p, dict)) == ["cell", "time"]


def test_presenter_view_shows_the_notes_the_next_title_and_follows_the_slide():
    from cellviz import slides
    from cellviz.i18n import t
    at = _tour(presenter="1", slide="2")
    shown = _slide_markdown(at)
    built = slides.build_slide("grad")
    assert built.notes.split("\n\n")[-1] in shown
    assert t("tour.presenter.next", title=t("tour.lstm.title")) in shown
    host = _host(at)
    assert host["presenter"] is True and host["present"] is False and host["slide"] == 2
    assert not at.toggle                                          # no presentation toggle in the presenter view
    assert at.query_params.get("presenter") == "1"
    at.button(key="tour_next").click().run()
    assert_clean(at)
    assert _host(at)["slide"] == 3 and at.session_state["tour_step"] == 0
    last = _tour(presenter="1", slide=str(len(tour.SLIDES)))
    assert t("tour.presenter.last") in _slide_markdown(last)


def test_slide_1_lag_choice_rebuilds_the_slide():
    from cellviz import slides
    at = _tour(slide="1")
    at.segmented_control(key="tour_lag").set_value(20).run()
    assert_clean(at)
    assert f"**{slides.build_slide('rnn', lag=20).headline}**" in _slide_markdown(at)
    assert "at lag 20;" in _slide_markdown(at)


def _live(name: str, lag: int):
    """The tour's input on `name` at `lag`, traced independently of the app: (trace, cue unit)."""
    import cellviz
    from cellviz import zoo
    from cellviz.zoo.cue import cue_unit
    model = zoo.load(name)
    text = model.task.sample(0).text
    module, x, h0, loss = model.trace_args(model.task.parse(text, lag=lag))
    return cellviz.trace(module, x, h0=h0, loss=loss), cue_unit(model, text, lag=lag)


def test_slides_3_and_4_print_the_traces_numbers():
    """The mean gate on the cue unit printed on the LSTM / GRU slides (headline, body or notes) equals the trace's."""
    import numpy as np
    for slide, name, gates in (("3", "lag-lstm", {"f": ".4f", "i": ".2f"}), ("4", "lag-gru", {"z": ".2f", "r": ".2f"})):
        at = _tour(slide=slide)
        shown = _slide_markdown(at)
        tr, cu = _live(name, tour.LAG)
        rec = tr.layer(0)
        T = rec.h.shape[0]
        assert f"unit {cu.unit}" in shown, slide
        for g, fmt in gates.items():
            value = float(np.mean(rec.gates[g][1:T - 1, 0, cu.unit]))
            assert f"{g} = {value:{fmt}}" in shown, (slide, g, value)
        if slide == "3":
            c = rec.c[:, 0, cu.unit]
            assert f"from {c[0]:+.2f}" in shown and f"to {c[T - 2]:+.2f}" in shown
            assert float(np.mean(rec.gates["f"][1:T - 1, 0, cu.unit])) >= 0.9
        else:
            h = rec.h[1:T - 1, 0, cu.unit]
            assert f"between {h.min():+.2f} and {h.max():+.2f}" in shown


def test_slide_6_keeps_protocol_and_caveat_in_the_notes_and_one_chart_when_presenting():
    from cellviz.i18n import t
    at = _tour(slide="6")
    shown = _slide_markdown(at)
    # schema 2 (claims v2): the protocol lines start with each task's name, the one chart is the levels chart
    v2 = zoo.claims().get("schema") == 2
    protocol, marker = ("**Prefix**", t("claims.plot.ge_note", top=320).split(":")[0]) if v2 else \
        ("**Protocol.**", t("plot.claims.one_bit"))
    assert protocol in shown and "1997" in shown and "chance" in shown.lower()
    figs = charts(at)
    assert len(figs) == 1 and marker in json.dumps(figs[0]["figure"], ensure_ascii=False)
    presenting = _slide_markdown(_tour(slide="6", present="1"))
    assert protocol not in presenting and "≥ " in presenting


def test_slide_equations_are_valid_latex():
    """Each slide's equation block: balanced braces and no control word run into the next token (e.g. \\qquadn)."""
    import re
    for name, tex in tour.EQUATIONS.items():
        assert tex.count("{") == tex.count("}"), name
        words = set(re.findall(r"\\([A-Za-z]+)", tex))
        known = {"frac", "partial", "operatorname", "left", "right", "qquad", "Rightarrow", "prod", "odot", "tanh",
                 "Big", "big", "text"}
        assert words <= known, (name, words - known)


def test_gradient_page_cites_the_claims_for_the_lag_task():
    from app_driver import open_page
    from cellviz.ui.views.compare import gradient_reference
    at = open_page("gradients", "lag-lstm")
    note = gradient_reference("lag")
    assert note and any(m.value == note for m in at.markdown)
    assert gradient_reference("charlm") is None
