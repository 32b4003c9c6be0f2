"""English catalogue: every user-facing text of cellviz, by key (`cellviz.i18n.t`).

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
                   "holding an nn.RNN, nn.LSTM or nn.GRU, alone or inside a bigger model or checkpoint dict; "
                   ".pt, .pth, .ckpt, .bin: any name, the file is read by its content.",
    "upload.prompt": "Upload a checkpoint to explore it.",
    "upload.current": "Exploring “{name}”.",
    "upload.failed": "Could not use “{name}”: {reason}",
    "upload.prefix": "Recurrent part (prefix)",
    "upload.prefix.help": "Only needed when the file holds several recurrent modules, e.g. “encoder.lstm”.",
    "upload.nonlinearity": "Vanilla RNN nonlinearity",
    "upload.nonlinearity.help": "A state_dict does not say whether an nn.RNN uses tanh or relu: pick what the model "
                                "was built with (word_language_model's RNN_RELU: relu).",
    "upload.read": "Input read as {steps} steps × {batch} sequence(s) × {inputs} features (time first; "
                   "batch_first={batch_first}){nonlinearity}.",
    "upload.read.nonlinearity": ", nonlinearity {name}",
    "upload.parts": "embedding “{embedding}” ({vocab:,} tokens × {inputs}){head}",
    "upload.parts.head": " · head “{head}” ({outputs:,} outputs)",
    "upload.head": "head “{head}” ({outputs:,} outputs)",
    "upload.target": "Target (optional)",
    "upload.target.help.class": "The class the head should predict: one class number (0 to {last}) for after the last "
                                "step, or one per step, separated by spaces. L is then the cross-entropy on it.",
    "upload.target.help.value": "The value the head should predict: one number for after the last step, or one per "
                                "step, separated by spaces. L is then the squared error on it.",
    "upload.target.count": "the target has {got} entries: give one (for after the last step) or {steps} (one per step)",
    "upload.target.not_class": "“{token}” is not a class of the head (0 to {last})",
    "upload.target.not_value": "“{token}” is not a number",
    "upload.target.no_head": "this file has no Linear head to read a target: L stays the sum of the outputs",
    "upload.loss": "Loss: {loss}",
    "upload.tokens": "Tokens",
    "upload.tokens.help": "Token ids from 0 to {last}, separated by spaces; with a vocabulary file, text split into "
                          "its tokens.",
    "upload.tokens.unknown": "“{token}” is not in the vocabulary",
    "upload.tokens.bad_id": "“{token}” is not a token id (0 to {last}); upload a vocabulary file to type text",
    "upload.vocab": "Vocabulary (optional)",
    "upload.vocab.help": "A JSON list of tokens, or one token a line, in the embedding's order.",
    "upload.vocab.bad": "the vocabulary file cannot be read: {reason}",
    "upload.pick": "Recurrent modules in this file: pick one",
    "upload.pick.top": "(top level)",
    "upload.loaded": "{kind} · input {inputs} · hidden {hidden} · {layers} layer(s){bi} · {params} parameters",
    "upload.steps_cap": "This module is large: inputs are capped at {steps} steps, so that its trace holds at most "
                        "{mb} MB of numbers.",
    "upload.too_wide": "the module reads {got} input features per step; the app takes at most {limit} (every "
                       "trace holds the input and its gradient). Explore it from a notebook with cellviz.trace.",
    "upload.gone": "the server no longer holds this file (uploads are kept for a while, within a budget shared by "
                   "every visitor). Upload it again.",
    "upload.mismatch": "the file's bytes do not match its name on the server. Upload it again.",
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
    "input.source.tokens": "typed tokens",
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
    "nav.own_model": "This page builds its own small models: the model and input of the other pages are kept for them.",
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
    "step.speed": "Playing speed",
    "step.rate": "{n} steps/s",
    "step.token": "step {t} of {T} · input {token}",
    # downloads
    "download.header": "Downloads",
    "download.figure": "Figure (HTML)",
    "download.npz": "Trace (NPZ)",
    "download.csv": "Trace (CSV)",
    "download.csv.too_big": "CSV: {rows} rows is more than the {limit} offered; the NPZ holds every value.",
    # view 1: the cell
    "cell.title": "{kind} cell at step {t} · input {token}",
    "cell.equations": "Equations",
    "cell.unit_numbers": "Numbers for unit {unit}",
    "cell.quantity": "quantity",
    "cell.value": "value",
    "cell.legend": "Each strip is a vector, one cell per hidden unit (left = unit 0); the outlined cell is "
                   "unit {unit}. Gates use the 0…1 scale, tanh quantities the −1…1 scale; the cell state c, the input x and "
                   "the pre-activation are unbounded, so each has its own ±max|value| scale (over the whole sequence).",
    # view 2: over time
    "time.quantities": "Quantities",
    "time.selected": "Selected unit {unit} at step {t} from the heatmap.",
    "time.downsampled": "The heatmaps average blocks of {bt} step(s) × {bu} unit(s) to fit the screen.",
    "time.click_hint": "Click a heatmap cell to select that unit and step.",
    # view 3: gradients
    "grad.intro": "How strongly the loss L depends on each step's state. Where L sits at one step (N→1: after the "
                  "last step; for a reverse direction at position 0), the fall away from that step is the vanishing "
                  "gradient. Where every step adds its own loss term (N→N), the curve stays level whatever the model "
                  "remembers.",
    "grad.read.single": "**Reading rule.** {loss} It meets the states at one step, where the gradient enters; from "
                        "there it flows back through the recurrence, so the curve falls with the distance from that "
                        "step. A steep fall is the vanishing gradient; a flat curve means states far back still "
                        "matter.",
    "grad.read.reverse": "The reverse direction (←) reads the input from the end, so L takes its final state at "
                         "position 0: its curve falls to the right.",
    "grad.read.here": "On this input,",
    "grad.read.numbers": "{direction}: ‖∂L/∂h‖ at t = {far} is {ratio} × its "
                         "value at t = {t_star}",
    "grad.read.steps": "**Reading rule.** {loss} Every step with a target adds its own term, so every h_t receives a "
                       "direct gradient and the curve of the whole L stays level whatever the model remembers: here "
                       "it varies only {spread}× over {T} steps. That is not a vanishing-gradient plot. To see how far "
                       "back one prediction reaches, the comparison below (normalised) and the section after it take "
                       "the loss term at the step t shown alone.",
    "grad.scale": "Gradient scale",
    "grad.scale.help": "Raw norms follow the size of the loss (a well-trained model has a small loss and small "
                       "gradients everywhere), so curves of different models or snapshots are compared normalised: "
                       "divided by their value at the loss step t*, where they all equal 1.",
    "grad.scale.normalised": "normalised at the loss step",
    "grad.scale.raw": "raw norms",
    "grad.scale.raw.note": "Raw norms: the height of each curve mostly follows the size of its model's loss, not its "
                           "memory; compare their slopes, or switch to the normalised view.",
    "grad.scale.normalised.note": "Each curve is divided by its value at t* = {t_star}, where L meets the states, "
                                  "so all start at 1 there: a curve that stays high keeps a larger share of the "
                                  "gradient far back.",
    "grad.scale.normalised.cursor_note": "Each curve is the gradient of the loss term at the step shown (t*, the "
                                         "cursor) alone, divided by its value there: all equal 1 at the cursor, and "
                                         "the fall to the left shows how far back that one prediction reaches.",
    "grad.scale.normalised.step_note": "Each curve is the gradient of the loss term at step t = {t} alone, divided "
                                       "by its value at t: all equal 1 there, and the fall to the left shows how far "
                                       "back that one prediction reaches.",
    # what L is (gradient axes name it)
    "loss.last_ce": "L = cross-entropy after the last step",
    "loss.last_ce.long": "L is the cross-entropy of the class predicted from the final state, after the last step "
                         "(for the lag task, at the ‘?’).",
    "loss.last_mse": "L = squared error after the last step",
    "loss.last_mse.long": "L is the squared error of the value predicted from the final state, after the last step.",
    "loss.steps_ce": "L = mean cross-entropy over the steps",
    "loss.steps_ce.at": "L = cross-entropy at step {t} only",
    "loss.steps_ce.long": "L is the cross-entropy averaged over every step with a target.",
    "loss.steps_mse": "L = mean squared error over the steps",
    "loss.steps_mse.at": "L = squared error at step {t} only",
    "loss.steps_mse.long": "L is the squared error averaged over every step with a target.",
    "loss.encoder": "L = decoder's cross-entropy, via the encoder's final state",
    "loss.encoder.long": "L is the teacher-forced decoder's mean cross-entropy over the output; it reaches the "
                         "encoder only through the encoder's final state, which starts the decoder.",
    "loss.decoder": "L = mean cross-entropy over the decoder's steps",
    "loss.decoder.at": "L = cross-entropy at decoder step {t} only",
    "loss.decoder.long": "L is the teacher-forced decoder's cross-entropy averaged over its steps.",
    "loss.sum": "L = sum of all outputs",
    "loss.sum.at": "L = sum of the outputs at step {t}",
    "loss.sum.long": "L is the sum of every output of the module: with no head and no target, an upload has no real loss.",
    "loss.upload.long": "{loss}: the file's Linear head, read on the module's output, against the target you typed.",
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
                           "concatenates 4 gate blocks in its weight matrices, a GRU 3, a vanilla RNN 1.",
    "compare.zoo.header": "Zoo models",
    "compare.col.name": "model", "compare.col.cell": "cell", "compare.col.io": "I/O", "compare.col.task": "task",
    "compare.col.layers": "layers", "compare.col.hidden": "hidden", "compare.col.bidirectional": "bidirectional",
    "compare.col.params": "total parameters",
    "compare.col.recurrent_params": "recurrent parameters",
    "compare.zoo.params_note": "“Recurrent parameters” are the RNN / LSTM / GRU weights alone (encoder and decoder "
                               "for a translation model), counted from the shipped weights; “total parameters” also "
                               "count the embedding and the output head, which differ from task to task.",
    "compare.col.metrics": "held-out metrics (trivial baseline)",
    # explanations (cellviz/ui/views/explain.py)
    "explain.params.formula": "**Where the numbers come from.** Every gate block (the vanilla RNN's one, each of "
                              "the LSTM's i, f, g, o and the GRU's r, z, n) has an input matrix W_ih (H × I), a "
                              "recurrent matrix W_hh (H × H) and two bias vectors b_ih and b_hh (H each). With "
                              "I = {I} and H = {H}, one block holds H(I+H) + 2H = **{block}** parameters.",
    "explain.params.col.cell": "cell",
    "explain.params.col.blocks": "gate blocks",
    "explain.params.col.formula": "by the formula (PyTorch, two biases)",
    "explain.params.col.counted": "counted from the nn module",
    "explain.params.col.one_bias": "with one bias (as tutorials write it)",
    "explain.params.bias": "Why two bias vectors: PyTorch computes W_ih x + b_ih + W_hh h + b_hh, the layout of "
                           "NVIDIA's cuDNN kernels, which it keeps for compatibility. In the RNN and the LSTM the two "
                           "biases are only ever added, so one of them is redundant: tutorials write one b per block, "
                           "H(I+H) + H. In the GRU this holds for r and z, but b_hn sits inside r ⊙ (W_hn h + b_hn), "
                           "so the candidate's two biases are not interchangeable.",
    "compare.claims.missing": "The claims experiment has not been run yet: `{command}` writes "
                              "assets/claims.json.",
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
    "plot.scale.unbounded": "unbounded (±{max})",
    "plot.scale.grad": "log₁₀ ‖grad‖",
    "plot.unit": "unit",
    "plot.step": "step t",
    "plot.position": "input position k",
    "plot.value": "value",
    "plot.click": "click to select",
    "plot.mean": "mean",  # the step player: a cell-diagram cell that averages several units
    "plot.block_mean": "mean of {bt} step(s) × {bu} unit(s)",
    "plot.cell.title": "{kind} cell at step {t} (input “{token}”)",
    "plot.time.title": "Units × time: every gate and state, cursor at step t",
    "plot.traces.title": "Selected units over time",
    "plot.grad.title": "Gradient norms through time (log scale)",
    "plot.grad.norm": "gradient norm (log)",
    "plot.reach.title_none": "Step {t} has no target: nothing flows back from it",
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
    "plot.distance": "distance (steps)",
    "plot.text.title": "Input coloured by {what}",
    "plot.grad.h": "‖∂L/∂h_t‖", "plot.grad.c": "‖∂L/∂c_t‖",
    "plot.grad.norm_h": "‖∂L/∂h_t‖ (log)",
    "plot.grad.norm_h.normalised": "‖∂L/∂h_t‖ / ‖∂L/∂h_t*‖ (log), t* = loss step",
    "plot.layer": "Layer {layer}",
    # offline export (cellviz.export)
    "export.keys": "Keys: ← / → or PageUp / PageDown step · Space plays / pauses · Home / End jump",
    "notebook.keys": "Click the player (or Tab to it), then: ← / → or PageUp / PageDown step · Space plays / pauses · Home / End jump",
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
    "export.bad_int": "option {name} takes a whole number, got {value}",
    "export.bad_option": "{name} does not take the option(s) {options} here; options of a typed text: {accepted}",
    "export.view.part": "{part}, ",
    # issue 5: tour, presentation, links
    "lang.name": "English",
    "lang.label": "Language",
    "lang.help": "The language of every label, explanation and figure.",
    "site.title": "cellviz: see inside recurrent cells",
    "site.intro": "Every page of this site runs in your browser: the traces of the shipped models were computed once, when the site was built, and stepping, playing and hovering happen here, with no server. Pick a model and a page below; ←/→ step, Space plays.",
    "site.models": "Models and their pages",
    "site.more": "More pages",
    "site.col.model": "model",
    "site.col.about": "what it is",
    "site.col.pages": "pages",
    "site.model": "Model",
    "site.sample": "Input",
    "site.sample_n": "sample {n}",
    "site.part": "Part",
    "site.link.ignored": "Ignored in the link (not available here): {items}.",
    "site.missing": "This view was not built into the site.",
    "site.tour.explore": "Explore this model on the site's pages",
    "site.full_app": "This is the static site: precomputed examples. Typed inputs, your own checkpoints, interventions and live training run in the full app on your machine:",
    "site.exploding.grid": "A precomputed grid of settings: pick ρ, T and τ above (the app has sliders for any value).",
    "site.units": "Units",
    "site.units.help": "The units to show, as in the app: numbers 0–{max} separated by commas, at most {most} (or click a heatmap cell)",
    "site.units.bad": "units={value}: not units 0–{max}, at most {most}",
    "site.typed.missing": "this typed input was not built into the site: the full app traces any input",
    "site.input.why": "**Why this input:** {why}",
    "site.input.tour": "the input of the guided tour's slide {slides}, built here so that the slide's link lands on it.",
    "showcase.lag.far": "the cue D sits 300 steps before the query, near the longest lag the models trained on (320): one symbol carried across 299 distractors.",
    "showcase.lag.near": "the cue B only 5 steps before the query, the short end of training (lags from 2): compare its gradient flow with the 300-step input's.",
    "showcase.prefix.decoys": "the cue letters A, C and D come first as decoys; the cue is the B after '!', so the answer is B, neither the first nor the last cue letter seen.",
    "showcase.prefix.far": "the marked cue C comes first, 38 steps before the query, near the longest lag the models trained on (40).",
    "showcase.adding.ends": "the two marked values are the first and the last (0.9 + 0.8 = 1.7): the first one has to be held across 18 unmarked values.",
    "showcase.adding.middle": "the marked values are neighbours in the middle (0.0 + 1.0 = 1.0), among unmarked values up to 0.9 that must not count.",
    "showcase.brackets.deep": "nested 8 deep, the deepest the models know: the depth counts up to 8 and back down to 0.",
    "showcase.brackets.long": "one bracket held open across 36 letters: the depth has to stay 1 until the ')' at the end.",
    "showcase.sentiment.negation": "a negation: “not good” is negative, though “good” is a positive word.",
    "showcase.sentiment.contrast": "a contrast: the clause after “but” decides, so the sentence is positive although its first clause says “bad”.",
    "showcase.sentiment.gap": "a negation one word away: “not very dull” is positive, so the “not” has to be carried over “very”.",
    "showcase.charlm.words": "short common words, spaces and a full stop: Text and units finds the unit that best follows “in a word” on this text.",
    "showcase.forecast.jump": "a sine of period 12 that jumps to a constant 2 at step 20: how quickly does the forecast follow the jump?",
    "showcase.waveform.square": "a square wave of period 12: the output has to flip its sign every 6 steps.",
    "showcase.waveform.long": "a sine of period 40, longer than any the models trained on (8–24 steps): an input outside the training range.",
    "showcase.translate.zeros": "“two thousand five” is 2005: the decoder has to write two 0s that no word names.",
    "showcase.translate.largest": "the largest number the models know, 9999: six words in, four digits out.",
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
    "tour.notes": "Notes",
    "tour.presenter": "Presenter view",
    "tour.presenter.help": "Open the presenter view in a new window (for your laptop): this slide small, the next "
                           "slide's title, the notes and a clock. PageDown in either window moves both.",
    "tour.presenter.next": "Next: {title}",
    "tour.presenter.last": "Last slide.",
    "tour.presenter.clock": "Time",
    "tour.keys": "Keys: PageDown / PageUp or → / ← change slides.",
    "tour.missing": "The model {name} is not in the zoo, so this slide cannot be shown.",
    "tour.bi.title": "5 · A Bi-LSTM reads both ways",
    "tour.bi.headline": "sentiment-bilstm reads “{text}” as {prediction}.",
    "tour.bi.body": "Its head reads two states (boxed): forward h at the last word, reverse h at the first. Their votes "
                    "for positive: forward {vote_f}, reverse {vote_r}. Honestly: one-way sentiment-lstm and -gru already "
                    "score {lstm_neg} on negated and {lstm_con} on contrast sentences; sentiment-bigru {bigru}.",
    "tour.bi.text": "A bidirectional LSTM runs one LSTM left to right and another right to left and concatenates "
                    "their outputs, so every position sees its whole context. For sentiment, the reverse direction has "
                    "already read a late ‘not’ or ‘but’ when it reaches the start.",
    "tour.bi.notes": "Vote = (w_positive − w_negative) · h over that direction's half of the head's weights (a logit "
                     "difference; the bias adds the rest). Held-out accuracy, negated / contrast sentences: "
                     "sentiment-lstm {lstm_neg} / {lstm_con}, sentiment-gru {gru_neg} / {gru_con}; overall: "
                     "sentiment-bilstm {bilstm}, sentiment-bigru {bigru} ({bigru_neg} / {bigru_con}). On this task "
                     "reading both ways is not needed: a one-way model has read the whole sentence when it answers at "
                     "its end.",
    "tour.bi.figure": "Hidden state of {name}, forward and reverse: units × words",
    "tour.bi.gru": "Beside it, sentiment-bigru (the same two directions with GRU cells) reads the same sentence as "
                   "{gru_prediction}: votes forward {gru_vote_f}, reverse {gru_vote_r}.",
    "tour.bi.readout": "read out",
    "tour.bi.forward": "forward → hidden state",
    "tour.bi.reverse": "← reverse hidden state",
    "tour.claims.missing": "The claims experiment has not been run yet: `{command}` writes assets/claims.json.",
    "busy": "The server is busy with other visitors' training or downloads: try again in a moment.",
    "download.lecture": "Lecture page (offline HTML)",
    "download.lecture.help": "One self-contained HTML file with this model and input, every step as a frame: "
                             "plays in any browser without Python or network.",
    "download.lecture.too_long": "The lecture page holds at most {limit} steps; this input has {got}. "
                                 "Shorten the input to export it.",
    "download.lecture.snapshot": "The lecture page uses the final weights.",
    "download.lecture.failed": "The lecture page could not be built: {reason}",
    # issue 6: intervene / learn / training
    "page.intervene": "Intervene",
    "page.learn": "Watch it learn",
    "page.training": "Scrub through training",
    "iv.intro": "Change what happens inside the cell at step t and re-run the rest of the sequence: the original "
                "(left) and the intervened run (right). Step and units come from the controls above.",
    "iv.kind": "Intervention",
    "iv.kind.gate": "Clamp a gate",
    "iv.kind.freeze": "Freeze the cell state (f = 1, i = 0)",
    "iv.kind.state": "Set a state",
    "iv.kind.ablate": "Ablate units",
    "iv.kind.freeze.note": "Forget gate forced to 1 and input gate to 0: c_t = c_{t−1}, the memory stays as it is.",
    "iv.kind.ablate.note": "h of the chosen units is 0 at every step of the sequence: the units are switched off.",
    "iv.gate": "Gate",
    "iv.gate_value": "Clamp to",
    "iv.state": "State",
    "iv.value": "Set to",
    "iv.value.help": "The value the chosen units of the state get (0 zeroes them).",
    "iv.scope": "Units",
    "iv.scope.units": "selected ({units})",
    "iv.scope.all": "all units",
    "iv.span": "When",
    "iv.span.step": "only at step {t}",
    "iv.span.rest": "from step {t} to the end",
    "iv.no_effect": "No effect: the intervened run differs from the original by less than float32 rounding.",
    "iv.loss": "Loss with the intervention",
    "iv.loss.help": "The model's loss on this input; without the intervention it is {before}.",
    "iv.pred.before": "**Prediction, original:** {prediction}",
    "iv.pred.after": "**Prediction, intervened:** {prediction}",
    "iv.pred.none": "An uploaded module has no head: its loss is the sum of its outputs.",
    "iv.pred.decoder": "The decoder generates one step per call, so no prediction is shown for an intervention "
                       "in it; the (teacher-forced) loss shows the effect.",
    "plot.iv.effect.title": "How far the change travels: ‖intervened − original‖ per step",
    "plot.iv.delta": "change (norm over units)",
    "plot.iv.output": "module output",
    "plot.iv.original": "Original",
    "plot.iv.intervened": "Intervened",
    "plot.iv.difference": "Difference (intervened − original)",
    "plot.iv.traces.title": "Selected units: original (dotted) and intervened (solid)",
    "plot.epoch": "epoch",
    "plot.learn.title": "Learning curves",
    "plot.learn.loss": "training loss",
    "plot.learn.metric": "held-out {metric}",
    "plot.learn.baseline": "trivial predictor {value}",
    "learn.intro": "Train two small cells side by side on a synthetic task and watch the loss, the gradient flow "
                   "and the gates form, epoch by epoch. Limits for the demo: hidden ≤ {hidden}, epochs ≤ {epochs}, "
                   "{seconds} s per run.",
    "learn.task": "Task",
    "learn.task.lag": "lag: recall the first symbol",
    "learn.task.brackets": "brackets: nesting depth",
    "learn.task.adding": "adding: sum the two marked values",
    "learn.task.help": "Picking a task loads its suggested epochs and batches per epoch.",
    "learn.metric.accuracy": "accuracy",
    "learn.metric.mse": "mean squared error",
    "learn.cell_a": "Cell A",
    "learn.cell_b": "Cell B",
    "learn.hidden": "hidden size",
    "learn.epochs": "epochs",
    "learn.steps": "batches per epoch",
    "learn.batch": "batch size",
    "learn.lr": "learning rate",
    "learn.lag": "longest lag",
    "learn.lag.help": "Lags are drawn from {low} to this (at most {limit}).",
    "learn.length": "sequence length",
    "learn.length.help": "Steps per sequence, {low} to {limit}: one marked value in the first half, one in the "
                         "second; longer sequences take an LSTM longer to leave the plateau at the baseline.",
    "learn.limit": "At most {limit} in this demo.",
    "learn.train": "Train",
    "learn.stop": "Stop training",
    "learn.prompt": "Pick two cells and press Train: each epoch redraws the curves below.",
    "learn.too_big": "{what} must be between 1 and {limit} in this demo (got {got}).",
    "learn.out_of_range": "{what} must be between {low} and {high} in this demo (got {got}).",
    "learn.refused": "Not started: {reason}",
    "learn.progress": "Training… {done} of {total} epochs (both cells)",
    "learn.stopped": "Stopped after epoch {epochs}: the results so far are kept.",
    "learn.done": "Done: both cells trained.",
    "learn.time_limit": "Ended at the time limit ({seconds} s per run).",
    "learn.epoch": "epoch {epoch} of {epochs} · held-out {metric} {value} (trivial predictor {baseline}) · "
                   "{seconds} s",
    "learn.at_epoch": "epoch {epoch}",
    "learn.grad.title": "‖∂L/∂h‖ against the distance to the loss",
    "learn.heat.title": "Gates and h on a fixed probe input, epoch {epoch}",
    "training.intro": "The same input through the weights saved during training: move the slider to see the gates, "
                      "states and gradient flow form.",
    "training.none": "This model ships no training snapshots. Pick one that does: {models}.",
    "training.slider": "Training snapshot",
    "training.at_step": "training step {step}",
    "training.loss": "Loss at this snapshot",
    "training.loss.help": "The loss on this input; with the final weights it is {final}.",
    "training.prediction": "**Prediction at {snapshot}:** {prediction}",
    "training.position": "snapshot {k} of {n}: drag the slider to move through training.",
    "training.heat.title": "Gates and states at {snapshot}",
    "training.grad.title": "Gradient flow ‖∂L/∂h_t‖ at every snapshot",
    "training.grad.note": "One line per snapshot: how far back the loss reaches as training goes on.",
    "training.grad.note.normalised": "Normalised at the loss step: the raw norms mostly fall with the loss as the "
                                     "model learns, which would hide how the shape changes.",
    "training.grad.note.raw": "Raw norms: their height follows the loss at each snapshot (large early, small once "
                              "learned), not how far back the gradient reaches.",
    "learn.grad.note": "The gradient plots below show ‖∂L/∂h_t‖ against the distance from the last step, normalised "
                       "to 1 there by default (raw norms mostly follow the loss, which falls as the cell learns). For "
                       "brackets, every step has its own loss term, so the curve stays level whatever the memory.",
    # names that come from the zoo (its tasks, metrics, known features, class labels, predictions): i18n.label
    "task.lag": "lag", "task.brackets": "brackets", "task.sentiment": "sentiment", "task.charlm": "character LM",
    "task.forecast": "forecast", "task.waveform": "waveform", "task.translate": "number words to digits",
    "task.adding": "adding",
    "task.prefix": "prefix (marked cue after decoys)",
    "metric.accuracy": "accuracy", "metric.sequence_accuracy": "sequence accuracy",
    "metric.bpc": "bits per character (bpc)", "metric.mse": "mean squared error",
    "metric.mse_after_change": "mean squared error after the change",
    "metric.accuracy_at_max_lag": "accuracy at the longest lag", "metric.accuracy_negated": "accuracy, negated",
    "metric.accuracy_contrast": "accuracy, contrast clauses", "metric.lexicon_accuracy": "word-list accuracy",
    "metric.exact_match": "exact match", "metric.digit_accuracy": "digit accuracy",
    "feature.depth": "bracket depth", "feature.is bracket": "is a bracket",
    "feature.remembered symbol": "remembered symbol", "feature.steps since cue": "steps since the cue",
    "feature.in word": "in a word", "feature.position in word": "position in the word",
    "feature.after punctuation": "after punctuation", "feature.value": "value", "feature.regime": "regime",
    "feature.steps since change": "steps since the change", "feature.marked": "marked",
    "feature.running sum of marked values": "running sum of marked values", "feature.word value": "word value",
    "feature.is multiplier": "is hundred/thousand", "feature.word polarity": "word polarity",
    "feature.under negation": "under negation", "feature.main clause": "main clause",
    "feature.true value": "true value", "feature.phase": "phase",
    "class.sentiment.negative": "negative", "class.sentiment.positive": "positive",
    "class.waveform.sine": "sine", "class.waveform.square": "square", "class.waveform.triangle": "triangle",
    "class.waveform.sawtooth": "sawtooth",
    "pred.lag.class": "{cue} ({p:.2f})",
    "pred.sentiment.class": "{label} ({p:.2f})",
    "pred.brackets.right": "depth {depths}  (all right)",
    "pred.brackets.wrong": "depth {depths}  ({wrong} wrong)",
    "pred.upload.next": "the head's next token: {guesses}",
    "pred.upload.class": "the head's likeliest classes after the last step: {guesses}",
    "pred.upload.value": "the head's output after the last step: {value}",
    "pred.charlm.next": "next: {guesses} · continues: \"{text}\"",
    "pred.forecast.next": "next value ≈ {value:.2f} (last value {last:.2f})",
    "pred.waveform.generated": "generated: {values}  (mse {mse:.3f} vs the true {shape})",
    "pred.translate.right": "{output}  (right)",
    "pred.translate.wrong": "{output}  (wrong: {truth})",
    "pred.adding.sum": "sum ≈ {value:.2f} (true {true:.2f})",
    "pred.prefix.class": "{cue} ({p:.2f})",
    # the claims experiment, summed up from assets/claims.json (compare page)
    "compare.claims.none": "none",
    # exploding gradients and clipping (views/exploding.py)
    "page.exploding": "Exploding gradients",
    "expl.intro": "Backpropagation through time multiplies ∂L/∂h_t by each step's Jacobian diag(1 − h_t²) W_hh, once "
                  "per step. Here a vanilla tanh RNN (32 units, small random inputs) has W_hh = ρ·Q, a random "
                  "rotation stretched by ρ: its spectral radius is ρ. Below 1 the product shrinks step after step "
                  "(vanishing gradient); above 1 it can grow geometrically (exploding gradient), and one training step "
                  "on such a gradient can throw the weights far away. Gradient clipping is the standard guard.",
    "expl.radius": "Spectral radius ρ of W_hh",
    "expl.radius.help": "The largest |eigenvalue| of the recurrent matrix. The demo keeps the same rotation Q and input "
                        "and only rescales it.",
    "expl.steps": "Sequence length T",
    "expl.threshold": "Clipping threshold τ",
    "expl.threshold.help": "torch.nn.utils.clip_grad_norm_(model.parameters(), τ): when the norm of the whole "
                           "parameter gradient is above τ, the gradient is rescaled to norm τ.",
    "expl.m.radius": "ρ measured",
    "expl.m.radius.help": "max |eigenvalue| of the module's weight_hh_l0, computed from the module.",
    "expl.m.growth": "per step back",
    "expl.m.growth.help": "(‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖)^(1/(T−1)): the average factor by which the gradient grows (> 1) "
                          "or shrinks (< 1) per step back in time.",
    "expl.m.ratio": "‖∂L/∂h_0‖ / ‖∂L/∂h_{T}‖",
    "expl.m.before": "‖∇θ L‖ before clipping",
    "expl.m.after": "after clipping at {tau}",
    "expl.flow.title": "The gradient back in time: ‖∂L/∂h_t‖ (log scale)",
    "expl.read.grows": "With ρ = {radius} each step back multiplies ‖∂L/∂h_t‖ by {factor} on average: {steps} steps "
                       "before the loss it is {ratio} × its value at the loss. The gradient explodes as it goes back: "
                       "tanh's slope (≤ 1) damps every step, so ρ > 1 is needed for this, but not always enough.",
    "expl.read.shrinks": "With ρ = {radius} each step back multiplies ‖∂L/∂h_t‖ by {factor} on average: {steps} steps "
                         "before the loss only {ratio} × of it is left. This is the vanishing gradient; raise ρ above 1 "
                         "to make it explode.",
    "expl.clip.header": "What clipping does",
    "loss.sum.at.last": "L = sum of the outputs at the last step",
    "expl.clip.read": "At this length the parameter gradient has norm {before}; clip_grad_norm_ with τ = {tau} scales "
                      "all of it by {scale}, to {after}. The cosine between the gradient before and after is {cos}: the "
                      "direction is unchanged, only the size of the step is bounded. Clipping does not make far steps "
                      "count more or less — it keeps one exploding batch from wrecking the weights.",
    "expl.shipped": "Every model in the zoo was trained with gradient clipping at 1.0: {ok} of {n} model cards record "
                    "clip = 1.0 (python -m cellviz.zoo.train); the claims experiment and “Watch it learn” clip at 1.0 "
                    "too.",
    "expl.shipped.others": " Other values found: {values}.",
    "expl.growth.header": "Growth per step against ρ",
    "expl.growth.read": "The same rotation and input at every ρ. The gradient first grows (factor > 1) from ρ ≈ {first}: "
                        "with tanh, ρ > 1 is necessary for explosion, and the saturated units (slope near 0) decide "
                        "how much more is needed.",
    "plot.clip.before": "before clipping",
    "plot.clip.after": "after clipping at τ = {tau}",
    "plot.clip.length": "sequence length",
    "plot.clip.y": "‖∇θ L‖ (log)",
    "plot.clip.title": "Parameter-gradient norm by sequence length, before and after clipping",
    "plot.growth.x": "spectral radius ρ of W_hh",
    "plot.growth.y": "growth per step back",
    "plot.growth.one": "1: neither grows nor shrinks",
    "plot.growth.title": "How fast ‖∂L/∂h_t‖ grows per step back, by ρ",
    # explanation blocks (views/explain.py): conventions, stacking, I/O shapes, PyTorch shapes
    "explain.conv.gru.title": "Reading a GRU tutorial? Where the conventions differ",
    "explain.conv.gru.text": "The equations above are PyTorch's, exactly as this model computes. Tutorials differ in "
                             "two places. **1. Which gate keeps the old state.** Cho et al. 2014 (eq. 7) and Keras "
                             "`GRUCell` (both `reset_after` modes: `h = z * h_tm1 + (1 - z) * hh`) use PyTorch's "
                             "convention: z is the share kept from h_{t−1}. The swapped form below is Chung et al. "
                             "2014's, also drawn in colah's and Wikipedia's diagrams: there z′ is the share of the new "
                             "candidate. It is the same model with z′ = 1 − z (negate the update gate's weights and "
                             "biases: σ(−a) = 1 − σ(a)). **2. Where r acts.** Cho et al., Chung et al. and Keras "
                             "`reset_after=False` multiply h_{t−1} by r before the matrix, U (r ⊙ h_{t−1}); PyTorch "
                             "multiplies the product after it, r ⊙ (W_hn h_{t−1} + b_hn) (Keras `reset_after=True`, "
                             "cuDNN). This one is a genuinely different model, not a renaming: weights trained in one "
                             "form do not give the same outputs in the other.",
    "explain.conv.gru.numbers": "Unit {unit} on this input: z averages {z}, so PyTorch keeps {keep} of h_{{t−1}} on "
                                "average; a tutorial using z′ would show z′ = 1 − z = {z_tut} for the same unit.",
    "explain.conv.lstm.title": "Reading an LSTM tutorial? How its notation maps onto these equations",
    "explain.conv.lstm.text": "Tutorials often write one matrix per gate acting on the concatenation [h_{t−1}, x_t] "
                              "and one bias: that matrix is [W_hf W_if] side by side, and the bias is b_if + b_hf "
                              "(PyTorch keeps two, see Compare cells). The candidate g is often called c̃. PyTorch "
                              "stores the four gates' rows in the order i, f, g, o inside weight_ih_l0 and "
                              "weight_hh_l0.",
    "explain.stack.title": "Stacking: what each of the {layers} layers reads",
    "explain.stack.text": "A stacked RNN feeds each layer's hidden-state sequence to the layer above as its input: "
                          "layer 0 reads x_t (input size {I}); every layer above reads the layer below's h_t, with "
                          "both directions concatenated (input size D·H = {D}·{H} = {DH}). Each layer has its own "
                          "weights and its own recurrence in time; only the top layer's h_t is the module's output. "
                          "The table shows how this model's layers differ on this input (layer {layer} is shown above).",
    "explain.stack.one.title": "Stacking: what a second layer would read",
    "explain.stack.one.text": "This model has one layer. Stacked, layer 1 would read this layer's h_t at every step "
                              "as its input (input size D·H = {D}·{H} = {DH} instead of {I}), with weights and a "
                              "recurrence of its own; only the top layer's h_t would be the output. Stacked models "
                              "in the zoo: {models}.",
    "explain.hand.title": "The equations by hand equal {module}: largest |difference| {dh}",
    "explain.hand.text": "The code below is the cell written out step by step, exactly the equations above. It runs "
                         "now on this page's input, every layer reading the hand-written layer below, and "
                         "{module} runs on the same input one step at a time with the same weights.",
    "explain.hand.col.direction": "direction",
    "explain.hand.col.steps": "steps",
    "explain.hand.caption": "Largest |h by hand − h of torch| over every step, layer and direction: {dh}{dc} "
                            "(float32 rounding).",
    "explain.hand.caption_c": "; of c: {dc}",
    "explain.stack.col.layer": "layer",
    "explain.stack.col.reads": "reads",
    "explain.stack.col.inputs": "input size",
    "explain.stack.col.abs_h": "mean |h|",
    "explain.stack.col.saturated": "|h| > 0.95",
    "explain.stack.col.grad": "mean ‖∂L/∂h_t‖",
    "explain.stack.reads_x": "the input x_t",
    "explain.stack.reads_h": "h_t of layer {below}",
    "io.N->1": "many-to-one (N→1)",
    "io.1->N": "one-to-many (1→N)",
    "io.N->N": "many-to-many (N→N)",
    "io.N->M": "sequence-to-sequence (N→M)",
    "explain.io.header": "The four input/output shapes",
    "explain.io.col.shape": "shape",
    "explain.io.col.example": "typical example",
    "explain.io.col.zoo": "zoo tasks of this shape",
    "explain.io.col.models": "zoo models",
    "explain.io.ex.N->1": "classification: read a whole sentence, output its sentiment",
    "explain.io.ex.1->N": "generation: from one input (a shape, a start token), produce a sequence",
    "explain.io.ex.N->N": "tagging, language modelling, forecasting: one output per input step",
    "explain.io.ex.N->M": "translation: an encoder reads the source, a decoder writes an output of another length",
    "explain.io.note": "The cell is the same in all four; what differs is where the head reads the states and where "
                       "the loss sits, which is why the gradient page reads differently for each shape.",
    "explain.shapes.title": "In PyTorch: what {module} returns for this input",
    "explain.shapes.text": "Mapped onto this page (T = {T} steps, D = {D} direction(s), {L} layer(s), H = {H}): "
                           "output[t] is the h_t of layer {top}, the top one (both directions side by side); "
                           "h_n[layer·D + direction] is that layer's and direction's final h — for the forward "
                           "direction the h at t = {last}, for the reverse direction the h at t = 0, where it ends.",
    "explain.shapes.checked": "Checked on this trace: every h_n row equals the h this page shows at that step.",
    "explain.shapes.unchecked": "On this trace h_n does not equal the final h drawn (an intervention changed it?).",
    "list.sep": ", ", "list.sep2": "; ",
    # the long-memory lesson (issue 11): tour slides, claims figures and summary — owned by the claims helper
    "tour.rnn.title": "1 · A vanilla RNN can hold a cue; learning to is the hard part",
    "tour.rnn.headline": "lag-rnn answers {prediction} at lag {lag}; its unit {unit} ends at A {a}, B {b}, C {c}, "
                         "D {d}: one bit, {low} against {high}.",
    "tour.rnn.body": "A linear read-out of all of h names the cue in {acc} of {n_inputs} new inputs. From scratch at "
                     "one lag, an RNN learned lags up to {scratch} ({seeds} seeds).",
    "tour.rnn.body.nocl": "A linear read-out of all of h names the cue in {acc} of {n_inputs} new inputs.",
    "tour.rnn.notes": "The lag task shows a cue (A–D), distractors, then ‘?’: name the cue. A vanilla RNN rewrites its "
                      "whole state at every step, $h_t = \\tanh(W x_t + U h_{{t-1}} + b)$; this one holds the cue by "
                      "driving units into saturation (slide 4's GRU holds it without saturating). Unit {unit} on this "
                      "input: right after the cue h = {h0}, at the last distractor h = {h1}, between {lo} and {hi} over "
                      "the distractors. The four end values: the same distractors after each cue. The read-out accuracy: "
                      "the model's own linear head on {n_inputs} fresh inputs at lag {lag} (random cues and distractors, "
                      "seed 0).",
    "tour.rnn.learn": "**Learning it is the hard part** (the experiment of slide 6, {seeds} seeds): trained from "
                      "scratch at exactly one lag, the RNN learned lags up to {scratch}. With a curriculum of lags "
                      "growing from 5, its largest lag learned is {curriculum} ({reached}); afterwards it is right "
                      "{held} of the time at lag {far}.",
    "tour.below_float32": "below float32 range",
    "tour.below_float32.range": "steps 0–{t}: below float32 range (exactly 0)",
    "tour.ratio.zero": "0 (below float32 range)",
    "tour.claims.range": "{med} (seeds: {lo} to {hi})",
    "tour.claims.none_lag": "none",
    "tour.rnn.figure": "Hidden state of {name}: units × time",
    "tour.grad.title": "2 · Why learning from scratch fails: the gradient contracts",
    "tour.grad.headline": "Before training, ‖∂L/∂h‖ at the cue is {untrained} of its value at the ‘?’, {lag} steps "
                          "later.",
    "tour.grad.body": "No unit is saturated then (mean 1−h² = {slope_untrained}): the cause is contraction, "
                      "ρ(W_hh) = {rho_untrained}. Training builds a latch (ρ = {rho_trained}, mean 1−h² = "
                      "{slope_trained}) that blocks the gradient too: {trained}.",
    "tour.grad.text": "To hold a bit, an RNN can **latch**: drive a unit into saturation, where the distractors cannot "
                      "move it (Bengio, Simard & Frasconi 1994). Training sends the error back one step at a time, "
                      "multiplying by each step's Jacobian (the equation).",
    "tour.grad.text2": "Two things shrink that product. Saturation, $1 - h_t^2 \\approx 0$, is what the trained latch "
                       "does: the state that holds the bit is the state the gradient cannot pass. Before training no unit "
                       "saturates, but a recurrent matrix of spectral radius below 1 contracts the gradient at every "
                       "step, so a cue far back gets almost no learning signal: that is what stops learning from scratch.",
    "tour.grad.notes": "Measured on this input (lag {lag}), loss at the ‘?’: ‖∂L/∂h‖ at the cue relative to its value at "
                       "the ‘?’ is {untrained} before training (snapshot {snap}) and {trained} after. ρ(W_hh): the "
                       "spectral radius of the recurrent matrix, {rho_untrained} before and {rho_trained} after; mean "
                       "$1 - h^2$ over every unit and distractor step: {slope_untrained} before, {slope_trained} after.",
    "tour.grad.claims": "In the experiment, at initialisation, {k} steps back (median of {seeds} seeds): {values}.",
    "tour.grad.figure": "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ on this input (log scale), loss at the ‘?’",
    "tour.grad.untrained": "before training: ρ(W_hh) {rho}, mean 1−h² {slope}",
    "tour.grad.trained": "trained: ρ(W_hh) {rho}, mean 1−h² {slope}",
    "tour.grad.y": "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ (log scale)",
    "tour.lstm.title": "3 · The LSTM: a cell state the forget gate can keep",
    "tour.lstm.headline": "lag-lstm's cue unit {unit} keeps f = {f} for {n} steps: its cell state carries the cue to "
                          "the ‘?’ (c = {c1}).",
    "tour.lstm.body": "But at |c| ≈ {c_abs} the output tanh saturates: tanh′(c) = {tanh_prime} in float32, so this "
                      "unit's ‖∂L/∂c_t‖ is exactly 0 from step {zero} on. f ≈ 1 comes from chrono init.",
    "tour.lstm.body.nozero": "At |c| ≈ {c_abs} the output tanh is close to saturation: tanh′(c) = {tanh_prime}. "
                             "f ≈ 1 comes from chrono init.",
    "tour.lstm.text": "An LSTM adds a cell state $c$ and three sigmoid gates: forget $f$, input $i$, output $o$.",
    "tour.lstm.text2": "Along $c$ one step's Jacobian is just $f_t$ — no squashing $\\tanh'$ — so with $f \\approx 1$ "
                       "the gradient reaches far back. Whether $f$ is near 1 is up to training and initialisation: "
                       "the 1997 LSTM had no forget gate at all ($f \\equiv 1$); PyTorch's default starts $f$ near 0.5.",
    "tour.lstm.notes": "Measured on the live lag-lstm (lag {lag}; chrono init, forget-gate biases drawn from "
                       "log U(1, {top_m1}); curriculum {levels}). Unit {unit} separates the four cues most. Over the {n} "
                       "distractors its mean f = {f} and mean i = {i}: c keeps adding the candidate, from {c0} after the "
                       "cue to {c1} at the last distractor, so the cue is held in the direction c drifts, not in a frozen "
                       "value. h = o·tanh(c) ends at {h1} (mean o = {o}). Since tanh′(c) = 1 − tanh²(c) rounds to 0 in "
                       "float32 once |c| is past about 9, the loss reaches this unit's c only through its first steps. "
                       "It answers {prediction}.",
    "tour.like_with_like": "Like with like (the claims experiment, trained from scratch, largest lag learned): LSTM "
                           "default init {lstm_default}, chrono init {lstm_chrono}; GRU default init {gru_default}, "
                           "z-bias-1 init {gru_keep1}. lag-lstm has chrono init and lag-gru PyTorch's default: part of their "
                           "difference is initialisation, not architecture.",
    "tour.lstm.zero": "exactly 0: tanh′(c) = 0 in float32",
    "tour.lstm.figure": "Cue unit {unit} over time",
    "tour.gru.title": "4 · The GRU: how this one really holds the cue",
    "tour.gru.headline": "lag-gru holds the cue near a stable state: a nudge to h after the cue shrinks to {gain}× by "
                         "the ‘?’ (lag-rnn: {rnn_gain}×).",
    "tour.gru.body": "Nothing saturates: cue unit {unit} has n ≤ {n_max} and z = {z}, taking {new} of the new n each "
                     "step. Its init differs from lag-lstm's (default, not chrono): see the notes.",
    "tour.gru.text": "A GRU has one state and two gates, reset $r$ and update $z$; in PyTorch's convention:",
    "tour.gru.convention": "PyTorch's convention, $h_t = (1 - z_t) n_t + z_t h_{t-1}$, is also Cho et al. 2014's (eq. 7) "
                           "and Keras `GRUCell`'s (both `reset_after` modes: `h = z * h_tm1 + (1 - z) * hh`). The swapped "
                           "form, $h_t = (1 - z_t) h_{t-1} + z_t n_t$, is Chung et al. 2014's, also drawn in colah's and "
                           "Wikipedia's diagrams. Where r acts differs too: Cho et al. and Keras `reset_after=False` apply "
                           "r to $h_{t-1}$ before the matrix, PyTorch after it.",
    "tour.gru.notes": "Measured on the live lag-gru (lag {lag}; PyTorch's default init; curriculum {levels}). Cue unit "
                      "{unit}: mean z = {z}, r = {r}, n = {n} (largest {n_max}) over the {n_steps} distractors; h stays "
                      "between {lo} and {hi}. The largest |eigenvalue| of the step Jacobian ∂h_t/∂h_(t−1) over the "
                      "distractors: median {eig}, largest {eig_max}; the norm of their product over the {n_steps} "
                      "distractors is {gain} (lag-rnn: {rnn_gain}): a perturbation dies out slowly, and the state "
                      "settles near the point its cue chose. It answers {prediction}.",
    "tour.gru.figure": "Cue unit {unit} over time",
    "tour.claims.title": "6 · The claims, measured — and what they depend on",
    "tour.claims.headline": "From scratch at one lag, the default LSTM learned lags up to {lstm}, the RNN {rnn}, the "
                            "chrono-initialised LSTM {chrono} (medians of {seeds} seeds).",
    "tour.claims.body": "Same data, budget and seeds for every row. Initialisation moves the reach as much as the cell "
                        "does: “RNN 10–20 steps, LSTM 100+” depends on init, curriculum, budget and task.",
    "tour.claims.at_least": "≥ {lag}",
    "tour.claims.row": "**{row}**: from scratch, largest lag {scratch}; with the curriculum, {curriculum} ({reached}).",
    "plot.claims.row.rnn": "RNN",
    "plot.claims.row.lstm": "LSTM (default init)",
    "plot.claims.row.lstm-forget1": "LSTM, forget bias 1",
    "plot.claims.row.lstm-chrono": "LSTM, chrono init",
    "plot.claims.row.gru": "GRU (default init)",
    "plot.claims.row.gru-keep1": "GRU, z bias 1",
    "plot.claims.one_bit": "one bit (50%)",
    "plot.claims.acc.from_scratch": "From scratch at one lag: accuracy",
    "plot.claims.acc.curriculum": "After the curriculum: accuracy vs test lag",
    "plot.claims.level": "curriculum level (lag)",
    "plot.claims.step": "training step when learned",
    "plot.claims.steps.title": "Curriculum: the step each lag was learned",
    "plot.claims.k": "distance k from the loss (steps)",
    "plot.claims.grad.y": "‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖",
    "plot.claims.grad.title": "At initialisation: the gradient k steps back",
    # the claims experiment v2 (assets/claims.json schema 2, worded by cellviz.zoo.claims_report)
    "claims.task.lag": "Lag", "claims.task.prefix": "Prefix", "claims.task.adding": "Adding problem",
    "claims.level.lag": "lag", "claims.level.length": "length T",
    "claims.not_within": "not within budget",
    "claims.not_within_some": "not within budget ({k} of {seeds} seeds learned it, the fastest at {lo})",
    "claims.range": "{med} ({lo}–{hi})",
    "claims.range_c": "{med} ({lo}–{hi}; {n} of {seeds} seeds not within budget)",
    "claims.below_f32": "below float32 range",
    "claims.rule.accuracy": "learned = held-out accuracy ≥ {value}; chance {chance}",
    "claims.rule.mse": "learned = held-out MSE ≤ {value}; always answering 1 scores {baseline}, keeping only one of "
                       "the two values {one_value}",
    "claims.col.row": "row", "claims.col.largest": "largest {level} learned",
    "claims.col.steps_to": "steps to {level} {L}", "claims.col.scratch": "from scratch: steps to {level} {L}",
    "claims.col.grad": "gradient k = {k} back, untrained",
    "claims.short.rnn": "RNN", "claims.short.lstm": "LSTM", "claims.short.lstm-forget1": "LSTM b_f=1",
    "claims.short.lstm-chrono": "LSTM chrono", "claims.short.gru": "GRU", "claims.short.gru-keep1": "GRU b_z=1",
    "claims.head.every": "every row", "claims.head.every_gated": "every gated row",
    "claims.head.none": "no level",
    "claims.head.reach": "{rows} {level}",
    "claims.head.start": "{task} ({seeds} seeds), largest {name} learned: {reach}",
    "claims.head.speed": "fastest to {name} {L}: {fast} ({fsteps} steps), slowest {slow} ({ssteps})",
    "claims.head.speed1": "{rows} learned {name} {L} in {steps} steps",
    "claims.head.not_ref": "{rows} did not learn {name} {L} within budget",
    "claims.head.no_ref": "no row learned {name} {L} within budget",
    "claims.head.init_level": "{cell} initialisation changes the reach ({values})",
    "claims.head.init_speed": "{cell} initialisation changes the speed ({values} steps)",
    "claims.head.init_none": "{cell} initialisation: no 1.5-fold change",
    "claims.head.gate_fails": "the RNN did as well as every gated row, so the hypothesis that this task needs a gate "
                              "fails here",
    "claims.head.gate_holds": "the RNN got less far than every gated row",
    "claims.head.gate_some": "the RNN got as far as {rows}",
    "claims.head.join": "; ", "claims.head.end": ".",
    "claims.protocol.lag": "**Lag**: a cue A–D first, then distractors w–z, then ‘?’; answer the cue.",
    "claims.protocol.prefix": "**Prefix**: {min_prefix}–{max_prefix} decoys (A–D and w–z, unmarked), then ‘!’ and "
                              "the cue, distractors w–z, ‘?’; answer the marked cue.",
    "claims.protocol.adding": "**Adding problem** (Hochreiter & Schmidhuber 1997, exp. 4): T values in [0, 1], two "
                              "of them marked (one in each half); answer their sum.",
    "claims.protocol": "{rows} rows, {seeds} seeds each, all trained the same way: {hidden} units, Adam (learning "
                       "rate {lr}), batch {batch}, gradient clipping at {clip}. Curriculum: levels ({name}) {levels}; "
                       "at level L the {name} is drawn from [{min_level}, L]; checked every {every} steps on {val_n} "
                       "held-out sequences at exactly L ({rule}); the run moves up when learned and stops after "
                       "{stuck} steps on one level without learning it. From scratch: a fresh model trained and "
                       "checked at exactly one {name} ({scratch}), at most {scratch_budget} steps. Gradient at "
                       "initialisation: {grad_n} sequences of {name} {grad_level}.",
    "claims.run": "Reproduce with `{command}`. This run: {minutes} min wall clock, {cpu} CPU-minutes in the runs, "
                  "{workers} worker processes, {cpus} cores. Machine: {note}.",
    "claims.plot.largest": "largest {level} learned",
    "claims.plot.levels.title": "{task}: the largest level each row learned (every seed)",
    "claims.plot.ge_note": "△ learned the top level: ≥ {top}",
    "claims.plot.censored": "{n} of {seeds} seeds not within budget (stopped at step {steps}: ≥ {steps})",
    "claims.plot.level": "curriculum level ({level})",
    "claims.plot.speed.title": "{task}: the step each level was learned (checked every {every} steps)",
    "claims.plot.open_note": "△ not within budget: where the run stopped",
    "claims.plot.budget": "budget {steps} steps",
    "claims.plot.scratch.title": "{task}, from scratch: steps to learn one level",
    "claims.plot.grad.title": "{task}, at initialisation: the gradient k steps back (level {level})",
    "plot.seed": "seed",
    "compare.claims.v2.intro": "Three tasks, six rows, every row trained the same way. Each tab: one headline "
                               "computed from assets/claims.json, then one chart per question.",
    "compare.claims.details": "Protocol, and how this run was made",
    "compare.claims.table": "Per row: median over seeds (min–max); “not within budget”: not learned in the steps "
                            "the run had.",
    "compare.claims.header": "Claims, measured: how long a lag each cell learns, and how fast",
    "compare.claims.old": "assets/claims.json comes from an older version of the experiment: rerun `{command}`.",
    "compare.claims.command": "Reproduce with `{command}` (this run: {minutes} min wall clock on a shared machine, "
                              "{cpu} CPU-minutes in all, in 2 worker processes).",
    "compare.claims.protocol": "**Protocol.** Long-lag recall: a cue (one of four symbols), distractors, then ‘?’; "
                               "chance is {chance}. {rows} rows, {seeds} seeds each, all trained the same way: {hidden} "
                               "units, Adam (learning rate {lr}), batch {batch}, gradient clipping at {clip}. **With a "
                               "curriculum**: levels {levels}; at level L the lags are drawn from [{min_lag}, L], "
                               "accuracy is checked every {every} steps on {val_n} sequences at exactly L, and the run "
                               "moves up at ≥ {advance}; at most {budget} steps in all and {stuck} on one level. **From "
                               "scratch** (a separate finding): a fresh model trained and checked at exactly one lag "
                               "({scratch_lags}), at most {scratch_budget} steps.",
    "compare.claims.range": "{med} (over the seeds: from {lo} to {hi})",
    "compare.claims.reached": "lag {top} learned by {n} of {seeds} seeds, median {steps} steps",
    "compare.claims.not_reached": "lag {top} not learned",
    "compare.claims.row": "**{row}** — with the curriculum: largest lag {curriculum}, {reached}; afterwards right "
                          "{held} of the time at lag {far}. From scratch: largest lag {scratch}.",
    "compare.claims.gradients": "**Gradients at initialisation** (bottom right): ‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖ on "
                                "{examples} sequences of lag {lag}, before any training, median over seeds; thin "
                                "lines: the LSTM's cell state c. At k = {k}: {values}.",
    "compare.claims.caveat": "**What this depends on.** The initialisation (PyTorch's default LSTM starts with f ≈ 0.5; "
                             "the 1997 LSTM had no forget gate, f ≡ 1; the chrono init starts f near 1), the curriculum "
                             "and the step budget. A lag not learned means “not learned within this budget”, not "
                             "“cannot be represented”. Chance is 25%; 50% means one bit kept (two pairs of cues told "
                             "apart).",
    "compare.claims.finding": "**What the numbers say.** From scratch, the largest lag learned (median over seeds) "
                              "runs from {lo} ({lo_rows}) to {hi} ({hi_rows}). With the curriculum, {curriculum}.",
    "compare.claims.finding.all": "every row learned lag {top} with every seed, within {steps} steps, and is then right "
                                  "{acc} of the time at lag {far}: learned on short lags first, the cue is held far "
                                  "beyond them",
    "compare.claims.finding.some": "{n} of {rows} rows learned lag {top} with every seed",
    "grad.claims.v2": "**Learning, not just holding.** These are the trained models' curves. Whether a cell can "
                      "*learn* this task depends on the gradient before training. In the claims experiment (page "
                      "“{page}”, {task}), the share of the gradient at the loss that reaches {k} steps back in an "
                      "untrained model is: {values}. With the curriculum, the largest {name} learned (median over "
                      "seeds) was: {reach}.",
    "grad.claims.lag": "**Learning, not just holding.** These are the trained models' curves. Whether a cell can "
                       "*learn* a long lag depends on the gradient before training. In the claims experiment (page "
                       "“{page}”), the share of the gradient at the ‘?’ that reaches {k} steps back in an untrained "
                       "model is: {values}. Trained from scratch at one lag, the largest lag learned was: {reach}.",
}
