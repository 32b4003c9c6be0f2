"""The prefix task: decoys, a marked cue, distractors, '?'. Examples, batches, typed input and its errors,
features, the held-out set and its baselines, the claims experiment's level interface."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from cellviz.zoo.models import ModelConfig, build
from cellviz.zoo.tasks import TASKS, make_task
from cellviz.zoo.tasks.prefix import CUES, DISTRACTORS, MARK, QUERY, PrefixTask


@pytest.fixture(scope="module")
def task() -> PrefixTask:
    return make_task("prefix", min_lag=3, max_lag=12, max_prefix=6, n_heldout=32)


def test_registered_with_its_options(task):
    assert TASKS["prefix"] is PrefixTask and (task.io, task.input_kind, task.output) == ("N->1", "symbols", "class")
    assert task.classes == list(CUES) and MARK in task.vocab and QUERY in task.vocab
    assert set(task.parse_options()) == {"lag"}


def test_samples_put_the_marked_cue_lag_steps_before_the_query(task):
    for seed in range(40):
        ex = task.sample(seed)
        at, lag = ex.meta["cue_at"], ex.meta["lag"]
        assert ex.tokens[at - 1] == MARK and ex.tokens[at] == CUES[ex.target] and ex.tokens[-1] == QUERY
        assert len(ex.tokens) == at + lag + 1 and 3 <= lag <= 12 and 1 <= ex.meta["prefix"] <= 6
        assert all(c in CUES + DISTRACTORS for c in ex.tokens[:at - 1])          # decoys may be cue symbols
        assert all(c in DISTRACTORS for c in ex.tokens[at + 1:-1])
    assert task.sample(3).text == task.sample(3).text != task.sample(4).text


def test_batch_layout(task):
    b = task.batch(np.random.default_rng(0), 6, 5, prefix=4)
    v = {c: i for i, c in enumerate(task.vocab)}
    assert b.x.shape == (4 + 2 + 5, 6)
    assert torch.all(b.x[4] == v[MARK]) and torch.equal(b.x[5], b.y) and torch.all(b.x[-1] == v[QUERY])
    assert torch.all((b.x[:4] < 8)) and torch.all((b.x[6:-1] >= 4) & (b.x[6:-1] < 8))


def test_parse_typed_input(task):
    ex = task.parse("xAzC!Bxwzy")
    assert ex.text == "xAzC!Bxwzy?" and ex.target == 1 and ex.meta == {"lag": 5, "cue": 1, "cue_at": 5, "prefix": 4}
    ex = task.parse("!D", lag=7)
    assert ex.meta["lag"] == 7 and ex.tokens[1] == "D" and len(ex.tokens) == 9
    assert task.parse("A!Bwxyz?", lag=2).text == "A!Bw?"
    for text, match in (("", "empty"), ("AB", "exactly one '!'"), ("A!!B", "exactly one '!'"), ("A!w", "followed by"),
                        ("A!", "followed by"), ("A!BwA", "only distractors"), ("A!Bq", "unknown"),
                        ("A?!B", "only appear at the end")):
        with pytest.raises(ValueError, match=match):
            task.parse(text)
    with pytest.raises(ValueError, match="lag must be"):
        task.parse("!A", lag=0)


def test_features_start_at_the_cue(task):
    ex = task.parse("xAzC!Bxwzy")
    f = task.features(ex)
    assert set(f) == {"remembered symbol", "steps since cue", "marked"}
    assert all(v.shape == (len(ex.tokens),) and np.isfinite(v).all() for v in f.values())
    assert list(f["steps since cue"][:5]) == [-1] * 5 and list(f["steps since cue"][5:]) == list(range(6))
    assert f["marked"].sum() == 1 and f["marked"][5] == 1


def test_heldout_is_fixed_and_baselines_sit_at_chance(task):
    a, b = task.heldout(), task.heldout()
    assert len(a) == len(task.eval_lags()) * 4 and all(torch.equal(x.x, y.x) for x, y in zip(a, b))
    assert len({x.x.shape[0] for x in a[:4]}) == 4                # one lag, four prefix lengths
    base = task.baseline()
    assert 0.25 <= base["accuracy"] < 0.5
    extra = task.extra_baselines()
    assert set(extra) == {"first_symbol", "last_decoy"}
    assert all(v["accuracy"] < 0.5 for v in extra.values())     # reading the wrong symbol is near chance


def test_level_interface_and_metrics(task):
    torch.manual_seed(0)
    model = build(task, ModelConfig("lstm", 8))
    score = task.level_score(model, 6, 64, seed=1)
    assert 0 <= score <= 1 and score == task.level_score(model, 6, 64, seed=1)
    assert PrefixTask.level_learned(0.95) and not PrefixTask.level_learned(0.94)
    m = task.metrics(model)
    assert set(m) == {"accuracy", "accuracy_at_max_lag"} and all(0 <= v <= 1 for v in m.values())
    assert model.predict(task.sample(0))[0] in CUES
