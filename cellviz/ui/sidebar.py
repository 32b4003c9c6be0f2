"""The sidebar: model picker, input, layer and direction, downloads. Returns the traced `Subject` or None."""
from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
import torch

import cellviz
from cellviz.zoo.tasks import ParseOption

from . import data, downloads, state, uploads
from .safety import NAME_CHARS, PREDICTION_CHARS, REASON_CHARS, escape_markdown
from ..i18n import CATALOGUES, card_metrics, has, label, t

log = logging.getLogger(__name__)


def render() -> data.Subject | None:
    """Draw the sidebar; the subject every view shows, or None (with a message saying why)."""
    names = data.zoo_names()
    state.init(default_model(names))
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        st.caption(t("app.tagline"))
        language_picker()
        options = names + [state.UPLOAD]
        if state.get("model") not in options:
            state.put("model", options[0])
        st.selectbox(t("model.label"), options, key="model", help=t("model.help"), on_change=state.reset_for_new_model,
                     format_func=_labels({state.UPLOAD: t("model.upload")}))
        failed: list[str] = []
        subject = _upload(failed) if state.get("model") == state.UPLOAD else _zoo(state.get("model"))
        if subject is not None:
            _layer_and_direction(subject.trace)
            downloads.trace_buttons(subject)
    for message in failed:            # an upload's failure in the main area too, not only below the fold
        st.error(message)
    return subject


DEFAULT_MODEL = "brackets-lstm"   # a new session's model: an LSTM whose counter unit a first look can find


def _labels(texts: dict) -> Callable[[object], str]:
    """A widget's format_func from labels worded now, in the session's language (Streamlit may call it later,
    outside the run: AppTest does, in its own thread), other options shown as they are."""
    return lambda option: texts.get(option, str(option))


def default_model(names: list[str]) -> str:
    """The model a new session starts with: DEFAULT_MODEL, else the first LSTM of the zoo (the zoo grows: the
    alphabetically first LSTM is not a stable choice)."""
    if DEFAULT_MODEL in names:
        return DEFAULT_MODEL
    return next((n for n in names if n.endswith("-lstm")), names[0]) if names else state.UPLOAD


def language_picker() -> None:
    """The language switch (key `lang`), each language named in itself; a change reruns the whole app."""
    if state.get("lang") not in CATALOGUES:
        state.put("lang", "en")
    st.selectbox(t("lang.label"), list(CATALOGUES), key="lang", help=t("lang.help"),
                 format_func=lambda code: CATALOGUES[code].get("lang.name") or code)


# --- zoo models ----------------------------------------------------------------------------------------
def _zoo(name: str) -> data.Subject | None:
    card = data.zoo_card(name)
    st.caption(t("model.card", cell=card["cell"].upper(), io=label("io", card["io"]), task=label("task", card["task"]),
                 layers=card["num_layers"], hidden=card["hidden_size"], params=f"{card['params']:,}",
                 bi=t("model.bi") if card["bidirectional"] else ""))
    for line in card_metrics(card):
        st.caption(line)
    if card.get("snapshots"):
        choices = [state.FINAL, *card["snapshots"]]
        if state.get("snapshot") not in choices:
            state.put("snapshot", state.FINAL)
        st.selectbox(t("model.snapshot"), choices, key="snapshot",
                     format_func=_labels({state.FINAL: t("model.snapshot.final")}))
    model = data.zoo_model(name)
    parts = model.parts()
    if state.get("part") not in parts:
        state.put("part", parts[0])
    if len(parts) > 1:
        st.radio(t("model.part"), parts, key="part", horizontal=True,
                 format_func=_labels({p: t(f"model.part.{p}") for p in parts}))
    source = _zoo_input(name, model.task)
    try:
        subject = data.zoo_subject(data.ZooSource(name, source, state.get("part"), state.snapshot()))
    except ValueError as e:
        st.error(t("input.invalid", reason=escape_markdown(e, REASON_CHARS)))
        return None
    st.markdown(t("input.prediction", prediction=escape_markdown(subject.prediction, PREDICTION_CHARS)))
    return subject


