"""AppTest: 'scrub through training' shows every snapshot of lag-lstm (different gates at each), and an info
pointing at the lag-* models for a model without snapshots."""
import numpy as np

from app_driver import assert_clean, figure, heatmap_values, open_page
from cellviz import plots, zoo


def test_scrub_every_snapshot_of_lag_lstm():
    at = open_page("training", "lag-lstm")
    labels = zoo.snapshots("lag-lstm") + ["final"]
    seen = []
    for label in labels:
        at.select_slider(key="train_snapshot").set_value(label).run()
        assert_clean(at)
        assert at.metric and at.metric[0].value
        seen.append(heatmap_values(figure(at, "training_heat"))[plots.qname("f")])
        assert len(figure(at, "training_grad")["data"]) == len(labels)
    snaps = seen[:-1]                                    # (the final weights are the last snapshot's)
    assert all(not np.allclose(a, b) for a, b in zip(snaps, snaps[1:]))


def test_model_without_snapshots_gets_an_info():
    at = open_page("training", "brackets-lstm")
    assert at.info and "lag-lstm" in at.info[0].value
