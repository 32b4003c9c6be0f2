"""AppTest: the 'watch it learn' page trains two tiny cells to completion, refuses settings over the demo's
limits with a message, and a stop keeps the epochs trained so far and trains no further."""
from app_driver import assert_clean, charts, open_page
from cellviz.live import LIMITS, LiveConfig
from cellviz.ui.views import learn

TINY = {"learn_hidden": 8, "learn_epochs": 2, "learn_steps": 3, "learn_batch": 8}


def configure(at, **values) -> None:
    for key, value in values.items():
        at.number_input(key=key).set_value(value)
    at.run()


def test_trains_two_cells_to_completion():
    at = open_page("learn")
    assert at.info and not charts(at)
    at.selectbox(key="learn_cell_a").set_value("gru")
    configure(at, **TINY)
    at.button(key="learn_train").click().run()
    assert_clean(at)
    run = at.session_state[learn.RUN]
    assert run["status"] == "done" and [len(r) for r in run["reports"]] == [3, 3]
    assert [c.cell for c in run["cfgs"]] == ["gru", "lstm"]
    assert at.success and len(charts(at)) == 5          # curves + (gradient, gates) per cell
    at.run()                                            # a rerun redraws the finished run, trains nothing
    assert_clean(at)
    assert [len(r) for r in at.session_state[learn.RUN]["reports"]] == [3, 3] and len(charts(at)) == 5


def test_settings_over_the_limits_are_refused():
    at = open_page("learn")
    configure(at, **{**TINY, "learn_hidden": LIMITS.max_hidden + 1})
    at.button(key="learn_train").click().run()
    assert not at.exception
    assert at.error and str(LIMITS.max_hidden) in at.error[0].value
    assert at.session_state[learn.RUN] is None if learn.RUN in at.session_state else True
    configure(at, learn_hidden=8, learn_epochs=LIMITS.max_epochs + 5)
    at.button(key="learn_train").click().run()
    assert at.error and str(LIMITS.max_epochs) in at.error[0].value


def _run(epochs: int) -> dict:
    return learn.new_run([LiveConfig(cell=c, hidden=8, epochs=epochs, steps=2, batch=8,
                                     task_options={"min_lag": 5, "max_lag": 8}) for c in ("rnn", "lstm")])


def test_stop_keeps_what_was_trained():
    at = open_page("learn")
    assert at.button(key="learn_stop").disabled         # nothing to stop
    run = _run(30)
    for k, gen in enumerate(run["gens"]):               # as if the page had trained epochs 0 and 1 of each
        run["reports"][k] += [next(gen), next(gen)]
    # a browser shows Stop enabled while the loop runs and its click's rerun interrupts the loop; AppTest only
    # sees the page after a run (Stop disabled again), so the callback is called here and the page checked
    learn.stop(run)
    at.session_state[learn.RUN] = run
    at.run()
    assert_clean(at)
    run = at.session_state[learn.RUN]
    assert run["status"] == "stopped" and [len(r) for r in run["reports"]] == [2, 2]
    assert at.warning and len(charts(at)) == 5
    at.run()
    assert [len(r) for r in at.session_state[learn.RUN]["reports"]] == [2, 2]
    assert not at.button(key="learn_train").disabled


def test_adding_problem_trains_with_its_length_and_an_error_metric():
    at = open_page("learn")
    at.selectbox(key="learn_task").set_value("adding").run()
    assert at.number_input(key="learn_epochs").value == 15 and at.number_input(key="learn_steps").value == 40
    configure(at, learn_length=60)                      # over the page's range: refused with the range
    at.button(key="learn_train").click().run()
    assert at.error and "10" in at.error[0].value and "50" in at.error[0].value
    at.selectbox(key="learn_cell_a").set_value("gru")
    configure(at, **TINY, learn_length=12)
    at.button(key="learn_train").click().run()
    assert_clean(at)
    run = at.session_state[learn.RUN]
    assert run["status"] == "done" and [len(r) for r in run["reports"]] == [3, 3]
    assert [c.task for c in run["cfgs"]] == ["adding", "adding"] and run["cfgs"][0].task_options["length"] == 12
    assert run["metric"] == "mse" and run["lower"] and 0.1 < run["baseline"] < 0.25
    assert len(run["tokens"]) == 12 and sum(tok.endswith("*") for tok in run["tokens"]) == 2
    assert at.success and len(charts(at)) == 5
    assert any("mean squared error" in c.value for c in at.caption)
    at.selectbox(key="learn_task").set_value("lag").run()   # back to lag: the common defaults again
    assert at.number_input(key="learn_epochs").value == 10 and at.number_input(key="learn_steps").value == 20