def _zoo_input(name: str, task) -> data.Sample | data.Typed:
    """The input form for a zoo task; the input it describes (a sample number, or typed text with options)."""
    st.markdown(f"**{t('input.header')}**")
    if state.get("text") is None:
        state.put("text", _sample_text(name, state.get("sample_seed")))
    if task.input_kind == "series":
        help_text = t("input.series.help", max_len=task.max_len)
    else:
        help_text = t("input.text.help", choices=" ".join(repr(c) for c in task.choices), max_len=task.max_len)
    st.text_area(t("input.text"), key="text", help=help_text, height=90, max_chars=data.MAX_TEXT_CHARS,
                 on_change=state.put, args=("source", "typed"))
    st.button(t("input.sample"), help=t("input.sample.help"), on_click=_next_sample, args=(name,))
    opts = data.parse_options(name)
    for opt, param in opts.items():
        _option_input(opt, param)
    if state.get("source") == "sample":
        return data.Sample(int(state.get("sample_seed")))
    text = state.get("text") or ""
    chosen = tuple(sorted((k, v) for k, v in state.options().items() if k in opts))
    return data.Typed(text, chosen)


def _option_input(name: str, option: ParseOption) -> None:
    """A number input for one parse option (lag, period, amplitude, length); empty = the task's default."""
    key = state.OPTION_PREFIX + name
    is_int = option.type is int
    if not state.has(key):
        state.put(key, option.default)
    st.number_input(t(f"input.{name}") if has(f"input.{name}") else name, key=key, step=1 if is_int else 0.5,
                    format=None if is_int else "%.2f", help=t(f"input.{name}.help") if has(f"input.{name}.help") else None,
                    on_change=state.put, args=("source", "typed"))


def _sample_text(name: str, seed: int) -> str:
    return data.zoo_model(name).task.sample(int(seed)).text


def _next_sample(name: str) -> None:
    seed = int(state.get("sample_seed")) + 1
    state.put("sample_seed", seed)
    state.put("source", "sample")
    state.put("text", _sample_text(name, seed))
    state.put("step", 0)


# --- uploads -------------------------------------------------------------------------------------------
def _keep_upload() -> None:
    """on_change of the uploader: hold the file's bytes once for the server (`uploads.hold`, within one budget for
    every session) and keep only its name and digest in the session; Streamlit's own copy is released."""
    uploaded = state.get("upload")
    if uploaded is None:
        state.put("upload_file", None)
        return
    if not hasattr(uploaded, "getvalue"):   # Streamlit's DeletedFile: the copy `_release` dropped; the file is held
        return
    state.put("upload_file", (uploaded.name, uploads.hold(uploaded.getvalue())))
    _release(uploaded)


