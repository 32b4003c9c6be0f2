"""The model zoo: small, genuinely trained RNN / LSTM / GRU models whose internals are worth looking at.

Every model ships in assets/zoo/<name>/ as model.safetensors + card.json (+ snapshots/<label>.safetensors
taken during training). Loading never downloads anything. Rebuild with
`python -m cellviz.zoo.train --task T --cell C` (one model) or `--all`.

API (the explorer codes against exactly this)::

    cellviz.zoo.names() -> list[str]            # e.g. "lag-lstm", "brackets-gru", "sentiment-bilstm", ...
    cellviz.zoo.card(name) -> dict              # "name", "cell" ("rnn"|"lstm"|"gru"), "io" ("N->N"|"N->1"|"1->N"|"N->M"),
        # "task", "num_layers", "hidden_size", "bidirectional", "params" (counted from the module),
        # "metrics" {metric: held-out value}, "baseline" {metric: trivial predictor's value},
        # "better" {metric: "higher"|"lower"}, "train_command", "epochs", "seed", "snapshots" (labels),
        # "description" (one sentence); also "config", "task_options", "history" (loss per epoch),
        # "showcase" [{"text", "options", "why"}]: inputs chosen to show something (`task.parse(text, **options)`;
        # "why" a catalogue key), from `train.SHOWCASE`.
    model = cellviz.zoo.load(name, snapshot=None)   # nn.Module in eval mode (a fresh one on every call);
        # snapshot: a label from card["snapshots"] loads the weights saved at that point of training
    model.name, model.card, model.task
    model.recurrent        # the nn.RNN/LSTM/GRU; for N->M a dict {"encoder": ..., "decoder": ...}
    model.parts()          # ["recurrent"] or ["encoder", "decoder"]
    model.evaluate()       # -> dict[str, float]: the card's metrics recomputed on the fixed held-out data
    model.predict(ex)      # -> str, human-readable ("positive (0.93)", generated digits, next-char guesses)
    module, x, h0, loss = model.trace_args(ex, part="recurrent")
        # exactly what to pass to cellviz.trace(module, x, h0=h0, loss=loss): x is the recurrent module's
        # unbatched input (T, input_size) with one-hot / embedding applied; loss(output, h_n) applies the head
        # and the task's criterion against ex.target. N->M: part="encoder" (loss runs the teacher-forced
        # decoder from the encoder's final state) or part="decoder" (teacher-forced inputs, h0 = encoder state).
    model.task.sample(seed) -> Example         # a held-out-style example
    model.task.parse(text, **options) -> Example   # from what the user typed (series: comma-separated numbers;
        # lag: option lag=int; waveform: options period=, amplitude=). ValueError with a user-facing message.
    model.task.input_kind  # "text" | "series" | "symbols"
    model.task.max_len, model.task.choices (accepted tokens, for the input box; [] for series)
    model.task.decoder_tokens(ex)  # N->M only: display labels of the decoder's (teacher-forced) input steps
    model.task.features(ex) -> dict[str, np.ndarray]  # known per-step facts, each (T,), e.g. "depth"
    Example: .tokens (one display label per input step), .x_raw, .target, .text, .meta
    cellviz.zoo.claims() -> dict   # assets/claims.json, schema 2 (see cellviz.zoo.claims_report: "tasks" lag, prefix,
        # adding), plus the lag task in the schema-1 shape for readers written against it: "chance", "one_bit", "protocol" (rows, seeds,
        # hidden, batch, optimiser, curriculum {levels, min_lag, val_every, val_n, advance_at, budget, stuck_limit},
        # test_lags, scratch_lags, scratch_budget, versions), "rows" {row: {"cell", "init", "largest_lag" [per seed],
        # "steps_to_learn" {level: [step or None per seed]}, "accuracy" {test lag: [per seed]}, "grad_ratio_init"
        # {"k", "h" [per seed], "c" (LSTM)}, "from_scratch" {"lags", "steps_to_learn", "accuracy", "largest_lag"}}},
        # "seconds", "notes"}; rows: rnn, lstm, lstm-forget1, lstm-chrono, gru, gru-keep1
    cellviz.zoo.cue.cue_unit(model, text, lag) -> CueUnit  # a lag model's cue-carrying unit and its mean gates
    cellviz.zoo.snapshots(name) -> list[str]

Tasks (cellviz/zoo/tasks/): lag (N->1 long-lag recall), brackets (N->N depth), sentiment (N->1, templated
negation/contrast), charlm (N->N, public-domain corpus in assets/corpus/), forecast (N->N series with regime
changes), waveform (1->N generation), translate (N->M number words -> digits), adding (N->1 regression: the
sum of two marked values), prefix (N->1: the marked cue after a prefix of decoys). The claims experiment:
`python -m cellviz.zoo.claims_experiment` writes assets/claims.json.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import store
from .models import ModelConfig, ZooModel, build
from .tasks import Example, make_task

__all__ = ["names", "card", "load", "snapshots", "claims", "Example", "ZooModel"]


def names(root: Path | None = None) -> list[str]:
    """Every shipped model's name."""
    return store.list_names(root)


def card(name: str, root: Path | None = None) -> dict:
    """The model's card (a fresh dict: mutate it freely)."""
    return store.read_card(name, root)


def snapshots(name: str, root: Path | None = None) -> list[str]:
    """Labels of the weights saved during training (oldest first); may be empty."""
    return list(card(name, root).get("snapshots", []))


def load(name: str, snapshot: str | None = None, root: Path | None = None) -> ZooModel:
    """Build the model described by its card and load its shipped weights (or a snapshot's); eval mode."""
    c = card(name, root)
    if snapshot is not None and snapshot not in c.get("snapshots", []):
        raise ValueError(f"{name} has no snapshot {snapshot!r}; snapshots: {c.get('snapshots') or 'none'}")
    model = build(make_task(c["task"], **c.get("task_options", {})), ModelConfig(**c["config"]))
    model.load_state_dict(store.read_weights(store.weights_path(name, snapshot, root)))
    model.name, model.card = name, c
    return model.eval()


def claims() -> dict:
    """The long-lag claims table (accuracy per cell x lag, gradient norm vs distance), from assets/claims.json."""
    if not store.CLAIMS.is_file():
        raise FileNotFoundError("assets/claims.json is missing: run python -m cellviz.zoo.claims_experiment")
    from .claims_report import with_v1_view          # schema 2 keeps the lag task's schema-1 keys for old readers
    return with_v1_view(json.loads(store.CLAIMS.read_text()))
