"""English catalogue: every user-facing text of cellviz, by key (`cellviz.ui.i18n.t`).

The reference language: every key here must exist in each other catalogue (zh.py), with the same
`{placeholders}` (tests/test_i18n.py). Add new keys here and their translation in zh.py.
"""
from __future__ import annotations

EN: dict[str, str] = {
    # app and pages
    "app.title": "cellviz",
    "app.tagline": "See inside recurrent cells: every gate, state and gradient, step by step.",
    "page.cell": "The cell at step t",
    "page.over_time": "Over time",
    "page.gradients": "Gradient flow",
    "page.units": "Text and units",
    "page.compare": "Compare cells",
    # sidebar: model
    "model.label": "Model",
    "model.help": "A trained model from the zoo, or upload your own recurrent module.",
    "model.upload": "Upload your own (.pt / .safetensors)",
    "model.card": "{cell} · {io} · {task} · {layers} layer(s) · hidden {hidden}{bi} · {params} parameters",
    "model.bi": " · bidirectional",
    "model.metric": "{metric}: {value} (trivial baseline {baseline})",
    "model.load_failed": "Could not load model {name}: {reason}",
    "model.part": "Part",
    "model.part.encoder": "encoder",
    "model.part.decoder": "decoder (teacher-forced)",
    "model.part.recurrent": "recurrent",
    "model.snapshot": "Training snapshot",
    "model.snapshot.final": "final weights",
    # upload
    "upload.label": "Checkpoint file",
    "upload.help": "A .safetensors file or a PyTorch state_dict (torch.save(model.state_dict(), path)) "
                   "holding an nn.RNN, nn.LSTM or nn.GRU, alone or inside a bigger model.",
    "upload.prompt": "Upload a checkpoint to explore it.",
    "upload.current": "Exploring “{name}”.",
    "upload.bad_type": "“{name}” is not a .pt, .pth or .safetensors file. Accepted: a .safetensors file or a "
                       "PyTorch state_dict saved with torch.save(model.state_dict(), path).",
    "upload.failed": "Could not use “{name}”: {reason}",
    "upload.prefix": "Recurrent part (prefix)",
    "upload.prefix.help": "Only needed when the file holds several recurrent modules, e.g. “encoder.lstm”.",
    "upload.nonlinearity": "Vanilla RNN nonlinearity",
    "upload.loaded": "{kind} · input {inputs} · hidden {hidden} · {layers} layer(s){bi} · {params} parameters",
    # input
    "input.header": "Input",
    "input.text": "Text",
    "input.text.help": "Accepted: {choices}. Up to {max_len} steps.",
    "input.series.help": "Comma-separated numbers, up to {max_len} steps.",
    "input.sample": "New sample",
    "input.sample.help": "Replace the input with a fresh held-out-style example.",
    "input.lag": "Lag (steps between cue and ‘?’)",
    "input.lag.help": "Pads or cuts the distractors so that the cue sits this many steps before the query. "
                      "Empty: as typed.",
    "input.period": "Period (steps)",
    "input.amplitude": "Amplitude",
    "input.length": "Length (steps)",
    "input.invalid": "This input cannot be used: {reason}",
    "input.empty": "The input is empty. {accepted}",
    "input.source": "Input sequence",
    "input.source.random": "random numbers",
    "input.source.onehot": "random one-hot",
    "input.source.typed": "typed numbers",
    "input.seed": "Seed",
    "input.numbers": "Numbers (one step per line, {width} per step)",
    "input.numbers.help": "Each line is one time step with {width} numbers separated by commas or spaces.",
    "input.numbers.bad_line": "line {line} has {got} numbers; this module needs {width} per step",
    "input.numbers.not_number": "line {line}: “{token}” is not a number",
    "input.numbers.not_finite": "line {line}: only finite numbers are accepted",
    "input.too_long": "the input has {got} steps; the limit is {limit}",
    "input.prediction": "Model says: **{prediction}**",
    # navigation and selection
    "nav.layer": "Layer",
    "nav.direction": "Direction",
    "nav.direction.0": "forward →",
    "nav.direction.1": "← reverse",
    "nav.units": "Selected units",
    "nav.units.help": "Units whose numbers and line traces are shown. Click a heatmap cell to select one.",
    "nav.reverse_note": "The reverse direction reads the input from the end; it is drawn on the same "
                        "input-position axis, so its ‘previous’ state is the one at position t+1.",
    # step control
    "step.label": "Step t",
    "step.help": "Input position. Keyboard: ← / → step, Home / End jump.",
    "step.prev": "", "step.prev.help": "Previous step (←)",
    "step.next": "", "step.next.help": "Next step (→)",
    "step.first": "", "step.first.help": "First step (Home)",
    "step.last": "", "step.last.help": "Last step (End)",
    "step.play": "Play", "step.play.help": "Animate through the steps (Space)",
    "step.pause": "Pause", "step.pause.help": "Stop the animation (Space)",
    "step.token": "step {t} of {T} · input {token}",
    # downloads
    "download.header": "Downloads",
    "download.figure": "Figure (HTML)",
    "download.npz": "Trace (NPZ)",
    "download.csv": "Trace (CSV)",
    # view 1: the cell
    "cell.title": "{kind} cell at step {t} · input {token}",
    "cell.equations": "Equations",
    "cell.unit_numbers": "Numbers for unit {unit}",
    "cell.quantity": "quantity",
    "cell.value": "value",
    "cell.legend": "Each strip is a vector, one cell per hidden unit (left = unit 0); the outlined cell is "
                   "unit {unit}. Gates use the 0…1 scale, tanh quantities the −1…1 scale.",
    # view 2: over time
    "time.quantities": "Quantities",
    "time.selected": "Selected unit {unit} at step {t} from the heatmap.",
    "time.downsampled": "The heatmaps average blocks of {bt} step(s) × {bu} unit(s) to fit the screen.",
    "time.click_hint": "Click a heatmap cell to select that unit and step.",
    # view 3: gradients
    "grad.intro": "How strongly the loss depends on each step's state. A steep fall to the left is the "
                  "vanishing gradient; a flat curve means the state still matters many steps back.",
    "grad.reach.header": "How far back does the prediction at step t reach?",
    "grad.reach.n1": "This model makes one prediction, after the last step: the sensitivity shown is that "
                     "prediction's, whatever t is.",
    "grad.reach.none": "At step {t} the loss has no target, so nothing flows back from it; choose a step "
                       "with a target.",
    "grad.compare.header": "RNN vs LSTM vs GRU on this task and this input",
    "grad.compare.none": "No other zoo model was trained on this task.",
    "grad.compare.upload": "The comparison needs zoo models trained on the same task; it is not available "
                           "for an uploaded module.",
    # view 4: text and units
    "units.color_by": "Colour the text by",
    "units.unit": "Unit",
    "units.feature": "Known feature",
    "units.find.header": "Find the unit that tracks a feature",
    "units.find.none": "This task has no known per-step features; try the brackets or sentiment models.",
    "units.find.best": "Best match: unit {unit} ({quantity}) with correlation {r:+.2f} to “{feature}”.",
    "units.find.constant": "“{feature}” is constant on this input, so no unit can track it: choose another "
                           "input or feature.",
    "units.saturation.header": "Gate saturation",
    "units.saturation.none": "A vanilla RNN has no gates; the saturation of its tanh is shown instead.",
    "units.saturation.threshold": "Saturated means within {eps} of the limit.",
    # view 5: compare cells
    "compare.params.header": "Parameters, counted from the real modules",
    "compare.params.note": "Input size {inputs}, hidden size {hidden}, one layer, one direction: an LSTM "
                           "stacks 4 weight blocks, a GRU 3, a vanilla RNN 1.",
    "compare.zoo.header": "Zoo models",
    "compare.col.name": "model", "compare.col.cell": "cell", "compare.col.io": "I/O", "compare.col.task": "task",
    "compare.col.layers": "layers", "compare.col.hidden": "hidden", "compare.col.bidirectional": "bidirectional",
    "compare.col.params": "parameters",
    "compare.claims.header": "Claims, measured: accuracy vs lag and gradient vs distance",
    "compare.claims.missing": "The claims experiment has not been run yet: `{command}` writes "
                              "assets/claims.json.",
    "compare.claims.command": "Reproduce with: `{command}`",
    # errors
    "error.unexpected": "Something went wrong while drawing this view: {reason}. The rest of the app "
                        "still works; try another input or model.",
    # quantities
    "q.x": "x (input)", "q.h_prev": "h (previous)", "q.c_prev": "c (previous)",
    "q.i": "i (input gate)", "q.f": "f (forget gate)", "q.g": "g (candidate)", "q.o": "o (output gate)",
    "q.r": "r (reset gate)", "q.z": "z (update gate)", "q.n": "n (candidate)", "q.a": "pre-activation",
    "q.tanh_c": "tanh(c)", "q.c": "c (cell state)", "q.h": "h (hidden state)",
    # the operations in the cell diagrams (hover texts)
    "op.lstm.mul_f": "f ⊙ c_{t−1}: what is kept of the old cell state",
    "op.lstm.mul_i": "i ⊙ g: what is written",
    "op.lstm.add": "c_t = f ⊙ c_{t−1} + i ⊙ g",
    "op.lstm.mul_o": "h_t = o ⊙ tanh(c_t)",
    "op.gru.mul_z": "z ⊙ h_{t−1}: what is kept",
    "op.gru.one_minus": "1 − z",
    "op.gru.mul_r": "r ⊙ (W_hn h_{t−1} + b_hn): the reset part of the candidate",
    "op.gru.mul_n": "(1 − z) ⊙ n: what is written",
    "op.gru.add": "h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}",
    "op.rnn.act": "h_t = tanh(a_t) (or relu)",
    # figure titles and labels (cellviz.plots)
    "plot.scale.gate": "gate (0…1)",
    "plot.scale.tanh": "tanh (−1…1)",
    "plot.scale.grad": "log₁₀ ‖grad‖",
    "plot.unit": "unit",
    "plot.step": "step t",
    "plot.position": "input position k",
    "plot.value": "value",
    "plot.click": "click to select",
    "plot.block_mean": "mean of {bt} step(s) × {bu} unit(s)",
    "plot.cell.title": "{kind} cell at step {t} (input “{token}”)",
    "plot.time.title": "Units × time: every gate and state, cursor at step t",
    "plot.traces.title": "Selected units over time",
    "plot.grad.title": "Gradient norms through time (log scale)",
    "plot.grad.norm": "gradient norm (log)",
    "plot.reach.title": "How far back the prediction at step {t} reaches: ‖∂L/∂x_k‖",
    "plot.reach.y": "‖∂L/∂x_k‖ (log)",
    "plot.rank.title": "Units that best track “{feature}”",
    "plot.corr": "correlation",
    "plot.corr.axis": "correlation with “{feature}”",
    "plot.match.title": "{unit} against “{feature}”",
    "plot.sat.title": "Gate saturation per unit (within {eps} of a limit)",
    "plot.sat.low": "near {limit}",
    "plot.sat.high": "near {limit}",
    "plot.sat.share": "share of steps",
    "plot.params.title": "Parameter count per cell type (same input and hidden size)",
    "plot.params": "parameters",
    "plot.cell": "cell type",
    "plot.lag": "lag (steps)",
    "plot.accuracy": "accuracy",
    "plot.seeds": "seeds",
    "plot.chance": "chance",
    "plot.claims.acc.title": "Long-lag recall: accuracy vs lag",
    "plot.claims.grad.title": "Gradient norm vs distance to the loss",
    "plot.distance": "distance (steps)",
    "plot.text.title": "Input coloured by {what}",
    "plot.grad.h": "‖∂L/∂h_t‖", "plot.grad.c": "‖∂L/∂c_t‖",
    # offline export (cellviz.export)
    "export.keys": "Keys: ← / → or PageUp / PageDown step · Space plays / pauses · Home / End jump",
    "export.input": "Input: {text}",
    "export.view": "Showing {part}layer {layer}, {direction}.",
    "export.strip.title": "Input, coloured by {what}; the outlined token is step t",
    "export.footer": "Exported by cellviz {version}. This file works offline: no Python, no network.",
    "export.too_long": "the input has {got} steps; an export holds at most {limit}: shorten the input "
                       "(or raise max_steps)",
    "export.bad_layer": "layer {layer} does not exist: this model has {n} layer(s), numbered from 0",
    "export.bad_direction": "direction {direction} does not exist: this model has {n} direction(s) "
                            "(0 = forward, 1 = reverse)",
    "export.bad_unit": "unit {unit} does not exist: the hidden size is {n} (units 0..{last})",
    "export.bad_tokens": "{got} token labels for {steps} steps",
    "export.bad_batch": "batch element {batch} does not exist: the input holds {n}",
    "export.bad_part": "{name} has no part {part!r}; its parts: {parts}",
    "export.bad_source": "give either a text or a sample number, not both",
    "export.bad_lang": "no {lang!r} texts; available: {available}",
    "export.bad_option": "{name} does not take the option(s) {options} here; options of a typed text: {accepted}",
    # issue 5: tour, presentation, links
    "lang.name": "English",
    "lang.label": "Language",
    "lang.help": "The language of every label, explanation and figure.",
    "page.tour": "Guided tour",
    "link.ignored": "Some parts of this link were not valid and were ignored (defaults used instead): {items}.",
    "tour.slide_of": "Slide {k} of {n}",
    "tour.prev": "Previous", "tour.prev.help": "Previous slide (PageUp or ←)",
    "tour.next": "Next", "tour.next.help": "Next slide (PageDown or →)",
    "tour.present": "Presentation mode",
    "tour.present.help": "Large type, no sidebar: only the slide and the next / previous buttons. A clicker's "
                         "PageDown / PageUp (or → / ←) change slides; the link keeps ?present=1.",
    "tour.exit": "Exit", "tour.exit.help": "Leave presentation mode: back to the normal layout (Esc)",
    "tour.step": "Step t",
    "tour.step.help": "Move through the input; the figure follows.",
    "tour.model": "Live model: {name} · input “{text}” · model says {prediction}",
    "tour.lag": "Lag between cue and ‘?’",
    "tour.open": "Explore this model",
    "tour.open.help": "Open the explorer on this model and input.",
    "tour.keys": "Keys: PageDown / PageUp or → / ← change slides.",
    "tour.missing": "The model {name} is not in the zoo, so this slide cannot be shown.",
    "tour.rnn.title": "1 · A vanilla RNN forgets",
    "tour.rnn.text": "The lag task shows a cue (A–D), distractors, then ‘?’: name the cue. A vanilla RNN rewrites "
                     "its whole state every step, h_t = tanh(W x_t + U h_{t−1} + b), so the cue survives only if "
                     "the net learns to lock into one saturated pattern per cue. Trained from scratch at each "
                     "lag with the same budget, it mostly fails beyond 20 steps (left; chance is 25%). The zoo's "
                     "lag-rnn did find such patterns (right): after the cue its units sit at ±1.",
    "tour.rnn.figure": "Hidden state of {name}: units × time",
    "tour.grad.title": "2 · Why: the gradient vanishes",
    "tour.grad.text": "Training pushes the error back through time: ∂L/∂h_t is ∂L/∂h_{t+1} times the "
                      "step's Jacobian, once per step. When those factors are below 1, the product shrinks "
                      "geometrically — a straight fall on this log scale. Steps far before the loss get almost "
                      "no learning signal, so long dependencies are hard to learn.",
    "tour.grad.figure": "{name}: ‖∂L/∂h_t‖ by step (log scale), loss at the ‘?’",
    "tour.lstm.title": "3 · The LSTM: gates and a cell-state highway",
    "tour.lstm.text": "An LSTM adds a cell state c and three sigmoid gates. The forget gate f decides what of "
                      "c_{t−1} is kept, the input gate i what is written, the output gate o what is shown: "
                      "c_t = f ⊙ c_{t−1} + i ⊙ g. The update is additive, so with f ≈ 1 the cue and its "
                      "gradient travel along c almost untouched.",
    "tour.gru.title": "4 · The GRU: two gates",
    "tour.gru.text": "A GRU merges the cell and hidden state and uses two gates. The update gate z mixes old and "
                     "new, h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}; the reset gate r decides how much of h_{t−1} the "
                     "candidate n sees. With z ≈ 1 the state is copied forward, like the LSTM's highway, with "
                     "a quarter fewer parameters.",
    "tour.bi.title": "5 · A Bi-LSTM reads both ways",
    "tour.bi.text": "A bidirectional LSTM runs one LSTM left to right and another right to left and "
                    "concatenates their outputs, so every position sees its whole context. For sentiment, "
                    "the reverse direction has already read a late ‘not’ or ‘but’ when it reaches the start. "
                    "Compare the two hidden states on the same sentence.",
    "tour.bi.forward": "forward → hidden state",
    "tour.bi.reverse": "← reverse hidden state",
    "tour.claims.title": "6 · The claims, measured",
    "tour.claims.text": "Textbooks say a vanilla RNN learns dependencies of 10–20 steps and an LSTM 100+. Here "
                        "the same experiment ran for every cell: fresh models trained at each lag with the same "
                        "budget (left), and the gradient norm against the distance to the loss (right). "
                        "Read the numbers, not the slogans.",
    "tour.claims.missing": "The claims experiment has not been run yet: `{command}` writes assets/claims.json.",
    "download.lecture": "Lecture page (offline HTML)",
    "download.lecture.help": "One self-contained HTML file with this model and input, every step as a frame: "
                             "plays in any browser without Python or network.",
    "download.lecture.too_long": "The lecture page holds at most {limit} steps; this input has {got}. "
                                 "Shorten the input to export it.",
    "download.lecture.upload": "The lecture page is available for zoo models.",
    "download.lecture.snapshot": "The lecture page uses the final weights.",
    "download.lecture.failed": "The lecture page could not be built: {reason}",
}