def _release(uploaded) -> None:
    """Drop the uploader's server-side copy of the file (Streamlit keeps it until the session ends; its own
    chat input releases files the same way). The widget still shows the file's name."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "uploaded_file_mgr", None)
    file_id = getattr(uploaded, "file_id", None)
    if ctx is not None and file_id and hasattr(manager, "remove_file"):
        try:
            manager.remove_file(ctx.session_id, file_id)
        except Exception:   # noqa: BLE001 — a Streamlit without it: its copy then lives as long as the session
            log.exception("could not release the uploader's copy of %s", uploaded.name)


def _upload(failed: list[str]) -> data.Subject | None:
    """The upload form and its subject; messages of a failed upload are also appended to `failed`."""
    def fail(message: str) -> None:
        st.error(message)
        failed.append(message)

    st.file_uploader(t("upload.label"), key="upload", help=t("upload.help"), on_change=_keep_upload)
    if state.get("upload_file") is None:
        st.info(t("upload.prompt"))
        return None
    name, key = state.get("upload_file")
    raw = uploads.held(key)
    shown_name = escape_markdown(name, NAME_CHARS)
    st.caption(t("upload.current", name=shown_name))
    st.text_input(t("upload.prefix"), key="upload_prefix", help=t("upload.prefix.help"),
                  max_chars=uploads.MAX_PREFIX_CHARS)
    try:
        parts = uploads.upload_parts(key, raw, state.get("upload_prefix"), state.get("upload_nonlinearity"))
        module = parts.module
    except ValueError as e:           # CheckpointError is a ValueError
        fail(t("upload.failed", name=shown_name, reason=escape_markdown(e, REASON_CHARS)))
        _prefix_picker(getattr(e, "candidates", []))
        return None
    except Exception as e:            # a file that breaks a parser must not break the page
        log.exception("upload %s failed", name)
        fail(t("upload.failed", name=shown_name, reason=escape_markdown(f"{type(e).__name__}: {e}", REASON_CHARS)))
        return None
    if isinstance(module, torch.nn.RNN):      # what a state_dict cannot say, asked only where it matters
        st.radio(t("upload.nonlinearity"), ["tanh", "relu"], key="upload_nonlinearity", horizontal=True,
                 help=t("upload.nonlinearity.help"))
    st.caption(t("upload.loaded", kind=type(module).__name__, inputs=module.input_size, hidden=module.hidden_size,
                 layers=module.num_layers, bi=t("model.bi") if module.bidirectional else "",
                 params=f"{sum(p.numel() for p in module.parameters()):,}"))
    head = "" if parts.head_weight is None else t("upload.parts.head", head=escape_markdown(parts.head_key, 80),
                                                    outputs=int(parts.head_weight.shape[0]))
    if parts.embedding is not None:
        st.caption(t("upload.parts", embedding=escape_markdown(parts.embedding_key, 80),
                     vocab=int(parts.embedding.shape[0]), inputs=int(parts.embedding.shape[1]), head=head))
    elif parts.head_weight is not None:
        st.caption(t("upload.head", head=escape_markdown(parts.head_key, 80), outputs=int(parts.head_weight.shape[0])))
    source = uploads.UploadSource(key, name, state.get("upload_prefix"), state.get("upload_nonlinearity"),
                                  _upload_input(module, parts, key))
    try:
        subject = uploads.upload_subject(source, raw)
    except ValueError as e:
        fail(t("input.invalid", reason=escape_markdown(e, REASON_CHARS)))
        return None
    st.caption(upload_reading(subject, module))
    if parts.head_weight is not None:
        st.caption(t("upload.loss", loss=t(f"loss.{subject.loss}")))
    if subject.prediction is not None:
        st.markdown(t("input.prediction", prediction=escape_markdown(subject.prediction, PREDICTION_CHARS)))
    return subject


def upload_reading(subject: data.Subject, module) -> str:
    """How the upload's input was read: T steps x B sequences x I features, batch_first, the nonlinearity."""
    tr = subject.trace
    nonlinearity = t("upload.read.nonlinearity", name=tr.nonlinearity) if isinstance(module, torch.nn.RNN) else ""
    return t("upload.read", steps=tr.seq_len, batch=tr.batch_size, inputs=tr.x.shape[-1],
             batch_first=bool(getattr(module, "batch_first", False)), nonlinearity=nonlinearity)


def _prefix_picker(candidates: list[str]) -> None:
    """The recurrent modules the file holds, to pick one (it becomes the prefix)."""
    if len(candidates) < 2:
        return
    st.selectbox(t("upload.pick"), candidates[:100], index=None, key="upload_pick",
                 format_func=_labels({"": t("upload.pick.top")}),
                 on_change=lambda: state.put("upload_prefix", state.get("upload_pick") or ""))


def _keep_vocab() -> None:
    """on_change of the vocabulary uploader: hold its bytes like the checkpoint's."""
    uploaded = state.get("upload_vocab")
    if uploaded is not None and not hasattr(uploaded, "getvalue"):     # DeletedFile: released, already held
        return
    state.put("upload_vocab_file", None if uploaded is None else (uploaded.name, uploads.hold(uploaded.getvalue())))
    if uploaded is not None:
        _release(uploaded)


def _upload_input(module, parts=None, key: str = "") -> uploads.UploadInput:
    width, most = module.input_size, uploads.upload_steps(module)
    embedded = parts is not None and parts.embedding is not None
    st.markdown(f"**{t('input.header')}**")
    if most < uploads.MAX_UPLOAD_STEPS:
        st.caption(t("upload.steps_cap", steps=most, mb=uploads.UPLOAD_TRACE_BYTES // 2**20))
    choices = (["tokens"] if embedded else []) + ["random", "onehot", "typed"]
    if state.get("upload_source_for") != key:         # a new file: an embedding's model reads tokens first
        state.put("upload_source_for", key)
        state.put("upload_source", choices[0])
    if state.get("upload_source") not in choices:
        state.put("upload_source", choices[0])
    st.radio(t("input.source"), choices, key="upload_source",
             format_func=_labels({c: t(f"input.source.{c}") for c in choices}))
    vocab = ""
    if state.get("upload_source") == "tokens":
        V = int(parts.embedding.shape[0])
        if not state.get("upload_tokens"):
            state.put("upload_tokens", " ".join(str(k % V) for k in range(8)))
        st.text_area(t("upload.tokens"), key="upload_tokens", help=t("upload.tokens.help", last=V - 1),
                     max_chars=uploads.MAX_NUMBERS_CHARS)
        st.file_uploader(t("upload.vocab"), key="upload_vocab", help=t("upload.vocab.help"), on_change=_keep_vocab)
        if state.get("upload_vocab_file"):
            vocab = state.get("upload_vocab_file")[1]
        return uploads.UploadInput("tokens", numbers=state.get("upload_tokens") or "", vocab=vocab,
                                   target=_target(parts))
    if state.get("upload_source") == "typed":
        st.text_area(t("input.numbers", width=width), key="upload_numbers", help=t("input.numbers.help", width=width),
                     max_chars=uploads.MAX_NUMBERS_CHARS)
    else:
        state.clamp("upload_length", 1, most)
        st.number_input(t("input.length"), min_value=1, max_value=most, step=1, key="upload_length")
        st.number_input(t("input.seed"), min_value=0, step=1, key="upload_seed")
    return uploads.UploadInput(state.get("upload_source"), int(state.get("upload_length")),
                               int(state.get("upload_seed")), state.get("upload_numbers") or "", target=_target(parts))


def _target(parts) -> str:
    """The head's target, typed (only for a file with a Linear head): one class or value for after the last
    step, or one per step; empty for none."""
    if parts is None or parts.head_weight is None:
        return ""
    outputs = int(parts.head_weight.shape[0])
    st.text_input(t("upload.target"), key="upload_target", max_chars=uploads.MAX_TARGET_CHARS,
                  help=t("upload.target.help.value") if outputs == 1 else t("upload.target.help.class",
                                                                                last=outputs - 1))
    return state.get("upload_target") or ""


# --- layer and direction -------------------------------------------------------------------------------
def _layer_and_direction(tr: cellviz.Trace) -> None:
    state.clamp("layer", 0, tr.num_layers - 1)
    state.clamp("direction", 0, tr.num_directions - 1)
    if tr.num_layers > 1:
        st.selectbox(t("nav.layer"), list(range(tr.num_layers)), key="layer")
    if tr.num_directions > 1:
        st.radio(t("nav.direction"), [0, 1], key="direction", horizontal=True,
                 format_func=_labels({d: t(f"nav.direction.{d}") for d in (0, 1)}))
